"""Defects: opened from a failure with the case's steps, links to feedback and customers
(checked generically), the tracker, the API and permissions."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.api.utils import errors, nothing_written, patch, post, url
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.feedback import services as feedback
from wavelength.quality import selectors, services
from wavelength.quality.models import Defect, DefectLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(editor, release, case):
    plan = services.plan_create(actor=editor, release=release, name="Smoke", cases=[case])
    run = services.run_create(actor=editor, plan=plan, build="2.0.0")
    result = run.results.get()
    return services.result_record(
        actor=editor,
        result=result,
        step_statuses=["passed", "failed"],
        notes="The file is empty.",
    )


def test_a_failure_opens_a_defect_with_the_case_steps(editor, failed, case, feature, release):
    defect = services.defect_from_result(actor=editor, result=failed, severity="critical")
    assert defect.title == "Fails: Export a chart" and defect.severity == "critical"
    assert defect.case == case and defect.release == release and defect.result == failed
    assert list(defect.features.all()) == [feature]
    assert "1. Open the chart menu → The menu lists Export" in defect.steps
    assert "2. Choose Export → CSV → A .csv file downloads **(Failed)**" in defect.steps
    assert "A dashboard with one chart." in defect.steps and "The file is empty." in defect.steps
    assert defect.status == "open" and defect.reported_by == editor


def test_only_failures_open_defects_and_only_once(editor, failed):
    services.defect_from_result(actor=editor, result=failed)
    with pytest.raises(Conflict) as exc, nothing_written(Defect):
        services.defect_from_result(actor=editor, result=failed)
    assert "already open" in exc.value.errors["result"]
    services.result_record(actor=editor, result=failed, status="passed")
    with pytest.raises(DomainError) as exc:
        services.defect_from_result(actor=editor, result=failed)
    assert "result" in exc.value.errors


def test_resolving_a_defect_stamps_when_and_reopening_clears_it(editor, product):
    defect = services.defect_create(actor=editor, product=product, title="Crash")
    services.defect_update(actor=editor, defect=defect, status="fixed")
    defect.refresh_from_db()
    assert defect.resolved_at is not None and not defect.is_open
    services.defect_update(actor=editor, defect=defect, status="open")
    defect.refresh_from_db()
    assert defect.resolved_at is None


def test_tracker_link_must_be_a_web_address(editor, product):
    with pytest.raises(DomainError) as exc, nothing_written(Defect):
        services.defect_create(
            actor=editor, product=product, title="X", external_url="javascript:alert(1)"
        )
    assert "external_url" in exc.value.errors
    defect = services.defect_create(
        actor=editor,
        product=product,
        title="X",
        external_url="https://tracker.example.com/PAY-12",
        external_key="PAY-12",
    )
    assert defect.external_key == "PAY-12"


def test_defects_link_to_feedback_and_customers(editor, product):
    defect = services.defect_create(actor=editor, product=product, title="Export is empty")
    company = feedback.company_create(actor=editor, name="Acme", domains=["acme.com"])
    item = feedback.feedback_create(actor=editor, text="Our CSV exports are empty since Monday")
    services.defect_link(actor=editor, defect=defect, kind="feedback", object_id=item.pk)
    services.defect_link(actor=editor, defect=defect, kind="customer", object_id=company.pk)
    services.defect_link(actor=editor, defect=defect, kind="customer", object_id=company.pk)
    assert sorted(defect.links.values_list("target_repr", flat=True))[0] == "Acme"
    assert defect.links.count() == 2
    with pytest.raises(DomainError) as exc, nothing_written(DefectLink):
        services.defect_link(actor=editor, defect=defect, kind="customer", object_id=999999)
    assert "object_id" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        services.defect_link(actor=editor, defect=defect, kind="user", object_id=editor.pk)
    assert "kind" in exc.value.errors


def test_viewer_cannot_open_edit_or_link_defects(viewer, editor, product, failed):
    defect = services.defect_create(actor=editor, product=product, title="Crash")
    with nothing_written(Defect, DefectLink):
        with pytest.raises(PermissionDenied):
            services.defect_from_result(actor=viewer, result=failed)
        with pytest.raises(PermissionDenied):
            services.defect_update(actor=viewer, defect=defect, status="closed")
        with pytest.raises(PermissionDenied):
            services.defect_link(actor=viewer, defect=defect, kind="customer", object_id=1)


def test_defect_list_puts_the_most_severe_first_and_hides_resolved(editor, viewer, product):
    services.defect_create(actor=editor, product=product, title="Typo", severity="trivial")
    services.defect_create(actor=editor, product=product, title="Crash", severity="critical")
    fixed = services.defect_create(actor=editor, product=product, title="Old", severity="major")
    services.defect_update(actor=editor, defect=fixed, status="fixed")
    rows = selectors.defect_list(user=viewer, filters=selectors.DefectFilter(unresolved=True))
    assert [d.title for d in rows] == ["Crash", "Typo"]


def test_api_opens_a_defect_from_a_failure_and_links_it(editor_api, editor, failed):
    response = post(editor_api, url("defect-from-result", failed.pk), {"severity": "minor"})
    assert response.status_code == 201, response.content
    defect = response.json()
    assert defect["severity"] == "minor" and defect["case"] == failed.case_id
    again = post(editor_api, url("defect-from-result", failed.pk), {})
    assert again.status_code == 409 and "result" in errors(again)
    company = feedback.company_create(actor=editor, name="Acme", domains=["acme.com"])
    linked = post(
        editor_api, url("defect-link", defect["id"]), {"kind": "customer", "object_id": company.pk}
    )
    assert linked.status_code == 201 and linked.json()["links"][0]["kind"] == "customer"
    changed = patch(editor_api, url("defect-update", defect["id"]), {"status": "fixed"})
    assert changed.json()["resolved_at"] is not None
    assert editor_api.get(url("defect-list", unresolved=True)).json()["count"] == 0
    bad = patch(editor_api, url("defect-update", defect["id"]), {"status": "gone"})
    assert bad.status_code == 422 and "status" in errors(bad)


def test_api_refuses_viewers(viewer_api, failed):
    with nothing_written(Defect):
        assert post(viewer_api, url("defect-from-result", failed.pk), {}).status_code == 403
        body = {"product": "orbit", "title": "X"}
        assert post(viewer_api, url("defect-create"), body).status_code == 403


def test_run_view_offers_one_click_defect_on_failures(editor_client, failed):
    page = editor_client.get(failed.run.get_absolute_url())
    assert "Open a defect" in page.text
    response = editor_client.post(reverse("quality:defect-from-result", args=[failed.pk]))
    defect = Defect.objects.get()
    assert response.status_code == 302 and response.url == defect.get_absolute_url()
    page = editor_client.get(defect.get_absolute_url())
    assert "Fails: Export a chart" in page.text and "<strong>(Failed)</strong>" in page.text
    run_page = editor_client.get(failed.run.get_absolute_url())
    assert defect.key in run_page.text and "Open a defect" not in run_page.text


def test_defect_pages_for_viewers(viewer_client, editor, product):
    defect = services.defect_create(actor=editor, product=product, title="Crash", steps="**x**")
    assert "Crash" in viewer_client.get(reverse("quality:defect-list")).text
    page = viewer_client.get(defect.get_absolute_url())
    assert page.status_code == 200 and "Save defect" not in page.text
    assert viewer_client.post(defect.get_absolute_url(), {"title": "Y"}).status_code == 403
