"""The permissions matrix of the write doors, on the demo: every ``PATCH``, ``PUT`` and
``DELETE`` of the API and every edit page (the lists ``WRITES`` and ``EDIT_PAGES``, checked
against the OpenAPI document and the URL configuration by ``test_stale_writes``), and every
``POST`` (``POSTS``, in ``post_doors``, checked against the OpenAPI document here). The
administrator's requests are accepted; a viewer is refused and nothing is written, but for what
any signed-in person does for themselves; an editor who owns nothing uses exactly the doors
editors share. ``tests/api/test_auth.py`` sends every operation without credentials and with a
revoked token."""

import re
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.utils import bearer_client
from tests.factories import UserFactory
from wavelength.accounts.models import Membership, Role, Team, User
from wavelength.integrations import webhooks

from .post_doors import JSON, NOT_SIGNED_IN, POSTS
from .test_stale_writes import EDIT_PAGES, WRITES, _shown, _version_shown

pytestmark = pytest.mark.django_db

# What any signed-in person does for themselves, viewers included: their own settings and
# tokens, and taking part (commenting, following, reading, learning: docs/conversations.md,
# docs/training.md). What they write is theirs; the demo's administrator's stays as it was.
OWN = {
    ("put", "/api/v1/insights/subscription"): "each person's subscription to the weekly report",
    ("post", "/api/v1/tokens"): "a token of one's own, for one's own scripts",
    ("post", "/api/v1/notifications/read"): "one's own notifications, marked read",
    ("post", "/api/v1/comments"): "anyone who may see an object comments on it, viewers too",
    ("post", "/api/v1/follows"): "anyone who may see an object follows it, viewers too",
    ("post", "/api/v1/pages/{page_id}/read"): "the reader's own receipt of a page's version",
    ("post", "/api/v1/training/courses/{course_id}/enrollment"): "a learner starts a course",
    ("post", "/api/v1/training/courses/{course_id}/lessons/{lesson_id}/complete"): (
        "a learner's own progress"
    ),
    ("post", "/api/v1/training/courses/{course_id}/quizzes/{quiz_id}/attempts"): (
        "a learner's own attempt at a quiz"
    ),
    ("post", "/api/v1/training/attempts/{attempt_id}/submit"): "a learner's own answers",
    ("post", "/api/v1/insights/views"): "a view of one's own; any member keeps one",
    ("post", "/api/v1/planning/roadmap/share"): (
        "a read-only link to what its maker reads; any signed-in person makes one"
    ),
}
# What every editor changes or creates, whoever made what it touches ("editors change
# everything else", see docs/security.md); the rest belongs to its owner (a course, a meeting
# series and the meetings its attendees run, a comment, a saved view, a page's approval), to a
# product's gate keepers (shipping past a failing gate) or to the administrators.
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
    ("post", "/api/v1/products"),
    ("post", "/api/v1/products/{key}/areas"),
    ("post", "/api/v1/features"),
    ("post", "/api/v1/releases"),
    ("post", "/api/v1/releases/{release_id}/changelog"),
    ("post", "/api/v1/feedback/email"),
    ("post", "/api/v1/feedback/imports"),
    ("post", "/api/v1/backlog/imports"),
    ("post", "/api/v1/companies"),
    ("post", "/api/v1/companies/{company_id}/merge"),
    ("post", "/api/v1/companies/merges/{merge_id}/undo"),
    ("post", "/api/v1/contacts"),
    ("post", "/api/v1/themes"),
    ("post", "/api/v1/feedback"),
    ("post", "/api/v1/feedback/bulk"),
    ("post", "/api/v1/feedback/bulk-update"),
    ("post", "/api/v1/feedback/{feedback_id}/links"),
    ("post", "/api/v1/feedback/{feedback_id}/merge"),
    ("post", "/api/v1/feedback/merges/{merge_id}/undo"),
    ("post", "/api/v1/features/{feature_id}/loop/prepare"),
    ("post", "/api/v1/features/{feature_id}/loop/send"),
    ("post", "/api/v1/playbooks"),
    ("post", "/api/v1/playbooks/{key}/versions"),
    ("post", "/api/v1/runs"),
    ("post", "/api/v1/runs/{run_id}/cancel"),
    ("post", "/api/v1/runs/{run_id}/steps/{step_id}/complete"),
    ("post", "/api/v1/runs/{run_id}/steps/{step_id}/reopen"),
    ("post", "/api/v1/runs/{run_id}/steps/{step_id}/skip"),
    ("post", "/api/v1/runs/{run_id}/steps/{step_id}/approve"),
    ("post", "/api/v1/runs/{run_id}/steps/{step_id}/assign"),
    ("post", "/api/v1/spaces"),
    ("post", "/api/v1/pages"),
    ("post", "/api/v1/pages/{page_id}/restore"),
    ("post", "/api/v1/pages/{page_id}/status"),
    ("post", "/api/v1/pages/{page_id}/verify"),
    ("post", "/api/v1/quality/suites"),
    ("post", "/api/v1/quality/cases"),
    ("post", "/api/v1/quality/plans"),
    ("post", "/api/v1/quality/runs"),
    ("post", "/api/v1/quality/runs/{run_id}/close"),
    ("post", "/api/v1/quality/results/{result_id}/evidence"),
    ("post", "/api/v1/quality/defects"),
    ("post", "/api/v1/quality/results/{result_id}/defect"),
    ("post", "/api/v1/quality/defects/{defect_id}/links"),
    ("post", "/api/v1/quality/junit"),
    ("post", "/api/v1/comments/{comment_id}/resolve"),
    ("post", "/api/v1/comments/{comment_id}/reopen"),
    ("post", "/api/v1/meetings/series"),
    ("post", "/api/v1/training/courses"),
    ("post", "/api/v1/training/courses/{course_id}/assignments"),
    ("post", "/api/v1/training/paths"),
    ("post", "/api/v1/training/paths/{path_id}/assignments"),
    ("post", "/api/v1/training/enablements"),
    ("post", "/api/v1/training/course-imports"),
    ("post", "/api/v1/research/surveys"),
    ("post", "/api/v1/research/surveys/{survey_id}/questions"),
    ("post", "/api/v1/research/surveys/{survey_id}/distributions"),
    ("post", "/api/v1/research/surveys/{survey_id}/reminders"),
    ("post", "/api/v1/research/releases/{release_id}/follow-ups"),
    ("post", "/api/v1/research/studies"),
    ("post", "/api/v1/research/studies/{study_id}/notes"),
    ("post", "/api/v1/research/notes/{note_id}/highlights"),
    ("post", "/api/v1/research/highlights/{highlight_id}/links"),
    ("post", "/api/v1/research/personas"),
    ("post", "/api/v1/research/competitors"),
    ("post", "/api/v1/planning/roadmap/plan"),
    ("post", "/api/v1/planning/objectives"),
    ("post", "/api/v1/planning/objectives/{objective_id}/refresh"),
    ("post", "/api/v1/planning/objectives/{objective_id}/key-results"),
    ("post", "/api/v1/features/{feature_id}/stage"),
}
OWN_PAGES = {"insights:report-settings": OWN[("put", "/api/v1/insights/subscription")]}


