"""Catalog API: products, areas, features, releases, changelog and the catalog history.

Each endpoint parses, resolves the keys the client sent into rows (every unknown one is a
422 naming its field), then calls one service or selector. Services check permissions and
run in one transaction, so a refused write leaves nothing behind.
"""

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from wavelength.accounts.models import Team, User
from wavelength.accounts.permissions import require_editor
from wavelength.core import activity
from wavelength.core.api import Pagination, References
from wavelength.core.exceptions import NotFound
from wavelength.core.schemas import (
    ERRORS,
    MAX_ID,
    VERSIONED_ERRORS,
    ActivityOut,
    Id,
    IfMatch,
    set_etag,
)

from . import gates, selectors, services, shipping
from .models import Area, Feature, Product, Release, ReleaseStatus, Tag
from .schemas import (
    AreaIn,
    AreaOut,
    ChangelogFilter,
    ChangelogIn,
    ChangelogOut,
    ChangelogPatch,
    FeatureDetailOut,
    FeatureFilter,
    FeatureIn,
    FeatureOut,
    FeaturePatch,
    FeatureStateOut,
    HistoryFilter,
    ProductDetailOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    ReleaseFilter,
    ReleaseGateOut,
    ReleaseIn,
    ReleaseOut,
    ReleasePatch,
    ReleaseShipIn,
    ReleaseShipSummaryOut,
    StateQuery,
)

router = Router()

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _ref(refs: References, model, key, field: str):
    """Resolve a product or team (by id or slug), or a person (by id or e-mail)."""
    alt = {Product: "slug", Team: "slug", User: "email"}.get(model)
    return refs.get(model.objects.all(), key, field=field, alt=alt)


def _resolve(data: dict, fields: dict[str, type]) -> dict:
    """Replace the keys in ``data`` (only those sent) by rows; 422 if any is unknown."""
    refs = References()
    for field, model in fields.items():
        if field in data:
            data[field] = _ref(refs, model, data[field], field)
    if "features" in data:
        data["features"] = refs.get_many(Feature.objects.all(), data["features"], field="features")
    refs.check()
    return data


# Products ---------------------------------------------------------------------------------


def _product(user, key: str) -> Product:
    # Keys no row can have (a number too big or in other scripts' digits, a NUL character
    # PostgreSQL refuses) are simply not found, rather than crashing the lookup.
    impossible_id = key.isdigit() and not (key.isascii() and int(key) <= MAX_ID)
    if impossible_id or "\x00" in key:
        raise Http404
    return selectors.product_get(user=user, key=key)


@router.get(
    "/products",
    response={200: list[ProductOut], **ERRORS},
    url_name="product-list",
    tags=["products"],
)
@paginate(Pagination)
def product_list(request):
    return selectors.product_list(user=request.auth)


@router.post(
    "/products",
    response={201: ProductDetailOut, **ERRORS},
    url_name="product-create",
    tags=["products"],
)
def product_create(request, payload: ProductIn):
    product = services.product_create(actor=request.auth, **payload.dict())
    return Status(201, product)


@router.get(
    "/products/{key}",
    response={200: ProductDetailOut, **ERRORS},
    url_name="product-detail",
    tags=["products"],
)
def product_detail(request, key: str, response: HttpResponse):
    """One product, by id or slug, with its areas; its ETag is what a change sends back."""
    product = _product(request.auth, key)
    set_etag(response, product)
    return product


@router.patch(
    "/products/{key}",
    response={200: ProductDetailOut, **VERSIONED_ERRORS},
    url_name="product-update",
    tags=["products"],
)
def product_update(
    request, key: str, payload: ProductPatch, response: HttpResponse, if_match: IfMatch = None
):
    product = _product(request.auth, key)
    data = payload.dict(exclude_unset=True)
    product = services.product_update(
        actor=request.auth,
        product=product,
        name=data.get("name", product.name),
        description=data.get("description", product.description),
        if_version=if_match,
    )
    set_etag(response, product)
    return product


@router.get(
    "/products/{key}/history",
    response={200: list[ActivityOut], **ERRORS},
    url_name="product-history",
    tags=["products"],
)
@paginate(Pagination)
def product_history(request, key: str):
    """Everything that happened to the product, its areas, features, releases and changelog."""
    return selectors.product_timeline(user=request.auth, product=_product(request.auth, key))


