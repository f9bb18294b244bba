"""The release-readiness gate: each quality criterion, the product settings (service, page,
API), the live gate on the release page and the verdict frozen when a release ships."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.utils import bearer_client, errors, nothing_written
from wavelength.accounts.models import Membership, Team
from wavelength.catalog import gates
from wavelength.catalog import services as catalog
from wavelength.catalog.models import ReleaseStatus
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.quality import services
from wavelength.quality.gate import SHOWN
from wavelength.quality.models import Checklist, ReleaseGate

pytestmark = pytest.mark.django_db


def verdict(release, key):
    release = type(release).objects.select_related("product").get(pk=release.pk)
    found = {v.criterion.key: v.result for v in gates.evaluate(release)}
    return found.get(f"quality.{key}")


def record(editor, release, outcomes, *, build="1"):
    """A run of ``release`` over the cases in ``outcomes`` ({case: status})."""
    plan = services.plan_create(
        actor=editor, release=release, name=f"Plan {build}", cases=list(outcomes)
    )
    run = services.run_create(actor=editor, plan=plan, build=build)
    for result in run.results.select_related("case"):
        services.result_record(actor=editor, result=result, status=outcomes[result.case])
    return run


@pytest.fixture
def second_case(editor, suite, feature):
    return services.case_create(
        actor=editor, suite=suite, title="Export a table", features=[feature]
    )


@pytest.fixture
def security():
    return Checklist.objects.get(name="Security review")


def test_no_gate_set_adds_no_criterion(release):
    assert verdict(release, "pass_rate") is None
    assert not [v for v in gates.evaluate(release) if v.criterion.key.startswith("quality.")]


def test_pass_rate_without_results_fails_and_links_to_the_runs(admin, product, release):
    services.gate_update(actor=admin, product=product, min_pass_rate=90)
    result = verdict(release, "pass_rate")
    assert not result.ok and "No test result" in result.detail
    assert result.missing[0][1] == reverse("quality:runs", args=[product.slug])


def test_pass_rate_counts_the_latest_result_of_each_case(
    admin, editor, product, release, case, second_case
):
    services.gate_update(actor=admin, product=product, min_pass_rate=100)
    record(editor, release, {case: "failed", second_case: "passed"}, build="rc1")
    result = verdict(release, "pass_rate")
    assert not result.ok and "50 %" in result.detail and "1 of 2" in result.detail
    assert result.missing[0][0] == f"{case.key} Export a chart: Failed"
    record(editor, release, {case: "passed"}, build="rc2")
    result = verdict(release, "pass_rate")
    assert result.ok and "2 of 2" in result.detail and not result.missing


def test_skipped_and_untested_results_are_left_out_of_the_pass_rate(
    admin, editor, product, release, case, second_case
):
    services.gate_update(actor=admin, product=product, min_pass_rate=100)
    record(editor, release, {case: "passed", second_case: "skipped"})
    result = verdict(release, "pass_rate")
    assert result.ok and "1 of 1" in result.detail


def test_blocking_defects_at_or_above_the_severity(admin, editor, product, release, feature):
    services.gate_update(actor=admin, product=product, blocking_severity="major")
    assert verdict(release, "open_defects").ok
    services.defect_create(actor=editor, product=product, title="Typo", severity="minor",
                           release=release)  # fmt: skip
    assert verdict(release, "open_defects").ok
    found_in = services.defect_create(
        actor=editor, product=product, title="Crash on export", severity="critical", release=release
    )
    concerning = services.defect_create(
        actor=editor, product=product, title="Slow export", severity="major", features=[feature]
    )
    result = verdict(release, "open_defects")
    assert not result.ok and "2 open defects" in result.detail
    assert [label for label, _url in result.missing] == [
        f"{found_in.key} Crash on export (Critical)",
        f"{concerning.key} Slow export (Major)",
    ]
    for defect in (found_in, concerning):
        services.defect_update(actor=editor, defect=defect, status="fixed")
    assert verdict(release, "open_defects").ok


def test_many_blocking_defects_are_counted_beyond_those_named(admin, editor, product, release):
    services.gate_update(actor=admin, product=product, blocking_severity="critical")
    for n in range(SHOWN + 2):
        services.defect_create(actor=editor, product=product, title=f"Crash {n}",
                               severity="critical", release=release)  # fmt: skip
    result = verdict(release, "open_defects")
    assert len(result.missing) == SHOWN + 1 and result.missing[-1] == ("and 2 more", "")


def test_required_inspections_must_be_signed(admin, editor, product, release, security):
    services.gate_update(actor=admin, product=product, required_checklists=[security])
    result = verdict(release, "inspections")
    inspections = reverse("quality:release-inspections", args=[release.pk])
    assert not result.ok
    assert result.missing == [
        ("Security review: not started", f"{inspections}#checklist-{security.pk}")
    ]
    inspection = services.inspection_start(actor=editor, release=release, checklist=security)
    assert verdict(release, "inspections").missing[0][0] == "Security review: in progress"
    Membership.objects.create(team=Team.objects.get(slug="engineering"), user=editor)
    services.inspection_check(
        actor=editor, inspection=inspection, checked=[True] * len(security.items)
    )
    services.inspection_sign(actor=editor, inspection=inspection)
    result = verdict(release, "inspections")
    assert result.ok and "Security review v1 signed by Bob Editor" in result.detail


def test_every_feature_must_be_covered(admin, editor, product, release, feature, other_feature):
    catalog.release_update(actor=editor, release=release, features=[feature, other_feature])
    services.gate_update(actor=admin, product=product, require_coverage=True)
    result = verdict(release, "coverage")
    assert not result.ok and "0 of 2" in result.detail
    new_case = reverse("quality:case-create", args=[product.slug])
    assert result.missing[0] == ("Export to CSV", f"{new_case}?feature={feature.pk}")
    suite = services.suite_create(actor=editor, product=product, name="All")
    services.case_create(actor=editor, suite=suite, title="A", features=[feature])
    archived = services.case_create(actor=editor, suite=suite, title="B", features=[other_feature])
    services.case_update(actor=editor, case=archived, archived=True)
    result = verdict(release, "coverage")
    assert not result.ok and [m[0] for m in result.missing] == ["Single sign-on"]
    services.case_create(actor=editor, suite=suite, title="C", features=[other_feature])
    assert verdict(release, "coverage").ok


def test_the_gate_reads_in_a_fixed_number_of_queries(
    admin, editor, product, release, case, security
):
    services.gate_update(
        actor=admin, product=product, min_pass_rate=80, blocking_severity="major",
        required_checklists=[security], require_coverage=True,
    )  # fmt: skip
    record(editor, release, {case: "failed"})

    def count():
        fresh = type(release).objects.select_related("product").get(pk=release.pk)
        with CaptureQueriesContext(connection) as ctx:
            gates.evaluate(fresh)
        return len(ctx)

    def grow(n):
        features = [catalog.feature_create(actor=editor, product=product, title=f"F{n}-{i}")
                    for i in range(n)]  # fmt: skip
        release.features.add(*features)
        for i in range(n):
            services.defect_create(actor=editor, product=product, title=f"D{n}-{i}",
                                   severity="critical", release=release)  # fmt: skip

    grow(SHOWN + 1)
    some = count()
    grow(20)
    assert count() == some


def test_shipping_is_refused_until_the_gate_passes_and_the_verdict_is_frozen(
    admin, editor, product, release, case
):
    services.gate_update(actor=admin, product=product, min_pass_rate=100, require_coverage=True)
    record(editor, release, {case: "failed"}, build="rc1")
    with pytest.raises(gates.GateRefused) as exc:
        catalog.release_ship(actor=editor, release=release)
    assert "Minimum pass rate" in exc.value.message
    record(editor, release, {case: "passed"}, build="rc2")
    catalog.release_ship(actor=editor, release=release)
    shipped = Activity.objects.for_target(release).filter(verb="released").get()
    frozen = {v["key"]: v for v in shipped.payload["gate"]}
    assert frozen["quality.pass_rate"]["ok"] and "1 of 1" in frozen["quality.pass_rate"]["detail"]
    assert frozen["quality.coverage"]["ok"]


def test_an_admin_override_is_shown_on_the_shipped_release(admin, admin_client, product, release):
    services.gate_update(actor=admin, product=product, min_pass_rate=90)
    reason = "Security fix, tested by hand"
    catalog.release_ship(actor=admin, release=release, override_reason=reason)
    page = admin_client.get(release.get_absolute_url()).content.decode()
    assert "Gate when it shipped" in page and "overridden" in page
    assert "Security fix, tested by hand" in page and "No test result" in page


# Settings ---------------------------------------------------------------------------------


def test_only_admins_set_the_gate(editor, product):
    with pytest.raises(PermissionDenied), nothing_written(ReleaseGate):
        services.gate_update(actor=editor, product=product, min_pass_rate=80)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_pass_rate": 101}, "min_pass_rate"),
        ({"min_pass_rate": "lots"}, "min_pass_rate"),
        ({"blocking_severity": "apocalyptic"}, "blocking_severity"),
        ({"required_checklists": [99999]}, "required_checklists.0"),
    ],
)
def test_bad_settings_name_the_field_and_write_nothing(admin, product, changes, field):
    with pytest.raises(DomainError) as exc, nothing_written(ReleaseGate):
        services.gate_update(actor=admin, product=product, **changes)
    assert field in exc.value.errors


def test_an_archived_checklist_cannot_be_required(admin, product, security):
    Checklist.objects.filter(pk=security.pk).update(archived=True)
    with pytest.raises(DomainError, match="archived"):
        services.gate_update(actor=admin, product=product, required_checklists=[security.pk])


def test_changes_are_recorded_and_a_criterion_can_be_taken_out(admin, product, security):
    services.gate_update(actor=admin, product=product, min_pass_rate=95,
                         required_checklists=[security])  # fmt: skip
    gate = services.gate_update(actor=admin, product=product, min_pass_rate=None)
    assert gate.min_pass_rate is None and list(gate.required_checklists.all()) == [security]
    changes = [a.payload["changes"] for a in Activity.objects.for_target(gate).order_by("pk")]
    assert changes[0]["required_checklists"] == [[], ["Security review"]]
    assert changes[1] == {"min_pass_rate": [95, None]}


# Pages ------------------------------------------------------------------------------------


def test_viewers_read_the_gate_page_but_cannot_change_it(viewer_client, editor_client, product):
    url = reverse("quality:gate", args=[product.slug])
    page = viewer_client.get(url)
    assert page.status_code == 200 and b"Only an administrator" in page.content
    assert b'id="gate-form"' not in page.content
    for client in (viewer_client, editor_client):
        with nothing_written(ReleaseGate):
            assert client.post(url, {"min_pass_rate": "80"}).status_code == 403


def test_an_admin_saves_the_gate_from_its_page(admin_client, product, release, security):
    url = reverse("quality:gate", args=[product.slug])
    response = admin_client.post(
        url,
        {"min_pass_rate": "85", "blocking_severity": "critical",
         "required_checklists": [security.pk], "require_coverage": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    gate = ReleaseGate.objects.get(product=product)
    assert (gate.min_pass_rate, gate.blocking_severity, gate.require_coverage) == (
        85,
        "critical",
        True,
    )
    page = admin_client.get(url).content.decode()
    assert "Releases in flight" in page and release.version in page and "History" in page


def test_bad_input_on_the_page_is_422_and_writes_nothing(admin_client, product):
    url = reverse("quality:gate", args=[product.slug])
    with nothing_written(ReleaseGate):
        response = admin_client.post(url, {"min_pass_rate": "150"})
    assert response.status_code == 422 and b"field--invalid" in response.content


def test_the_product_page_shows_its_gate(viewer_client, admin, product):
    services.gate_update(actor=admin, product=product, min_pass_rate=75)
    page = viewer_client.get(product.get_absolute_url()).content.decode()
    assert "Release gate" in page and "75 %" in page
    assert reverse("quality:gate", args=[product.slug]) in page


def test_the_release_page_polls_its_gate_and_swaps_the_ship_form_when_it_turns(
    admin, editor, editor_client, product, release, case
):
    services.gate_update(actor=admin, product=product, min_pass_rate=100)
    page = editor_client.get(release.get_absolute_url()).content.decode()
    gate_url = reverse("catalog:release-gate", args=[release.pk])
    assert f'hx-get="{gate_url}?was=failing"' in page and "not passing" in page
    same = editor_client.get(gate_url, {"was": "failing"}).content.decode()
    assert "release-ship-form" not in same
    record(editor, release, {case: "passed"})
    turned = editor_client.get(gate_url, {"was": "failing"}).content.decode()
    assert "passes" in turned and 'hx-swap-oob="true"' in turned and "Mark released…" in turned


def test_a_shipped_release_stops_polling(admin, editor_client, product, release):
    catalog.release_ship(actor=admin, release=release)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.RELEASED
    gate_url = reverse("catalog:release-gate", args=[release.pk])
    page = editor_client.get(release.get_absolute_url()).content.decode()
    assert gate_url not in page
    # A page left open while someone else shipped gets the frozen verdict, and stops asking.
    fragment = editor_client.get(gate_url, {"was": "failing"}).content.decode()
    assert "hx-trigger" not in fragment and 'id="release-gate"' in fragment


def test_a_release_shipped_with_its_gate_shows_the_frozen_verdict_to_an_open_page(
    admin, editor_client, product, release
):
    services.gate_update(actor=admin, product=product, min_pass_rate=50)
    catalog.release_ship(actor=admin, release=release, override_reason="Tested by hand")
    gate_url = reverse("catalog:release-gate", args=[release.pk])
    fragment = editor_client.get(gate_url, {"was": "failing"}).content.decode()
    assert "Gate when it shipped" in fragment and "Tested by hand" in fragment
    assert "hx-trigger" not in fragment


# API --------------------------------------------------------------------------------------


def test_api_reads_and_sets_the_gate(admin, viewer_api, product, security):
    url = f"/api/v1/quality/products/{product.slug}/gate"
    empty = viewer_api.get(url).json()
    assert empty == {"product": "orbit", "min_pass_rate": None, "blocking_severity": None,
                     "required_checklists": [], "require_coverage": False,
                     "require_all_executed": False}  # fmt: skip
    admin_api = bearer_client(admin)
    body = {"min_pass_rate": 90, "blocking_severity": "major", "required_checklists": [security.pk]}
    saved = admin_api.put(url, body, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["required_checklists"] == [security.pk]
    cleared = admin_api.put(url, {"blocking_severity": None}, content_type="application/json")
    assert cleared.json()["blocking_severity"] is None and cleared.json()["min_pass_rate"] == 90


def test_api_refuses_viewers_and_bad_input(admin, viewer_api, product):
    url = f"/api/v1/quality/products/{product.slug}/gate"
    admin_api = bearer_client(admin)
    with nothing_written(ReleaseGate):
        forbidden = viewer_api.put(url, {"min_pass_rate": 9}, content_type="application/json")
        assert forbidden.status_code == 403
        bad = admin_api.put(
            url, {"min_pass_rate": 900, "required_checklists": ["x"]},
            content_type="application/json",
        )  # fmt: skip
    assert bad.status_code == 422 and "min_pass_rate" in errors(bad)
    missing = admin_api.put(url, {"required_checklists": [424242]}, content_type="application/json")
    assert missing.status_code == 422 and "required_checklists.0" in errors(missing)


def test_api_gives_the_frozen_verdict_of_a_shipped_release(admin, viewer_api, product, release):
    services.gate_update(actor=admin, product=product, min_pass_rate=90)
    url = f"/api/v1/releases/{release.pk}/gate"
    live = viewer_api.get(url).json()
    assert live["frozen"] is False and live["ok"] is False
    catalog.release_ship(actor=admin, release=release, override_reason="Hotfix")
    frozen = viewer_api.get(url).json()
    assert frozen["frozen"] is True and frozen["override_reason"] == "Hotfix"
    assert frozen["ok"] is False
    assert "quality.pass_rate" in [c["key"] for c in frozen["criteria"]]
