"""Quality pages for suites and cases: what people see, the forms, refusals and permissions."""

import pytest
from django.urls import reverse

from wavelength.quality.models import TestCase

pytestmark = pytest.mark.django_db


def test_index_lists_products_with_counts(viewer_client, case):
    response = viewer_client.get(reverse("quality:index"))
    assert response.status_code == 200
    assert "Orbit" in response.text and "1 test case" in response.text


def test_product_page_shows_tree_and_cases_filtered_by_suite(
    editor, viewer_client, product, suite, child_suite, case
):
    from wavelength.quality import services

    services.case_create(actor=editor, suite=child_suite, title="Quoted commas")
    page = viewer_client.get(reverse("quality:product", args=["orbit"]))
    assert "Export a chart" in page.text and "Quoted commas" in page.text and "CSV" in page.text
    page = viewer_client.get(reverse("quality:product", args=["orbit"]), {"suite": child_suite.pk})
    assert "Quoted commas" in page.text and "Export a chart" not in page.text
    fragment = viewer_client.get(
        reverse("quality:product", args=["orbit"]),
        {"q": "export"},
        headers={"HX-Request": "true", "HX-Target": "case-results"},
    )
    assert (
        fragment.text.startswith('\n<div id="case-results"') or 'id="case-results"' in fragment.text
    )
    assert "<html" not in fragment.text and "Quoted commas" not in fragment.text


def test_case_create_form_with_steps(editor_client, suite, feature):
    response = editor_client.post(
        reverse("quality:case-create", args=["orbit"]),
        {
            "suite": suite.pk,
            "title": "Sign in with SSO",
            "priority": "high",
            "tags": "sso, smoke",
            "features": [feature.pk],
            "automation_id": "",
            "steps-TOTAL_FORMS": "3",
            "steps-INITIAL_FORMS": "0",
            "steps-0-action": "Open the sign-in page",
            "steps-0-expected": "An SSO button shows",
            "steps-1-action": "",
            "steps-1-expected": "",
            "steps-2-action": "Click it",
            "steps-2-expected": "The identity provider opens",
        },
    )
    case = TestCase.objects.get(title="Sign in with SSO")
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert [s["action"] for s in case.steps] == ["Open the sign-in page", "Click it"]
    page = editor_client.get(case.get_absolute_url())
    assert "The identity provider opens" in page.text and "Version 1" in page.text


def test_case_edit_form_saves_a_new_version_and_the_old_one_stays_readable(editor_client, case):
    data = {
        "suite": case.suite_id,
        "title": "Export a chart to CSV",
        "priority": "high",
        "tags": "smoke",
        "expected_version": "1",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "1",
        "steps-0-action": "Press E",
        "steps-0-expected": "A file downloads",
    }
    response = editor_client.post(reverse("quality:case-edit", args=[case.pk]), data)
    assert response.status_code == 302
    old = editor_client.get(case.get_absolute_url(), {"version": 1})
    assert "Choose Export → CSV" in old.text and "the latest is 2" in old.text
    stale = editor_client.post(reverse("quality:case-edit", args=[case.pk]), data)
    assert stale.status_code == 422 and "reload it" in stale.text


def test_case_form_refusal_shows_inline(editor_client, suite):
    response = editor_client.post(
        reverse("quality:case-create", args=["orbit"]),
        {
            "suite": suite.pk,
            "title": "T",
            "priority": "low",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-0-action": "",
            "steps-0-expected": "Only a result",
        },
    )
    assert response.status_code == 422 and "A step needs an action." in response.text
    assert not TestCase.objects.filter(title="T").exists()


def test_suite_forms(editor_client, suite):
    response = editor_client.post(
        reverse("quality:suite-create", args=["orbit"]), {"name": "PDF", "parent": suite.pk}
    )
    assert response.status_code == 302
    clash = editor_client.post(reverse("quality:suite-create", args=["orbit"]), {"name": "Exports"})
    assert clash.status_code == 422 and "already has a suite" in clash.text


def test_viewer_gets_403_on_forms_and_sees_no_edit_buttons(viewer_client, case):
    assert viewer_client.get(reverse("quality:case-create", args=["orbit"])).status_code == 403
    assert viewer_client.get(reverse("quality:case-edit", args=[case.pk])).status_code == 403
    page = viewer_client.get(case.get_absolute_url())
    assert page.status_code == 200 and "Edit test case" not in page.text


def test_nav_has_a_quality_link(viewer_client):
    page = viewer_client.get(reverse("quality:index"))
    assert 'href="/quality/" aria-current="page">Quality' in page.text
