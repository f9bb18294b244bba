"""The permissions matrix of the edit and delete doors, on the demo: every ``PATCH``, ``PUT``
and ``DELETE`` of the API and every edit page (the lists ``WRITES`` and ``EDIT_PAGES``,
checked against the OpenAPI document and the URL configuration by ``test_stale_writes``)
refuses a viewer and changes nothing, and an editor who owns nothing uses exactly the doors
editors share. ``tests/api/test_auth.py`` sends every operation without credentials and with a
revoked token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.utils import bearer_client
from tests.factories import UserFactory
from wavelength.accounts.models import Membership, Role, Team, User

from .test_stale_writes import EDIT_PAGES, WRITES, _shown, _version_shown

pytestmark = pytest.mark.django_db

# Writes on the caller's own settings, which a viewer may make: the object read back is theirs,
# so the demo's administrator's stays as it was.
OWN = {
    ("put", "/api/v1/insights/subscription"): "each person's subscription to the weekly report",
}
# What every editor changes, whoever made it ("editors change everything else", see
# docs/security.md); the rest belongs to its owner (a course, a meeting series, a comment, a
# saved view), to a product's gate keepers or to the administrators.
EDITORS_SHARE = {
    ("delete", "/api/v1/changelog/{entry_id}"),
    ("patch", "/api/v1/changelog/{entry_id}"),
    ("patch", "/api/v1/companies/{company_id}"),
    ("patch", "/api/v1/features/{feature_id}"),
    ("patch", "/api/v1/features/{feature_id}/roadmap"),
    ("patch", "/api/v1/features/{feature_id}/score"),
    ("patch", "/api/v1/feedback/{feedback_id}"),
    ("patch", "/api/v1/loop/messages/{message_id}"),
    ("patch", "/api/v1/pages/{page_id}"),
    ("delete", "/api/v1/planning/key-results/{key_result_id}"),
    ("patch", "/api/v1/planning/key-results/{key_result_id}"),
    ("patch", "/api/v1/planning/objectives/{objective_id}"),
    ("patch", "/api/v1/playbooks/{key}"),
    ("patch", "/api/v1/products/{key}"),
    ("put", "/api/v1/products/{key}/playbooks"),
    ("patch", "/api/v1/quality/cases/{case_id}"),
    ("patch", "/api/v1/quality/defects/{defect_id}"),
    ("patch", "/api/v1/quality/plans/{plan_id}"),
    ("put", "/api/v1/quality/releases/{release_id}/inspections/{checklist_id}"),
    ("patch", "/api/v1/quality/results/{result_id}"),
    ("patch", "/api/v1/quality/suites/{suite_id}"),
    ("patch", "/api/v1/releases/{release_id}"),
    ("put", "/api/v1/releases/{release_id}/playbooks"),
    ("delete", "/api/v1/research/competitors/{competitor_id}"),
    ("patch", "/api/v1/research/competitors/{competitor_id}"),
    ("delete", "/api/v1/research/notes/{note_id}"),
    ("patch", "/api/v1/research/notes/{note_id}"),
    ("delete", "/api/v1/research/personas/{persona_id}"),
    ("patch", "/api/v1/research/personas/{persona_id}"),
    ("delete", "/api/v1/research/questions/{question_id}"),
    ("patch", "/api/v1/research/questions/{question_id}"),
    ("patch", "/api/v1/research/studies/{study_id}"),
    ("patch", "/api/v1/research/surveys/{survey_id}"),
}
OWN_PAGES = {"insights:report-settings": OWN[("put", "/api/v1/insights/subscription")]}


def _matrix(demo, user, allowed) -> list[str]:
    """Every write of ``WRITES`` sent by ``user``: what answered otherwise than ``allowed``
    says (a set of statuses per door), and what a refused write changed anyway."""
    reader, api = bearer_client(demo.user), bearer_client(user)
    failures = []
    for (method, path), find in WRITES.items():
        args, body = find()
        url = re.sub(r"\{[^}]+\}", lambda _m, it=iter(args): str(next(it)), path)
        before = reader.get(url)
        response = getattr(api, method)(url, body, content_type="application/json")
        door = f"{method.upper()} {path}"
        if response.status_code not in allowed(method, path):
            failures.append(f"{door}: {user.get_role_display()} got {response.status_code}")
        if response.status_code in (403, 404):
            after = reader.get(url)
            if (after.get("ETag"), after.content) != (before.get("ETag"), before.content):
                failures.append(f"{door}: a refused write changed the object")
    return failures


def test_a_viewer_is_refused_every_edit_and_delete_and_nothing_changes(demo):
    """…but for their own settings (``OWN``), which change nobody else's."""
    viewer = User.objects.filter(role=Role.VIEWER, is_active=True).order_by("pk").first()
    failures = _matrix(
        demo, viewer, lambda method, path: (200, 204) if (method, path) in OWN else (403, 404)
    )
    assert not failures, "\n".join(failures)


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
    assert not failures, "\n".join(failures)


def test_an_editor_changes_what_editors_share_and_nothing_that_is_someone_elses(demo):
    """An editor new to the workspace (a team of their own, owning nothing): the doors of
    ``EDITORS_SHARE`` accept them; every other edit and delete is refused and changes nothing."""
    team = Team.objects.create(name="Partners", slug="partners")
    newcomer = UserFactory(email="newcomer@example.com", name="New Comer", role=Role.EDITOR)
    Membership.objects.create(team=team, user=newcomer)

    def allowed(method, path):
        shared = (method, path) in EDITORS_SHARE or (method, path) in OWN
        return (200, 204) if shared else (403, 404)

    failures = _matrix(demo, newcomer, allowed)
    assert not failures, "\n".join(failures)
