"""Planning API: the roadmap's timeline and Now / Next / Later board, moving features on it,
read-only links, objectives and key results, and the figures a key result can follow.

Every GET of an editable object answers its ETag; a PATCH or DELETE with a stale If-Match
answers 412 and changes nothing. Permissions are the services' own.
"""

import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from wavelength.accounts.models import Team, User
from wavelength.catalog.models import Feature, Product, Release
from wavelength.catalog.selectors import feature_get, product_get
from wavelength.core import clock
from wavelength.core.api import Pagination, References
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, IfMatch, set_etag

from . import figures, selectors, services, share, standards
from .models import Placement
from .schemas import (
    BoardColumnOut,
    KeyResultFigureOut,
    KeyResultIn,
    KeyResultOut,
    KeyResultPatch,
    ObjectiveFilter,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
    OverrideFilter,
    OverrideOut,
    PlacementOut,
    PlacementPatch,
    PlannedOut,
    ReadinessOut,
    RequirementOut,
    RoadmapFilterIn,
    RoadmapPlanIn,
    ShareIn,
    ShareOut,
    StageMovedOut,
    StageMoveIn,
    StandardsIn,
    StandardsOut,
    TimelineOut,
)

router = Router(tags=["planning"])
PEOPLE = User.objects.filter(is_active=True)


def _filters(values: RoadmapFilterIn) -> selectors.RoadmapFilter:
    """The filters, once the product and team they name are known (a 422 names an unknown one,
    as every list of the API does)."""
    refs = References()
    for field, model in (("product", Product), ("team", Team)):
        key = getattr(values, field)
        if key and not model.objects.filter(slug=key).exists():
            refs.unknown(field, model, key)
    refs.check()
    data = values.dict()
    data.pop("view", None)
    return selectors.RoadmapFilter(**data)


@router.get("/planning/roadmap/timeline", response={200: TimelineOut, **ERRORS},
            url_name="roadmap-timeline")  # fmt: skip
def roadmap_timeline(request, filters: Query[RoadmapFilterIn], page: int = 1):
    """Open releases by target date, in lanes (product, team or objective), with their
    matching features (12 per release at most, ``hidden`` says how many more); 10 releases a
    page."""
    found = selectors.timeline(user=request.auth, filters=_filters(filters), page=page)
    page_obj, lanes = found.page, found.lanes
    return {
        "lanes": [
            {"key": lane.key, "label": lane.label, "releases": [
                {"id": row.release.pk, "product": row.release.product.slug,
                 "version": row.release.version, "name": row.release.name,
                 "status": row.release.status, "target_date": row.release.target_date,
                 "late": row.late, "features": [_card(f) for f in row.features],
                 "hidden": row.hidden}
                for row in lane.releases
            ]}
            for lane in lanes
        ],
        "count": page_obj.paginator.count,
        "page": page_obj.number,
        "pages": page_obj.paginator.num_pages,
    }  # fmt: skip


def _card(feature) -> dict:
    """A card as plain values: validating a dict costs less than reading the row's
    relations through the schema's resolvers."""
    team = feature.owner_team
    return {
        "id": feature.pk, "title": feature.title, "product": feature.product.slug,
        "stage": feature.stage, "column": getattr(feature, "column", None),
        "owner_team": team.slug if team is not None else None,
        "tags": [t.name for t in feature.card_tags],
        "objectives": [o.pk for o in feature.card_objectives],
    }  # fmt: skip


@router.get("/planning/roadmap/board", response={200: list[BoardColumnOut], **ERRORS},
            url_name="roadmap-board")  # fmt: skip
def roadmap_board(request, filters: Query[RoadmapFilterIn]):
    """Now / Next / Later: each column's count and its first 50 features."""
    return selectors.board(user=request.auth, filters=_filters(filters))