@router.post(
    "/products/{key}/areas",
    response={201: AreaOut, **ERRORS},
    url_name="area-create",
    tags=["products"],
)
def area_create(request, key: str, payload: AreaIn):
    product = _product(request.auth, key)
    return Status(201, services.area_create(actor=request.auth, product=product, name=payload.name))


# Features ---------------------------------------------------------------------------------


def _feature_filter(params: FeatureFilter) -> selectors.FeatureFilter:
    refs = References()
    product = _ref(refs, Product, params.product, "product")
    team = _ref(refs, Team, params.team, "team")
    owner = _ref(refs, User, params.owner, "owner")
    if params.tag is not None and not Tag.objects.filter(name=params.tag.lower()).exists():
        refs.unknown("tag", Tag, params.tag)
    refs.check()
    return selectors.FeatureFilter(
        product=product.pk if product else None,
        stage=params.stage,
        team=team.pk if team else None,
        tag=params.tag,
        owner=owner.pk if owner else None,
        updated_since=params.updated_since,
        q=params.q,
    )


@router.get(
    "/features",
    response={200: list[FeatureOut], **ERRORS},
    url_name="feature-list",
    tags=["features"],
)
@paginate(Pagination)
def feature_list(request, filters: Query[FeatureFilter]):
    """Features matching every filter given, most recently updated first."""
    return selectors.feature_list(user=request.auth, filters=_feature_filter(filters))


@router.post(
    "/features",
    response={201: FeatureDetailOut, **ERRORS},
    url_name="feature-create",
    tags=["features"],
)
def feature_create(request, payload: FeatureIn):
    data = _resolve(
        payload.dict(), {"product": Product, "area": Area, "owner_team": Team, "owner": User}
    )
    feature = services.feature_create(actor=request.auth, **data)
    return Status(201, selectors.feature_get(user=request.auth, pk=feature.pk))


@router.get(
    "/features/{feature_id}",
    response={200: FeatureDetailOut, **ERRORS},
    url_name="feature-detail",
    tags=["features"],
)
def feature_detail(request, feature_id: Id, response: HttpResponse):
    feature = selectors.feature_get(user=request.auth, pk=feature_id)
    set_etag(response, feature)
    return feature


@router.patch(
    "/features/{feature_id}",
    response={200: FeatureDetailOut, **VERSIONED_ERRORS},
    url_name="feature-update",
    tags=["features"],
)
def feature_update(
    request, feature_id: Id, payload: FeaturePatch, response: HttpResponse, if_match: IfMatch = None
):
    """Change the fields sent. A new stage must be a move the lifecycle allows."""
    feature = selectors.feature_get(user=request.auth, pk=feature_id)
    data = _resolve(
        payload.dict(exclude_unset=True), {"area": Area, "owner_team": Team, "owner": User}
    )
    services.feature_update(actor=request.auth, feature=feature, if_version=if_match, **data)
    feature = selectors.feature_get(user=request.auth, pk=feature_id)
    set_etag(response, feature)
    return feature


@router.get(
    "/features/{feature_id}/history",
    response={200: list[ActivityOut], **ERRORS},
    url_name="feature-history",
    tags=["features"],
)
@paginate(Pagination)
def feature_history(request, feature_id: Id):
    feature = selectors.feature_get(user=request.auth, pk=feature_id)
    return selectors.history_for(user=request.auth, obj=feature)


@router.get(
    "/features/{feature_id}/state",
    response={200: FeatureStateOut, **ERRORS},
    url_name="feature-state",
    tags=["features"],
)
def feature_state(request, feature_id: Id, params: Query[StateQuery]):
    """The feature's tracked fields as they were at ``at``, rebuilt from its history."""
    feature = selectors.feature_get(user=request.auth, pk=feature_id)
    state = activity.state_at(feature, params.at)
    if state is None:
        raise NotFound(_("This feature did not exist at that time."), field="at")
    return {**state, "id": feature.pk, "at": params.at}


# Releases ---------------------------------------------------------------------------------


def _release(user, pk: int) -> Release:
    return selectors.release_get(user=user, pk=pk)


