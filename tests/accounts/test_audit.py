"""The audit log: security events recorded whichever door they came through, readable and
exportable by administrators only, and forgotten after the retention period."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, client_for
from tests.core.conftest import french_compiled  # noqa: F401 - the fixture, shared
from wavelength.accounts import audit, services
from wavelength.accounts.models import AuditEvent, AuditKind, Role
from wavelength.portal import services as portal_services

LIST = reverse("accounts:audit-list")
EXPORT = reverse("accounts:audit-export")


def _kinds() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("kind", flat=True))


def test_sign_ins_and_failed_sign_ins_are_kept_with_the_address(editor):
    client = Client()
    login = reverse("accounts:login")
    client.post(login, {"username": editor.email, "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
    client.post(login, {"username": editor.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.8")
    failed, signed_in = AuditEvent.objects.order_by("id")
    assert (failed.kind, failed.actor_id, failed.actor_email, failed.address) == (
        AuditKind.SIGN_IN_FAILED, None, editor.email, "192.0.2.7",
    )  # fmt: skip
    assert (signed_in.kind, signed_in.actor, signed_in.address) == (
        AuditKind.SIGNED_IN, editor, "192.0.2.8",
    )  # fmt: skip


def test_roles_teams_tokens_and_settings_changes_are_kept(admin, viewer, product_team):
    services.user_set_role(actor=admin, user=viewer, role=Role.EDITOR)
    services.membership_remove(actor=admin, team=product_team, user=viewer)
    token, _raw = services.token_create(actor=admin, user=admin, name="CI")
    services.token_revoke(actor=admin, token=token)
    portal_services.portal_settings_update(
        actor=admin, enabled=True, name="Ideas", accent_colour="#123456"
    )
    assert _kinds() == [
        AuditKind.ROLE_CHANGED,
        AuditKind.TEAM_CHANGED,
        AuditKind.TOKEN_CREATED,
        AuditKind.TOKEN_REVOKED,
        AuditKind.SETTINGS_CHANGED,
    ]
    role = AuditEvent.objects.get(kind=AuditKind.ROLE_CHANGED)
    assert (role.actor, role.target, role.detail) == (
        admin,
        viewer.email,
        {"role": ["viewer", "editor"]},
    )
    assert AuditEvent.objects.get(kind=AuditKind.TEAM_CHANGED).detail == {"removed": viewer.email}


def test_refused_permissions_and_exports_are_kept_whatever_the_door(admin, viewer):
    viewer_client = client_for(viewer)
    assert viewer_client.get(LIST).status_code == 403
    refused = AuditEvent.objects.get(kind=AuditKind.PERMISSION_REFUSED)
    assert (refused.actor, refused.target, refused.detail) == (viewer, LIST, {"method": "GET"})

    response = client_for(admin).get(reverse("integrations:feedback-export"), {"status": "new"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    exported = AuditEvent.objects.get(kind=AuditKind.EXPORTED)
    assert (exported.actor, exported.detail) == (admin, {"query": "status=new"})


def test_administrators_read_filter_and_export_the_log(admin, editor):
    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=UTC), tick=False):
        audit.record(AuditKind.SIGN_IN_FAILED, email="mallory@example.com", target="x")
    with time_machine.travel(datetime(2026, 5, 3, 9, tzinfo=UTC), tick=False):
        audit.record(AuditKind.SIGNED_IN, actor=editor, target=editor.email)
    client = client_for(admin)  # adds its own sign-in event
    page = client.get(LIST, {"kind": "sign_in_failed"}).content.decode()
    assert "mallory@example.com" in page and editor.email not in page

    page = client.get(LIST, {"who": "bob", "since": "2026-05-02", "until": "2026-05-03"})
    assert editor.email in page.content.decode() and "mallory" not in page.content.decode()

    bad = client.get(LIST, {"since": "2026-05-04", "until": "2026-05-01"})
    assert bad.status_code == 400 and "before the start date" in bad.content.decode()
    assert client.get(LIST, {"kind": "nonsense"}).status_code == 400

    export = client.get(EXPORT, {"kind": "sign_in_failed"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["when", "event", "who", "address", "about", "detail"]
    assert [row[2] for row in rows[1:]] == ["mallory@example.com"]
    assert AuditEvent.objects.filter(kind=AuditKind.EXPORTED, actor=admin).exists()


def test_the_log_page_does_not_query_per_event(admin_client, admin, django_assert_max_num_queries):
    for n in range(60):
        audit.record(AuditKind.SIGNED_IN, actor=admin, target=f"{n}")
    with django_assert_max_num_queries(12):
        assert admin_client.get(LIST).status_code == 200


def test_events_older_than_the_retention_are_forgotten(settings, admin):
    settings.AUDIT_RETENTION_DAYS = 30
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    for age in (31, 29):
        with time_machine.travel(now - timedelta(days=age), tick=False):
            audit.record(AuditKind.SIGNED_IN, actor=admin, target=str(age))
    with time_machine.travel(now, tick=False):
        assert audit.purge() == 1
    assert list(AuditEvent.objects.values_list("target", flat=True)) == ["29"]


@pytest.mark.usefixtures("french_compiled")
def test_the_log_reads_in_french(admin):
    audit.record(AuditKind.PERMISSION_REFUSED, actor=admin, target="/x/")
    client = client_for(admin)
    page = client.get(LIST, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Journal d’audit" in page and "Permission refusée" in page
