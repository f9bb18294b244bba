"""Prioritisation reads: the scoring formulas, each feature's demand and scores, the table.

A formula's arithmetic is code keyed by ``(name, version)`` (``formulas.py``). A feature's
scores use the formula versions its score row recorded, or the active versions when it has
none yet. Demand (feedback items, portal votes, companies asking) is the feedback app's.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_member
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.models import Feature
from wavelength.core import clock
from wavelength.feedback.models import Feedback, FeedbackLink
from wavelength.feedback.selectors import (
    feature_votes,
    rows_per_month,
    vote_months,
)

from .formulas import FORMULAS, LOAD, RICE, SEVERITY_WEIGHT, TWO_PLACES, VALUE_EFFORT, Inputs
from .models import FeatureScore, ScoringFormula


def formula_list(*, user) -> QuerySet[ScoringFormula]:
    """Every version of every formula, newest version first."""
    require_member(user)
    return ScoringFormula.objects.order_by("name", "-version")


def active_formulas() -> dict[str, ScoringFormula]:
    return {f.name: f for f in ScoringFormula.objects.filter(active=True)}


# Where a score row records the formula version of each score.
RECORDED = {RICE: "rice_formula", VALUE_EFFORT: "value_formula", LOAD: "load_formula"}


@dataclass(frozen=True)
class Formulas:
    """Every version of every formula by key, and the active one of each name: read once
    for a page of rows, so that the table's statement does not join a score row's three
    formulas (those joins added half again to PostgreSQL's planning of it)."""

    versions: dict[int, ScoringFormula]
    active: dict[str, ScoringFormula]

    def of(self, estimate: FeatureScore | None, name: str) -> ScoringFormula | None:
        """The version of ``name`` that ``estimate`` recorded, else the active one."""
        recorded = getattr(estimate, f"{RECORDED[name]}_id") if estimate else None
        return self.versions.get(recorded) or self.active.get(name)


def formulas() -> Formulas:
    rows = list(ScoringFormula.objects.all())
    return Formulas({f.pk: f for f in rows}, {f.name: f for f in rows if f.active})


# Demand as SQL ----------------------------------------------------------------------------


def _demand(figure: str, output=None):
    """One of the demand figures the feedback app keeps per feature (0 without any)."""
    return Coalesce(F(f"demand__{figure}"), Value(Decimal("0") if output else 0),
                    output_field=output or IntegerField())  # fmt: skip


def _defect_weight():
    """Each feature's open defects weighted by severity (its quality load)."""
    from wavelength.quality.models import OPEN_DEFECT_STATUSES, Defect

    weight = Case(
        *[When(defect__severity=s, then=Value(w)) for s, w in SEVERITY_WEIGHT.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        Defect.features.through.objects.filter(
            feature_id=OuterRef("pk"), defect__status__in=OPEN_DEFECT_STATUSES
        )
        .order_by()
        .values("feature_id")
        .annotate(w=Sum(weight))
        .values("w")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _by_formula(name: str):
    """The score of formula ``name`` with the version each feature's score row recorded; NULL
    without a score row (no effort estimated, so nothing to divide by)."""
    field = f"score__{RECORDED[name]}"
    whens = [
        When(Q(**{field: f.pk}), then=FORMULAS[(name, f.version)].sql())
        for f in ScoringFormula.objects.filter(name=name)
        if (name, f.version) in FORMULAS
    ]
    if not whens:  # no formula of that name (yet): every score is NULL
        return Value(None, output_field=FloatField())
    return Case(*whens, default=None, output_field=FloatField())


# The prioritisation table -----------------------------------------------------------------

SORTS = {
    "rice": "rice",
    "value_effort": "value_effort",
    "feedback": "feedback_count",
    "companies": "unique_companies",
    "revenue": "revenue",
    "effort": "score__effort",
    "support": "support_count",
    "defects": "defect_weight",
    "load": "load",
    "title": "title",
}
DEFAULT_SORT = "-rice"


@dataclass
class PrioritisationFilter:
    product: int | str | None = None
    stage: str | None = None
    team: int | str | None = None
    q: str | None = None
    sort: str | None = None
    objective: int | None = None  # features serving this objective (planning's)
    group: str | None = None  # "objective": rows grouped by the objectives they serve


def _order(sort: str | None, group: str | None = None) -> list:
    sort = sort if sort and sort.lstrip("-") in SORTS else DEFAULT_SORT
    column = F(SORTS[sort.lstrip("-")])
    first = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
    if group == "objective":
        by_objective = [F("objective_title").asc(nulls_last=True), F("objective_id").asc()]
        return [*by_objective, first, "title", "pk"]
    return [first, "title", "pk"]


def prioritisation_list(*, user, filters: PrioritisationFilter | None = None) -> QuerySet[Feature]:
    """Features with their demand and scores annotated, filtered and sorted in SQL: the cost
    is a fixed number of queries whatever the page size.

    The scores' inputs (reach and value, estimated or the demand's) are aliases: each
    column that uses an annotation repeats its subquery in the statement, so only the scores
    read them."""
    f = filters or PrioritisationFilter()
    features = catalog_selectors.feature_list(
        user=user,
        filters=catalog_selectors.FeatureFilter(
            product=f.product, stage=f.stage, team=f.team, q=f.q
        ),
    )
    qs = (
        features.select_related("score")
        .prefetch_related(None)
        .annotate(
            feedback_count=_demand("items"),
            vote_count=_demand("votes"),
            unique_companies=_demand("companies"),
            revenue=_demand("revenue", DecimalField(max_digits=20, decimal_places=2)),
        )
        .alias(
            reach_used=Coalesce("score__reach", "unique_companies", output_field=IntegerField()),
            value_used=Coalesce(
                "score__value",
                "revenue",
                output_field=DecimalField(max_digits=18, decimal_places=2),
            ),
        )
    )
    qs = qs.annotate(support_count=_demand("support_items"), defect_weight=_defect_weight())
    qs = qs.annotate(
        rice=_by_formula(RICE),
        value_effort=_by_formula(VALUE_EFFORT),
        load=_by_formula(LOAD),
    )
    if f.objective:  # the objectives are the planning app's: read through the relation
        qs = qs.filter(objectives__pk=f.objective)
    if f.group == "objective":
        # A feature serving two objectives is a row in each group.
        qs = qs.annotate(objective_id=F("objectives__pk"), objective_title=F("objectives__title"))
    return qs.order_by(*_order(f.sort, f.group))


# One feature's scores, explained ----------------------------------------------------------


@dataclass
class Score:
    formula: ScoringFormula | None
    value: Decimal | None
    explanation: str

    @property
    def label(self) -> str:
        return str(self.formula) if self.formula else ""


@dataclass
class FeatureScores:
    feature: Feature
    inputs: Inputs
    reach_is_default: bool
    value_is_default: bool
    rice: Score
    value_effort: Score
    load: Score
    feedback_count: int
    votes: int
    unique_companies: int
    revenue: Decimal
    estimate: FeatureScore | None


def _score(name: str, formula: ScoringFormula | None, inputs: Inputs) -> Score:
    code = FORMULAS.get((name, formula.version)) if formula else None
    value = code.compute(inputs) if code else None
    if value is None:
        return Score(formula, None, _("Estimate the effort to compute this score."))
    return Score(formula, value, code.explain(inputs, value))


def scores_for(feature: Feature, formulas: Formulas) -> FeatureScores:
    """The scores of a feature annotated by ``prioritisation_list``, with their explanation.
    No query: everything comes from the row (and ``formulas``, read once per page)."""
    estimate: FeatureScore | None = getattr(feature, "score", None) if _has_score(feature) else None
    revenue = Decimal(feature.revenue or 0).quantize(TWO_PLACES)
    inputs = Inputs(
        reach=estimate.reach
        if estimate and estimate.reach is not None
        else feature.unique_companies,
        impact=estimate.impact if estimate else Decimal("1"),
        confidence=estimate.confidence if estimate else 80,
        effort=estimate.effort if estimate else None,
        value=estimate.value if estimate and estimate.value is not None else revenue,
        support=getattr(feature, "support_count", 0) or 0,
        defects=getattr(feature, "defect_weight", 0) or 0,
    )
    return FeatureScores(
        feature=feature,
        inputs=inputs,
        reach_is_default=not estimate or estimate.reach is None,
        value_is_default=not estimate or estimate.value is None,
        rice=_score(RICE, formulas.of(estimate, RICE), inputs),
        value_effort=_score(VALUE_EFFORT, formulas.of(estimate, VALUE_EFFORT), inputs),
        load=_score(LOAD, formulas.of(estimate, LOAD), inputs),
        feedback_count=feature.feedback_count,
        votes=feature.vote_count,
        unique_companies=feature.unique_companies,
        revenue=revenue,
        estimate=estimate,
    )


def _has_score(feature: Feature) -> bool:
    try:
        return feature.score is not None
    except FeatureScore.DoesNotExist:
        return False


def feature_scores(*, user, feature: Feature) -> FeatureScores:
    """One feature's demand, estimates and explained scores (the feature page, the API)."""
    row = get_object_or_404(prioritisation_list(user=user), pk=feature.pk)
    return scores_for(row, formulas())


# Trend ------------------------------------------------------------------------------------


@dataclass
class TrendMonth:
    month: dt.date
    label: str
    count: int


def _month_starts(months: int) -> list[dt.date]:
    today = timezone.localdate(clock.now())
    year, month = today.year, today.month
    starts = []
    for _i in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def feature_trend(*, user, feature: Feature, months: int = 12) -> list[TrendMonth]:
    """Feedback items asking for ``feature`` and portal votes for its idea per month, the last
    ``months`` months (this one included), months without any as 0. One query."""
    require_member(user)
    starts = _month_starts(months)
    since = timezone.make_aware(dt.datetime.combine(starts[0], dt.time.min))
    items = Feedback.objects.filter(
        pk__in=FeedbackLink.objects.filter(feature=feature).values("feedback_id"),
        received_at__gte=since,
    ).annotate(month=TruncMonth("received_at"), kind=Value("items"))
    votes = vote_months(feature_votes(feature), since=since)
    counts: dict[dt.date, int] = {}
    for month, _kind, n in rows_per_month(items).union(rows_per_month(votes), all=True):
        if month:
            counts[_as_date(month)] = counts.get(_as_date(month), 0) + n
    return [TrendMonth(s, s.strftime("%Y-%m"), counts.get(s, 0)) for s in starts]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
