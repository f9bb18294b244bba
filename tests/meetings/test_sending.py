"""The agenda goes to each attendee before the meeting, the minutes after it: in each person's
language, and each copy holds only what that person may read."""

import datetime as dt

import pytest
from django.core import mail

from tests.api.utils import bearer_client, post, url
from tests.factories import UserFactory
from wavelength.conversations import services as conversations
from wavelength.core import clock
from wavelength.core.models import Notification
from wavelength.meetings import services


@pytest.fixture
def built(now, meeting, admin):
    _previous, current = meeting
    services.agenda_generate(actor=admin, occurrence=current)
    return current


def _body(user, verb="meeting_agenda") -> str:
    return Notification.objects.get(recipient=user, verb=verb).body


def test_each_attendee_gets_the_agenda_they_may_read(built, admin, editor, viewer, outsider):
    sent = services.agenda_send(actor=admin, occurrence=built)
    assert sent == 3  # the owner (editor) and both attendees; never the sender
    assert "Stale page: Pricing FAQ" in _body(outsider)  # Sales reads the Sales space
    assert "Stale page: Pricing FAQ" not in _body(viewer)
    assert "Critical defect: Data loss on save" in _body(viewer)
    built.refresh_from_db()
    assert built.agenda_sent_at == clock.now()


def test_a_french_attendee_reads_the_agenda_in_french(built, admin, viewer, settings):
    settings.NOTIFICATION_EMAILS = True
    viewer.language = "fr"
    viewer.save()
    services.agenda_send(actor=admin, occurrence=built)
    row = Notification.objects.get(recipient=viewer, verb="meeting_agenda")
    assert row.title.startswith("Ordre du jour de Product sync, 16 mars 2026")
    assert "Défaut critique" in row.body or "Data loss on save" in row.body
    assert "Critical defect" not in row.body


def test_followers_of_the_series_and_team_members_get_it_too(built, admin, product_team):
    member = UserFactory(email="erin@example.com", name="Erin")
    built.series.teams.add(product_team)
    product_team.memberships.create(user=member)
    follower = UserFactory(email="finn@example.com", name="Finn")
    conversations.follow_create(actor=follower, kind="meeting_series", object_id=built.series_id)
    inactive = UserFactory(email="gone@example.com", name="Gone", is_active=False)
    built.series.attendees.add(inactive)
    services.agenda_send(actor=admin, occurrence=built)
    told = set(Notification.objects.filter(verb="meeting_agenda").values_list(
        "recipient__email", flat=True))  # fmt: skip
    assert {"erin@example.com", "finn@example.com"} <= told
    assert "gone@example.com" not in told


def test_an_outsider_cannot_send_the_agenda(built, outsider, viewer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.agenda_send(actor=viewer, occurrence=built)  # a viewer attends but may not edit
    assert not Notification.objects.filter(verb="meeting_agenda").exists()


def test_the_agenda_of_a_meeting_due_within_a_day_goes_out_once(now, meeting, editor, viewer):
    _previous, current = meeting
    with clock.travel(current.starts_at - dt.timedelta(hours=20)):
        assert services.agendas_send_due() == 1
        assert services.agendas_send_due() == 0
    current.refresh_from_db()
    assert current.agenda_built_at is not None and current.items.exists()
    assert Notification.objects.filter(recipient=editor, verb="meeting_agenda").exists()
    assert Notification.objects.filter(recipient=viewer, verb="meeting_agenda").count() == 1


def test_closing_sends_the_minutes_with_decisions_and_actions(
    built, admin, viewer, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_EMAILS = True
    services.occurrence_update(actor=admin, occurrence=built, minutes="We met.", attended=[])
    services.decision_create(actor=admin, occurrence=built,
                             data=services.DecisionData(title="Ship it"))  # fmt: skip
    services.action_create(actor=admin, occurrence=built, title="Tell sales", owner=viewer,
                           due_on=dt.date(2026, 3, 20))  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_close(actor=admin, occurrence=built)
    body = _body(viewer, "meeting_minutes")
    assert any("We met." in m.body for m in mail.outbox if m.to == [viewer.email])
    assert "We met." in body and "- Ship it" in body and "Tell sales (Carol Viewer" in body
    built.refresh_from_db()
    assert built.minutes_sent_at is not None


def test_the_api_sends_the_agenda_and_the_minutes(built, editor, viewer):
    api = bearer_client(editor)
    response = post(api, url("occurrence-send", built.pk, "agenda"), {})
    assert response.status_code == 200 and response.json() == {"sent": 2}  # not the sender
    refused = post(bearer_client(viewer), url("occurrence-send", built.pk, "agenda"), {})
    assert refused.status_code == 403
    assert post(api, url("occurrence-send", built.pk, "nonsense"), {}).status_code == 422
    closed = post(api, url("occurrence-close", built.pk), {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["minutes_sent_at"] is not None


def test_the_hourly_job_sends_the_agendas_due(now, meeting, settings):
    from wavelength.meetings.tasks import send_agendas

    assert settings.CELERY_BEAT_SCHEDULE["meeting-agendas"]["task"] == send_agendas.name
    _previous, current = meeting
    with clock.travel(current.starts_at - dt.timedelta(hours=2)):
        assert send_agendas.apply().get() == 1
    assert Notification.objects.filter(verb="meeting_agenda").count() == 3