# The doors as ``find(caller)`` -> (the path's arguments, a body, its content type).
EDIT_DOORS = {door: lambda _caller, find=find: (*find(), JSON) for door, find in WRITES.items()}
POST_DOORS = {("post", path): find for path, find in POSTS.items()}
ACCEPTED = range(200, 300)
REFUSED = (403, 404)

# What any request may write, refused or not; every other INSERT, UPDATE or DELETE of a
# refused request is a failure.
BOOKKEEPING = {
    r"""INSERT INTO "accounts_auditevent" .* 'permission_refused'""": (
        "a refused request is kept in the audit log"
    ),
    r'UPDATE "accounts_apitoken" SET "last_used_at" = [^,]+ WHERE "accounts_apitoken"\."id" = ': (
        "the token's last-used time, stamped when it signs the request in"
    ),
    r'INSERT INTO "core_generation" ': (
        "the page cache's generations, renewed after any write (the audit log's too)"
    ),
}
WRITE = re.compile(r'\s*(INSERT INTO|UPDATE|DELETE FROM) "?(\w+)"?', re.IGNORECASE)


def _url(path: str, args) -> str:
    """``path`` with its ``{placeholders}`` filled from ``args``; what is left is a query."""
    args = iter(args)
    url = re.sub(r"\{[^}]+\}", lambda _m: str(next(args)), path)
    return url + "".join(args)


def _written(queries) -> list[str]:
    """The tables a request wrote to, but for ``BOOKKEEPING``."""
    tables = []
    for query in queries:
        sql = query["sql"]
        found = WRITE.match(sql)
        if found and not any(re.match(pattern, sql) for pattern in BOOKKEEPING):
            tables.append(f"{found[1].split()[0].upper()} {found[2]}")
    return sorted(set(tables))


def _unanswered(hook, delivery):
    """A webhook's address that does not answer: the matrix sends nothing out."""
    return None, "", "Connection refused"


