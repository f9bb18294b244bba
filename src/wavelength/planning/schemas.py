"""Request and response bodies of the planning API."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from wavelength.core.schemas import Id, InputSchema

from .models import objective_progress

ColumnName = Literal["now", "next", "later"]
StageName = Literal[
    "idea", "discovery", "planned", "in_development", "beta", "generally_available",
    "deprecated", "retired",
]  # fmt: skip
Amount = Decimal | None


class RoadmapFilterIn(InputSchema):
    product: str | None = Field(None, max_length=120, description="A product's slug.")
    team: str | None = Field(None, max_length=120, description="The owner team's slug.")
    tag: str | None = Field(None, max_length=50)
    stage: StageName | None = None
    objective: Id | None = Field(None, description="Features linked to this objective.")
    group: Literal["product", "team", "objective"] = "product"


class CardOut(Schema):
    id: int
    title: str
    product: str
    stage: str
    column: str | None = Field(None, description="now, next, later, or null: off the board.")
    owner_team: str | None
    tags: list[str]
    objectives: list[int]

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.product.slug

    @staticmethod
    def resolve_owner_team(obj) -> str | None:
        return obj.owner_team.slug if obj.owner_team_id else None

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.name for t in obj.card_tags]

    @staticmethod
    def resolve_objectives(obj) -> list[int]:
        return [o.pk for o in obj.card_objectives]


class CardValuesOut(Schema):
    """A card given as plain values (the timeline builds them; see ``api._card``)."""

    id: int
    title: str
    product: str
    stage: str
    column: str | None = Field(None, description="now, next, later, or null: off the board.")
    owner_team: str | None
    tags: list[str]
    objectives: list[int]


class TimelineReleaseOut(Schema):
    id: int
    product: str
    version: str
    name: str
    status: str
    target_date: dt.date | None
    late: bool = Field(description="Planned or in progress, and past its target date.")
    features: list[CardValuesOut]
    hidden: int = Field(description="Matching features not listed (see the CSV export).")


class LaneOut(Schema):
    key: str
    label: str
    releases: list[TimelineReleaseOut]


class TimelineOut(Schema):
    lanes: list[LaneOut]
    count: int = Field(description="How many releases match, over every page.")
    page: int
    pages: int


class BoardColumnOut(Schema):
    column: str
    label: str
    count: int
    features: list[CardOut]

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.label)


class PlacementOut(Schema):
    feature: int
    column: str | None = Field(description="Where the feature sits on the board.")
    placed_column: str | None = Field(description="Where someone placed it (null: from stage).")
    releases: list[int] = Field(description="The open releases that ship it.")
    objectives: list[int]


class PlacementPatch(InputSchema):
    release: Id | None = Field(None, description="An open release of its product; null: none.")
    column: ColumnName | None = Field(None, description="null: back to where its stage puts it.")
    reason: str = Field("", max_length=300)


class RoadmapPlanIn(InputSchema):
    features: list[Id] = Field(min_length=1, max_length=500)
    release: Id | None = None
    column: ColumnName | None = None
    reason: str = Field("", max_length=300)


class PlannedOut(Schema):
    planned: int


class ShareIn(RoadmapFilterIn):
    view: Literal["timeline", "board"] = "timeline"


class ShareOut(Schema):
    url: str
    expires_at: dt.datetime


class KeyResultOut(Schema):
    id: int
    objective: int = Field(alias="objective_id")
    title: str
    start: Decimal
    target: Decimal
    current: Decimal
    unit: str
    figure: str = Field(description="The figure it follows; empty when updated by hand.")
    progress: int = Field(description="Percent of the way from start to target.")


class KeyResultIn(InputSchema):
    title: str = Field(max_length=200)
    target: Decimal = Field(max_digits=14, decimal_places=2)
    start: Decimal = Field(Decimal(0), max_digits=14, decimal_places=2)
    current: Amount = Field(None, max_digits=14, decimal_places=2)
    unit: str = Field("", max_length=20)
    figure: str = Field("", max_length=40, description="A key of GET /planning/figures.")


class KeyResultPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    target: Amount = Field(None, max_digits=14, decimal_places=2)
    start: Amount = Field(None, max_digits=14, decimal_places=2)
    current: Amount = Field(None, max_digits=14, decimal_places=2)
    unit: str | None = Field(None, max_length=20)
    figure: str | None = Field(None, max_length=40)


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    owner: int = Field(alias="owner_id")
    product: int | None = Field(alias="product_id")
    period_start: dt.date
    period_end: dt.date
    features: list[int]
    key_results: list[KeyResultOut]
    progress: int

    @staticmethod
    def resolve_features(obj) -> list[int]:
        return sorted(f.pk for f in obj.features.all())

    @staticmethod
    def resolve_key_results(obj) -> list:
        return list(obj.key_results.all())

    @staticmethod
    def resolve_progress(obj) -> int:
        return objective_progress(obj.key_results.all())


class ObjectiveIn(InputSchema):
    title: str = Field(max_length=200)
    description: str = ""
    owner: Id | None = Field(None, description="A person's id; the caller when omitted.")
    product: Id | None = None
    period_start: dt.date
    period_end: dt.date
    features: list[Id] = []


class ObjectivePatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    owner: Id | None = None
    product: Id | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    features: list[Id] | None = None


class ObjectiveFilter(InputSchema):
    product: str | None = Field(None, max_length=120)
    period: Literal["current", "past", "future"] | None = None


class KeyResultFigureOut(Schema):
    key: str
    label: str
    unit: str


# Stage standards --------------------------------------------------------------------------


class RequirementOut(Schema):
    value: str = Field(description='"condition" or "condition:parameter".')
    label: str


class StageStandardOut(Schema):
    stage: str
    label: str
    requirements: list[RequirementOut]

    @staticmethod
    def resolve_requirements(obj) -> list[dict]:
        return [{"value": value, "label": label} for value, label in obj.requirements]


class StandardsOut(Schema):
    product: str
    stages: list[StageStandardOut]


class StandardsIn(InputSchema):
    stages: dict[StageName, list[str]] = Field(
        description='{stage: ["condition" or "condition:parameter", ...]}; stages left out keep '
        "their requirements, an empty list clears them. See GET /planning/requirements."
    )


class CheckOut(Schema):
    label: str
    ok: bool
    detail: str
    missing: list[list[str]] = Field(description="[label, url] pairs leading to what is missing.")

    @staticmethod
    def resolve_missing(obj) -> list[list[str]]:
        return [[str(label), url] for label, url in obj.missing]


class ReadinessOut(Schema):
    stage: str
    label: str
    ready: bool
    checks: list[CheckOut]


class StageMoveIn(InputSchema):
    stage: StageName
    override_reason: str = Field(
        "", max_length=500, description="Why it moves without meeting the stage's standard."
    )


class OverrideOut(Schema):
    id: int
    feature: int
    feature_title: str
    actor: str | None
    stage: str | None
    reason: str
    unmet: list[str]
    created_at: dt.datetime

    @staticmethod
    def resolve_feature(obj) -> int:
        return obj.target_id

    @staticmethod
    def resolve_feature_title(obj) -> str:
        return obj.target_repr

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.email if obj.actor_id else None

    @staticmethod
    def resolve_stage(obj) -> str | None:
        pair = obj.payload.get("changes", {}).get("stage") or [None, None]
        return pair[1]

    @staticmethod
    def resolve_reason(obj) -> str:
        return obj.payload.get("reason") or ""

    @staticmethod
    def resolve_unmet(obj) -> list[str]:
        return [item.get("label", "") for item in obj.payload.get("unmet", [])]


class OverrideFilter(InputSchema):
    product: str | None = Field(None, max_length=120, description="A product's slug.")


class StageMovedOut(Schema):
    id: int
    stage: str
