"""Placeholder views, replaced by the real pages."""

from django.http import Http404


def login(request, *args, **kwargs):
    raise Http404


def logout(request, *args, **kwargs):
    raise Http404


def user_list(request, *args, **kwargs):
    raise Http404


def team_list(request, *args, **kwargs):
    raise Http404


def team_create(request, *args, **kwargs):
    raise Http404


def team_detail(request, *args, **kwargs):
    raise Http404


def team_edit(request, *args, **kwargs):
    raise Http404


def token_list(request, *args, **kwargs):
    raise Http404


def token_revoke(request, *args, **kwargs):
    raise Http404
