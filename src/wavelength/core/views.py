"""Placeholder views, replaced by the real pages."""

from django.http import Http404


def home(request, *args, **kwargs):
    raise Http404


def search(request, *args, **kwargs):
    raise Http404
