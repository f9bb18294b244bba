"""Prioritisation API: the table of features with demand and scores, a feature's estimates,
and the scoring formulas. Endpoints parse, call one selector or service, and answer."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.models import Stage
from wavelength.catalog.schemas import FeatureRef, Key, ProductRef
from wavelength.core.api import Pagination
from wavelength.core.schemas import ERRORS, Id, InputSchema

from . import selectors, services

router = Router()

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
    sort: Sort = Field(
        selectors.DEFAULT_SORT, description="A column; a leading - sorts descending."
    )


class ScoreIn(InputSchema):
    reach: int | None = Field(None, description="Companies reached; null follows the demand.")
    impact: Decimal = Field(None, description="0.25, 0.5, 1, 2 or 3.")
    confidence: int = Field(None, description="50, 80 or 100 (percent).")
    effort: Decimal | None = Field(None, description="Person-months, more than 0.")
    value: Decimal | None = Field(None, description="An amount; null follows the revenue.")


class _Rows:
    """A page of the table as explained scores: what ninja's pagination slices and counts."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.active = selectors.active_formulas()

    def all(self):
        return self

    def count(self) -> int:
        return self.queryset.order_by().values("pk").count()

    def __getitem__(self, window):
        return [selectors.scores_for(f, self.active) for f in self.queryset[window]]


@router.get(
    "/prioritisation",
    response={200: list[PrioritisationOut], **ERRORS},
    url_name="prioritisation-list",
    tags=["prioritisation"],
)
@paginate(Pagination)
def prioritisation_list(request, filters: Query[PrioritisationFilter]):
    """Every feature with its demand and its RICE and value/effort scores, each explained;
    sorted by ``sort`` (default: highest RICE first, features without one last)."""
    return _Rows(
        selectors.prioritisation_list(
            user=request.auth, filters=selectors.PrioritisationFilter(**filters.dict())
        )
    )


@router.patch(
    "/features/{feature_id}/score",
    response={200: PrioritisationOut, **ERRORS},
    url_name="feature-score",
    tags=["prioritisation"],
)
def feature_score_update(request, feature_id: Id, payload: ScoreIn):
    """Change the estimates sent; null clears reach, effort or value (reach and value then
    follow the demand). Every bad field is named in one 422."""
    feature = catalog_selectors.feature_get(user=request.auth, pk=feature_id)
    services.feature_score_update(
        actor=request.auth, feature=feature, **payload.dict(exclude_unset=True)
    )
    return selectors.feature_scores(user=request.auth, feature=feature)


@router.get(
    "/scoring-formulas",
    response={200: list[FormulaOut], **ERRORS},
    url_name="scoring-formula-list",
    tags=["prioritisation"],
)
def scoring_formula_list(request):
    """Every version of every scoring formula; the active one of each name is used for new
    estimates, and each feature's score names the version it was computed with."""
    return list(selectors.formula_list(user=request.auth))
