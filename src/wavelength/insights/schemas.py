"""Request and response bodies of the insights API."""

import datetime as dt
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from wavelength.core.schemas import InputSchema, Key

from .models import ViewPage
from .scopes import PERIODS

PageName = Literal[tuple(ViewPage.values)]  # type: ignore[valid-type]


class DashboardFilterIn(InputSchema):
    product: str | None = Field(None, max_length=120, description="A product's slug.")
    team: str | None = Field(None, max_length=120, description="The owner team's slug.")
    period: int = Field(90, description="The last N days, today included: 7, 30, 90, 180 or 365.")

    @field_validator("period")
    @classmethod
    def _a_period(cls, value: int) -> int:
        if value not in PERIODS:
            raise PydanticCustomError("period", _("Choose 7, 30, 90, 180 or 365 days."))
        return value


class CounterOut(Schema):
    label: str
    value: Any = Field(description="A number, or a text such as “42 %” or “—”.")
    list: str = Field(description="The list it counts: GET /insights/lists/{list}.")
    params: dict[str, str]


class DatasetOut(Schema):
    key: str
    label: str
    values: list[float | int | None]


class ChartOut(Schema):
    type: str
    labels: list[str]
    datasets: list[DatasetOut]


class FigureOut(Schema):
    key: str
    title: str
    chart: ChartOut
    counters: list[CounterOut]


class DashboardOut(Schema):
    since: dt.date
    until: dt.date
    filters: dict[str, Any]
    figures: list[FigureOut]


class RowOut(Schema):
    title: str
    url: str
    detail: str
    when: dt.date | dt.datetime | None


class RowsOut(Schema):
    items: list[RowOut]
    count: int


class SavedViewIn(InputSchema):
    name: str = Field(max_length=120)
    page: PageName = Field(description="The URL name of the page whose filters it keeps.")
    filters: dict[str, str | int] = Field(default_factory=dict)
    team: Key | None = Field(None, description="Share with this team (id or slug).")


class SavedViewPatch(InputSchema):
    name: str | None = Field(None, max_length=120)
    page: PageName | None = None
    filters: dict[str, str | int] | None = None
    team: Key | None = None


class SavedViewOut(Schema):
    id: int
    name: str
    page: str
    filters: dict[str, Any]
    team: str | None
    owner: int
    url: str = Field(description="The page with its filters.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_team(obj) -> str | None:
        return obj.team.slug if obj.team_id else None

    @staticmethod
    def resolve_owner(obj) -> int:
        return obj.owner_id

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.address()


class SubscriptionIn(InputSchema):
    active: bool
    product: Key | None = Field(None, description="Only this product (id or slug).")
    team: Key | None = Field(None, description="Only this team (id or slug).")


class SubscriptionOut(Schema):
    active: bool
    product: str | None
    team: str | None

    @staticmethod
    def resolve_product(obj) -> str | None:
        return obj.product.slug if obj.product_id else None

    @staticmethod
    def resolve_team(obj) -> str | None:
        return obj.team.slug if obj.team_id else None


class WeeklyReportOut(Schema):
    id: int
    week_start: dt.date
    figures: dict[str, Any]
    created_at: dt.datetime
    emailed_at: dt.datetime | None
