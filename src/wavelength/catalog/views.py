"""Placeholder views, replaced by the real pages."""

from django.http import Http404


def product_list(request, *args, **kwargs):
    raise Http404


def product_create(request, *args, **kwargs):
    raise Http404


def product_detail(request, *args, **kwargs):
    raise Http404


def product_edit(request, *args, **kwargs):
    raise Http404


def feature_list(request, *args, **kwargs):
    raise Http404


def feature_create(request, *args, **kwargs):
    raise Http404


def feature_detail(request, *args, **kwargs):
    raise Http404


def feature_edit(request, *args, **kwargs):
    raise Http404


def feature_move(request, *args, **kwargs):
    raise Http404


def release_list(request, *args, **kwargs):
    raise Http404


def release_create(request, *args, **kwargs):
    raise Http404


def release_detail(request, *args, **kwargs):
    raise Http404


def release_edit(request, *args, **kwargs):
    raise Http404


def release_ship(request, *args, **kwargs):
    raise Http404


def changelog_create(request, *args, **kwargs):
    raise Http404


def changelog(request, *args, **kwargs):
    raise Http404


def changelog_edit(request, *args, **kwargs):
    raise Http404
