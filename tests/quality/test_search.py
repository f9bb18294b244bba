"""Test cases and defects in the global search: found by a word of their title and by their
key, archived cases left out, the JUnit import indexing its new cases in bulk, the reindex,
and the search page and API labelling both kinds (in English and in French)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.utils import bearer_client, url
from tests.conftest import client_for
from wavelength.core import search
from wavelength.core.models import SearchEntry
from wavelength.core.tasks import reindex_search
from wavelength.quality import services

pytestmark = pytest.mark.django_db


def found(text: str, kind: str) -> list[int]:
    return [h.object_id for h in search.query(text, kinds=[kind], limit=100)]


@pytest.fixture
def defect(editor, product, case):
    return services.defect_create(
        actor=editor,
        product=product,
        title="Chart export truncates labels",
        steps="Export a chart with long axis labels.",
        case=case,
        external_key="ORB-481",
    )


def test_a_case_is_found_by_title_key_steps_and_automation_id(editor, case):
    assert found("chart", "test_case") == [case.pk]
    assert found(case.key, "test_case") == [case.pk]
    assert found("menu lists", "test_case") == [case.pk]  # a step's expected result
    services.case_update(actor=editor, case=case, automation_id="tests.export::test_chart_png")
    assert found("test_chart_png", "test_case") == [case.pk]
    hit = search.query(case.key)[0]
    assert (hit.kind, hit.title) == ("test_case", "Export a chart")
    assert hit.url == case.get_absolute_url()


def test_an_edited_case_is_found_by_its_new_title_only(editor, case):
    services.case_update(actor=editor, case=case, title="Print a dashboard")
    assert found("print", "test_case") == [case.pk]
    assert [h.title for h in search.query(case.key)] == ["Print a dashboard"]
    assert SearchEntry.objects.filter(kind="test_case").count() == 1


def test_an_archived_case_is_not_found_and_comes_back_when_restored(editor, case):
    services.case_update(actor=editor, case=case, archived=True)
    assert found("chart", "test_case") == []
    assert found(case.key, "test_case") == []
    reindex_search.apply()
    assert found("chart", "test_case") == []
    services.case_update(actor=editor, case=case, archived=False)
    assert found(case.key, "test_case") == [case.pk]


def test_a_defect_is_found_by_title_key_steps_and_tracker_key(editor, defect):
    assert found("truncates", "defect") == [defect.pk]
    assert found(defect.key, "defect") == [defect.pk]
    assert found("axis labels", "defect") == [defect.pk]
    assert found("ORB-481", "defect") == [defect.pk]
    services.defect_update(actor=editor, defect=defect, title="Legend overlaps", status="fixed")
    assert found("legend", "defect") == [defect.pk]
    assert found("truncates", "defect") == []
    assert search.query(defect.key)[0].url == defect.get_absolute_url()


def test_a_defect_opened_from_a_failure_is_indexed(editor, release, case):
    plan = services.plan_create(actor=editor, release=release, name="Smoke", cases=[case])
    run = services.run_create(actor=editor, plan=plan, build="2.0.0")
    result = services.result_record(actor=editor, result=run.results.get(), status="failed")
    defect = services.defect_from_result(actor=editor, result=result)
    assert found(defect.key, "defect") == [defect.pk]


def _report(names) -> bytes:
    body = "".join(f'<testcase classname="tests.cart" name="{n}"/>' for n in names)
    return f"<testsuite>{body}</testsuite>".encode()


def test_the_junit_import_indexes_its_new_cases_with_a_fixed_number_of_queries(editor, release):
    def imported(names) -> int:
        with CaptureQueriesContext(connection) as ctx:
            services.junit_import(actor=editor, release=release, build="1", data=_report(names))
        return len(ctx.captured_queries)

    imported(["test_first"])  # creates the "Automated" suite
    small = imported([f"test_small_{n}" for n in range(3)])
    large = imported([f"test_large_{n}" for n in range(60)])
    assert small == large  # not one query per case
    assert len(found("test_large", "test_case")) == 60
    assert SearchEntry.objects.filter(kind="test_case").count() == 64
    entry = SearchEntry.objects.get(kind="test_case", title="test_large_7")
    assert "tests.cart::test_large_7" in entry.body
    assert entry.url == reverse("quality:case-detail", args=[entry.object_id])


def test_index_many_refreshes_existing_entries_in_one_write(case):
    entry = {"kind": "test_case", "object_id": case.pk, "title": "Renamed", "body": "", "url": "/"}
    new = {"kind": "defect", "object_id": 999, "title": "Ghost defect", "body": "", "url": "/d/"}
    with CaptureQueriesContext(connection) as ctx:
        assert search.index_many([entry, new]) == 2
    assert len(ctx.captured_queries) == 1
    assert found("renamed", "test_case") == [case.pk]
    assert found("chart", "test_case") == []
    assert found("ghost", "defect") == [999]


def test_reindex_rebuilds_cases_and_defects(editor, case, defect):
    SearchEntry.objects.filter(kind__in=["test_case", "defect"]).delete()
    SearchEntry.objects.create(kind="defect", object_id=999_999, title="Stale", url="/x/")
    archived = services.case_create(actor=editor, suite=case.suite, title="Old chart flow")
    services.case_update(actor=editor, case=archived, archived=True)

    counts = reindex_search.apply().get()

    assert counts["test_case"] == 1 and counts["defect"] == 1
    assert found("chart", "test_case") == [case.pk]
    assert found(defect.key, "defect") == [defect.pk]
    assert found("stale", "defect") == []


def test_search_page_shows_both_kinds_with_their_labels(viewer, case, defect):
    client = client_for(viewer)
    page = client.get(reverse("core:search"), {"q": "chart"}).content.decode()
    assert "Test cases" in page and "Defects" in page
    assert case.get_absolute_url() in page and defect.get_absolute_url() in page
    only = client.get(reverse("core:search"), {"q": "chart", "kind": "defect"}).content.decode()
    assert defect.get_absolute_url() in only and case.get_absolute_url() not in only
    french = client.get(
        reverse("core:search"), {"q": "chart"}, headers={"accept-language": "fr"}
    ).content.decode()
    assert "Cas de test" in french and "Anomalies" in french


def test_api_filters_by_the_new_kinds(viewer, case, defect):
    response = bearer_client(viewer).get(url("search", q="chart", kind="test_case,defect"))
    assert response.status_code == 200
    assert {(h["kind"], h["id"]) for h in response.json()["items"]} == {
        ("test_case", case.pk),
        ("defect", defect.pk),
    }
