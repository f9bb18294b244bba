"""Suites and cases API: status codes, the error body, permissions and versions."""

import pytest
from django.test import Client

from tests.api.utils import errors, nothing_written, patch, post, url
from wavelength.quality.models import CaseVersion, Suite, TestCase

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401():
    assert Client().get(url("case-list")).status_code == 401
    assert post(Client(), url("suite-create"), {"product": "orbit", "name": "x"}).status_code == 401


def test_suite_create_and_nest(editor_api, product):
    top = post(editor_api, url("suite-create"), {"product": "orbit", "name": "Exports"})
    assert top.status_code == 201, top.content
    child = post(
        editor_api,
        url("suite-create"),
        {"product": product.pk, "name": "CSV", "parent": top.json()["id"]},
    )
    assert child.status_code == 201 and child.json()["parent"] == top.json()["id"]
    listed = editor_api.get(url("suite-list", product="orbit")).json()
    assert listed["count"] == 2


def test_suite_moved_inside_itself_is_a_422(editor_api, suite, child_suite):
    response = patch(editor_api, url("suite-update", suite.pk), {"parent": child_suite.pk})
    assert response.status_code == 422
    assert "parent" in errors(response)


def test_case_create_read_and_edit_makes_versions(editor_api, suite, feature):
    body = {
        "suite": suite.pk,
        "title": "Export",
        "steps": [{"action": "Click", "expected": "Downloads"}],
        "tags": ["Smoke"],
        "features": [feature.pk],
        "priority": "critical",
        "automation_id": "tests/test_export.py::test_csv",
    }
    response = post(editor_api, url("case-create"), body)
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["version"] == 1 and case["tags"] == ["smoke"]
    assert case["features"][0]["title"] == "Export to CSV"
    edited = patch(
        editor_api, url("case-update", case["id"]), {"title": "Export CSV", "expected_version": 1}
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    versions = editor_api.get(url("case-versions", case["id"])).json()
    assert [v["title"] for v in versions["items"]] == ["Export CSV", "Export"]
    stale = patch(editor_api, url("case-update", case["id"]), {"title": "X", "expected_version": 1})
    assert stale.status_code == 409 and "expected_version" in errors(stale)


def test_bad_case_input_names_each_field_and_writes_nothing(editor_api, suite):
    with nothing_written(TestCase, CaseVersion):
        response = post(
            editor_api, url("case-create"), {"suite": 999999, "title": "T", "features": [888888]}
        )
        assert response.status_code == 422
        assert set(errors(response)) == {"suite", "features"}
        response = post(editor_api, url("case-create"), {"suite": suite.pk, "title": " "})
        assert errors(response) == {"title": "This field is required."}
        response = post(
            editor_api, url("case-create"), {"suite": suite.pk, "title": "T", "priority": "urgent"}
        )
        assert response.status_code == 422 and "priority" in errors(response)


def test_viewer_reads_but_cannot_write(viewer_api, suite, case):
    assert viewer_api.get(url("case-detail", case.pk)).json()["title"] == "Export a chart"
    with nothing_written(Suite, TestCase, CaseVersion):
        assert (
            post(viewer_api, url("suite-create"), {"product": "orbit", "name": "X"}).status_code
            == 403
        )
        assert (
            post(viewer_api, url("case-create"), {"suite": suite.pk, "title": "X"}).status_code
            == 403
        )
        assert patch(viewer_api, url("case-update", case.pk), {"title": "X"}).status_code == 403


def test_case_list_filters_by_product_and_tag(editor_api, case):
    assert editor_api.get(url("case-list", product="orbit", tag="smoke")).json()["count"] == 1
    assert editor_api.get(url("case-list", tag="nope")).json()["count"] == 0
    assert editor_api.get(url("case-list", product="nope")).status_code == 404
