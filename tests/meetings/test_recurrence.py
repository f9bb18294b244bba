import datetime as dt
from types import SimpleNamespace

import pytest

from wavelength.core.exceptions import DomainError
from wavelength.meetings import recurrence

UTC = dt.UTC


def _series(rule, *, zone="Europe/Paris", start=dt.date(2026, 3, 2), time=dt.time(10, 0)):
    return SimpleNamespace(rrule=rule, time_zone=zone, start_date=start, start_time=time)


def test_weekly_meeting_keeps_local_time_across_the_spring_change():
    series = _series(recurrence.weekly(weekday=0))
    starts = recurrence.next_starts(series, after=dt.datetime(2026, 3, 20, tzinfo=UTC), count=2)
    # 23 March: Paris is UTC+1; 30 March: UTC+2 since the 29th. Both are 10:00 in Paris.
    assert starts == [
        dt.datetime(2026, 3, 23, 9, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 30, 8, 0, tzinfo=UTC),
    ]


def test_new_york_meeting_moves_in_utc_on_its_own_change_date():
    series = _series(
        recurrence.weekly(weekday=4),
        zone="America/New_York",
        start=dt.date(2026, 3, 6),
        time=dt.time(9, 30),
    )
    starts = recurrence.next_starts(series, after=dt.datetime(2026, 3, 1, tzinfo=UTC), count=2)
    assert [s.hour for s in starts] == [14, 13]  # EST then EDT (from 8 March)


def test_every_two_weeks_and_monthly_on_the_nth_weekday():
    fortnight = _series(recurrence.weekly(weekday=0, interval=2), zone="UTC")
    starts = recurrence.next_starts(fortnight, after=dt.datetime(2026, 3, 1, tzinfo=UTC), count=3)
    assert [s.date() for s in starts] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 16),
        dt.date(2026, 3, 30),
    ]
    first_tuesday = _series(recurrence.monthly(weekday=1, nth=1), zone="UTC")
    starts = recurrence.next_starts(
        first_tuesday, after=dt.datetime(2026, 3, 1, tzinfo=UTC), count=2
    )
    assert [s.date() for s in starts] == [dt.date(2026, 3, 3), dt.date(2026, 4, 7)]


def test_a_rule_that_never_produces_a_date_is_refused():
    with pytest.raises(DomainError) as exc:
        recurrence.validate(
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            start_date=dt.date(2026, 1, 1),
            start_time=dt.time(9),
        )
    assert "rrule" in exc.value.errors


@pytest.mark.parametrize("rule", ["", "FREQ=SOMETIMES", "DTSTART:20260101\nRRULE:FREQ=DAILY"])
def test_an_invalid_rule_names_the_field(rule):
    with pytest.raises(DomainError) as exc:
        recurrence.validate(rule, start_date=dt.date(2026, 1, 1), start_time=dt.time(9))
    assert list(exc.value.errors) == ["rrule"]


def test_an_unknown_time_zone_names_the_field():
    with pytest.raises(DomainError) as exc:
        recurrence.zone("Mars/Olympus")
    assert list(exc.value.errors) == ["time_zone"]
