"""API schemas for spaces, pages, versions, diffs and page search."""

import datetime as dt

from ninja import Field, Schema

from wavelength.accounts.schemas import UserRef
from wavelength.core.schemas import Id, InputSchema

from .models import PageStatus, SpaceVisibility


class SpaceOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    visibility: SpaceVisibility
    team_ids: list[int]
    url: str

    @staticmethod
    def resolve_team_ids(obj) -> list[int]:
        return sorted(t.pk for t in obj.teams.all())

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class SpaceIn(InputSchema):
    name: str = Field(max_length=120)
    description: str = ""
    visibility: SpaceVisibility = SpaceVisibility.EVERYONE
    teams: list[Id] = []


class PageOut(Schema):
    id: int
    space: str
    parent_id: int | None
    title: str
    slug: str
    version: int
    status: PageStatus
    owner: UserRef | None
    review_interval_days: int
    review_due_on: dt.date | None
    stale: bool
    stale_reasons: list[str]
    verified_version: int | None
    verified_at: dt.datetime | None
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_space(obj) -> str:
        return obj.space.slug

    @staticmethod
    def resolve_stale(obj) -> bool:
        return obj.is_stale()

    @staticmethod
    def resolve_stale_reasons(obj) -> list[str]:
        return [str(r) for r in obj.stale_reasons]

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class PageDetailOut(PageOut):
    body: str
    html: str


class PageIn(InputSchema):
    space: str = Field(description="The space's slug.")
    title: str = Field(max_length=200)
    body: str = ""
    parent: Id | None = None
    status: PageStatus = PageStatus.DRAFT
    review_interval_days: int = Field(180, ge=1, le=3650)


class PagePatch(InputSchema):
    base_version: Id = Field(description="The version the change starts from; 409 if stale.")
    title: str | None = Field(None, max_length=200)
    body: str | None = None
    review_interval_days: int | None = Field(None, ge=1, le=3650)
    note: str = Field("", max_length=200)


class PageFilter(Schema):
    space: str | None = None
    status: PageStatus | None = None
    owner: str | None = Field(None, description="An owner's e-mail.")


class VersionOut(Schema):
    number: int
    title: str
    author: UserRef | None
    note: str
    created_at: dt.datetime


class VersionDetailOut(VersionOut):
    body: str


class DiffRowOut(Schema):
    op: str
    old_no: int | None
    old: str
    new_no: int | None
    new: str


class DiffOut(Schema):
    a: int
    b: int
    added: int
    removed: int
    rows: list[DiffRowOut]


class StatusIn(InputSchema):
    status: PageStatus


class VersionIn(InputSchema):
    version: Id


class RestoreIn(InputSchema):
    version: Id
    base_version: Id | None = None


class PageRefOut(Schema):
    id: int
    title: str
    space: str
    url: str

    @staticmethod
    def resolve_space(obj) -> str:
        return obj.space.slug

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class PageSearchHitOut(Schema):
    page: PageOut
    snippet: str


class PageSearchOut(Schema):
    items: list[PageSearchHitOut]
    count: int


class PageSearchQuery(Schema):
    q: str = Field(..., min_length=1, max_length=200)
    space: str | None = None
    status: PageStatus | None = None
    owner: str | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10000)
