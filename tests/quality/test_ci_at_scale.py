"""CI results at scale: a run's results and a product's failures read in keyset pages of up to
1,000 rows, each in one query; reports too large for a request recorded by a background job
that tells its progress, all or nothing."""

import base64
import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.utils import errors, nothing_written, url
from wavelength.core import clock, keyset, progress
from wavelength.quality import selectors, services
from wavelength.quality.models import JunitImport, TestCase, TestResult, TestRun


def report(n: int, *, fail_every: int = 3, prefix: str = "t") -> bytes:
    rows = "".join(
        f'<testcase classname="ci.{prefix}" name="test_{i}" time="0.01">'
        + ('<failure message="boom">trace</failure>' if i % fail_every == 0 else "")
        + "</testcase>"
        for i in range(n)
    )
    return f"<testsuite>{rows}</testsuite>".encode()


def post(client, release, data: bytes, **query):
    return client.post(
        url("junit-import", release=release.pk, build=query.pop("build", "b1"), **query),
        data,
        content_type="application/xml",
    )


def pages(client, path: str, limit: int) -> tuple[list[dict], int]:
    """Every item of a keyset list, following ``next``; and the number of calls."""
    items, after, calls = [], None, 0
    while True:
        query = f"limit={limit}" + (f"&after={after}" if after else "")
        body = client.get(f"{path}{'&' if '?' in path else '?'}{query}").json()
        calls += 1
        items += body["items"]
        after = body["next"]
        if after is None:
            return items, calls


# A run's results ---------------------------------------------------------------------------


def test_results_come_1000_a_call_in_plan_order_with_nothing_missed(editor, editor_api, release):
    run = services.junit_import(actor=editor, release=release, build="b1", data=report(2500))
    items, calls = pages(editor_api, url("test-run-results", run.pk), 1000)
    assert calls == 3
    assert [i["case_title"] for i in items] == [f"test_{n}" for n in range(2500)]
    assert len({i["id"] for i in items}) == 2500


def test_a_filtered_list_pages_through_its_own_rows(editor, editor_api, release):
    run = services.junit_import(actor=editor, release=release, build="b1", data=report(50))
    path = url("test-run-results", run.pk, status="failed")
    items, calls = pages(editor_api, path, 7)
    assert len(items) == 17 and calls == 3
    assert {i["status"] for i in items} == {"failed"}


def test_more_than_1000_a_call_or_a_forged_cursor_is_a_422(editor, editor_api, release):
    run = services.junit_import(actor=editor, release=release, build="b1", data=report(5))
    assert editor_api.get(url("test-run-results", run.pk, limit=1001)).status_code == 422
    for forged in ("nope", base64.urlsafe_b64encode(b'["x", 1]').decode(),
                   base64.urlsafe_b64encode(json.dumps([1]).encode()).decode(),
                   base64.urlsafe_b64encode(b"[99999999999999999999999, 1]").decode()):  # fmt: skip
        response = editor_api.get(url("test-run-results", run.pk, after=forged))
        assert response.status_code == 422, forged
        assert "after" in errors(response)


def test_a_deep_page_is_one_query_like_the_first(editor, viewer, release):
    run = services.junit_import(actor=editor, release=release, build="b1", data=report(300))
    found = selectors.run_results(user=viewer, run=run)
    first = keyset.page(found, selectors.RESULT_ORDER, limit=100, after=None)
    second = keyset.page(found, selectors.RESULT_ORDER, limit=100, after=first.next)
    third = keyset.page(found, selectors.RESULT_ORDER, limit=100, after=second.next)
    assert third.next is None and third.rows[-1].position == 299
    with CaptureQueriesContext(connection) as queries:
        keyset.page(TestResult.objects.filter(run=run), selectors.RESULT_ORDER, limit=100,
                    after=second.next)  # fmt: skip
    assert len(queries) == 1
    assert "OFFSET" not in queries[0]["sql"].upper()


# Failures across runs ----------------------------------------------------------------------


def test_failures_across_runs_newest_first_and_by_build(editor, editor_api, release, product):
    with clock.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
        services.junit_import(actor=editor, release=release, build="b1", data=report(9))
    with clock.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)):
        services.junit_import(
            actor=editor, release=release, build="b2", data=report(9, fail_every=4)
        )
    items, calls = pages(editor_api, url("failure-list", product.slug), 2)
    assert len(items) == 3 + 3 and calls == 3
    assert [i["build"] for i in items] == ["b2"] * 3 + ["b1"] * 3
    assert items[0]["automation_id"].startswith("ci.t::")
    assert items[0]["release"] == "2.0" and items[0]["notes"]
    only = editor_api.get(url("failure-list", product.slug, build="b1")).json()
    assert {i["build"] for i in only["items"]} == {"b1"} and only["next"] is None


def test_failures_are_one_query_a_page(editor, viewer, release, product):
    for build in ("b1", "b2", "b3"):
        services.junit_import(actor=editor, release=release, build=build, data=report(60))
    found = selectors.recent_failures(user=viewer, product=product)
    with CaptureQueriesContext(connection) as queries:
        page = keyset.page(found, selectors.FAILURE_ORDER, limit=25, after=None)
        rows = [(r.case.title, r.run.build, r.run.release.version) for r in page.rows]
    assert len(queries) == 1 and len(rows) == 25