@router.get(
    "/releases",
    response={200: list[ReleaseOut], **ERRORS},
    url_name="release-list",
    tags=["releases"],
)
@paginate(Pagination)
def release_list(request, filters: Query[ReleaseFilter]):
    refs = References()
    product = _ref(refs, Product, filters.product, "product")
    refs.check()
    releases = selectors.release_list(user=request.auth, product=product, status=filters.status)
    return releases.prefetch_related("features")


@router.post(
    "/releases",
    response={201: ReleaseOut, **ERRORS},
    url_name="release-create",
    tags=["releases"],
)
def release_create(request, payload: ReleaseIn):
    data = _resolve(payload.dict(), {"product": Product})
    release = services.release_create(actor=request.auth, **data)
    return Status(201, _release(request.auth, release.pk))


@router.get(
    "/releases/{release_id}",
    response={200: ReleaseOut, **ERRORS},
    url_name="release-detail",
    tags=["releases"],
)
def release_detail(request, release_id: Id, response: HttpResponse):
    release = _release(request.auth, release_id)
    set_etag(response, release)
    return release


@router.patch(
    "/releases/{release_id}",
    response={200: ReleaseOut, **VERSIONED_ERRORS},
    url_name="release-update",
    tags=["releases"],
)
def release_update(
    request, release_id: Id, payload: ReleasePatch, response: HttpResponse, if_match: IfMatch = None
):
    """Change the fields sent. Setting the status to released ships the release, as
    ``POST /ship`` does: it needs ``confirm: true`` and takes ``features_to``."""
    release = _release(request.auth, release_id)
    data = _resolve(payload.dict(exclude_unset=True), {})
    confirm = data.pop("confirm", None)
    if data.get("status") == ReleaseStatus.RELEASED and release.status != ReleaseStatus.RELEASED:
        require_editor(request.auth)
        shipping.require_confirmation(confirm)
        data.setdefault("features_to", shipping.default_features_to(release))
    else:
        data.pop("features_to", None)
    services.release_update(actor=request.auth, release=release, if_version=if_match, **data)
    release = _release(request.auth, release_id)
    set_etag(response, release)
    return release


@router.post(
    "/releases/{release_id}/ship",
    response={200: ReleaseOut, **ERRORS},
    url_name="release-ship",
    tags=["releases"],
)
def release_ship(request, release_id: Id, payload: ReleaseShipIn | None = None):
    """Mark the release as released (today unless ``released_on`` is given), once confirmed
    (``confirm: true``; read ``GET /ship-summary`` first). Its features move on to
    ``features_to``, each move in the feature's history."""
    release = _release(request.auth, release_id)
    require_editor(request.auth)  # a viewer hears "forbidden", not "confirm"
    payload = payload or ReleaseShipIn()
    shipping.require_confirmation(payload.confirm)
    features_to = payload.features_to
    services.release_ship(
        actor=request.auth,
        release=release,
        released_on=payload.released_on,
        override_reason=payload.override_reason,
        features_to=shipping.default_features_to(release) if features_to is None else features_to,
    )
    return _release(request.auth, release_id)


@router.get(
    "/releases/{release_id}/ship-summary",
    response={200: ReleaseShipSummaryOut, **ERRORS},
    url_name="release-ship-summary",
    tags=["releases"],
)
def release_ship_summary(request, release_id: Id):
    """What shipping the release would do and what is still open: the gate as it is now,
    the planned cases no run executed, the open defects by severity, the inspections not
    signed off, and the features it ships with the stage each would move to."""
    release = _release(request.auth, release_id)
    summary = selectors.release_ship_summary(user=request.auth, release=release)
    moving = {f.pk for f in summary.moving(summary.features_to)}
    return {
        "release": release,
        "gate_ok": summary.gate_ok,
        "gate": [v.as_payload() for v in summary.verdicts],
        "features_to": summary.features_to,
        "features": [
            {
                "id": f.pk,
                "title": f.title,
                "stage": f.stage,
                "moves_to": summary.features_to if f.pk in moving else None,
            }
            for f in summary.features
        ],
        "parts": [
            {
                "key": p.key,
                "title": p.title,
                "count": p.part.count,
                "detail": str(p.part.detail),
                "items": [(str(label), url) for label, url in p.part.items],
                "counts": [(str(label), n) for label, n in p.part.counts],
            }
            for p in summary.parts
        ],
    }


