"""The permissions matrix of the edit and delete doors, on the demo: every ``PATCH``, ``PUT``
and ``DELETE`` of the API and every edit page (the lists ``WRITES`` and ``EDIT_PAGES``,
checked against the OpenAPI document and the URL configuration by ``test_stale_writes``)
refuses a viewer and changes nothing. ``tests/api/test_auth.py`` sends
every operation without credentials and with a revoked token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.utils import bearer_client
from wavelength.accounts.models import Role, User

from .test_stale_writes import EDIT_PAGES, WRITES, _shown, _version_shown

pytestmark = pytest.mark.django_db

# Writes on the caller's own settings, which a viewer may make: the object read back is theirs,
# so the demo's administrator's stays as it was.
OWN = {
    ("put", "/api/v1/insights/subscription"): "each person's subscription to the weekly report",
}
OWN_PAGES = {"insights:report-settings": OWN[("put", "/api/v1/insights/subscription")]}


def _url(path: str, args: list) -> str:
    return re.sub(r"\{[^}]+\}", lambda _m, it=iter(args): str(next(it)), path)


def test_a_viewer_is_refused_every_edit_and_delete_and_nothing_changes(demo):
    """…but for their own settings (``OWN``), which change nobody else's."""
    viewer = User.objects.filter(role=Role.VIEWER, is_active=True).order_by("pk").first()
    reader, api = bearer_client(demo.user), bearer_client(viewer)
    failures = []
    for (method, path), find in WRITES.items():
        args, body = find()
        url = _url(path, args)
        before = reader.get(url)
        response = getattr(api, method)(url, body, content_type="application/json")
        allowed = (200, 204) if (method, path) in OWN else (403, 404)
        if response.status_code not in allowed:
            failures.append(f"{method.upper()} {path}: a viewer got {response.status_code}")
        after = reader.get(url)
        if (after.status_code, after.get("ETag"), after.content) != (
            before.status_code,
            before.get("ETag"),
            before.content,
        ):
            failures.append(f"{method.upper()} {path}: a viewer's write changed the object")
    assert failures == []


def test_a_viewer_is_refused_every_edit_page_and_nothing_changes(demo):
    """Every edit page (``EDIT_PAGES``): the administrator's form, posted by a viewer, is
    refused (but on the viewer's own settings, ``OWN_PAGES``) and changes nothing."""
    viewer = User.objects.filter(role=Role.VIEWER, is_active=True).order_by("pk").first()
    admin, intruder = Client(), Client()
    admin.force_login(demo.user)
    intruder.force_login(viewer)
    failures = []
    for name, find in EDIT_PAGES.items():
        url = reverse(name, args=find())
        status, form = _version_shown(admin, url)
        if status != 200 or form is None:
            failures.append(f"{name}: {status}, no form for the administrator")
            continue
        response = intruder.post(form["action"] or url, form["data"])
        if name not in OWN_PAGES and response.status_code not in (403, 404):
            failures.append(f"{name}: a viewer's post answered {response.status_code}")
        if _shown(_version_shown(admin, url)[1]) != _shown(form):
            failures.append(f"{name}: a viewer's post changed what the page shows")
    assert failures == []