def test_failures_page_lists_pages_and_refuses_an_altered_link(editor, client, viewer, release,
                                                               product):  # fmt: skip
    services.junit_import(actor=editor, release=release, build="b1", data=report(160))
    client.force_login(viewer)
    page_url = f"/quality/products/{product.slug}/failures/"
    first = client.get(page_url)
    assert first.status_code == 200
    assert first.content.count(b"<tr>") == 1 + 50
    older = first.context["older"]
    assert older
    second = client.get(page_url + older)
    assert second.status_code == 200 and b"Newest" in second.content
    assert second.context["older"] is None and len(second.context["page"].rows) == 54 - 50
    bad = client.get(page_url + "?after=garbage")
    assert bad.status_code == 400 and "next" in bad.content.decode()
    none = client.get(page_url + "?build=zzz")
    assert b"No test failed on build zzz" in none.content


def test_failures_need_a_known_product_and_a_member(editor_api, product):
    assert editor_api.get(url("failure-list", "nope")).status_code == 404
    assert Client().get(url("failure-list", product.slug)).status_code == 401


# Reports recorded in the background --------------------------------------------------------


def test_a_large_report_is_a_202_job_that_records_it_once(
    editor_api, release, settings, django_capture_on_commit_callbacks
):
    settings.JUNIT_BACKGROUND_BYTES = 10_000
    data = report(400)
    assert len(data) > 10_000
    with django_capture_on_commit_callbacks(execute=True):
        response = post(editor_api, release, data)
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == job["url"]
    assert job["size"] == len(data)
    done = editor_api.get(job["url"]).json()
    assert done["status"] == "done" and done["percent"] == 100
    assert done["processed"] == done["total"] == 400 + 400  # its tests and their new cases
    run = TestRun.objects.get(pk=done["run"])
    assert run.results.count() == 400 and run.results.filter(status="failed").count() == 134
    assert editor_api.get(done["run_url"]).json()["id"] == run.pk
    assert not JunitImport.objects.get().file  # the report is not kept once recorded
    services.junit_job_run(job_id=done["id"])  # delivered again: recorded once
    assert TestRun.objects.count() == 1 and TestResult.objects.count() == 400


def test_a_small_report_can_ask_for_the_background(editor_api, release,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = post(editor_api, release, report(3), background="true")
    assert response.status_code == 202
    assert editor_api.get(response["Location"]).json()["status"] == "done"


def test_a_bad_report_fails_the_job_saying_why_and_writes_nothing(
    editor_api, release, django_capture_on_commit_callbacks
):
    bad = report(10)[:-30]  # cut short
    with nothing_written(TestRun, TestResult, TestCase):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(editor_api, release, bad, background="true")
        assert response.status_code == 202
    job = editor_api.get(response["Location"]).json()
    assert job["status"] == "failed" and job["run"] is None
    assert "file" in job["errors"] and "XML" in job["errors"]["file"]


def test_what_can_be_checked_at_once_is_a_422_and_no_job(editor_api, viewer_api, release):
    with nothing_written(JunitImport):
        assert post(editor_api, release, b"   ", background="true").status_code == 422
        response = post(editor_api, release, report(2), background="true", build=" ")
        assert response.status_code == 422 and "build" in errors(response)
        assert post(viewer_api, release, report(2), background="true").status_code == 403


def test_a_running_job_shows_what_the_worker_published(editor, editor_api, viewer_api, release):
    job = services.junit_job_create(actor=editor, release=release, build="b", data=report(5))
    progress.publish(job.progress_name, {"processed": 30, "total": 120})
    shown = editor_api.get(url("junit-import-job", job.pk)).json()
    assert (shown["status"], shown["percent"], shown["run"]) == ("running", 25, None)
    assert viewer_api.get(url("junit-import-job", job.pk)).status_code == 403
    assert editor_api.get(url("junit-import-job", 10**9)).status_code == 404
    progress.clear(job.progress_name)
    assert editor_api.get(url("junit-import-job", job.pk)).json()["status"] == "queued"


def test_a_worker_stopped_half_way_leaves_the_job_to_run_again(editor, release, monkeypatch):
    job = services.junit_job_create(actor=editor, release=release, build="b", data=report(30))
    from wavelength.quality.services import imports

    def stop(*args, **kwargs):
        raise KeyboardInterrupt  # the worker is stopped while it writes results

    monkeypatch.setattr(imports, "_versions", stop)
    with pytest.raises(KeyboardInterrupt):
        services.junit_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "queued" and TestCase.objects.count() == 0
    monkeypatch.undo()
    assert services.junit_job_run(job_id=job.pk).status == "done"
    assert TestResult.objects.count() == 30 and TestCase.objects.count() == 30


def test_into_an_open_run_in_the_background(editor, editor_api, release, case,
                                            django_capture_on_commit_callbacks):  # fmt: skip
    plan = services.plan_create(actor=editor, release=release,
                                name="Smoke", cases=[case])  # fmt: skip
    run = services.run_create(actor=editor, plan=plan, build="b")
    case.automation_id = "ci.t::test_0"
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(editor_api, release, report(1), background="true", run=run.pk)
    job = editor_api.get(response["Location"]).json()
    assert job["status"] == "done" and job["run"] == run.pk
    assert run.results.get().status == "failed"
