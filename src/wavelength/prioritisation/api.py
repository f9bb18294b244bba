"""Prioritisation API: the table of features with demand and scores, a feature's estimates,
and the scoring formulas. Endpoints parse, call one selector or service, and answer."""

from django.http import HttpResponse
from ninja import Query, Router
from ninja.pagination import paginate

from wavelength.catalog import selectors as catalog_selectors
from wavelength.core.api import Pagination
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, Id, IfMatch

from . import selectors, services
from .schemas import (
    FormulaOut,
    PrioritisationFilter,
    PrioritisationOut,
    ScoreIn,
)

router = Router()


class _Rows:
    """A page of the table as explained scores: what ninja's pagination slices and counts."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.formulas = selectors.formulas()

    def all(self):
        return self

    def count(self) -> int:
        return self.queryset.order_by().values("pk").count()

    def __getitem__(self, window):
        return [selectors.scores_for(f, self.formulas) for f in self.queryset[window]]


@router.get(
    "/prioritisation",
    response={200: list[PrioritisationOut], **ERRORS},
    url_name="prioritisation-list",
    tags=["prioritisation"],
)
@paginate(Pagination)
def prioritisation_list(request, filters: Query[PrioritisationFilter]):
    """Every feature with its demand, its support and defect load, and its RICE, value/effort
    and load scores, each explained; filtered by ``objective`` and grouped by objective on
    ``group=objective``; sorted by ``sort`` (default: highest RICE first, features without
    one last)."""
    return _Rows(
        selectors.prioritisation_list(
            user=request.auth, filters=selectors.PrioritisationFilter(**filters.dict())
        )
    )


def _etag(response: HttpResponse, feature) -> None:
    response["ETag"] = f'"{services.score_version(feature)}"'


@router.get(
    "/features/{feature_id}/score",
    response={200: PrioritisationOut, **ERRORS},
    url_name="feature-score-detail",
    tags=["prioritisation"],
)
def feature_score_detail(request, feature_id: Id, response: HttpResponse):
    """One feature's demand, estimates and scores; the ETag is the estimates' version, which
    a change sends back as ``If-Match``."""
    feature = catalog_selectors.feature_get(user=request.auth, pk=feature_id)
    _etag(response, feature)
    return selectors.feature_scores(user=request.auth, feature=feature)


@router.patch(
    "/features/{feature_id}/score",
    response={200: PrioritisationOut, **VERSIONED_ERRORS},
    url_name="feature-score",
    tags=["prioritisation"],
)
def feature_score_update(
    request, feature_id: Id, payload: ScoreIn, response: HttpResponse, if_match: IfMatch = None
):
    """Change the estimates sent; null clears reach, effort or value (reach and value then
    follow the demand). Every bad field is named in one 422; a stale ``If-Match`` is a 412."""
    feature = catalog_selectors.feature_get(user=request.auth, pk=feature_id)
    services.feature_score_update(
        actor=request.auth, feature=feature, if_version=if_match, **payload.dict(exclude_unset=True)
    )
    _etag(response, feature)
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
