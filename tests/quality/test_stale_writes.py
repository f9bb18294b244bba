"""Stale writes in test management are refused: the API answers an ETag and a stale If-Match
is a 412 that changes nothing; an edit page carries the version it was built from and a stale
save shows both versions, keeps what was typed and changes nothing."""

import re

import pytest
from django.urls import reverse

from tests.api.utils import bearer_client, errors, url
from tests.conftest import client_for
from tests.stale import (
    STALE,
    ApiCase,
    assert_api_refuses_a_stale_if_match,
    assert_api_writes_without_if_match,
    assert_stale_save_refused,
    rows,
    version_in,
)
from wavelength.quality import services
from wavelength.quality.models import (
    Checklist,
    Defect,
    Inspection,
    ReleaseGate,
    Suite,
    TestCase,
    TestPlan,
    TestResult,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(editor, release, suite, case):
    return services.plan_create(actor=editor, release=release, name="Smoke", suites=[suite])


@pytest.fixture
def result(editor, plan):
    run = services.run_create(actor=editor, plan=plan, build="2.0.0-rc1")
    return run.results.get()


@pytest.fixture
def defect(editor, product):
    return services.defect_create(actor=editor, product=product, title="Export crashes")


@pytest.fixture
def checklist(admin):
    return services.checklist_create(
        actor=admin, name="Stale review", items=["First item", "Second item"]
    )


# The API ----------------------------------------------------------------------------------


API_CASES = {
    "suite": ApiCase(
        "suite-detail", "suite-update", "patch", {"description": "New text."},
        {"name": "Mine"}, Suite,
    ),
    "case": ApiCase(
        "case-detail", "case-update", "patch", {"preconditions": "Two charts."},
        {"title": "Mine"}, TestCase,
    ),
    "plan": ApiCase(
        "plan-detail", "plan-update", "patch", {"description": "New text."},
        {"name": "Mine"}, TestPlan,
    ),
    "defect": ApiCase(
        "defect-detail", "defect-update", "patch", {"severity": "minor"},
        {"title": "Mine"}, Defect,
    ),
    "result": ApiCase(
        "result-detail", "result-update", "patch", {"status": "passed"},
        {"status": "failed", "notes": "Mine"}, TestResult,
    ),
    "inspection": ApiCase(
        "inspection-detail", "inspection-update", "put", {"checked": [True, False]},
        {"checked": [False, True]}, Inspection,
    ),
    "gate": ApiCase(
        "gate", "gate-set", "put", {"min_pass_rate": 90},
        {"require_coverage": True}, ReleaseGate, admin=True,
    ),
}  # fmt: skip


@pytest.fixture
def api_target(request, admin, editor, product, release):
    """``(ApiCase, url args)`` of the kind named by the test's parameter."""
    kind = API_CASES[request.param]
    if request.param == "inspection":
        args = (release.pk, request.getfixturevalue("checklist").pk)
    elif request.param == "gate":
        args = (product.slug,)
    else:
        obj = request.getfixturevalue(request.param)
        args = (obj.pk,)
    return kind, args, bearer_client(admin if kind.admin else editor)


@pytest.mark.parametrize("api_target", list(API_CASES), indirect=True)
def test_api_answers_an_etag_and_refuses_a_stale_if_match(api_target):
    assert_api_refuses_a_stale_if_match(*api_target)


@pytest.mark.parametrize("api_target", list(API_CASES), indirect=True)
def test_api_write_without_if_match_still_works(api_target):
    assert_api_writes_without_if_match(*api_target)


@pytest.mark.parametrize("body", [{"checked": [True, True]}, {"sign": True}, {}])
def test_a_stale_if_match_does_not_even_start_an_inspection(editor_api, release, checklist, body):
    path = url("inspection-update", release.pk, checklist.pk)
    response = editor_api.put(
        path, body, content_type="application/json", headers={"If-Match": '"0000000000000000"'}
    )
    assert response.status_code == 412
    assert not Inspection.objects.exists()


def test_the_inspections_page_refuses_a_form_built_on_a_stale_state(
    editor, admin, release, checklist
):
    client = client_for(editor)
    save = reverse("quality:inspection-save", args=[release.pk, checklist.pk])
    page = client.get(reverse("quality:release-inspections", args=[release.pk])).text
    found = re.search(
        rf'action="{re.escape(save)}".*?name="edit_version" value="([0-9a-f]{{16}})"', page, re.S
    )
    assert found, "the inspection's form carries no version"
    inspection = services.inspection_start(actor=admin, release=release, checklist=checklist)
    services.inspection_check(actor=admin, inspection=inspection, checked=[True, False])
    before = rows(Inspection)
    data = {"item": ["1"], "action": "save", "edit_version": found.group(1)}
    response = client.post(save, data, follow=True)
    assert STALE in response.content.decode()
    assert rows(Inspection) == before


def test_a_ticked_item_moving_changes_the_inspection_s_etag(editor_api, release, checklist):
    """The tag tells which items are ticked, not only how many."""
    path = url("inspection-update", release.pk, checklist.pk)
    one = editor_api.put(path, {"checked": [True, False]}, content_type="application/json")
    other = editor_api.put(path, {"checked": [False, True]}, content_type="application/json")
    assert one.headers["ETag"] != other.headers["ETag"]


def test_case_expected_version_keeps_answering_409(editor_api, case):
    path = url("case-update", case.pk)
    editor_api.patch(path, {"title": "New"}, content_type="application/json")
    stale = editor_api.patch(
        path, {"title": "X", "expected_version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409 and "expected_version" in errors(stale)


def test_the_openapi_documents_if_match_412_and_the_409s_it_had(client):
    spec = client.get(url("openapi-json")).json()
    for path, method in [
        ("/api/v1/quality/cases/{case_id}", "patch"),
        ("/api/v1/quality/releases/{release_id}/inspections/{checklist_id}", "put"),
        ("/api/v1/quality/products/{product}/gate", "put"),
    ]:
        operation = spec["paths"][path][method]
        assert {"409", "412"} <= set(operation["responses"])
        assert any(p["name"] == "If-Match" for p in operation["parameters"])


# Pages ------------------------------------------------------------------------------------


def test_suite_edit_page(editor, suite):
    assert_stale_save_refused(
        client_for(editor),
        reverse("quality:suite-edit", args=[suite.pk]),
        {"name": "My suite", "parent": "", "description": ""},
        theirs=lambda: services.suite_update(actor=editor, suite=suite, description="Theirs."),
        saved="Theirs.",
        typed='value="My suite"',
        rows=lambda: rows(Suite),
    )


def test_case_edit_page(editor, case):
    data = {
        "suite": case.suite_id,
        "title": "My title",
        "preconditions": case.preconditions,
        "priority": "high",
        "tags": "smoke, export",
        "features": [f.pk for f in case.features.all()],
        "expected_version": "1",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "1",
        "steps-0-action": "Press E",
        "steps-0-expected": "A file downloads",
    }
    assert_stale_save_refused(
        client_for(editor),
        reverse("quality:case-edit", args=[case.pk]),
        data,
        theirs=lambda: services.case_update(actor=editor, case=case, preconditions="Theirs."),
        saved="Theirs.",
        typed='value="My title"',
        rows=lambda: rows(TestCase),
    )


def test_case_edit_page_saves_again_after_a_conflict(editor, case):
    client, path = client_for(editor), reverse("quality:case-edit", args=[case.pk])
    data = {
        "suite": case.suite_id, "title": "My title", "priority": "high",
        "expected_version": "1", "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0",
    }  # fmt: skip
    version = version_in(client.get(path).text)
    services.case_update(actor=editor, case=case, preconditions="Theirs.")
    refused = client.post(path, {**data, "edit_version": version})
    again = client.post(path, {**data, "edit_version": version_in(refused.text)})
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.title == "My title" and case.version == 3


def test_plan_edit_page(editor, plan, suite):
    assert_stale_save_refused(
        client_for(editor),
        reverse("quality:plan-edit", args=[plan.pk]),
        {"name": "My plan", "description": "", "suites": [suite.pk], "tags": ""},
        theirs=lambda: services.plan_update(actor=editor, plan=plan, description="Theirs."),
        saved="Theirs.",
        typed='value="My plan"',
        rows=lambda: rows(TestPlan),
    )


def test_defect_edit_form(editor, defect):
    data = {
        "title": "My title", "severity": "major", "status": "open", "steps": "",
        "external_key": "", "external_url": "",
    }  # fmt: skip
    assert_stale_save_refused(
        client_for(editor),
        reverse("quality:defect-detail", args=[defect.pk]),
        data,
        theirs=lambda: services.defect_update(actor=editor, defect=defect, external_key="PAY-9"),
        saved='data-label="Saved meanwhile">PAY-9</td>',
        typed='value="My title"',
        rows=lambda: rows(Defect),
    )


def test_result_page(editor, admin, result):
    data = {"status": "failed", "notes": "My notes", "duration": "", "step_0": "", "step_1": ""}
    assert_stale_save_refused(
        client_for(editor),
        reverse("quality:result-detail", args=[result.pk]),
        data,
        theirs=lambda: services.result_record(actor=admin, result=result, notes="Their notes"),
        saved="Their notes",
        typed="My notes",
        rows=lambda: rows(TestResult),
    )


def test_checklist_edit_page(admin, checklist):
    data = {
        "name": "My review", "description": "", "signoff_team": "", "expected_version": "1",
        "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "2",
        "items-0-text": "First item", "items-0-ORDER": "1",
        "items-1-text": "Second item", "items-1-ORDER": "2",
    }  # fmt: skip
    assert_stale_save_refused(
        client_for(admin),
        reverse("quality:checklist-edit", args=[checklist.pk]),
        data,
        theirs=lambda: services.checklist_update(
            actor=admin, checklist=checklist, description="Theirs."
        ),
        saved="Theirs.",
        typed='value="My review"',
        rows=lambda: rows(Checklist, pk=checklist.pk),
    )


def test_gate_page(admin, product):
    assert_stale_save_refused(
        client_for(admin),
        reverse("quality:gate", args=[product.slug]),
        {"min_pass_rate": "95", "blocking_severity": ""},
        theirs=lambda: services.gate_update(actor=admin, product=product, min_pass_rate=80),
        saved='data-label="Saved meanwhile">80</td>',
        typed='value="95"',
        rows=lambda: rows(ReleaseGate),
    )
