"""Plan, run and result pages: the run view's buttons (htmx and not), progress, evidence
served only to signed-in people, and permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wavelength.quality import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(editor, release, case):
    return services.plan_create(actor=editor, release=release, name="Smoke", cases=[case])


@pytest.fixture
def run(editor, plan):
    return services.run_create(actor=editor, plan=plan, build="2.0.0", environment="staging")


def test_plan_form_creates_a_plan(editor_client, release, suite, case):
    response = editor_client.post(
        reverse("quality:plan-create", args=["orbit"]),
        {"release": release.pk, "name": "Regression", "suites": [suite.pk], "tags": ""},
    )
    assert response.status_code == 302
    page = editor_client.get(response.url)
    assert "Regression" in page.text and "Export a chart" in page.text


def test_starting_a_run_from_the_plan_page(editor_client, plan):
    response = editor_client.post(
        reverse("quality:plan-detail", args=[plan.pk]), {"build": "2.0.0-rc1", "environment": ""}
    )
    assert response.status_code == 302
    page = editor_client.get(response.url)
    assert "2.0.0-rc1" in page.text and "0 of 1" in page.text


def test_run_view_lists_results_with_keys(editor_client, run):
    page = editor_client.get(run.get_absolute_url())
    assert page.status_code == 200
    assert "data-qa-run" in page.text and 'data-qa-key="f"' in page.text
    assert "Export a chart" in page.text


def test_setting_a_result_with_htmx_swaps_the_row_and_the_progress(editor_client, run):
    result = run.results.get()
    response = editor_client.post(
        reverse("quality:result-set", args=[result.pk]),
        {"status": "failed"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="result-{result.pk}"' in response.text and 'data-status="failed"' in response.text
    assert 'id="run-progress"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "1 of 1 done" in response.text and "pass rate 0.0 %" in response.text
    result.refresh_from_db()
    assert result.status == "failed"


def test_setting_a_result_without_javascript_redirects_back(editor_client, run):
    result = run.results.get()
    response = editor_client.post(
        reverse("quality:result-set", args=[result.pk]), {"status": "passed"}
    )
    assert response.status_code == 302 and response.url.endswith(f"#result-{result.pk}")


def test_a_refused_result_shows_why_in_the_row(editor_client, editor, run):
    services.run_close(actor=editor, run=run, confirm_untested=True)
    result = run.results.get()
    response = editor_client.post(
        reverse("quality:result-set", args=[result.pk]),
        {"status": "passed"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422 and "This run is closed." in response.text


def test_result_page_records_per_step_and_attaches_evidence(editor_client, run):
    result = run.results.get()
    response = editor_client.post(
        result.get_absolute_url(),
        {"status": "passed", "step_0": "passed", "step_1": "failed", "notes": "CSV empty"},
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.step_statuses == ["passed", "failed"] and result.notes == "CSV empty"
    upload = SimpleUploadedFile("screen.png", b"\x89PNG", content_type="image/png")
    response = editor_client.post(
        reverse("quality:evidence-add", args=[result.pk]), {"file": upload}
    )
    assert response.status_code == 302
    evidence = result.evidence.get()
    download = editor_client.get(evidence.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG"
    assert download["Content-Disposition"].startswith("attachment")
    assert Client().get(evidence.get_absolute_url()).status_code == 302  # to sign in


def test_viewer_sees_the_run_but_cannot_record(viewer_client, run):
    result = run.results.get()
    page = viewer_client.get(run.get_absolute_url())
    assert page.status_code == 200 and 'data-qa-key="p"' not in page.text
    response = viewer_client.post(
        reverse("quality:result-set", args=[result.pk]), {"status": "passed"}
    )
    assert response.status_code == 403
    assert viewer_client.post(result.get_absolute_url(), {"status": "passed"}).status_code == 403


def test_release_page_shows_its_runs(viewer_client, release, run):
    page = viewer_client.get(release.get_absolute_url())
    assert "Test runs" in page.text and run.name in page.text


def test_case_page_lists_its_latest_results_with_the_version_run(editor, editor_client, case, run):
    result = run.results.get()
    services.result_record(actor=editor, result=result, status="failed")
    services.case_update(actor=editor, case=case, title="Export a chart, reworded")
    page = editor_client.get(case.get_absolute_url())
    assert "Latest results" in page.text and run.name in page.text
    assert "version 1" in page.text and "Failed" in page.text


def test_runs_page_lists_flaky_tests(editor, viewer_client, release):
    flip = [("1", ""), ("1", "<failure/>")]
    for build, failure in flip:
        case = f'<testcase classname="t" name="wobbly">{failure}</testcase>'
        report = f"<testsuite>{case}</testsuite>"
        services.junit_import(actor=editor, release=release, build=build, data=report)
    page = viewer_client.get(reverse("quality:runs", args=["orbit"]))
    assert "Flaky tests" in page.text and "wobbly" in page.text
    assert "passes and fails on one build" in page.text


def test_run_view_rows_show_key_version_tester_duration_and_defects(
    editor, editor_client, viewer_client, run, case
):
    first, second = (
        services.case_create(actor=editor, suite=case.suite, title=f"Extra {n}") for n in (1, 2)
    )
    plan = services.plan_create(
        actor=editor, release=run.release, name="Wide", cases=[case, first, second]
    )
    wide = services.run_create(actor=editor, plan=plan, build="2.0.1")
    services.case_update(actor=editor, case=case, title="Export a chart (edited)")
    results = {r.case_id: r for r in wide.results.all()}
    services.result_record(actor=editor, result=results[case.pk], status="failed", duration_ms=1500)
    services.result_record(actor=editor, result=results[first.pk], status="failed")
    defect = services.defect_from_result(actor=editor, result=results[first.pk])

    page = editor_client.get(wide.get_absolute_url()).text
    assert f"{case.key}</span> Export a chart</a>" in page  # the version the run executes
    assert "Exports · version 1 · Bob Editor · 1.5 s" in page
    assert f'href="{defect.get_absolute_url()}" title="{defect.title}">{defect.key}</a>' in page
    assert page.count("Open a defect") == 1  # the failed result without one
    assert page.count('qa-set-failed" aria-pressed="true"') == 2  # the two failed rows
    assert page.count('qa-set-passed" aria-pressed="true"') == 0
    viewer_page = viewer_client.get(wide.get_absolute_url()).text
    assert "Open a defect" not in viewer_page and "qa-result-actions" not in viewer_page
    filtered = editor_client.get(wide.get_absolute_url() + "?status=untested").text
    assert filtered.count("data-qa-row ") == 1 and "Extra 2" in filtered


def test_run_view_reads_a_fixed_number_of_queries(editor, editor_client, run, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(target) -> int:
        with CaptureQueriesContext(connection) as ctx:
            editor_client.get(target.get_absolute_url())
        return len(ctx.captured_queries)

    cases = [services.case_create(actor=editor, suite=case.suite, title=f"C{n}") for n in range(20)]
    plan = services.plan_create(actor=editor, release=run.release, name="Many", cases=cases)
    many = services.run_create(actor=editor, plan=plan, build="2.0.2")
    for result in many.results.all()[:5]:
        services.result_record(actor=editor, result=result, status="failed")
    assert queries(run) == queries(many)