@router.get(
    "/releases/{release_id}/gate",
    response={200: ReleaseGateOut, **ERRORS},
    url_name="release-gate",
    tags=["releases"],
)
def release_gate(request, release_id: Id):
    """The release gate, criterion by criterion, with what is missing; once the release
    shipped, the verdict frozen then (``frozen``), with any override's reason."""
    release = _release(request.auth, release_id)
    if release.status == ReleaseStatus.RELEASED:
        shipped = selectors.shipped_gate(user=request.auth, release=release)
        criteria = shipped.verdicts if shipped else []
        return {
            "ok": all(c["ok"] for c in criteria),
            "criteria": criteria,
            "frozen": True,
            "override_reason": shipped.override_reason if shipped else "",
        }
    verdicts = gates.evaluate(release)
    return {"ok": gates.passes(verdicts), "criteria": [v.as_payload() for v in verdicts]}


@router.get(
    "/releases/{release_id}/history",
    response={200: list[ActivityOut], **ERRORS},
    url_name="release-history",
    tags=["releases"],
)
@paginate(Pagination)
def release_history(request, release_id: Id):
    release = _release(request.auth, release_id)
    return selectors.history_for(user=request.auth, obj=release)


# Changelog --------------------------------------------------------------------------------


def _entry(user, pk: int):
    return get_object_or_404(selectors.changelog_list(user=user), pk=pk)


@router.get(
    "/changelog",
    response={200: list[ChangelogOut], **ERRORS},
    url_name="changelog-list",
    tags=["changelog"],
)
@paginate(Pagination)
def changelog_list(request, filters: Query[ChangelogFilter]):
    """Changelog entries, newest release first."""
    refs = References()
    product = _ref(refs, Product, filters.product, "product")
    release = refs.get(Release.objects.all(), filters.release, field="release")
    refs.check()
    entries = selectors.changelog_list(user=request.auth, product=product)
    if release is not None:
        entries = entries.filter(release=release)
    if filters.visibility:
        entries = entries.filter(visibility=filters.visibility)
    return entries


@router.post(
    "/releases/{release_id}/changelog",
    response={201: ChangelogOut, **ERRORS},
    url_name="changelog-create",
    tags=["changelog"],
)
def changelog_create(request, release_id: Id, payload: ChangelogIn):
    release = _release(request.auth, release_id)
    entry = services.changelog_entry_create(actor=request.auth, release=release, **payload.dict())
    return Status(201, _entry(request.auth, entry.pk))


@router.get(
    "/changelog/{entry_id}",
    response={200: ChangelogOut, **ERRORS},
    url_name="changelog-detail",
    tags=["changelog"],
)
def changelog_detail(request, entry_id: Id, response: HttpResponse):
    entry = _entry(request.auth, entry_id)
    set_etag(response, entry)
    return entry


@router.patch(
    "/changelog/{entry_id}",
    response={200: ChangelogOut, **VERSIONED_ERRORS},
    url_name="changelog-update",
    tags=["changelog"],
)
def changelog_update(
    request, entry_id: Id, payload: ChangelogPatch, response: HttpResponse, if_match: IfMatch = None
):
    entry = _entry(request.auth, entry_id)
    data = payload.dict(exclude_unset=True)
    services.changelog_entry_update(actor=request.auth, entry=entry, if_version=if_match, **data)
    entry = _entry(request.auth, entry_id)
    set_etag(response, entry)
    return entry


@router.delete(
    "/changelog/{entry_id}",
    response={204: None, **VERSIONED_ERRORS},
    url_name="changelog-delete",
    tags=["changelog"],
)
def changelog_delete(request, entry_id: Id, if_match: IfMatch = None):
    entry = _entry(request.auth, entry_id)
    services.changelog_entry_delete(actor=request.auth, entry=entry, if_version=if_match)
    return Status(204, None)


# History ----------------------------------------------------------------------------------


@router.get(
    "/history",
    response={200: list[ActivityOut], **ERRORS},
    url_name="history",
    tags=["history"],
)
@paginate(Pagination)
def history(request, filters: Query[HistoryFilter]):
    """The catalog's activity log, newest first."""
    if filters.product is None:
        return selectors.recent_changes(user=request.auth, since=filters.since or _EPOCH)
    refs = References()
    product = _ref(refs, Product, filters.product, "product")
    refs.check()
    timeline = selectors.product_timeline(user=request.auth, product=product)
    return timeline.since(filters.since) if filters.since else timeline
