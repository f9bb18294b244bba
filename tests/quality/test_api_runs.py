"""Plans, runs and results API: the flow, bad input, evidence and permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.utils import errors, nothing_written, patch, post, url
from wavelength.quality import services
from wavelength.quality.models import Evidence, TestPlan, TestResult, TestRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(editor, release, case):
    return services.plan_create(actor=editor, release=release, name="Smoke", cases=[case])


def test_plan_run_and_record_flow(editor_api, editor, release, suite, case):
    response = post(
        editor_api,
        url("plan-create"),
        {"release": release.pk, "name": "Smoke", "tags": ["smoke"], "suites": [suite.pk]},
    )
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["tags"] == ["smoke"] and plan["suites"] == [suite.pk]
    response = post(
        editor_api,
        url("test-run-create"),
        {"plan": plan["id"], "build": "2.0.1", "environment": "staging", "assignees": [editor.pk]},
    )
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["progress"]["total"] == 1 and run["progress"]["pass_rate"] is None
    assert run["assignees"][0]["email"] == editor.email
    results = editor_api.get(url("test-run-results", run["id"])).json()["items"]
    assert results[0]["case_version"] == 1 and results[0]["status"] == "untested"
    response = patch(
        editor_api,
        url("result-update", results[0]["id"]),
        {"step_statuses": ["passed", "passed"], "notes": "Fine", "duration_ms": 1200},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "passed" and response.json()["duration_ms"] == 1200
    detail = editor_api.get(url("test-run-detail", run["id"])).json()
    assert detail["progress"]["pass_rate"] == 100.0 and detail["progress"]["passed"] == 1
    assert editor_api.get(url("test-run-list", release=release.pk)).json()["count"] == 1


def test_bad_run_input_names_each_field(editor_api, plan):
    with nothing_written(TestRun, TestResult):
        response = post(editor_api, url("test-run-create"), {"plan": 99999, "build": "1"})
        assert response.status_code == 422 and "plan" in errors(response)
        response = post(editor_api, url("test-run-create"), {"plan": plan.pk, "build": ""})
        assert response.status_code == 422 and "build" in errors(response)


def test_bad_result_input_is_a_422(editor_api, editor, plan):
    run = services.run_create(actor=editor, plan=plan, build="1")
    result = run.results.get()
    response = patch(editor_api, url("result-update", result.pk), {"status": "great"})
    assert response.status_code == 422 and "status" in errors(response)
    response = patch(editor_api, url("result-update", result.pk), {"step_statuses": ["passed"]})
    assert response.status_code == 422 and "step_statuses" in errors(response)
    response = patch(editor_api, url("result-update", result.pk), {"duration_ms": -1})
    assert response.status_code == 422 and "duration_ms" in errors(response)
    result.refresh_from_db()
    assert result.status == "untested"


def test_evidence_upload(editor_api, editor, plan):
    run = services.run_create(actor=editor, plan=plan, build="1")
    result = run.results.get()
    upload = SimpleUploadedFile("log.txt", b"Traceback...", content_type="text/plain")
    response = editor_api.post(url("evidence-create", result.pk), {"file": upload})
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "log.txt" and response.json()["size"] == 12


def test_viewer_reads_runs_but_cannot_write(viewer_api, editor, release, plan):
    run = services.run_create(actor=editor, plan=plan, build="1")
    result = run.results.get()
    assert viewer_api.get(url("test-run-detail", run.pk)).status_code == 200
    with nothing_written(TestPlan, TestRun, TestResult, Evidence):
        assert (
            post(viewer_api, url("plan-create"), {"release": release.pk, "name": "X"}).status_code
            == 403
        )
        assert (
            post(viewer_api, url("test-run-create"), {"plan": plan.pk, "build": "1"}).status_code
            == 403
        )
        assert (
            patch(viewer_api, url("result-update", result.pk), {"status": "passed"}).status_code
            == 403
        )
        response = viewer_api.post(
            url("evidence-create", result.pk), {"file": SimpleUploadedFile("a.txt", b"a")}
        )
        assert response.status_code == 403
