"""How values read on every page, in the reader's language: durations, dates and times.

The template filters in ``core/templatetags/wavelength.py`` (``|duration``, ``|day``,
``|moment``, ``|ago``) call these, and so can views that build text themselves.
"""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from . import clock

# Past this, a time reads better as a date than as "3 weeks ago".
RELATIVE_UP_TO = dt.timedelta(days=7)


def duration(ms: int | None) -> str:
    """536000 → "8 min 56 s": milliseconds as people say them (the two largest units)."""
    if ms is None or ms == "":
        return "—"
    ms = int(ms)
    if ms < 1000:
        return f"{ms} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f}".rstrip("0").rstrip(".") + " s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def day(value) -> str:
    """A date (or the local day of a date-time) in the locale's format: "6 déc. 2026"."""
    if not value:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")


def moment(value) -> str:
    """A date-time in the locale's format, in local time: "Dec. 6, 2026, 4:25 p.m."."""
    if not value:
        return "—"
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def ago(value) -> str:
    """A recent date-time as "3 hours ago" (or "just now"); an older one as its day."""
    if not value:
        return "—"
    now = clock.now()
    if value > now or now - value > RELATIVE_UP_TO:
        return day(value)
    if now - value < dt.timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, now, depth=1)}
