"""Writing meeting series and making their occurrences from the recurrence."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from .. import recurrence
from ..models import (
    AgendaPart,
    MeetingSeries,
    Occurrence,
    OccurrenceStatus,
)
from .access import require_manage

# How many future occurrences exist ahead of time (more are made as time passes).
AHEAD = 4


@dataclass
class SeriesData:
    name: str
    owner: object
    start_date: dt.date
    start_time: dt.time
    rrule: str
    purpose: str = ""
    time_zone: str = "UTC"
    duration_minutes: int = 30
    attendees: list | None = None
    teams: list | None = None
    products: list | None = None
    agenda_parts: list[str] | None = None


def _clean(data: SeriesData) -> SeriesData:
    data.name = (data.name or "").strip()
    if not data.name:
        raise DomainError(_("Give the series a name."), field="name")
    if not 5 <= int(data.duration_minutes) <= 24 * 60:
        raise DomainError(_("A meeting lasts from 5 minutes to 24 hours."),
                          field="duration_minutes")  # fmt: skip
    recurrence.zone(data.time_zone)
    if data.start_time.tzinfo is not None:  # a wall-clock time in the series' time zone
        raise DomainError(_("Give the start time without a UTC offset."), field="start_time")
    # Whole seconds, as the API documents it ("09:30:00"), whatever a form or import sent.
    data.start_time = data.start_time.replace(microsecond=0)
    data.rrule = recurrence.validate(
        data.rrule, start_date=data.start_date, start_time=data.start_time
    )
    parts = AgendaPart.values if data.agenda_parts is None else list(data.agenda_parts)
    unknown = [p for p in parts if p not in AgendaPart.values]
    if unknown:
        message = _("Unknown agenda part: %(parts)s.") % {"parts": ", ".join(map(str, unknown))}
        raise DomainError(message, field="agenda_parts")
    data.agenda_parts = [p for p in AgendaPart.values if p in parts]
    if data.owner is None or not data.owner.is_active:
        raise DomainError(_("Choose an active owner."), field="owner")
    return data


_SCALARS = ("name", "purpose", "owner", "time_zone", "start_date", "start_time",
            "duration_minutes", "rrule", "agenda_parts")  # fmt: skip
_SETS = ("attendees", "teams", "products")


@transaction.atomic
def series_create(*, actor, data: SeriesData) -> MeetingSeries:
    """Create a series and its next occurrences."""
    require_editor(actor)
    data = _clean(data)
    series = MeetingSeries.objects.create(**{k: getattr(data, k) for k in _SCALARS})
    for name in _SETS:
        getattr(series, name).set(getattr(data, name) or [])
    activity.record(
        actor=actor,
        verb="created",
        target=series,
        snapshot=activity.snapshot(series, MeetingSeries.TRACKED),
    )
    occurrences_ensure(series=series)
    return series


@transaction.atomic
def series_update(
    *, actor, series: MeetingSeries, data: SeriesData, if_version: str | None = None
) -> MeetingSeries:
    """Change a series; future occurrences nobody prepared yet follow a new schedule."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    require_manage(actor, series)
    versioning.check(series, if_version)
    data = _clean(data)
    before = activity.snapshot(series, MeetingSeries.TRACKED)
    for name in _SCALARS:
        setattr(series, name, getattr(data, name))
    series.updated_at = clock.now()
    series.save()
    for name in _SETS:
        if getattr(data, name) is not None:
            getattr(series, name).set(getattr(data, name))
    changes = activity.diff(before, activity.snapshot(series, MeetingSeries.TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=series, changes=changes)
    if {"rrule", "time_zone", "start_date", "start_time", "duration_minutes"} & set(changes):
        _drop_unprepared_future(series)
    occurrences_ensure(series=series)
    return series


def _drop_unprepared_future(series: MeetingSeries) -> None:
    future = series.occurrences.filter(
        starts_at__gt=clock.now(), status=OccurrenceStatus.PLANNED, minutes=""
    )
    future.filter(items__isnull=True, decisions__isnull=True, actions__isnull=True).delete()


def occurrences_ensure(*, series: MeetingSeries, count: int = AHEAD) -> list[Occurrence]:
    """Make the next ``count`` occurrences exist (past ones are kept as they are)."""
    length = dt.timedelta(minutes=series.duration_minutes)
    made = []
    for start in recurrence.next_starts(series, after=clock.now(), count=count):
        occurrence, _created = Occurrence.objects.get_or_create(
            series=series, starts_at=start, defaults={"ends_at": start + length}
        )
        made.append(occurrence)
    return made


@transaction.atomic
def occurrence_create_at(*, actor, series: MeetingSeries, starts_at: dt.datetime) -> Occurrence:
    """An occurrence at a given time (a past meeting being recorded, or an extra one)."""
    require_manage(actor, series)
    occurrence, _created = Occurrence.objects.get_or_create(
        series=series,
        starts_at=starts_at,
        defaults={"ends_at": starts_at + dt.timedelta(minutes=series.duration_minutes)},
    )
    return occurrence
