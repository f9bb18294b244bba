"""API schemas for the catalog: products, areas, features, releases, changelog and history.

Keys a client sends may be an id or a readable key: a product by id or slug, a team by id or
slug, a person by id or e-mail. PATCH schemas leave omitted fields as they are; a field that
may not be empty refuses an explicit null.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from wavelength.accounts.schemas import TeamRef, UserRef
from wavelength.core.markdown import render
from wavelength.core.schemas import (  # noqa: F401 - Key is imported from here by other apps
    ActorOut,
    AwareDatetime,
    Id,
    InputSchema,
    Key,
    absolute_url,
)

from .models import ReleaseStatus, Stage, Visibility


def _html(text: str) -> str:
    return str(render(text))


# Products and areas -----------------------------------------------------------------------


class ProductRef(Schema):
    id: int
    slug: str
    name: str


class AreaOut(Schema):
    id: int
    name: str
    position: int


class AreaRef(Schema):
    id: int
    name: str


class ProductOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    description_html: str
    feature_count: int
    release_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_description_html(obj) -> str:
        return _html(obj.description)

    @staticmethod
    def resolve_feature_count(obj) -> int:
        count = getattr(obj, "feature_count", None)
        return obj.features.count() if count is None else count

    @staticmethod
    def resolve_release_count(obj) -> int:
        count = getattr(obj, "release_count", None)
        return obj.releases.count() if count is None else count

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class ProductDetailOut(ProductOut):
    areas: list[AreaOut]


class ProductIn(InputSchema):
    name: str
    description: str = ""


class ProductPatch(InputSchema):
    name: str = None
    description: str = None


class AreaIn(InputSchema):
    name: str


# Features ---------------------------------------------------------------------------------


class FeatureOut(Schema):
    id: int
    product: ProductRef
    area: AreaRef | None
    title: str
    description: str
    stage: Stage
    stage_entered_at: dt.datetime
    owner_team: TeamRef | None
    owner: UserRef | None
    tags: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class FeatureDetailOut(FeatureOut):
    """One feature, with its description rendered (lists leave the rendering out: it is
    most of their cost and clients of a list rarely show every description)."""

    description_html: str

    @staticmethod
    def resolve_description_html(obj) -> str:
        return _html(obj.description)


class FeatureRef(Schema):
    id: int
    title: str
    stage: Stage


class FeatureFilter(InputSchema):
    product: Key | None = Field(None, description="Product id or slug.")
    stage: Stage | None = None
    team: Key | None = Field(None, description="Owning team id or slug.")
    tag: str | None = None
    owner: Key | None = Field(None, description="Owner id or e-mail.")
    updated_since: AwareDatetime | None = Field(None, description="ISO 8601 date-time.")
    q: str | None = Field(None, description="Words in the title or description.")


class FeatureIn(InputSchema):
    product: Key = Field(description="Product id or slug.")
    area: Id | None = Field(None, description="An area of that product.")
    title: str
    description: str = ""
    stage: Stage = Stage.IDEA
    owner_team: Key | None = Field(None, description="Team id or slug.")
    owner: Key | None = Field(None, description="Person id or e-mail.")
    tags: list[str] = []


class FeaturePatch(InputSchema):
    area: Id | None = Field(None, description="An area of the feature's product; null clears.")
    title: str = None
    description: str = None
    stage: Stage = Field(None, description="Moves the feature if the lifecycle allows it.")
    stage_override_reason: str = Field(
        None,
        max_length=500,
        description="Why the feature moves to ``stage`` without meeting the stage's standard.",
    )
    owner_team: Key | None = Field(None, description="Team id or slug; null clears.")
    owner: Key | None = Field(None, description="Person id or e-mail; null clears.")
    tags: list[str] = Field(None, description="Replaces the tags.")


class FeatureStateOut(Schema):
    """A feature's tracked fields as they were at ``at`` (references as ids)."""

    id: int
    at: dt.datetime
    product: int | None = None
    area: int | None = None
    title: str = ""
    description: str = ""
    stage: Stage | None = None
    owner_team: int | None = None
    owner: int | None = None
    tags: list[str] = []


class StateQuery(InputSchema):
    at: AwareDatetime = Field(description="ISO 8601 date-time.")


# Releases ---------------------------------------------------------------------------------


FeaturesTo = Literal["generally_available", "beta", ""] | None


class ReleaseRef(Schema):
    id: int
    version: str
    product: ProductRef


