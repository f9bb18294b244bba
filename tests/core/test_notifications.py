"""Notifications: made in the recipient's language, listed, opened, marked read, e-mailed once."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext as _

from tests.conftest import client_for
from wavelength.core import notifications
from wavelength.core.models import Notification
from wavelength.core.tasks import send_notification_emails

pytestmark = pytest.mark.django_db


def _notify(recipients, actor=None, **kwargs):
    defaults = {"verb": "step_assigned", "title": "Review the launch plan", "url": "/releases/"}
    return notifications.notify(recipients=recipients, actor=actor, **{**defaults, **kwargs})


def test_each_recipient_gets_one_and_the_actor_none(admin, editor, viewer):
    rows = _notify([editor, viewer, editor, admin], actor=admin)
    assert sorted(n.recipient.email for n in rows) == [editor.email, viewer.email]
    assert Notification.objects.count() == 2


def test_title_is_written_in_each_recipients_language(editor, viewer):
    viewer.language = "fr"
    viewer.save()
    _notify([editor, viewer], title=lambda: _("Home"))
    titles = dict(Notification.objects.values_list("recipient__email", "title"))
    assert titles == {editor.email: "Home", viewer.email: "Accueil"}


def test_inactive_people_and_foreign_urls_are_dropped(editor, viewer):
    viewer.is_active = False
    viewer.save()
    (row,) = _notify([editor, viewer], url="https://elsewhere.example/phish")
    assert row.recipient == editor
    assert row.url == ""


def test_a_copy_is_emailed_once_even_if_the_task_runs_twice(
    editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = _notify([editor], body="The plan needs your eyes.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [editor.email]
    assert message.subject == "Review the launch plan"
    assert "The plan needs your eyes." in message.body
    assert "/releases/" in message.body
    assert send_notification_emails([row.pk]) == 0
    assert len(mail.outbox) == 1


def test_no_email_when_turned_off(editor, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_EMAILS = False
    with django_capture_on_commit_callbacks(execute=True):
        _notify([editor])
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=editor).exists()


def test_the_bell_counts_unread_and_the_list_shows_them(editor_client, editor):
    _notify([editor], title="Sign off the accessibility review")
    home = editor_client.get(reverse("core:home"))
    assert "Notifications: 1 unread" in home.content.decode()
    page = editor_client.get(reverse("core:notification-list"))
    assert page.status_code == 200
    assert "Sign off the accessibility review" in page.content.decode()


def test_opening_marks_read_and_follows_the_link(editor_client, editor):
    (row,) = _notify([editor])
    response = editor_client.post(reverse("core:notification-open", args=[row.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/releases/"
    row.refresh_from_db()
    assert row.read_at is not None
    assert (
        "unread"
        not in editor_client.get(reverse("core:home"))
        .content.decode()
        .split("topbar-bell")[1][:200]
    )


def test_nobody_opens_someone_elses_notification(editor, viewer):
    (row,) = _notify([editor])
    response = client_for(viewer).post(reverse("core:notification-open", args=[row.pk]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read(editor_client, editor, viewer):
    _notify([editor, viewer])
    _notify([editor])
    editor_client.post(reverse("core:notification-read-all"))
    assert Notification.objects.filter(recipient=editor, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=viewer, read_at__isnull=True).count() == 1


def test_api_lists_only_my_notifications_and_marks_them_read(editor_client, editor, viewer):
    mine = _notify([editor], title="Mine")[0]
    _notify([viewer], title="Theirs")
    body = editor_client.get("/api/v1/notifications?unread=true").json()
    assert body["count"] == 1
    assert body["items"][0]["title"] == "Mine"
    response = editor_client.post(
        "/api/v1/notifications/read", {"ids": [mine.pk]}, content_type="application/json"
    )
    assert response.json() == {"marked": 1}
    assert editor_client.get("/api/v1/notifications?unread=true").json()["count"] == 0


def test_api_refuses_a_bad_id(editor_client):
    response = editor_client.post(
        "/api/v1/notifications/read", {"ids": [0]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"].startswith("ids")


# The bell's panel ---------------------------------------------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_bell_opens_a_panel_with_mentions_first_and_counts_that_agree(editor_client, editor):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        _notify([editor], verb="mention", title="Maya mentioned you on “Export”", url="/f/1/#c-4")
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        read = _notify([editor], verb="comment", title="An old one")[0]
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        _notify([editor], verb="comment", title="Maya commented on “Export”")
    notifications.notifications_mark_read(user=editor, ids=[read.pk])
    home = editor_client.get(reverse("core:home")).content.decode()
    assert 'id="bell"' in home
    assert reverse("core:notification-panel") in home
    panel = editor_client.get(reverse("core:notification-panel"), **HTMX)
    assert panel.status_code == 200
    html = panel.content.decode()
    # The unread mention first, then the newest first.
    assert html.index("Maya mentioned you") < html.index("Maya commented") < html.index("An old")
    assert "2 unread" in html
    assert "1 mention" in html
    # The bell is sent along, counting what the panel counts.
    assert 'id="bell-summary" hx-swap-oob="true"' in html
    assert "Notifications: 2 unread" in html
    assert html.count('class="badge-dot"') == 2
    # Opening the mention goes to the exact comment.
    mention = Notification.objects.get(verb="mention")
    assert reverse("core:notification-open", args=[mention.pk]) in html
    opened = editor_client.post(reverse("core:notification-open", args=[mention.pk]))
    assert opened["Location"] == "/f/1/#c-4"


def test_mark_all_read_from_the_panel_answers_the_panel_with_nothing_unread(
    editor_client, editor, viewer
):
    _notify([editor, viewer], verb="mention")
    _notify([editor])
    response = editor_client.post(reverse("core:notification-read-all"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 unread" in html
    assert "Mark all read" not in html
    assert 'aria-label="Notifications"' in html  # the bell's count is gone too
    assert not Notification.objects.filter(recipient=editor, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=viewer, read_at__isnull=True).count() == 1


def test_the_panel_shows_only_my_own_notifications(viewer_client, editor, viewer):
    _notify([editor], title="For Bob only")
    html = viewer_client.get(reverse("core:notification-panel"), **HTMX).content.decode()
    assert "For Bob only" not in html
    assert "No notifications yet." in html
    assert "0 unread" in html


def test_the_panel_needs_a_signed_in_person(client):
    response = client.get(reverse("core:notification-panel"), **HTMX)
    assert response.status_code == 302


def test_the_panel_in_french(editor_client, editor):
    _notify([editor], verb="mention", title="Maya vous a mentionné")
    html = editor_client.get(
        reverse("core:notification-panel"), HTTP_ACCEPT_LANGUAGE="fr", **HTMX
    ).content.decode()
    assert "1 non lue" in html
    assert "1 mention" in html
    assert "Tout marquer comme lu" in html
    assert "Voir toutes les notifications" in html
