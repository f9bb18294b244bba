"""Calendar feeds (.ics) built with the icalendar package: one event per occurrence, with its
start in UTC, so every calendar shows it at the right local time."""

import datetime as dt

from icalendar import Calendar, Event

from wavelength.core import clock

from .models import MeetingSeries, Occurrence

# A feed holds the occurrences from this long ago onwards.
HISTORY = dt.timedelta(days=90)


def feed(series_list: list[MeetingSeries], *, site_url: str, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Wavelength//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    rows = (
        Occurrence.objects.filter(series__in=series_list, starts_at__gte=clock.now() - HISTORY)
        .select_related("series")
        .order_by("starts_at", "id")
    )
    for occurrence in rows:
        cal.add_component(_event(occurrence, site_url))
    return cal.to_ical()


def _event(occurrence: Occurrence, site_url: str) -> Event:
    event = Event()
    event.add("uid", f"occurrence-{occurrence.pk}@wavelength")
    event.add("summary", occurrence.series.name)
    event.add("dtstart", occurrence.starts_at)
    event.add("dtend", occurrence.ends_at)
    event.add("dtstamp", clock.now())
    event.add("url", site_url.rstrip("/") + occurrence.get_absolute_url())
    if occurrence.series.purpose:
        event.add("description", occurrence.series.purpose)
    event.add("status", "CONFIRMED")
    return event