class ReleaseOut(Schema):
    id: int
    product: ProductRef
    version: str
    name: str
    description: str
    description_html: str
    status: ReleaseStatus
    target_date: dt.date | None
    released_on: dt.date | None
    late: bool = Field(description="Planned or in progress past its target date.")
    features: list[FeatureRef]
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_description_html(obj) -> str:
        return _html(obj.description)

    @staticmethod
    def resolve_late(obj) -> bool:
        return obj.is_late

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class ReleaseFilter(InputSchema):
    product: Key | None = Field(None, description="Product id or slug.")
    status: ReleaseStatus | None = None


class ReleaseIn(InputSchema):
    product: Key = Field(description="Product id or slug.")
    version: str
    name: str = ""
    description: str = ""
    status: ReleaseStatus = Field(ReleaseStatus.PLANNED, description="Planned or in progress.")
    target_date: dt.date | None = None
    features: list[Id] = Field([], description="Ids of features of the same product.")


class ReleasePatch(InputSchema):
    version: str = None
    name: str = None
    description: str = None
    status: ReleaseStatus = Field(None, description="Released ships it (see /ship).")
    target_date: dt.date | None = None
    features: list[Id] = Field(None, description="Replaces the features.")
    override_reason: str = Field(
        None,
        max_length=500,
        description="With status released: an administrator ships past a failing gate, saying why.",
    )
    confirm: bool = Field(
        None, description="With status released: true, once the ship summary has been read."
    )
    features_to: FeaturesTo = Field(
        None,
        description="With status released: where its features move (as in POST /ship).",
    )


class ReleaseShipIn(InputSchema):
    confirm: bool = Field(
        False,
        description=(
            "Must be true: shipping is refused (422, field confirm) without it. Read "
            "GET /releases/{id}/ship-summary first."
        ),
    )
    released_on: dt.date | None = Field(None, description="Defaults to today.")
    override_reason: str = Field(
        "",
        max_length=500,
        description="An administrator ships past a failing release gate, saying why (recorded).",
    )
    features_to: FeaturesTo = Field(
        None,
        description=(
            "Where the features it ships move: generally_available, beta, or an empty string "
            "to leave them. Defaults to beta for a beta release (its version or name says "
            "beta), else generally_available."
        ),
    )


class GateCriterionOut(Schema):
    key: str
    label: str
    ok: bool
    detail: str
    missing: list[tuple[str, str]]


class ReleaseGateOut(Schema):
    ok: bool
    criteria: list[GateCriterionOut]
    frozen: bool = Field(
        False, description="True once the release shipped: the verdict as it was then."
    )
    override_reason: str = Field("", description="Why an administrator shipped it anyway.")


class ShipPartOut(Schema):
    key: str
    title: str
    count: int = Field(description="How many things need a look before shipping (0: none).")
    detail: str
    items: list[tuple[str, str]] = Field(description="The first of them, as [label, url].")
    counts: list[tuple[str, int]] = Field(description="Counts by kind, e.g. by severity.")


class ShipFeatureOut(Schema):
    id: int
    title: str
    stage: Stage
    moves_to: Stage | None = Field(description="Its stage once shipped with features_to.")


class ReleaseShipSummaryOut(Schema):
    release: ReleaseRef
    gate_ok: bool
    gate: list[GateCriterionOut]
    features_to: str = Field(description="The default choice: generally_available or beta.")
    features: list[ShipFeatureOut]
    parts: list[ShipPartOut] = Field(
        description="Untested planned cases, open defects by severity, inspections not signed."
    )


# Changelog --------------------------------------------------------------------------------


class ChangelogOut(Schema):
    id: int
    release: ReleaseRef
    title: str
    body: str
    body_html: str
    visibility: Visibility
    author: ActorOut | None
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_body_html(obj) -> str:
        return _html(obj.body)

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class ChangelogFilter(InputSchema):
    product: Key | None = Field(None, description="Product id or slug.")
    release: Id | None = None
    visibility: Visibility | None = None


class ChangelogIn(InputSchema):
    title: str
    body: str = ""
    visibility: Visibility = Visibility.INTERNAL


class ChangelogPatch(InputSchema):
    title: str = None
    body: str = None
    visibility: Visibility = None


# History ----------------------------------------------------------------------------------


class HistoryFilter(InputSchema):
    since: AwareDatetime | None = Field(None, description="ISO 8601 date-time.")
    product: Key | None = Field(None, description="Product id or slug.")
