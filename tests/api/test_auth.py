"""Who may call the API at all: every endpoint refuses a request without valid credentials."""

import re

import pytest
from django.test import Client

from tests.api.utils import bearer_client, errors, nothing_written, post, url
from tests.conftest import client_for
from tests.factories import UserFactory
from wavelength.accounts.models import ApiToken
from wavelength.accounts.services import token_create, token_revoke
from wavelength.api import api
from wavelength.catalog.models import Product

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "/api/v1/products"),
    ("post", "/api/v1/products"),
    ("get", "/api/v1/products/{key}"),
    ("patch", "/api/v1/products/{key}"),
    ("get", "/api/v1/products/{key}/history"),
    ("post", "/api/v1/products/{key}/areas"),
    ("get", "/api/v1/features"),
    ("post", "/api/v1/features"),
    ("get", "/api/v1/features/{feature_id}"),
    ("patch", "/api/v1/features/{feature_id}"),
    ("get", "/api/v1/features/{feature_id}/history"),
    ("get", "/api/v1/features/{feature_id}/state"),
    ("get", "/api/v1/releases"),
    ("post", "/api/v1/releases"),
    ("get", "/api/v1/releases/{release_id}"),
    ("patch", "/api/v1/releases/{release_id}"),
    ("post", "/api/v1/releases/{release_id}/ship"),
    ("get", "/api/v1/releases/{release_id}/history"),
    ("post", "/api/v1/releases/{release_id}/changelog"),
    ("get", "/api/v1/changelog"),
    ("get", "/api/v1/changelog/{entry_id}"),
    ("patch", "/api/v1/changelog/{entry_id}"),
    ("delete", "/api/v1/changelog/{entry_id}"),
    ("get", "/api/v1/history"),
    ("get", "/api/v1/search"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/read"),
    ("get", "/api/v1/comments"),
    ("post", "/api/v1/comments"),
    ("get", "/api/v1/comments/{comment_id}"),
    ("patch", "/api/v1/comments/{comment_id}"),
    ("delete", "/api/v1/comments/{comment_id}"),
    ("post", "/api/v1/comments/{comment_id}/resolve"),
    ("post", "/api/v1/comments/{comment_id}/reopen"),
    ("get", "/api/v1/follows"),
    ("post", "/api/v1/follows"),
    ("delete", "/api/v1/follows"),
    ("get", "/api/v1/notification-preferences"),
    ("put", "/api/v1/notification-preferences"),
    ("get", "/api/v1/mentions"),
    ("get", "/api/v1/spaces"),
    ("post", "/api/v1/spaces"),
    ("get", "/api/v1/pages"),
    ("post", "/api/v1/pages"),
    ("get", "/api/v1/pages/{page_id}"),
    ("patch", "/api/v1/pages/{page_id}"),
    ("get", "/api/v1/pages/{page_id}/versions"),
    ("get", "/api/v1/pages/{page_id}/versions/{number}"),
    ("get", "/api/v1/pages/{page_id}/diff"),
    ("post", "/api/v1/pages/{page_id}/restore"),
    ("post", "/api/v1/pages/{page_id}/status"),
    ("post", "/api/v1/pages/{page_id}/approve"),
    ("post", "/api/v1/pages/{page_id}/verify"),
    ("post", "/api/v1/pages/{page_id}/read"),
    ("get", "/api/v1/pages/{page_id}/backlinks"),
    ("get", "/api/v1/knowledge/search"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/users/{user_id}"),
    ("get", "/api/v1/teams"),
    ("post", "/api/v1/teams"),
    ("get", "/api/v1/teams/{slug}"),
    ("patch", "/api/v1/teams/{slug}"),
    ("get", "/api/v1/tokens"),
    ("post", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{token_id}"),
    ("get", "/api/v1/feedback/export.csv"),
    ("post", "/api/v1/feedback/email"),
    ("post", "/api/v1/feedback/imports"),
    ("get", "/api/v1/feedback/imports/{job_id}"),
    ("patch", "/api/v1/users/{user_id}"),
    ("get", "/api/v1/releases/{release_id}/gate"),
    ("get", "/api/v1/releases/{release_id}/ship-summary"),
    ("get", "/api/v1/playbooks"),
    ("post", "/api/v1/playbooks"),
    ("get", "/api/v1/playbooks/{key}"),
    ("patch", "/api/v1/playbooks/{key}"),
    ("get", "/api/v1/playbooks/{key}/versions"),
    ("post", "/api/v1/playbooks/{key}/versions"),
    ("get", "/api/v1/playbooks/{key}/versions/{number}"),
    ("post", "/api/v1/runs"),
    ("get", "/api/v1/runs"),
    ("get", "/api/v1/runs/{run_id}"),
    ("post", "/api/v1/runs/{run_id}/cancel"),
    ("post", "/api/v1/runs/{run_id}/steps/{step_id}/complete"),
    ("post", "/api/v1/runs/{run_id}/steps/{step_id}/reopen"),
    ("post", "/api/v1/runs/{run_id}/steps/{step_id}/skip"),
    ("post", "/api/v1/runs/{run_id}/steps/{step_id}/approve"),
    ("post", "/api/v1/runs/{run_id}/steps/{step_id}/assign"),
    ("get", "/api/v1/steps/mine"),
    ("get", "/api/v1/steps/overdue"),
    ("get", "/api/v1/releases/{release_id}/playbooks"),
    ("put", "/api/v1/releases/{release_id}/playbooks"),
    ("get", "/api/v1/products/{key}/playbooks"),
    ("put", "/api/v1/products/{key}/playbooks"),
    ("get", "/api/v1/companies"),
    ("post", "/api/v1/companies"),
    ("get", "/api/v1/companies/{company_id}"),
    ("patch", "/api/v1/companies/{company_id}"),
    ("post", "/api/v1/companies/{company_id}/merge"),
    ("post", "/api/v1/companies/merges/{merge_id}/undo"),
    ("get", "/api/v1/contacts"),
    ("post", "/api/v1/contacts"),
    ("get", "/api/v1/contacts/{contact_id}"),
    ("get", "/api/v1/themes"),
    ("post", "/api/v1/themes"),
    ("get", "/api/v1/feedback"),
    ("post", "/api/v1/feedback"),
    ("post", "/api/v1/feedback/bulk"),
    ("post", "/api/v1/feedback/bulk-update"),
    ("get", "/api/v1/feedback/{feedback_id}"),
    ("patch", "/api/v1/feedback/{feedback_id}"),
    ("get", "/api/v1/feedback/{feedback_id}/suggestions"),
    ("post", "/api/v1/feedback/{feedback_id}/links"),
    ("post", "/api/v1/feedback/{feedback_id}/merge"),
    ("post", "/api/v1/feedback/merges/{merge_id}/undo"),
    ("delete", "/api/v1/feedback/{feedback_id}/links/{link_id}"),
    ("get", "/api/v1/features/{feature_id}/demand"),
    ("get", "/api/v1/prioritisation"),
    ("get", "/api/v1/features/{feature_id}/score"),
    ("patch", "/api/v1/features/{feature_id}/score"),
    ("get", "/api/v1/scoring-formulas"),
    ("get", "/api/v1/features/{feature_id}/loop"),
    ("post", "/api/v1/features/{feature_id}/loop/prepare"),
    ("get", "/api/v1/loop/messages/{message_id}"),
    ("patch", "/api/v1/loop/messages/{message_id}"),
    ("post", "/api/v1/features/{feature_id}/loop/send"),
    ("get", "/api/v1/loop/sends/{send_id}"),
    ("get", "/api/v1/quality/suites"),
    ("post", "/api/v1/quality/suites"),
    ("get", "/api/v1/quality/suites/{suite_id}"),
    ("patch", "/api/v1/quality/suites/{suite_id}"),
    ("get", "/api/v1/quality/cases"),
    ("post", "/api/v1/quality/cases"),
    ("get", "/api/v1/quality/cases/{case_id}"),
    ("patch", "/api/v1/quality/cases/{case_id}"),
    ("get", "/api/v1/quality/cases/{case_id}/versions"),
    ("get", "/api/v1/quality/plans"),
    ("post", "/api/v1/quality/plans"),
    ("get", "/api/v1/quality/plans/{plan_id}"),
    ("patch", "/api/v1/quality/plans/{plan_id}"),
    ("get", "/api/v1/quality/runs"),
    ("post", "/api/v1/quality/runs"),
    ("get", "/api/v1/quality/runs/{run_id}"),
    ("post", "/api/v1/quality/runs/{run_id}/close"),
    ("get", "/api/v1/quality/runs/{run_id}/results"),
    ("get", "/api/v1/quality/results/{result_id}"),
    ("patch", "/api/v1/quality/results/{result_id}"),
    ("post", "/api/v1/quality/results/{result_id}/evidence"),
    ("get", "/api/v1/quality/defects"),
    ("post", "/api/v1/quality/defects"),
    ("get", "/api/v1/quality/defects/{defect_id}"),
    ("patch", "/api/v1/quality/defects/{defect_id}"),
    ("post", "/api/v1/quality/results/{result_id}/defect"),
    ("post", "/api/v1/quality/defects/{defect_id}/links"),
    ("post", "/api/v1/quality/junit"),
    ("get", "/api/v1/quality/junit/imports/{job_id}"),
    ("get", "/api/v1/quality/products/{product}/failures"),
    ("get", "/api/v1/quality/flaky"),
    ("get", "/api/v1/quality/checklists"),
    ("get", "/api/v1/quality/releases/{release_id}/inspections"),
    ("get", "/api/v1/quality/releases/{release_id}/inspections/{checklist_id}"),
    ("put", "/api/v1/quality/releases/{release_id}/inspections/{checklist_id}"),
    ("get", "/api/v1/quality/products/{product}/gate"),
    ("put", "/api/v1/quality/products/{product}/gate"),
    ("get", "/api/v1/meetings/series"),
    ("post", "/api/v1/meetings/series"),
    ("get", "/api/v1/meetings/series/{series_id}"),
    ("patch", "/api/v1/meetings/series/{series_id}"),
    ("get", "/api/v1/meetings/series/{series_id}/occurrences"),
    ("get", "/api/v1/meetings/occurrences/{occurrence_id}"),
    ("patch", "/api/v1/meetings/occurrences/{occurrence_id}"),
    ("post", "/api/v1/meetings/occurrences/{occurrence_id}/agenda"),
    ("get", "/api/v1/meetings/occurrences/{occurrence_id}/items"),
    ("post", "/api/v1/meetings/occurrences/{occurrence_id}/items"),
    ("get", "/api/v1/meetings/items/{item_id}"),
    ("patch", "/api/v1/meetings/items/{item_id}"),
    ("delete", "/api/v1/meetings/items/{item_id}"),
    ("get", "/api/v1/meetings/occurrences/{occurrence_id}/decisions"),
    ("post", "/api/v1/meetings/occurrences/{occurrence_id}/decisions"),
    ("get", "/api/v1/meetings/decisions/{decision_id}"),
    ("patch", "/api/v1/meetings/decisions/{decision_id}"),
    ("get", "/api/v1/meetings/actions"),
    ("post", "/api/v1/meetings/occurrences/{occurrence_id}/actions"),
    ("get", "/api/v1/meetings/actions/{action_id}"),
    ("patch", "/api/v1/meetings/actions/{action_id}"),
    ("get", "/api/v1/research/surveys"),
    ("post", "/api/v1/research/surveys"),
    ("get", "/api/v1/research/surveys/{survey_id}"),
    ("patch", "/api/v1/research/surveys/{survey_id}"),
    ("get", "/api/v1/research/surveys/{survey_id}/questions"),
    ("post", "/api/v1/research/surveys/{survey_id}/questions"),
    ("get", "/api/v1/research/questions/{question_id}"),
    ("patch", "/api/v1/research/questions/{question_id}"),
    ("delete", "/api/v1/research/questions/{question_id}"),
    ("get", "/api/v1/research/surveys/{survey_id}/distributions"),
    ("post", "/api/v1/research/surveys/{survey_id}/distributions"),
    ("post", "/api/v1/research/surveys/{survey_id}/reminders"),
    ("get", "/api/v1/research/surveys/{survey_id}/results"),
    ("get", "/api/v1/research/surveys/{survey_id}/responses"),
    ("post", "/api/v1/research/releases/{release_id}/follow-ups"),
    ("get", "/api/v1/research/studies"),
    ("post", "/api/v1/research/studies"),
    ("get", "/api/v1/research/studies/{study_id}"),
    ("patch", "/api/v1/research/studies/{study_id}"),
    ("delete", "/api/v1/research/studies/{study_id}"),
    ("get", "/api/v1/research/studies/{study_id}/notes"),
    ("post", "/api/v1/research/studies/{study_id}/notes"),
    ("get", "/api/v1/research/notes/{note_id}"),
    ("patch", "/api/v1/research/notes/{note_id}"),
    ("delete", "/api/v1/research/notes/{note_id}"),
    ("get", "/api/v1/research/highlights"),
    ("post", "/api/v1/research/notes/{note_id}/highlights"),
    ("get", "/api/v1/research/highlights/{highlight_id}"),
    ("delete", "/api/v1/research/highlights/{highlight_id}"),
    ("post", "/api/v1/research/highlights/{highlight_id}/links"),
    ("delete", "/api/v1/research/highlights/{highlight_id}/links/{feature_id}"),
    ("get", "/api/v1/research/personas"),
    ("post", "/api/v1/research/personas"),
    ("get", "/api/v1/research/personas/{persona_id}"),
    ("patch", "/api/v1/research/personas/{persona_id}"),
    ("delete", "/api/v1/research/personas/{persona_id}"),
    ("get", "/api/v1/research/competitors"),
    ("post", "/api/v1/research/competitors"),
    ("get", "/api/v1/research/competitors/{competitor_id}"),
    ("patch", "/api/v1/research/competitors/{competitor_id}"),
    ("delete", "/api/v1/research/competitors/{competitor_id}"),
    ("get", "/api/v1/research/competitors/{competitor_id}/mentions"),
    ("get", "/api/v1/planning/roadmap/timeline"),
    ("get", "/api/v1/planning/roadmap/board"),
    ("get", "/api/v1/features/{feature_id}/roadmap"),
    ("patch", "/api/v1/features/{feature_id}/roadmap"),
    ("post", "/api/v1/planning/roadmap/plan"),
    ("post", "/api/v1/planning/roadmap/share"),
    ("get", "/api/v1/planning/objectives"),
    ("post", "/api/v1/planning/objectives"),
    ("get", "/api/v1/planning/objectives/{objective_id}"),
    ("patch", "/api/v1/planning/objectives/{objective_id}"),
    ("post", "/api/v1/planning/objectives/{objective_id}/refresh"),
    ("post", "/api/v1/planning/objectives/{objective_id}/key-results"),
    ("get", "/api/v1/planning/key-results/{key_result_id}"),
    ("patch", "/api/v1/planning/key-results/{key_result_id}"),
    ("delete", "/api/v1/planning/key-results/{key_result_id}"),
    ("get", "/api/v1/planning/figures"),
    ("get", "/api/v1/training/courses"),
    ("post", "/api/v1/training/courses"),
    ("get", "/api/v1/training/courses/{course_id}"),
    ("patch", "/api/v1/training/courses/{course_id}"),
    ("post", "/api/v1/training/courses/{course_id}/publish"),
    ("post", "/api/v1/training/courses/{course_id}/archive"),
    ("post", "/api/v1/training/courses/{course_id}/restart"),
    ("get", "/api/v1/training/courses/{course_id}/lessons"),
    ("post", "/api/v1/training/courses/{course_id}/lessons"),
    ("get", "/api/v1/training/lessons/{lesson_id}"),
    ("patch", "/api/v1/training/lessons/{lesson_id}"),
    ("delete", "/api/v1/training/lessons/{lesson_id}"),
    ("post", "/api/v1/training/courses/{course_id}/quizzes"),
    ("get", "/api/v1/training/quizzes/{quiz_id}"),
    ("patch", "/api/v1/training/quizzes/{quiz_id}"),
    ("delete", "/api/v1/training/quizzes/{quiz_id}"),
    ("post", "/api/v1/training/quizzes/{quiz_id}/questions"),
    ("get", "/api/v1/training/questions/{question_id}"),
    ("patch", "/api/v1/training/questions/{question_id}"),
    ("delete", "/api/v1/training/questions/{question_id}"),
    ("post", "/api/v1/training/courses/{course_id}/enrollment"),
    ("post", "/api/v1/training/courses/{course_id}/lessons/{lesson_id}/complete"),
    ("post", "/api/v1/training/courses/{course_id}/quizzes/{quiz_id}/attempts"),
    ("get", "/api/v1/training/attempts/{attempt_id}"),
    ("post", "/api/v1/training/attempts/{attempt_id}/submit"),
    ("post", "/api/v1/training/courses/{course_id}/assignments"),
    ("get", "/api/v1/training/assignments"),
    ("get", "/api/v1/training/reports/completion"),
    ("put", "/api/v1/training/courses/{course_id}/certification"),
    ("get", "/api/v1/training/courses/{course_id}/certification"),
    ("get", "/api/v1/training/certifications"),
    ("get", "/api/v1/training/grants"),
    ("get", "/api/v1/training/paths"),
    ("post", "/api/v1/training/paths"),
    ("get", "/api/v1/training/paths/{path_id}"),
    ("patch", "/api/v1/training/paths/{path_id}"),
    ("get", "/api/v1/training/products/{product}/gate"),
    ("put", "/api/v1/training/products/{product}/gate"),
    ("post", "/api/v1/training/paths/{path_id}/assignments"),
    ("post", "/api/v1/backlog/imports"),
    ("get", "/api/v1/features/{feature_id}/readiness"),
    ("post", "/api/v1/features/{feature_id}/stage"),
    ("post", "/api/v1/meetings/occurrences/{occurrence_id}/close"),
    ("post", "/api/v1/meetings/occurrences/{occurrence_id}/{what}/send"),
    ("get", "/api/v1/planning/products/{product}/standards"),
    ("put", "/api/v1/planning/products/{product}/standards"),
    ("get", "/api/v1/planning/requirements"),
    ("get", "/api/v1/planning/standards/overrides"),
    ("post", "/api/v1/training/course-imports"),
    ("get", "/api/v1/training/courses/{course_id}/export"),
    ("get", "/api/v1/training/courses/{course_id}/statistics"),
    ("post", "/api/v1/training/enablements"),
    ("get", "/api/v1/training/enablements/{enablement_id}"),
    ("patch", "/api/v1/training/enablements/{enablement_id}"),
    ("get", "/api/v1/training/courses/{course_id}/files"),
    ("post", "/api/v1/training/courses/{course_id}/files"),
    ("get", "/api/v1/training/files/{file_id}"),
    ("delete", "/api/v1/training/files/{file_id}"),
    ("get", "/api/v1/webhooks"),
    ("post", "/api/v1/webhooks"),
    ("delete", "/api/v1/webhooks/{webhook_id}"),
    ("get", "/api/v1/webhooks/{webhook_id}"),
    ("patch", "/api/v1/webhooks/{webhook_id}"),
    ("get", "/api/v1/webhooks/{webhook_id}/deliveries"),
    ("post", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"),
    ("get", "/api/v1/insights/dashboard"),
    ("get", "/api/v1/insights/figures/{key}"),
    ("get", "/api/v1/insights/lists/{key}"),
    ("get", "/api/v1/insights/views"),
    ("post", "/api/v1/insights/views"),
    ("get", "/api/v1/insights/views/{view_id}"),
    ("patch", "/api/v1/insights/views/{view_id}"),
    ("delete", "/api/v1/insights/views/{view_id}"),
    ("get", "/api/v1/insights/subscription"),
    ("put", "/api/v1/insights/subscription"),
    ("get", "/api/v1/insights/reports"),
    ("get", "/api/v1/insights/reports/{report_id}"),
    ("get", "/api/v1/insights/features/{feature_id}/trace"),
    ("get", "/api/v1/insights/features/{feature_id}/trace.pdf"),
]
# Answering a survey needs no account (rate-limited instead; see tests/research/test_api.py).
PUBLIC = [
    ("post", "/api/v1/research/public/{token}/responses"),
    ("post", "/api/v1/research/invitations/{token}/responses"),
]


def _call(client: Client, method: str, template: str):
    path = re.sub(r"\{\w+\}", "1", template)
    if method in ("post", "patch", "put"):
        return getattr(client, method)(path, {}, content_type="application/json")
    return getattr(client, method)(path)


def test_the_table_lists_every_endpoint():
    paths = api.get_openapi_schema(path_params={})["paths"]
    documented = {(method, path) for path, ops in paths.items() for method in ops}
    assert documented == set(ENDPOINTS) | set(PUBLIC)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_no_credentials_is_401(method, path):
    response = _call(Client(enforce_csrf_checks=True), method, path)
    assert response.status_code == 401
    assert list(errors(response)) == [""]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_revoked_token_is_401(editor, method, path):
    token, raw = token_create(actor=editor, user=editor, name="old")
    token_revoke(actor=editor, token=token)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    assert _call(client, method, path).status_code == 401


@pytest.mark.parametrize("header", ["Bearer wl_not-a-token", "Bearer ", "Token abc", "Basic Zm9v"])
def test_bad_authorization_header_is_401(editor, header):
    client = Client(headers={"Authorization": header})
    assert client.get(url("feature-list")).status_code == 401


def test_token_of_a_deactivated_person_is_401(db):
    person = UserFactory(email="left@example.com")
    client = bearer_client(person)
    person.is_active = False
    person.save()
    assert client.get(url("feature-list")).status_code == 401


def test_bearer_token_authenticates_and_marks_last_use(editor):
    token, raw = token_create(actor=editor, user=editor, name="ci")
    assert token.last_used_at is None
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    response = client.get(url("me"))

    assert (response.status_code, response.json()["id"]) == (200, editor.pk)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_bearer_writes_need_no_csrf_token(editor):
    client = bearer_client(editor, enforce_csrf_checks=True)
    assert post(client, url("product-create"), {"name": "Comet"}).status_code == 201


def test_session_authenticates_reads_and_writes(editor_client):
    assert editor_client.get(url("me")).json()["email"] == "bob@example.com"
    assert post(editor_client, url("product-create"), {"name": "Comet"}).status_code == 201


def test_session_write_without_csrf_token_is_403(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    with nothing_written(Product):
        response = post(client, url("product-create"), {"name": "Comet"})
    assert response.status_code == 403
    assert "CSRF" in errors(response)[""]


def test_session_write_with_the_docs_pages_csrf_token_works(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get("/api/v1/docs")  # sets the CSRF cookie, as the interactive docs do
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        url("product-create"),
        {"name": "Comet"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201


def test_deactivated_session_is_401(editor):
    client = client_for(editor)
    editor.is_active = False
    editor.save()
    assert client.get(url("me")).status_code == 401


def test_revoking_a_token_keeps_other_tokens_working(editor):
    keep = bearer_client(editor)
    token, raw = token_create(actor=editor, user=editor, name="gone")
    token_revoke(actor=editor, token=token)
    assert keep.get(url("me")).status_code == 200
    assert ApiToken.objects.active().filter(user=editor).count() == 1
