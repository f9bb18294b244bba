"""Request and response bodies of the meetings API."""

import datetime as dt
import re
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from wavelength.core.schemas import Id, InputSchema

_WALL_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?")
_WALL_TIME_SCHEMA = {
    # No "format": "time": JSON Schema's time (RFC 3339) requires a UTC offset, which a
    # wall-clock time in the series' time zone must not have; the pattern says it exactly.
    "type": "string",
    "pattern": f"^{_WALL_TIME.pattern}$",
    "examples": ["09:30", "09:30:00"],
}


def _wall_time(value) -> dt.time:
    """Only "HH:MM" or "HH:MM:SS": pydantic would also take seconds since midnight, fractions
    of a second and a UTC offset, none of which a wall-clock time in a time zone can carry."""
    if isinstance(value, str) and _WALL_TIME.fullmatch(value):
        return dt.time.fromisoformat(value)
    raise PydanticCustomError(
        "wall_time", _("Give a time of day as HH:MM or HH:MM:SS, for example 09:30.")
    )


# A wall-clock time of day, in the series' time zone.
WallTime = Annotated[dt.time, BeforeValidator(_wall_time), WithJsonSchema(_WALL_TIME_SCHEMA)]
# As answered: always with its seconds ("09:30:00").
WallTimeOut = Annotated[dt.time, WithJsonSchema({**_WALL_TIME_SCHEMA, "examples": ["09:30:00"]})]


class SeriesIn(InputSchema):
    name: str = Field(max_length=120)
    purpose: str = ""
    owner: Id | None = Field(None, description="A person's id; the caller when omitted.")
    attendees: list[Id] = []
    teams: list[Id] = []
    products: list[Id] = []
    time_zone: str = Field("UTC", max_length=64, description="An IANA name: Europe/Paris.")
    start_date: dt.date
    start_time: WallTime = Field(
        description='Wall-clock time in the series\' time zone: "09:30" or "09:30:00".'
    )
    duration_minutes: int = Field(30, ge=5, le=1440)
    rrule: str = Field(max_length=300, description="An RFC 5545 RRULE: FREQ=WEEKLY;BYDAY=MO.")
    agenda_parts: list[str] | None = Field(None, description="Omitted: every part.")


class SeriesPatch(InputSchema):
    name: str | None = Field(None, max_length=120)
    purpose: str | None = None
    owner: Id | None = None
    attendees: list[Id] | None = None
    teams: list[Id] | None = None
    products: list[Id] | None = None
    time_zone: str | None = Field(None, max_length=64)
    start_date: dt.date | None = None
    start_time: WallTime | None = Field(None, description='"09:30" or "09:30:00".')
    duration_minutes: int | None = Field(None, ge=5, le=1440)
    rrule: str | None = Field(None, max_length=300)
    agenda_parts: list[str] | None = None


class SeriesOut(Schema):
    id: int
    name: str
    purpose: str
    owner: int = Field(alias="owner_id")
    attendees: list[int]
    teams: list[int]
    products: list[int]
    time_zone: str
    start_date: dt.date
    start_time: WallTimeOut = Field(description='In the series\' time zone: "09:30:00".')
    duration_minutes: int
    rrule: str
    agenda_parts: list[str]

    @staticmethod
    def resolve_attendees(obj) -> list[int]:
        return [u.pk for u in obj.attendees.all()]

    @staticmethod
    def resolve_teams(obj) -> list[int]:
        return [t.pk for t in obj.teams.all()]

    @staticmethod
    def resolve_products(obj) -> list[int]:
        return [p.pk for p in obj.products.all()]


class OccurrenceOut(Schema):
    id: int
    series: int = Field(alias="series_id")
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    minutes: str
    attended: list[int]
    agenda_sent_at: dt.datetime | None
    minutes_sent_at: dt.datetime | None

    @staticmethod
    def resolve_attended(obj) -> list[int]:
        return [u.pk for u in obj.attended.all()]


class OccurrencePatch(InputSchema):
    minutes: str | None = None
    attended: list[Id] | None = None


class AgendaItemIn(InputSchema):
    title: str = Field(max_length=300)
    note: str = ""
    url: str = Field("", max_length=500)


class AgendaItemPatch(InputSchema):
    title: str | None = Field(None, max_length=300)
    note: str | None = None
    move: str | None = Field(None, pattern="^(up|down)$", description='"up" or "down".')


class AgendaItemOut(Schema):
    id: int
    position: int
    kind: str = Field(description='"manual", or the agenda part it was generated from.')
    source_id: int | None
    params: dict = Field(description="What a generated item's sentence is made from.")
    title: str = Field(description="In the caller's language.", alias="display_title")
    note: str = Field(alias="display_note")
    url: str


class SentOut(Schema):
    sent: int = Field(description="How many people were told.")


class DecisionIn(InputSchema):
    title: str = Field(max_length=300)
    rationale: str = ""
    decided_by: Id | None = None
    features: list[Id] = []
    releases: list[Id] = []
    pages: list[Id] = []


class DecisionPatch(InputSchema):
    title: str | None = Field(None, max_length=300)
    rationale: str | None = None
    decided_by: Id | None = None
    features: list[Id] | None = None
    releases: list[Id] | None = None
    pages: list[Id] | None = None


class DecisionOut(Schema):
    id: int
    occurrence: int = Field(alias="occurrence_id")
    title: str
    rationale: str
    decided_by: int | None = Field(alias="decided_by_id")
    features: list[int]
    releases: list[int]
    pages: list[int]
    created_at: dt.datetime

    @staticmethod
    def resolve_features(obj) -> list[int]:
        return [f.pk for f in obj.features.all()]

    @staticmethod
    def resolve_releases(obj) -> list[int]:
        return [r.pk for r in obj.releases.all()]

    @staticmethod
    def resolve_pages(obj) -> list[int]:
        return [p.pk for p in obj.pages.all()]


class ActionIn(InputSchema):
    title: str = Field(max_length=300)
    owner: Id
    due_on: dt.date | None = None
    feature: Id | None = None
    release: Id | None = None


class ActionPatch(InputSchema):
    title: str | None = Field(None, max_length=300)
    owner: Id | None = None
    due_on: dt.date | None = None
    feature: Id | None = None
    release: Id | None = None
    status: str | None = Field(None, pattern="^(open|done)$")


class ActionOut(Schema):
    id: int
    occurrence: int = Field(alias="occurrence_id")
    title: str
    owner: int = Field(alias="owner_id")
    due_on: dt.date | None
    feature: int | None = Field(alias="feature_id")
    release: int | None = Field(alias="release_id")
    status: str
    overdue: bool

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()
