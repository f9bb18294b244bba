"""Digests: what they hold, when they go out (in each person's time zone), unsubscribing."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from wavelength.catalog import services as catalog
from wavelength.conversations import services
from wavelength.conversations.models import DigestEntry, DigestSchedule, Preference
from wavelength.conversations.services import digests
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Notification
from wavelength.knowledge import services as knowledge
from wavelength.knowledge.models import SpaceVisibility

pytestmark = pytest.mark.django_db

# A Wednesday, 06:00 UTC.
T0 = dt.datetime(2026, 3, 4, 6, 0, tzinfo=dt.UTC)


SITE = "https://wavelength.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):
    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def _digest(user, frequency="daily", hour=8, weekday=0, zone="UTC", events=("comment",)):
    services.preferences_update(
        actor=user,
        channels=dict.fromkeys(events, frequency),
        digest={"hour": hour, "weekday": weekday, "time_zone": zone},
    )


def _comment(run, actor, obj, body, kind="feature"):
    return run(lambda: services.comment_create(actor=actor, kind=kind, object_id=obj.pk, body=body))


def test_daily_digest_groups_what_happened_by_object(
    clock, run_commits, editor, viewer, colleague, feature, open_page
):
    _digest(viewer, events=("comment", "change"))
    services.follow_create(actor=viewer, kind="page", object_id=open_page.pk)
    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    _comment(run_commits, editor, feature, "Shall we ship CSV first?")
    _comment(run_commits, colleague, open_page, "Step 3 is out of date.", kind="page")
    run_commits(
        lambda: catalog.feature_move_stage(actor=editor, feature=feature, stage="discovery")
    )
    # Told in the app at once, and kept for the digest.
    assert Notification.objects.filter(recipient=viewer).count() == 3
    assert not mail.outbox

    clock.move_to(T0 + dt.timedelta(hours=2))
    assert services.digests_send_due() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [viewer.email]
    assert message.subject == "Your daily Wavelength digest: 3 updates"
    text = message.body
    assert "== Feature “Export to CSV” ==" in text
    assert "== Page “Deploy procedure” ==" in text
    assert "Bob Editor commented on “Export to CSV”" in text
    assert "Shall we ship CSV first?" in text
    assert "“Export to CSV” moved to a new stage" in text
    assert "Step 3 is out of date." in text
    assert f"Open it in Wavelength: {SITE}{feature.get_absolute_url()}" in text
    assert "Stop hearing of “A new comment on something I follow”" in text
    assert "Stop hearing of “Something I follow changes stage”" in text
    assert not DigestEntry.objects.pending().exists()
    # Sent once: the next run of the job the same day sends nothing.
    clock.move_to(T0 + dt.timedelta(hours=3))
    assert services.digests_send_due() == 0
    assert len(mail.outbox) == 1


def test_digest_waits_for_the_hour_in_the_persons_time_zone(
    clock, run_commits, editor, viewer, colleague, feature
):
    # 09:00 in Tokyo is 00:00 UTC; 09:00 in New York (winter) is 14:00 UTC.
    _digest(viewer, hour=9, zone="Asia/Tokyo")
    _digest(colleague, hour=9, zone="America/New_York")
    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    services.follow_create(actor=colleague, kind="feature", object_id=feature.pk)
    _comment(run_commits, editor, feature, "First")

    clock.move_to(dt.datetime(2026, 3, 4, 23, 59, tzinfo=dt.UTC))  # Tokyo 08:59 the 5th
    assert services.digests_send_due() == 1  # New York's 09:00 has passed: colleague only
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    clock.move_to(dt.datetime(2026, 3, 5, 0, 0, tzinfo=dt.UTC))  # Tokyo 09:00
    assert services.digests_send_due() == 1
    assert mail.outbox[-1].to == [viewer.email]
    assert DigestSchedule.objects.get(user=viewer).daily_sent_at == dt.datetime(
        2026, 3, 5, 0, 0, tzinfo=dt.UTC
    )


def test_daily_digest_is_due_once_per_local_day():
    schedule = DigestSchedule(hour=8, time_zone="Europe/Paris")
    now = dt.datetime(2026, 3, 4, 6, 30, tzinfo=dt.UTC)  # 07:30 in Paris
    assert digests.last_due(schedule, "daily", now) == dt.datetime(2026, 3, 3, 7, 0, tzinfo=dt.UTC)
    schedule.daily_sent_at = dt.datetime(2026, 3, 3, 7, 0, tzinfo=dt.UTC)
    assert not digests.is_due(schedule, "daily", now)
    assert digests.is_due(schedule, "daily", now + dt.timedelta(minutes=30))
    # Summer time: 08:00 in Paris is 06:00 UTC in July.
    july = dt.datetime(2026, 7, 1, 6, 5, tzinfo=dt.UTC)
    assert digests.last_due(schedule, "daily", july) == dt.datetime(2026, 7, 1, 6, 0, tzinfo=dt.UTC)


def test_weekly_digest_goes_on_the_chosen_day_only(clock, run_commits, editor, viewer, feature):
    _digest(viewer, frequency="weekly", hour=8, weekday=4)  # Fridays at 08:00 UTC
    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    _comment(run_commits, editor, feature, "Before the weekend")
    DigestSchedule.objects.filter(user=viewer).update(weekly_sent_at=T0 - dt.timedelta(days=2))
    clock.move_to(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC))  # Thursday
    assert services.digests_send_due() == 0
    clock.move_to(dt.datetime(2026, 3, 6, 8, 0, tzinfo=dt.UTC))  # Friday 08:00
    assert services.digests_send_due() == 1
    assert mail.outbox[0].subject == "Your weekly Wavelength digest: 1 update"
    clock.move_to(dt.datetime(2026, 3, 7, 8, 0, tzinfo=dt.UTC))  # Saturday
    _comment(run_commits, editor, feature, "Another one")
    assert services.digests_send_due() == 0


def test_digest_is_written_in_the_persons_language(clock, run_commits, editor, viewer, feature):
    viewer.language = "fr"
    viewer.save(update_fields=["language"])
    _digest(viewer)
    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    _comment(run_commits, editor, feature, "Bonjour")
    clock.move_to(T0 + dt.timedelta(hours=2))
    services.digests_send_due()
    message = mail.outbox[0]
    assert message.subject.startswith("Votre résumé quotidien Wavelength")
    assert "a commenté" in message.body


def test_comment_on_a_restricted_page_stays_out_of_the_digest_of_who_lost_access(
    clock, run_commits, admin, editor, outsider, open_page, other_team, product_team
):
    _digest(outsider)
    services.follow_create(actor=outsider, kind="page", object_id=open_page.pk)
    _comment(run_commits, editor, open_page, "Pricing details inside", kind="page")
    assert DigestEntry.objects.filter(user=outsider).count() == 1
    space = open_page.space
    knowledge.space_update(
        actor=admin,
        space=space,
        name=space.name,
        visibility=SpaceVisibility.TEAMS,
        teams=[product_team],
        owners=[admin],
    )
    clock.move_to(T0 + dt.timedelta(hours=2))
    assert services.digests_send_due() == 0
    assert not mail.outbox
    # And nothing new reaches them while they may not see it.
    _comment(run_commits, editor, open_page, "More pricing", kind="page")
    assert not DigestEntry.objects.filter(user=outsider).pending().exists()


def test_deleted_comment_and_deleted_object_leave_the_digest(
    clock, run_commits, admin, editor, viewer, feature, open_page
):
    _digest(viewer)
    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    services.follow_create(actor=viewer, kind="page", object_id=open_page.pk)
    gone = _comment(run_commits, editor, feature, "Oops, wrong feature")
    _comment(run_commits, editor, feature, "This one stays")
    _comment(run_commits, editor, open_page, "About a page to delete", kind="page")
    services.comment_delete(actor=editor, comment=gone)
    knowledge.page_delete(actor=admin, page=open_page)
    assert not DigestEntry.objects.filter(kind="page").exists()
    clock.move_to(T0 + dt.timedelta(hours=2))
    services.digests_send_due()
    text = mail.outbox[0].body
    assert "This one stays" in text
    assert "Oops, wrong feature" not in text
    assert "About a page to delete" not in text
    assert mail.outbox[0].subject.endswith("1 update")


def test_unsubscribe_link_turns_one_kind_off_without_signing_in(
    clock, run_commits, editor, viewer, feature
):
    _digest(viewer, events=("comment", "change"))
    url = digests.unsubscribe_url(user=viewer, event="comment")
    path = url.removeprefix(SITE)
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    assert Preference.objects.get(user=viewer, event="comment").channel == "daily"  # GET: nothing
    done = anonymous.post(path)
    assert "no longer hears of" in done.content.decode()
    assert Preference.objects.get(user=viewer, event="comment").channel == "off"
    assert Preference.objects.get(user=viewer, event="change").channel == "daily"
    forged = anonymous.post(reverse("conversations:unsubscribe", args=[path.split("/")[-2] + "x"]))
    assert forged.status_code == 404


def test_digest_schedule_refuses_bad_values_and_saves_nothing(viewer):
    with pytest.raises(DomainError) as exc:
        services.preferences_update(
            actor=viewer,
            channels={"comment": "weekly"},
            digest={"hour": 24, "weekday": 9, "time_zone": "Mars/Base"},
        )
    assert set(exc.value.errors) == {"hour", "weekday", "time_zone"}
    assert not Preference.objects.filter(user=viewer).exists()
    assert not DigestSchedule.objects.filter(user=viewer).exists()


def test_followers_hear_of_edits_shipping_and_gate_changes_each_by_its_channel(
    run_commits, admin, editor, viewer, product, feature, release
):
    from wavelength.quality import services as quality

    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    services.follow_create(actor=viewer, kind="release", object_id=release.pk)
    services.preferences_update(actor=viewer, channels={"edit": "off", "gate": "email"})
    run_commits(lambda: catalog.feature_update(actor=editor, feature=feature, title="CSV export"))
    assert not Notification.objects.filter(recipient=viewer, verb="edit").exists()
    services.preferences_update(actor=viewer, channels={"edit": "in_app"})
    run_commits(lambda: catalog.feature_update(actor=editor, feature=feature, title="CSV out"))
    edit = Notification.objects.get(recipient=viewer, verb="edit")
    assert edit.title == "Bob Editor edited “CSV out”"
    run_commits(lambda: quality.gate_update(actor=admin, product=product, min_pass_rate=90))
    gate = Notification.objects.get(recipient=viewer, verb="gate")
    assert gate.title.startswith(f"The release gate of “{release}” changed")
    assert gate.url == release.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[viewer.email]]  # the gate, by e-mail at once
    run_commits(lambda: catalog.release_ship(actor=admin, release=release, override_reason="x"))
    assert Notification.objects.filter(recipient=viewer, verb="shipped").count() == 1
