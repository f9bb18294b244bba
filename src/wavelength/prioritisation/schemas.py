"""The prioritisation API's request and answer bodies."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from wavelength.catalog.models import Stage
from wavelength.catalog.schemas import FeatureRef, Key, ProductRef
from wavelength.core.schemas import Id, InputSchema

from . import selectors

Sort = Literal[tuple(key for name in selectors.SORTS for key in (name, f"-{name}"))]


class FormulaOut(Schema):
    id: int
    name: str
    version: int
    label: str
    expression: str
    description: str
    active: bool
    created_at: dt.datetime


class FormulaRef(Schema):
    name: str
    version: int
    label: str
    expression: str


class ScoreOut(Schema):
    value: Decimal | None = Field(description="Null until the effort is estimated.")
    formula: FormulaRef | None
    explanation: str


class PrioritisationOut(Schema):
    feature: FeatureRef
    product: ProductRef
    feedback_count: int
    votes: int = Field(description="Counted portal votes for the feature's idea.")
    unique_companies: int = Field(description="Companies asking in feedback or by a vote.")
    revenue: Decimal = Field(
        description="Annual revenue of the companies asking or voting, each once."
    )
    reach: int
    reach_is_default: bool = Field(description="True when reach follows the companies asking.")
    impact: Decimal
    confidence: int = Field(description="Percent.")
    effort: Decimal | None = Field(description="Person-months.")
    value: Decimal
    value_is_default: bool = Field(description="True when value follows the revenue asking.")
    rice: ScoreOut
    value_effort: ScoreOut
    support: int = Field(description="Feedback items from support tickets linked to it.")
    defects: int = Field(
        description="Open defects weighted by severity: critical 8, major 4, minor 2, trivial 1."
    )
    load: ScoreOut = Field(description="The quality and support load formula's score.")
    objective: int | None = Field(
        None, description="With group=objective: the objective this row is grouped under."
    )

    @staticmethod
    def resolve_objective(obj) -> int | None:
        return getattr(obj.feature, "objective_id", None)

    @staticmethod
    def resolve_support(obj) -> int:
        return obj.inputs.support

    @staticmethod
    def resolve_defects(obj) -> int:
        return obj.inputs.defects

    @staticmethod
    def resolve_product(obj) -> dict:
        return obj.feature.product

    @staticmethod
    def resolve_reach(obj) -> int:
        return obj.inputs.reach

    @staticmethod
    def resolve_impact(obj) -> Decimal:
        return obj.inputs.impact

    @staticmethod
    def resolve_confidence(obj) -> int:
        return obj.inputs.confidence

    @staticmethod
    def resolve_effort(obj) -> Decimal | None:
        return obj.inputs.effort

    @staticmethod
    def resolve_value(obj) -> Decimal:
        return obj.inputs.value


class PrioritisationFilter(InputSchema):
    product: Key | None = Field(None, description="Product id or slug.")
    stage: Stage | None = None
    team: Key | None = Field(None, description="Owning team id or slug.")
    q: str | None = Field(None, description="Words in the title or description.")
    objective: Id | None = Field(None, description="Features serving this objective.")
    group: Literal["objective"] | None = Field(
        None, description="objective: ordered by the objectives they serve, a row for each."
    )
    sort: Sort = Field(
        selectors.DEFAULT_SORT, description="A column; a leading - sorts descending."
    )


class ScoreIn(InputSchema):
    reach: int | None = Field(None, description="Companies reached; null follows the demand.")
    impact: Decimal = Field(None, description="0.25, 0.5, 1, 2 or 3.")
    confidence: int = Field(None, description="50, 80 or 100 (percent).")
    effort: Decimal | None = Field(None, description="Person-months, more than 0.")
    value: Decimal | None = Field(None, description="An amount; null follows the revenue.")
