"""Recurrence: an RFC 5545 RRULE read in the series' own time zone.

Dates are computed as wall-clock times in the series' zone and only then turned into UTC, so a
10:00 Europe/Paris meeting stays at 10:00 in Paris across daylight-saving changes (08:00 UTC in
summer, 09:00 UTC in winter).
"""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil import rrule
from django.utils.translation import gettext as _

from wavelength.core.exceptions import DomainError

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def weekly(*, weekday: int, interval: int = 1) -> str:
    """Every ``interval`` weeks on ``weekday`` (0 = Monday)."""
    return f"FREQ=WEEKLY;INTERVAL={int(interval)};BYDAY={WEEKDAYS[weekday]}"


def monthly(*, weekday: int, nth: int) -> str:
    """Monthly on the ``nth`` (1–4, or -1 for the last) ``weekday`` of the month."""
    return f"FREQ=MONTHLY;BYDAY={int(nth)}{WEEKDAYS[weekday]}"


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name``; a clear 422 naming ``time_zone`` otherwise."""
    try:
        if name in available_timezones():
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise DomainError(_("Unknown time zone “%(zone)s”.") % {"zone": name}, field="time_zone")


def _rule(text: str, start: dt.datetime) -> rrule.rrule:
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or "\n" in text or "DTSTART" in text.upper():
        raise DomainError(_("Give the recurrence as one RRULE, such as FREQ=WEEKLY;BYDAY=MO."),
                          field="rrule")  # fmt: skip
    try:
        rule = rrule.rrulestr(text, dtstart=start)
    except (ValueError, TypeError, OverflowError) as exc:
        message = _("This recurrence is not a valid RRULE: %(error)s") % {"error": exc}
        raise DomainError(message, field="rrule") from None
    if not isinstance(rule, rrule.rrule):
        raise DomainError(_("Give one RRULE, not a set of rules."), field="rrule")
    return rule


def validate(text: str, *, start_date: dt.date, start_time: dt.time) -> str:
    """The RRULE as stored; refuses an invalid one and one that never produces a date."""
    rule = _rule(text, dt.datetime.combine(start_date, start_time))
    try:
        first = rule.after(dt.datetime.combine(start_date, start_time), inc=True)
    except (ValueError, OverflowError):
        first = None
    if first is None:
        raise DomainError(_("This recurrence never produces a date."), field="rrule")
    return text.strip().removeprefix("RRULE:")


def next_starts(series, *, after: dt.datetime, count: int) -> list[dt.datetime]:
    """The next ``count`` UTC start times at or after ``after``."""
    tz = zone(series.time_zone)
    local_start = dt.datetime.combine(series.start_date, series.start_time)
    rule = _rule(series.rrule, local_start)
    lo = after.astimezone(tz).replace(tzinfo=None) - dt.timedelta(days=1)
    out = []
    for local in rule.xafter(max(lo, local_start), inc=True):
        start = local.replace(tzinfo=tz).astimezone(dt.UTC)
        if start >= after:
            out.append(start)
        if len(out) >= count:
            break
    return out