def _matrix(user, doors, allowed) -> list[str]:
    """Every door of ``doors`` sent by ``user``, each undone before the next: what answered
    otherwise than ``allowed`` says (statuses per door), and what a refused request wrote."""
    api = bearer_client(user, raise_request_exception=False)
    failures = []
    for (method, path), find in doors.items():
        door = f"{method.upper()} {path}"
        with transaction.atomic(), mock.patch.object(webhooks, "_post", _unanswered):
            args, body, content_type = find(user)
            with CaptureQueriesContext(connection) as queries:
                response = getattr(api, method)(_url(path, args), body, content_type=content_type)
            transaction.set_rollback(True)
        if response.status_code not in allowed(method, path):
            detail = response.content[:300].decode(errors="replace")
            failures.append(
                f"{door}: {user.get_role_display()} got {response.status_code} {detail}"
            )
        written = _written(queries) if response.status_code in REFUSED else []
        if written:
            failures.append(f"{door}: refused, but wrote {', '.join(written)}")
    return failures


def _viewer() -> User:
    return User.objects.filter(role=Role.VIEWER, is_active=True).order_by("pk").first()


def _newcomer() -> User:
    """An editor new to the workspace: a team of their own, owning nothing."""
    team = Team.objects.create(name="Partners", slug="partners")
    newcomer = UserFactory(email="newcomer@example.com", name="New Comer", role=Role.EDITOR)
    Membership.objects.create(team=team, user=newcomer)
    return newcomer


def _own_or_refused(method, path):
    return ACCEPTED if (method, path) in OWN else REFUSED


def _shared_or_refused(method, path):
    shared = (method, path) in EDITORS_SHARE or (method, path) in OWN
    return ACCEPTED if shared else REFUSED


def test_a_viewer_is_refused_every_edit_and_delete_and_nothing_changes(demo):
    """…but for their own settings (``OWN``), which change nobody else's."""
    failures = _matrix(_viewer(), EDIT_DOORS, _own_or_refused)
    assert not failures, "\n".join(failures)


def test_a_viewer_is_refused_every_edit_page_and_nothing_changes(demo):
    """Every edit page (``EDIT_PAGES``): the administrator's form, posted by a viewer, is
    refused (but on the viewer's own settings, ``OWN_PAGES``) and changes nothing."""
    admin, intruder = Client(), Client()
    admin.force_login(demo.user)
    intruder.force_login(_viewer())
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
    failures = _matrix(_newcomer(), EDIT_DOORS, _shared_or_refused)
    assert not failures, "\n".join(failures)


def test_every_post_of_the_api_is_listed(client):
    """A new ``POST`` of the API fails here until it is in ``POSTS`` (or, answered by a link's
    token rather than a signed-in person, in ``NOT_SIGNED_IN``), so the tests below try it."""
    spec = client.get(reverse("api:openapi-json")).json()
    posts = {path for path, operations in spec["paths"].items() if "post" in operations}
    listed = set(POSTS) | set(NOT_SIGNED_IN)
    assert posts - listed == set(), "list the new POST endpoints in POSTS"
    assert listed - posts == set(), "these endpoints are gone: take them off the lists"
    assert set(POSTS) & set(NOT_SIGNED_IN) == set()
    named = {door for door in OWN.keys() | EDITORS_SHARE if door[0] == "post"}
    assert named - set(POST_DOORS) == set(), (
        "these doors are gone: take them off OWN, EDITORS_SHARE"
    )


def test_the_administrator_is_accepted_by_every_post(demo):
    """Each request of ``POSTS`` is one the API accepts: a body the schema refuses would be
    answered 422 before any permission is checked, and prove nothing in the tests below."""
    failures = _matrix(demo.user, POST_DOORS, lambda method, path: ACCEPTED)
    assert not failures, "\n".join(failures)


def test_a_viewer_is_refused_every_post_and_nothing_is_written(demo):
    """…but for what anyone signed in does for themselves (``OWN``): their tokens, their
    notifications, following and commenting, reading a page, taking a course, their own views
    and read-only links."""
    failures = _matrix(_viewer(), POST_DOORS, _own_or_refused)
    assert not failures, "\n".join(failures)


def test_an_editor_creates_what_editors_share_and_nothing_for_someone_else(demo):
    """An editor new to the workspace (a team of their own, owning nothing): the ``POST`` doors
    of ``EDITORS_SHARE`` accept them; those of an owner (a course, a meeting they do not run, a
    page they do not approve), of the gate keepers (shipping past the gate) and of the
    administrators (teams, webhooks) are refused and write nothing."""
    failures = _matrix(_newcomer(), POST_DOORS, _shared_or_refused)
    assert not failures, "\n".join(failures)