def _placement(request, feature_id: int, response: HttpResponse) -> dict:
    from django.shortcuts import get_object_or_404

    from wavelength.accounts.permissions import require_member

    require_member(request.auth)
    feature = get_object_or_404(Feature, pk=feature_id)
    placed = Placement.objects.filter(feature=feature).values_list("column", flat=True).first()
    row = Feature.objects.annotate(column=selectors.column_expression()).get(pk=feature.pk)
    response["ETag"] = f'"{services.roadmap_version(feature)}"'
    return {
        "feature": feature.pk,
        "column": row.column,
        "placed_column": placed,
        "releases": [r.pk for r in services.open_releases(feature)],
        "objectives": sorted(feature.objectives.values_list("pk", flat=True)),
    }


@router.get("/features/{feature_id}/roadmap", response={200: PlacementOut, **ERRORS},
            url_name="feature-roadmap")  # fmt: skip
def feature_roadmap(request, feature_id: int, response: HttpResponse):
    """Where a feature sits on the roadmap; the ETag is what a move starts from."""
    return _placement(request, feature_id, response)


@router.patch("/features/{feature_id}/roadmap",
              response={200: PlacementOut, **VERSIONED_ERRORS},
              url_name="feature-roadmap-move")  # fmt: skip
def feature_roadmap_move(
    request, feature_id: int, payload: PlacementPatch, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    """Move a feature into an open release and/or a column; only the fields sent change."""
    _placement(request, feature_id, response)
    values = payload.dict(exclude_unset=True)
    refs = References()
    target = {}
    if "release" in values:
        target["release"] = refs.get(Release.objects.all(), values["release"], field="release")
    refs.check()
    if "column" in values:
        target["column"] = values["column"]
    services.roadmap_move(actor=request.auth, feature=Feature.objects.get(pk=feature_id),
                          reason=values.get("reason") or "", if_version=if_match,
                          **target)  # fmt: skip
    return _placement(request, feature_id, response)


@router.post("/planning/roadmap/plan", response={200: PlannedOut, **ERRORS},
             url_name="roadmap-plan")  # fmt: skip
def roadmap_plan(request, payload: RoadmapPlanIn):
    """Plan several features at once into a release or a column, with why (all or none)."""
    values = payload.dict(exclude_unset=True)
    refs = References()
    features = refs.get_many(Feature.objects.all(), payload.features, field="features")
    target = {}
    if "release" in values:
        target["release"] = refs.get(Release.objects.all(), values["release"], field="release")
    refs.check()
    if "column" in values:
        target["column"] = values["column"]
    n = services.roadmap_plan(actor=request.auth, features=features, reason=payload.reason,
                              **target)  # fmt: skip
    return {"planned": n}


@router.post("/planning/roadmap/share", response={201: ShareOut, **ERRORS},
             url_name="roadmap-share")  # fmt: skip
def roadmap_share(request, payload: ShareIn):
    """A read-only link to the roadmap with these filters, for people without an account."""
    token = share.make_token(user=request.auth, view=payload.view, filters=_filters(payload))
    url = request.build_absolute_uri(reverse("planning:shared-roadmap", args=[token]))
    return Status(201, {"url": url,
                        "expires_at": clock.now() + dt.timedelta(days=share.DAYS)})  # fmt: skip


# Objectives -------------------------------------------------------------------------------


def _objective_data(request, values: dict, objective=None) -> services.ObjectiveData:
    refs = References()
    owner = refs.get(PEOPLE, values.get("owner"), field="owner") if values.get("owner") else None
    product = (
        refs.get(Product.objects.all(), values["product"], field="product")
        if values.get("product") else None
    )  # fmt: skip
    features = (
        refs.get_many(Feature.objects.all(), values["features"], field="features")
        if values.get("features") is not None else None
    )  # fmt: skip
    refs.check()
    if objective is None:
        return services.ObjectiveData(
            title=values["title"], description=values.get("description") or "",
            owner=owner or request.auth, product=product, period_start=values["period_start"],
            period_end=values["period_end"], features=features or [],
        )  # fmt: skip
    return services.ObjectiveData(
        title=values.get("title") or objective.title,
        description=values["description"] if values.get("description") is not None
        else objective.description,
        owner=owner or objective.owner,
        product=product if "product" in values else objective.product,
        period_start=values.get("period_start") or objective.period_start,
        period_end=values.get("period_end") or objective.period_end,
        features=features,
    )  # fmt: skip


@router.get("/planning/objectives", response={200: list[ObjectiveOut], **ERRORS},
            url_name="objective-list")  # fmt: skip
@paginate(Pagination)
def objective_list(request, filters: Query[ObjectiveFilter]):
    qs = selectors.objective_list(user=request.auth, **filters.dict())
    return qs.prefetch_related("features")


@router.post("/planning/objectives", response={201: ObjectiveOut, **ERRORS},
             url_name="objective-create")  # fmt: skip
def objective_create(request, payload: ObjectiveIn, response: HttpResponse):
    data = _objective_data(request, payload.dict())
    objective = services.objective_create(actor=request.auth, data=data)
    set_etag(response, objective)
    return Status(201, selectors.objective_get(user=request.auth, pk=objective.pk))


@router.get("/planning/objectives/{objective_id}", response={200: ObjectiveOut, **ERRORS},
            url_name="objective-detail")  # fmt: skip
def objective_detail(request, objective_id: int, response: HttpResponse):
    objective = selectors.objective_get(user=request.auth, pk=objective_id)
    set_etag(response, objective)
    return objective


@router.patch("/planning/objectives/{objective_id}",
              response={200: ObjectiveOut, **VERSIONED_ERRORS},
              url_name="objective-update")  # fmt: skip
def objective_update(
    request, objective_id: int, payload: ObjectivePatch, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    objective = selectors.objective_get(user=request.auth, pk=objective_id)
    data = _objective_data(request, payload.dict(exclude_unset=True), objective)
    services.objective_update(actor=request.auth, objective=objective, data=data,
                              if_version=if_match)  # fmt: skip
    return objective_detail(request, objective_id, response)


@router.post("/planning/objectives/{objective_id}/refresh",
             response={200: ObjectiveOut, **ERRORS}, url_name="objective-refresh")  # fmt: skip
def objective_refresh(request, objective_id: int, response: HttpResponse):
    """Read again the key results that follow a Wavelength figure."""
    objective = selectors.objective_get(user=request.auth, pk=objective_id)
    services.objective_refresh(actor=request.auth, objective=objective)
    return objective_detail(request, objective_id, response)


@router.post("/planning/objectives/{objective_id}/key-results",
             response={201: KeyResultOut, **ERRORS}, url_name="key-result-create")  # fmt: skip
def key_result_create(request, objective_id: int, payload: KeyResultIn, response: HttpResponse):
    objective = selectors.objective_get(user=request.auth, pk=objective_id)
    key_result = services.key_result_create(actor=request.auth, objective=objective,
                                            **payload.dict())  # fmt: skip
    set_etag(response, key_result)
    return Status(201, key_result)


@router.get("/planning/key-results/{key_result_id}", response={200: KeyResultOut, **ERRORS},
            url_name="key-result-detail")  # fmt: skip
def key_result_detail(request, key_result_id: int, response: HttpResponse):
    key_result = selectors.key_result_get(user=request.auth, pk=key_result_id)
    set_etag(response, key_result)
    return key_result


@router.patch("/planning/key-results/{key_result_id}",
              response={200: KeyResultOut, **VERSIONED_ERRORS},
              url_name="key-result-update")  # fmt: skip
def key_result_update(
    request, key_result_id: int, payload: KeyResultPatch, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    """Change a key result; sending ``current`` is the hand-kept progress."""
    key_result = selectors.key_result_get(user=request.auth, pk=key_result_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.key_result_update(actor=request.auth, key_result=key_result, if_version=if_match,
                               **values)  # fmt: skip
    return key_result_detail(request, key_result_id, response)


@router.delete("/planning/key-results/{key_result_id}", response={204: None, **VERSIONED_ERRORS},
               url_name="key-result-delete")  # fmt: skip
def key_result_delete(request, key_result_id: int, if_match: IfMatch = None):
    key_result = selectors.key_result_get(user=request.auth, pk=key_result_id)
    services.key_result_delete(actor=request.auth, key_result=key_result, if_version=if_match)
    return Status(204, None)


@router.get("/planning/figures", response={200: list[KeyResultFigureOut], **ERRORS},
            url_name="figure-list")  # fmt: skip
def figure_list(request):
    """The Wavelength figures a key result can follow."""
    from wavelength.accounts.permissions import require_member

    require_member(request.auth)
    return [{"key": f.key, "label": str(f.label), "unit": f.unit} for f in figures.figures()]


# Stage standards --------------------------------------------------------------------------


def _standards(request, product: Product, response: HttpResponse) -> dict:
    response["ETag"] = f'"{services.standard_version(product)}"'
    return {
        "product": product.slug,
        "stages": selectors.stage_standards(user=request.auth, product=product),
    }


@router.get("/planning/requirements", response={200: list[RequirementOut], **ERRORS},
            url_name="requirement-list")  # fmt: skip
def requirement_list(request):
    """What a stage standard can require: each condition, with each of its parameters."""
    from wavelength.accounts.permissions import require_member

    require_member(request.auth)
    return [{"value": v, "label": label} for v, label in standards.options()]


@router.get("/planning/products/{product}/standards", response={200: StandardsOut, **ERRORS},
            url_name="standards")  # fmt: skip
def standards_detail(request, product: str, response: HttpResponse):
    """What the product's features need before each stage; the ETag is what a change sends."""
    row = product_get(user=request.auth, key=product)
    return _standards(request, row, response)


@router.put("/planning/products/{product}/standards",
            response={200: StandardsOut, **VERSIONED_ERRORS}, url_name="standards-set")  # fmt: skip
def standards_set(
    request, product: str, payload: StandardsIn, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    """Set the requirements of the stages sent (administrators)."""
    row = product_get(user=request.auth, key=product)
    services.stage_standard_set(actor=request.auth, product=row, requirements=payload.stages,
                                if_version=if_match)  # fmt: skip
    return _standards(request, row, response)


@router.get("/planning/standards/overrides", response={200: list[OverrideOut], **ERRORS},
            url_name="standard-overrides")  # fmt: skip
@paginate(Pagination)
def standard_overrides(request, filters: Query[OverrideFilter]):
    """Stage moves made without meeting the standard: who, when, why and what was missing."""
    product = product_get(user=request.auth, key=filters.product) if filters.product else None
    return selectors.standard_overrides(user=request.auth, product=product)


@router.get("/features/{feature_id}/readiness", response={200: list[ReadinessOut], **ERRORS},
            url_name="feature-readiness")  # fmt: skip
def feature_readiness(request, feature_id: int):
    """For each stage the feature may enter, its product's requirements and their results."""
    feature = feature_get(user=request.auth, pk=feature_id)
    return [
        {"stage": r.stage, "label": r.label, "ready": r.ready, "checks": r.checks}
        for r in selectors.feature_readiness(user=request.auth, feature=feature)
    ]


@router.post("/features/{feature_id}/stage", response={200: StageMovedOut, **ERRORS},
             url_name="feature-stage-move")  # fmt: skip
def feature_stage_move(request, feature_id: int, payload: StageMoveIn):
    """Move a feature to a stage; refused (422) with what is missing unless
    ``override_reason`` says why it moves anyway."""
    feature = feature_get(user=request.auth, pk=feature_id)
    moved = services.feature_move_stage(actor=request.auth, feature=feature, stage=payload.stage,
                                        override_reason=payload.override_reason)  # fmt: skip
    return {"id": moved.pk, "stage": moved.stage}
