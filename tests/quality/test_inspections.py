"""Inspections: default checklists, versions, ticking, sign-off by the named team, API and
pages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.api.utils import errors, url
from wavelength.accounts.models import Membership, Team
from wavelength.core.exceptions import DomainError
from wavelength.quality import selectors, services
from wavelength.quality.models import Checklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def security():
    return Checklist.objects.get(name="Security review")


def test_default_checklists_are_shipped(viewer):
    names = [c.name for c in selectors.checklist_list(user=viewer)]
    assert names == [
        "Accessibility review",
        "Legal review",
        "Localisation review",
        "Performance review",
        "Security review",
    ]
    security = Checklist.objects.get(name="Security review")
    assert security.signoff_team.slug == "engineering" and security.versions.get().number == 1


def test_sign_off_needs_every_item_and_a_member_of_the_team(editor, admin, release, security):
    inspection = services.inspection_start(actor=editor, release=release, checklist=security)
    size = len(security.items)
    services.inspection_check(
        actor=editor, inspection=inspection, checked=[True] * (size - 1) + [False]
    )
    with pytest.raises(PermissionDenied, match="Engineering"):
        services.inspection_sign(actor=editor, inspection=inspection)
    Membership.objects.create(team=Team.objects.get(slug="engineering"), user=editor)
    with pytest.raises(DomainError) as exc:
        services.inspection_sign(actor=editor, inspection=inspection)
    assert "1 item(s) are not checked" in exc.value.errors["checked"]
    services.inspection_check(actor=editor, inspection=inspection, checked=[True] * size)
    signed = services.inspection_sign(actor=editor, inspection=inspection)
    assert signed.is_signed and signed.signed_by == editor and signed.signed_at is not None
    assert signed.checklist_version.number == 1


def test_an_inspection_keeps_the_checklist_version_it_started_with(
    admin, editor, release, security
):
    inspection = services.inspection_start(actor=editor, release=release, checklist=security)
    services.checklist_update(actor=admin, checklist=security, items=["Only one item now"])
    security.refresh_from_db()
    assert security.version == 2 and security.versions.count() == 2
    inspection.refresh_from_db()
    assert inspection.checklist_version.number == 1 and len(inspection.checked) == 5
    with pytest.raises(DomainError) as exc:
        services.inspection_check(actor=editor, inspection=inspection, checked=[True])
    assert "checked" in exc.value.errors


def test_admins_sign_anything_and_can_withdraw(admin, release, security):
    inspection = services.inspection_start(actor=admin, release=release, checklist=security)
    services.inspection_check(actor=admin, inspection=inspection, checked=[True] * 5)
    services.inspection_sign(actor=admin, inspection=inspection)
    with pytest.raises(DomainError):
        services.inspection_check(actor=admin, inspection=inspection, checked=[False] * 5)
    services.inspection_reopen(actor=admin, inspection=inspection)
    inspection.refresh_from_db()
    assert not inspection.is_signed and inspection.signed_by is None


def test_viewers_and_editors_cannot_change_checklists(viewer, editor, release, security):
    with pytest.raises(PermissionDenied):
        services.inspection_start(actor=viewer, release=release, checklist=security)
    with pytest.raises(PermissionDenied):
        services.checklist_update(actor=editor, checklist=security, items=["x"])
    with pytest.raises(PermissionDenied):
        services.checklist_create(actor=editor, name="Mine", items=["x"])


def test_api_inspections(editor_api, admin, release, security):
    rows = editor_api.get(url("release-inspections", release.pk)).json()
    assert len(rows) == 5 and {r["status"] for r in rows} == {"not_started"}
    path = url("inspection-update", release.pk, security.pk)
    response = editor_api.put(path, {"checked": [True] * 5}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    response = editor_api.put(path, {"sign": True}, content_type="application/json")
    assert response.status_code == 403  # not an engineer
    response = editor_api.put(path, {"checked": [True]}, content_type="application/json")
    assert response.status_code == 422 and "checked" in errors(response)


def test_release_page_shows_inspections_and_the_page_signs_them(admin_client, release, security):
    page = admin_client.get(release.get_absolute_url())
    assert "Inspections" in page.text and "Security review" in page.text
    save = reverse("quality:inspection-save", args=[release.pk, security.pk])
    response = admin_client.post(save, {"item": ["0", "1"], "action": "sign"})
    assert response.status_code == 302
    page = admin_client.get(reverse("quality:release-inspections", args=[release.pk]))
    assert "3 item(s) are not checked yet." in page.text
    admin_client.post(save, {"item": [str(i) for i in range(5)], "action": "sign"})
    page = admin_client.get(release.get_absolute_url())
    assert "Signed off" in page.text and "Alice Admin" in page.text
