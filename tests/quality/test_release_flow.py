"""A safe release flow: "every planned case executed" in the gate, the ship confirmation and
its summary (service, page, API), shipping moving the features on, closing a run with cases
left untested, and late releases."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.api.utils import bearer_client, errors, nothing_written
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog import services as catalog
from wavelength.catalog.models import Feature, Release, ReleaseStatus, Stage, StageEntry
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.core.versioning import StaleVersion
from wavelength.quality import services
from wavelength.quality.models import Checklist, ReleaseGate, RunStatus, TestRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(editor, suite, feature):
    return [
        services.case_create(actor=editor, suite=suite, title=f"Case {n:02d}", features=[feature])
        for n in range(15)
    ]


@pytest.fixture
def run(editor, release, cases):
    """The issue's run: 15 cases, 8 passed, one failed, one blocked, 5 never tried."""
    plan = services.plan_create(actor=editor, release=release, name="Regression", cases=cases)
    run = services.run_create(actor=editor, plan=plan, build="2.0.0")
    outcomes = ["passed"] * 8 + ["failed", "blocked"]
    for result, status in zip(run.results.order_by("case__title"), outcomes, strict=False):
        services.result_record(actor=editor, result=result, status=status)
    return run


def _verdicts(release):
    release = Release.objects.select_related("product").get(pk=release.pk)
    return {v.criterion.key: v.result for v in catalog_selectors.gates.evaluate(release)}


# The gate criterion -----------------------------------------------------------------------


def test_a_run_with_untested_cases_passes_the_pass_rate_but_not_every_case_executed(
    admin, product, release, run
):
    services.gate_update(actor=admin, product=product, min_pass_rate=80)
    assert _verdicts(release)["quality.pass_rate"].ok  # 8 of the 10 executed
    services.gate_update(actor=admin, product=product, require_all_executed=True)
    result = _verdicts(release)["quality.all_executed"]
    assert not result.ok
    assert result.detail == "10 of 15 planned cases executed."
    assert [label.split(" ", 1)[1] for label, _url in result.missing] == [
        f"Case {n:02d}" for n in range(10, 15)
    ]


def test_every_case_executed_passes_once_the_last_one_is_recorded(admin, editor, release, run):
    services.gate_update(actor=admin, product=release.product, require_all_executed=True)
    for result in run.results.filter(status="untested"):
        services.result_record(actor=editor, result=result, status="skipped")
    assert _verdicts(release)["quality.all_executed"].ok


def test_every_case_executed_without_any_run_fails_and_links_to_the_runs(admin, release):
    services.gate_update(actor=admin, product=release.product, require_all_executed=True)
    result = _verdicts(release)["quality.all_executed"]
    assert not result.ok
    assert result.missing[0][1] == reverse("quality:runs", args=[release.product.slug])


def test_the_criterion_is_set_on_the_gate_page_and_the_api(admin, admin_client, product):
    url = reverse("quality:gate", args=[product.slug])
    assert "Every planned case executed" in admin_client.get(url).content.decode()
    admin_client.post(url, {"require_all_executed": "on"})
    assert ReleaseGate.objects.get(product=product).require_all_executed
    api = bearer_client(admin)
    gate_url = f"/api/v1/quality/products/{product.slug}/gate"
    response = api.put(gate_url, {"require_all_executed": False}, content_type="application/json")
    assert response.status_code == 200 and response.json()["require_all_executed"] is False
    history = Activity.objects.filter(verb="updated", target_id=ReleaseGate.objects.get().pk)
    assert history.exists()


def test_an_editor_cannot_set_the_criterion(editor, product):
    with pytest.raises(PermissionDenied), nothing_written(ReleaseGate):
        services.gate_update(actor=editor, product=product, require_all_executed=True)


# The ship summary -------------------------------------------------------------------------


def test_the_summary_counts_untested_cases_defects_by_severity_and_unsigned_inspections(
    admin, editor, product, release, feature, run
):
    services.defect_create(actor=editor, product=product, title="Crash", severity="critical",
                           release=release)  # fmt: skip
    services.defect_create(actor=editor, product=product, title="Typo", severity="minor",
                           features=[feature])  # fmt: skip
    security = Checklist.objects.get(name="Security review")
    services.gate_update(actor=admin, product=product, required_checklists=[security])
    summary = catalog_selectors.release_ship_summary(user=editor, release=release)
    parts = {p.key: p.part for p in summary.parts}
    assert parts["quality.untested"].count == 5
    assert "5 of 15 planned cases" in parts["quality.untested"].detail
    assert [(str(label), n) for label, n in parts["quality.defects"].counts] == [
        ("Critical", 1),
        ("Minor", 1),
    ]
    assert parts["quality.defects"].items[0][0].endswith("Crash (Critical)")
    assert parts["quality.inspections"].count == 1
    assert "Security review: not started" in parts["quality.inspections"].items[0][0]
    assert [f.title for f in summary.features] == ["Export to CSV"]
    assert summary.features_to == Stage.GENERALLY_AVAILABLE


