import pytest

from tests.conftest import client_for
from tests.factories import ReleaseFactory
from wavelength.accounts.models import AuditEvent, AuditKind
from wavelength.catalog import gates
from wavelength.catalog import services as catalog_services
from wavelength.catalog.models import ReleaseStatus
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.processes import services
from wavelength.processes.services import StepSpec

from .conftest import make_playbook


@pytest.fixture
def readiness(editor):
    return make_playbook(editor, name="Release readiness", steps=[StepSpec(title="QA sign-off")])


@pytest.fixture
def release(product, editor, readiness):
    release = ReleaseFactory(product=product, version="2.0")
    services.release_playbooks_require(actor=editor, release=release, playbooks=[readiness])
    return release


def _finish(run, actor):
    for step in run.steps.order_by("position"):
        services.runstep_complete(actor=actor, step=step)


def test_release_without_its_run_is_refused_naming_it(editor, release):
    with pytest.raises(gates.GateRefused) as exc:
        catalog_services.release_ship(actor=editor, release=release)
    assert "Release readiness: not started" in exc.value.message
    assert exc.value.errors.keys() == {"gate"}
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PLANNED


def test_incomplete_run_is_still_missing(editor, release, readiness):
    services.run_start(actor=editor, playbook=readiness, target=release)
    verdicts = gates.evaluate(release)
    runs = next(v for v in verdicts if v.criterion.key == "processes.runs_complete")
    assert not runs.result.ok
    assert runs.result.missing[0][0] == "Release readiness: in progress"
    assert runs.result.missing[0][1].startswith("/runs/")


def test_ships_once_the_run_completes_and_freezes_the_verdict(editor, release, readiness):
    _finish(services.run_start(actor=editor, playbook=readiness, target=release), editor)
    catalog_services.release_ship(actor=editor, release=release)
    shipped = Activity.objects.for_target(release).filter(verb="released").get()
    gate = {c["key"]: c for c in shipped.payload["gate"]}
    assert gate["processes.runs_complete"]["ok"] is True
    assert "override_reason" not in shipped.payload


def test_admin_overrides_with_a_reason_which_is_recorded(admin, release):
    catalog_services.release_ship(actor=admin, release=release, override_reason="Hotfix")
    shipped = Activity.objects.for_target(release).filter(verb="released").get()
    assert shipped.payload["override_reason"] == "Hotfix"
    assert shipped.payload["gate"][0]["ok"] is False
    kept = AuditEvent.objects.get(kind=AuditKind.GATE_OVERRIDDEN)  # and in the audit log
    assert (kept.actor, kept.detail["reason"]) == (admin, "Hotfix")
    assert kept.detail["failing"]


def test_editor_cannot_override(editor, release):
    with pytest.raises(gates.OverrideRefused) as exc:
        catalog_services.release_ship(actor=editor, release=release, override_reason="Please")
    assert exc.value.status_code == 403


def test_override_without_a_reason_is_refused(admin, release):
    with pytest.raises(DomainError):
        catalog_services.release_ship(actor=admin, release=release, override_reason="   ")


def test_release_update_to_released_goes_through_the_gate(admin, release):
    with pytest.raises(gates.GateRefused):
        catalog_services.release_update(actor=admin, release=release, status="released")
    catalog_services.release_update(
        actor=admin, release=release, status="released", override_reason="Known risk"
    )
    release.refresh_from_db()
    assert release.status == ReleaseStatus.RELEASED


def test_release_without_requirements_ships(editor, product):
    release = ReleaseFactory(product=product, version="3.0")
    catalog_services.release_ship(actor=editor, release=release)


def test_api_ship_refusal_is_422_naming_what_is_missing(editor, release):
    response = client_for(editor).post(
        f"/api/v1/releases/{release.pk}/ship", {"confirm": True}, content_type="application/json"
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "gate" and "Release readiness" in detail["message"]


def test_api_override_by_admin_and_refused_for_editor(admin, editor, release):
    body = {"override_reason": "Customer deadline", "confirm": True}
    refused = client_for(editor).post(
        f"/api/v1/releases/{release.pk}/ship", body, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["field"] == "override_reason"
    shipped = client_for(admin).patch(
        f"/api/v1/releases/{release.pk}",
        {"status": "released", **body},
        content_type="application/json",
    )
    assert shipped.status_code == 200 and shipped.json()["status"] == "released"


def test_api_gate_lists_criteria(editor, release):
    response = client_for(editor).get(f"/api/v1/releases/{release.pk}/gate")
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert response.json()["criteria"][0]["key"] == "processes.runs_complete"


def test_release_page_shows_gate_and_override_for_admin(admin, editor, release):
    page = client_for(editor).get(release.get_absolute_url()).content.decode()
    assert "Release gate" in page and "Release readiness: not started" in page
    assert "override_reason" not in page
    admin_page = client_for(admin).get(f"/releases/{release.pk}/ship/").content.decode()
    assert 'name="override_reason"' in admin_page


def test_release_page_ship_refused_then_overridden(admin, release):
    client = client_for(admin)
    url = f"/releases/{release.pk}/ship/"
    refused = client.post(url, {"confirm": "on"})
    assert refused.status_code == 422
    assert "does not pass its gate" in refused.content.decode()
    client.post(url, {"confirm": "on", "override_reason": "Board approved"})
    release.refresh_from_db()
    assert release.status == ReleaseStatus.RELEASED


def test_required_playbooks_chosen_on_the_release_page(editor, product, readiness):
    release = ReleaseFactory(product=product, version="4.0")
    response = client_for(editor).post(
        f"/releases/{release.pk}/playbooks/", {"playbooks": [readiness.pk]}
    )
    assert response.status_code == 302
    assert not gates.passes(gates.evaluate(release))


def test_api_sets_required_playbooks(editor, product, readiness):
    release = ReleaseFactory(product=product, version="5.0")
    client = client_for(editor)
    response = client.put(
        f"/api/v1/releases/{release.pk}/playbooks",
        {"playbooks": [readiness.slug]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["playbooks"]] == ["release-readiness"]
    bad = client.put(
        f"/api/v1/releases/{release.pk}/playbooks",
        {"playbooks": ["nope"]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "playbooks.0"
