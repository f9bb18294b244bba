import datetime as dt
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from wavelength.meetings import services


def _feed(path):
    return Client().get(path)


def test_the_person_feed_holds_their_series_in_utc(now, viewer, series):
    _token, secret = services.calendar_token_create(actor=viewer)
    response = _feed(reverse("meetings:calendar-feed", args=[secret]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == services.AHEAD
    first = min(events, key=lambda e: e.decoded("dtstart"))
    assert str(first["summary"]) == "Product sync"
    assert first.decoded("dtstart") == dt.datetime(2026, 3, 23, 9, 0, tzinfo=dt.UTC)
    assert first.decoded("dtend") - first.decoded("dtstart") == dt.timedelta(minutes=30)
    assert "/meetings/occurrences/" in str(first["url"])


def test_the_series_feed_and_someone_elses_series(now, viewer, outsider, series):
    _token, secret = services.calendar_token_create(actor=outsider)
    one = _feed(reverse("meetings:calendar-series-feed", args=[secret, series.pk]))
    assert one.status_code == 200  # every member may read every series
    assert len(Calendar.from_ical(one.content).walk("VEVENT")) == services.AHEAD
    mine = Calendar.from_ical(_feed(reverse("meetings:calendar-feed", args=[secret])).content)
    assert mine.walk("VEVENT") == []  # the outsider neither owns nor attends it
    missing = _feed(reverse("meetings:calendar-series-feed", args=[secret, 999]))
    assert missing.status_code == 404


def test_an_unknown_or_revoked_secret_is_a_404(now, viewer, series):
    token, secret = services.calendar_token_create(actor=viewer)
    assert _feed(reverse("meetings:calendar-feed", args=["wlcal_unknown"])).status_code == 404
    services.calendar_token_revoke(actor=viewer, token=token)
    assert _feed(reverse("meetings:calendar-feed", args=[secret])).status_code == 404


def test_a_team_member_gets_the_series_of_their_team(now, editor, product_team, admin):
    from tests.meetings.conftest import make_series

    series = make_series(admin, name="Team sync")
    series.teams.add(product_team)
    _token, secret = services.calendar_token_create(actor=editor)
    cal = Calendar.from_ical(_feed(reverse("meetings:calendar-feed", args=[secret])).content)
    assert {str(e["summary"]) for e in cal.walk("VEVENT")} == {"Team sync"}


def test_the_calendar_page_creates_and_revokes_an_address(now, viewer_client, viewer):
    page = viewer_client.post(reverse("meetings:calendar"))
    assert "wlcal_" in page.content.decode()
    token = viewer.calendar_tokens.get()
    viewer_client.post(reverse("meetings:calendar"), {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_feed_keeps_ten_oclock_in_paris_across_the_spring_change(now, viewer, series):
    """NOW is the week before Paris moves to summer time (29 March): the feed's UTC times
    move by an hour so that every meeting stays at 10:00 in Paris."""
    _token, secret = services.calendar_token_create(actor=viewer)
    cal = Calendar.from_ical(_feed(reverse("meetings:calendar-feed", args=[secret])).content)
    paris = ZoneInfo("Europe/Paris")
    starts = sorted(e.decoded("dtstart") for e in cal.walk("VEVENT"))
    assert [s.hour for s in starts] == [9, 8, 8, 8]  # UTC: winter, then summer
    assert {s.astimezone(paris).hour for s in starts} == {10}