def test_the_summary_of_a_beta_release_moves_features_to_beta(editor, product, feature):
    beta = catalog.release_create(actor=editor, product=product, version="3.0-beta",
                                  features=[feature])  # fmt: skip
    summary = catalog_selectors.release_ship_summary(user=editor, release=beta)
    assert summary.features_to == Stage.BETA
    assert summary.moving(Stage.BETA) == [feature]


def test_the_confirmation_page_shows_the_summary(editor_client, release, run):
    page = editor_client.get(reverse("catalog:release-ship", args=[release.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Untested planned cases" in html and "5 of 15 planned cases" in html
    assert "Open defects by severity" in html and "Export to CSV" in html
    assert 'value="generally_available" checked' in html
    assert "(1 feature moves)" in html


def test_a_viewer_cannot_open_the_confirmation(viewer_client, release):
    assert viewer_client.get(reverse("catalog:release-ship", args=[release.pk])).status_code == 403


def test_the_confirmation_in_french(editor_client, release):
    editor_client.cookies.load({"django_language": "fr"})
    url = reverse("catalog:release-ship", args=[release.pk])
    html = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Livrer" in html and "Disponibilité générale" in html


# Shipping moves the features on -----------------------------------------------------------


def test_shipping_moves_features_to_generally_available_in_their_history(
    editor, product, release, feature
):
    catalog.feature_move_stage(actor=editor, feature=feature, stage=Stage.PLANNED)
    catalog.release_ship(actor=editor, release=release, features_to=Stage.GENERALLY_AVAILABLE)
    feature.refresh_from_db()
    assert feature.stage == Stage.GENERALLY_AVAILABLE
    assert StageEntry.objects.filter(feature=feature, stage=Stage.GENERALLY_AVAILABLE).exists()
    moved = Activity.objects.for_target(feature).filter(verb="stage_changed").order_by("-pk")[0]
    assert moved.payload["changes"]["stage"] == ["planned", "generally_available"]
    assert moved.payload["shipped_in"] == "Orbit 2.0"
    released = Activity.objects.for_target(release).get(verb="released")
    assert released.payload["features_to"] == "generally_available"


def test_the_feature_timeline_says_it_moved_when_the_release_shipped(
    editor, editor_client, release, feature
):
    catalog.release_ship(actor=editor, release=release, features_to=Stage.BETA)
    html = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "when" in html and "Orbit 2.0" in html and "shipped" in html


def test_shipping_leaves_features_further_on_and_can_leave_all(editor, product, feature):
    done = catalog.feature_create(actor=editor, product=product, title="Done",
                                  stage=Stage.DEPRECATED)  # fmt: skip
    release = catalog.release_create(actor=editor, product=product, version="4.0",
                                     features=[feature, done])  # fmt: skip
    catalog.release_ship(actor=editor, release=release, features_to=Stage.GENERALLY_AVAILABLE)
    assert Feature.objects.get(pk=done.pk).stage == Stage.DEPRECATED
    other = catalog.feature_create(actor=editor, product=product, title="Later")
    left = catalog.release_create(actor=editor, product=product, version="5.0", features=[other])
    catalog.release_ship(actor=editor, release=left, features_to="")
    assert Feature.objects.get(pk=other.pk).stage == Stage.IDEA


def test_shipping_to_an_unknown_stage_is_refused_and_writes_nothing(editor, release):
    with pytest.raises(DomainError) as exc, nothing_written(Release, Feature, Activity):
        catalog.release_ship(actor=editor, release=release, features_to="retired")
    assert "features_to" in exc.value.errors


def test_shipping_a_release_changed_since_its_confirmation_is_refused(
    editor, editor_client, product, release
):
    url = reverse("catalog:release-ship", args=[release.pk])
    from wavelength.core.versioning import version_of

    seen = version_of(release)
    catalog.release_update(actor=editor, release=release, name="Renamed")
    with pytest.raises(StaleVersion):
        catalog.release_ship(actor=editor, release=release, if_version=seen)
    response = editor_client.post(url, {"confirm": "on", "edit_version": seen})
    assert response.status_code == 422
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.PLANNED


def test_the_confirmation_ships_and_moves_the_features(editor_client, release, feature):
    url = reverse("catalog:release-ship", args=[release.pk])
    response = editor_client.post(url, {"confirm": "on", "features_to": "generally_available"})
    assert response.status_code == 302
    assert Feature.objects.get(pk=feature.pk).stage == Stage.GENERALLY_AVAILABLE


# The API ----------------------------------------------------------------------------------


def test_api_summary(editor, release, run):
    response = bearer_client(editor).get(f"/api/v1/releases/{release.pk}/ship-summary")
    assert response.status_code == 200
    body = response.json()
    assert body["features_to"] == "generally_available"
    assert body["features"] == [
        {"id": release.features.get().pk, "title": "Export to CSV", "stage": "idea",
         "moves_to": "generally_available"}
    ]  # fmt: skip
    parts = {p["key"]: p for p in body["parts"]}
    assert parts["quality.untested"]["count"] == 5


def test_api_summary_of_an_unknown_release_is_404(editor):
    assert bearer_client(editor).get("/api/v1/releases/999999/ship-summary").status_code == 404


def test_api_ship_needs_confirm(editor, release):
    api = bearer_client(editor)
    with nothing_written(Release, Feature):
        response = api.post(f"/api/v1/releases/{release.pk}/ship", {},
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 422 and list(errors(response)) == ["confirm"]
    with nothing_written(Release):
        patched = api.patch(f"/api/v1/releases/{release.pk}", {"status": "released"},
                            content_type="application/json")  # fmt: skip
    assert patched.status_code == 422 and list(errors(response)) == ["confirm"]


def test_api_ship_moves_features_by_default_or_as_asked(editor, product, release, feature):
    api = bearer_client(editor)
    shipped = api.post(f"/api/v1/releases/{release.pk}/ship", {"confirm": True},
                       content_type="application/json")  # fmt: skip
    assert shipped.status_code == 200
    assert Feature.objects.get(pk=feature.pk).stage == Stage.GENERALLY_AVAILABLE
    other = catalog.feature_create(actor=editor, product=product, title="Later")
    left = catalog.release_create(actor=editor, product=product, version="5.0", features=[other])
    api.patch(f"/api/v1/releases/{left.pk}",
              {"status": "released", "confirm": True, "features_to": ""},
              content_type="application/json")  # fmt: skip
    assert Release.objects.get(pk=left.pk).status == ReleaseStatus.RELEASED
    assert Feature.objects.get(pk=other.pk).stage == Stage.IDEA


def test_api_ship_to_a_bad_stage_is_422(editor, release):
    response = bearer_client(editor).post(
        f"/api/v1/releases/{release.pk}/ship",
        {"confirm": True, "features_to": "retired"},
        content_type="application/json",
    )
    assert response.status_code == 422 and list(errors(response)) == ["features_to"]


# Closing a run with untested cases --------------------------------------------------------


def test_closing_a_run_with_untested_cases_asks_and_says_how_many(editor, editor_client, run):
    with pytest.raises(DomainError) as exc:
        services.run_close(actor=editor, run=run)
    assert "5 cases of this run are still untested" in exc.value.message
    url = reverse("quality:run-close", args=[run.pk])
    page = editor_client.post(url)
    assert "5 cases of this run are still untested" in page.content.decode()
    assert TestRun.objects.get(pk=run.pk).status == RunStatus.OPEN
    editor_client.post(url, {"confirm": "on"})
    assert TestRun.objects.get(pk=run.pk).status == RunStatus.CLOSED


def test_a_get_of_the_close_address_goes_back_to_the_run(editor_client, run):
    response = editor_client.get(reverse("quality:run-close", args=[run.pk]))
    assert response.status_code == 302 and response.url == run.get_absolute_url()


def test_api_close_needs_confirm_with_untested_cases(editor, run):
    api = bearer_client(editor)
    url = f"/api/v1/quality/runs/{run.pk}/close"
    refused = api.post(url, {}, content_type="application/json")
    assert refused.status_code == 422 and list(errors(refused)) == ["confirm"]
    closed = api.post(url, {"confirm": True}, content_type="application/json")
    assert closed.status_code == 200
    assert TestRun.objects.get(pk=run.pk).status == RunStatus.CLOSED


# Late releases ----------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC), tick=False)
def test_a_release_past_its_target_date_is_late_everywhere(editor, editor_client, release):
    catalog.release_update(actor=editor, release=release, target_date=dt.date(2026, 6, 1))
    release.refresh_from_db()
    assert release.is_late
    for url in (release.get_absolute_url(), reverse("catalog:release-list"), reverse("core:home")):
        assert "badge-late" in editor_client.get(url).content.decode(), url
    api = bearer_client(editor).get(f"/api/v1/releases/{release.pk}").json()
    assert api["late"] is True
    catalog.release_update(actor=editor, release=release, target_date=dt.date(2026, 6, 20))
    release.refresh_from_db()
    assert not release.is_late
