"""Every write to the catalog. One transaction each, with its activity row and search entry."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wavelength.accounts import audit
from wavelength.accounts.models import AuditKind
from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, search, versioning
from wavelength.core.exceptions import DomainError

from . import gates, shipping, standards
from .models import (
    TRANSITIONS,
    Area,
    ChangelogEntry,
    Feature,
    Product,
    Release,
    ReleaseStatus,
    Stage,
    StageEntry,
    Tag,
    Visibility,
)

_MISSING = object()


def _required(value: str | None, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > max_length:
        raise DomainError(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return value


def _save_tracked(
    obj, *, actor, before: dict, scope: str, verb: str = "updated", **payload
) -> dict:
    """Save ``obj``, record the field diff against ``before``; returns the changes."""
    obj.updated_at = clock.now()
    obj.save()
    changes = activity.diff(before, activity.snapshot(obj, obj.TRACKED))
    if changes:
        activity.record(actor=actor, verb=verb, target=obj, scope=scope, changes=changes, **payload)
    return changes


# Products ---------------------------------------------------------------------------------


def _index_product(product: Product) -> None:
    search.index(
        kind="product",
        object_id=product.pk,
        title=product.name,
        body=product.description,
        url=product.get_absolute_url(),
    )


@transaction.atomic
def product_create(*, actor, name: str, description: str = "") -> Product:
    require_editor(actor)
    name = _required(name, "name", 120)
    slug = slugify(name)[:120]
    if not slug:
        raise DomainError(_("The name must contain letters or digits."), field="name")
    if Product.objects.filter(slug=slug).exists():
        raise DomainError(_("A product with this name already exists."), field="name")
    now = clock.now()
    product = Product.objects.create(
        name=name, slug=slug, description=description or "", created_at=now, updated_at=now
    )
    activity.record(
        actor=actor,
        verb="created",
        target=product,
        scope=product.scope,
        snapshot={"name": name, "description": product.description},
    )
    _index_product(product)
    return product


@transaction.atomic
def product_update(
    *, actor, product: Product, name: str, description: str = "", if_version: str | None = None
) -> Product:
    """Rename or describe a product; ``if_version`` refuses a stale edit (see core.versioning)."""
    require_editor(actor)
    product = Product.objects.select_for_update().get(pk=product.pk)
    versioning.check(product, if_version)
    name = _required(name, "name", 120)
    if Product.objects.exclude(pk=product.pk).filter(name__iexact=name).exists():
        raise DomainError(_("A product with this name already exists."), field="name")
    before = {"name": product.name, "description": product.description}
    product.name, product.description = name, description or ""
    product.updated_at = clock.now()
    product.save()
    changes = activity.diff(before, {"name": product.name, "description": product.description})
    if changes:
        activity.record(
            actor=actor, verb="updated", target=product, scope=product.scope, changes=changes
        )
    _index_product(product)
    return product


@transaction.atomic
def area_create(*, actor, product: Product, name: str) -> Area:
    require_editor(actor)
    name = _required(name, "name", 120)
    if product.areas.filter(name__iexact=name).exists():
        raise DomainError(_("This product already has an area with this name."), field="name")
    area = Area.objects.create(product=product, name=name, position=product.areas.count())
    activity.record(
        actor=actor, verb="created", target=area, scope=product.scope, snapshot={"name": name}
    )
    return area


# Features ---------------------------------------------------------------------------------


def _tags(names: Iterable[str]) -> list[Tag]:
    clean = sorted({n.strip().lower()[:50] for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    missing = [Tag(name=n) for n in clean if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    return list(existing.values())


def _check_area(product: Product, area: Area | None) -> None:
    if area is not None and area.product_id != product.pk:
        raise DomainError(_("This area belongs to another product."), field="area")


def _index_feature(feature: Feature) -> None:
    search.index(
        kind="feature",
        object_id=feature.pk,
        title=feature.title,
        body=f"{feature.product.name} {feature.description}",
        url=feature.get_absolute_url(),
    )


@transaction.atomic
def feature_create(
    *,
    actor,
    product: Product,
    title: str,
    description: str = "",
    stage: str = Stage.IDEA,
    area: Area | None = None,
    owner_team=None,
    owner=None,
    tags: Iterable[str] = (),
) -> Feature:
    """Add a feature to a product. It may start in any stage (imports bring existing ones)."""
    require_editor(actor)
    title = _required(title, "title", 200)
    if stage not in Stage.values:
        raise DomainError(_("Unknown stage “%(stage)s”.") % {"stage": stage}, field="stage")
    _check_area(product, area)
    now = clock.now()
    feature = Feature.objects.create(
        product=product,
        area=area,
        title=title,
        description=description or "",
        stage=stage,
        stage_entered_at=now,
        owner_team=owner_team,
        owner=owner,
        created_at=now,
        updated_at=now,
    )
    feature.tags.set(_tags(tags))
    StageEntry.objects.create(feature=feature, stage=stage, entered_at=now)
    activity.record(
        actor=actor,
        verb="created",
        target=feature,
        scope=product.scope,
        snapshot=activity.snapshot(feature, Feature.TRACKED),
    )
    _index_feature(feature)
    return feature


@transaction.atomic
def feature_update(
    *,
    actor,
    feature: Feature,
    title=_MISSING,
    description=_MISSING,
    area=_MISSING,
    owner_team=_MISSING,
    owner=_MISSING,
    tags=_MISSING,
    stage=_MISSING,
    stage_override_reason: str = "",
    if_version: str | None = None,
) -> Feature:
    """Change any of the given fields; a new stage goes through :func:`feature_move_stage`
    (``stage_override_reason``: why it moves without meeting the stage's standard).
    ``if_version`` (the version the edit started from) refuses a stale edit."""
    require_editor(actor)
    feature = Feature.objects.select_for_update().get(pk=feature.pk)
    versioning.check(feature, if_version)
    before = activity.snapshot(feature, Feature.TRACKED)
    if title is not _MISSING:
        feature.title = _required(title, "title", 200)
    if description is not _MISSING:
        feature.description = description or ""
    if area is not _MISSING:
        _check_area(feature.product, area)
        feature.area = area
    if owner_team is not _MISSING:
        feature.owner_team = owner_team
    if owner is not _MISSING:
        feature.owner = owner
    if tags is not _MISSING:
        feature.tags.set(_tags(tags))
    _save_tracked(feature, actor=actor, before=before, scope=feature.product.scope)
    if stage is not _MISSING and stage != feature.stage:
        feature = feature_move_stage(
            actor=actor, feature=feature, stage=stage, override_reason=stage_override_reason
        )
    _index_feature(feature)
    return feature


@transaction.atomic
def feature_move_stage(
    *, actor, feature: Feature, stage: str, override_reason: str = ""
) -> Feature:
    """Move a feature to the next lifecycle stage, if the lifecycle allows that move and the
    feature meets its product's standard for that stage (:mod:`.standards`); an editor may move
    it anyway with ``override_reason``, kept in its history with what was unmet."""
    require_editor(actor)
    feature = Feature.objects.select_for_update().select_related("product").get(pk=feature.pk)
    if stage not in Stage.values:
        raise DomainError(_("Unknown stage “%(stage)s”.") % {"stage": stage}, field="stage")
    if stage == feature.stage:
        return feature
    if stage not in TRANSITIONS[feature.stage]:
        raise DomainError(
            _("A feature cannot move from “%(old)s” to “%(new)s”.")
            % {"old": Stage(feature.stage).label, "new": Stage(stage).label},
            field="stage",
        )
    missing, reason = standards.check(feature, stage, override_reason=override_reason)
    now = clock.now()
    old = feature.stage
    feature.stage, feature.stage_entered_at, feature.updated_at = stage, now, now
    feature.save(update_fields=["stage", "stage_entered_at", "updated_at"])
    StageEntry.objects.create(feature=feature, stage=stage, entered_at=now)
    activity.record(
        actor=actor,
        verb="stage_changed",
        target=feature,
        scope=feature.product.scope,
        changes={"stage": [old, stage]},
        reason=reason or None,
        unmet=[item.as_payload() for item in missing] or None,
    )
    return feature


# Releases ---------------------------------------------------------------------------------


def _index_release(release: Release) -> None:
    search.index(
        kind="release",
        object_id=release.pk,
        title=f"{release.product.name} {release.version} {release.name}".strip(),
        body=release.description,
        url=release.get_absolute_url(),
    )


def _check_release_fields(product: Product, version: str, release_pk=None) -> str:
    version = _required(version, "version", 40)
    clash = Release.objects.filter(product=product, version__iexact=version)
    if release_pk:
        clash = clash.exclude(pk=release_pk)
    if clash.exists():
        raise DomainError(
            _("This product already has a release %(v)s.") % {"v": version}, field="version"
        )
    return version


def _check_features(product: Product, features: Iterable[Feature]) -> list[Feature]:
    features = list(features)
    if any(f.product_id != product.pk for f in features):
        raise DomainError(_("A release only ships features of its own product."), field="features")
    return features


@transaction.atomic
def release_create(
    *,
    actor,
    product: Product,
    version: str,
    name: str = "",
    description: str = "",
    status: str = ReleaseStatus.PLANNED,
    target_date: dt.date | None = None,
    features: Iterable[Feature] = (),
) -> Release:
    require_editor(actor)
    version = _check_release_fields(product, version)
    if status not in ReleaseStatus.values or status == ReleaseStatus.RELEASED:
        raise DomainError(
            _("A new release is planned or in progress; ship it once it is out."), field="status"
        )
    features = _check_features(product, features)
    now = clock.now()
    release = Release.objects.create(
        product=product,
        version=version,
        name=(name or "").strip()[:120],
        description=description or "",
        status=status,
        target_date=target_date,
        created_at=now,
        updated_at=now,
    )
    release.features.set(features)
    activity.record(
        actor=actor,
        verb="created",
        target=release,
        scope=product.scope,
        snapshot=activity.snapshot(release, Release.TRACKED),
    )
    _index_release(release)
    return release


@transaction.atomic
def release_update(
    *,
    actor,
    release: Release,
    version=_MISSING,
    name=_MISSING,
    description=_MISSING,
    status=_MISSING,
    target_date=_MISSING,
    features=_MISSING,
    override_reason: str = "",
    features_to: str = shipping.LEAVE,
    if_version: str | None = None,
) -> Release:
    """Edit a release. Setting the status to released goes through :func:`release_ship`
    (and its gate: ``override_reason`` lets an administrator ship past it; ``features_to``
    moves its features on). ``if_version`` refuses a stale edit."""
    require_editor(actor)
    release = Release.objects.select_for_update().select_related("product").get(pk=release.pk)
    versioning.check(release, if_version)
    before = activity.snapshot(release, Release.TRACKED)
    if version is not _MISSING:
        release.version = _check_release_fields(release.product, version, release.pk)
    if name is not _MISSING:
        release.name = (name or "").strip()[:120]
    if description is not _MISSING:
        release.description = description or ""
    if target_date is not _MISSING:
        release.target_date = target_date
    if features is not _MISSING:
        release.features.set(_check_features(release.product, features))
    if status is not _MISSING and status != release.status:
        if status not in ReleaseStatus.values:
            raise DomainError(_("Unknown status “%(s)s”.") % {"s": status}, field="status")
        if release.status == ReleaseStatus.RELEASED:
            raise DomainError(_("A shipped release cannot change status."), field="status")
        if status != ReleaseStatus.RELEASED:
            release.status = status
    _save_tracked(release, actor=actor, before=before, scope=release.product.scope)
    if status == ReleaseStatus.RELEASED and release.status != ReleaseStatus.RELEASED:
        release = release_ship(
            actor=actor,
            release=release,
            override_reason=override_reason,
            features_to=features_to,
        )
    _index_release(release)
    return release


@transaction.atomic
def release_ship(
    *,
    actor,
    release: Release,
    released_on: dt.date | None = None,
    override_reason: str = "",
    features_to: str = shipping.LEAVE,
    if_version: str | None = None,
) -> Release:
    """Mark a release as released on ``released_on`` (today by default).

    Every release gate criterion (``catalog/gates.py``) must pass, unless an administrator
    gives ``override_reason``; the verdict and any reason are kept in the ``released``
    activity, so the release's history says what was true when it shipped. ``features_to``
    ("generally_available" or "beta") moves the features it ships that are not there yet on
    to that stage, each move in the feature's history; left empty, they stay where they are.
    ``if_version`` (the version its confirmation summed up) refuses a release changed since."""
    require_editor(actor)
    features_to = shipping.check_features_to(features_to)
    release = Release.objects.select_for_update().select_related("product").get(pk=release.pk)
    versioning.check(release, if_version)
    if release.status == ReleaseStatus.RELEASED:
        raise DomainError(_("This release has already shipped."), field="status")
    if release.status == ReleaseStatus.CANCELLED:
        raise DomainError(_("A cancelled release cannot ship."), field="status")
    verdicts, reason = gates.check(release, actor=actor, override_reason=override_reason)
    before = activity.snapshot(release, Release.TRACKED)
    release.status = ReleaseStatus.RELEASED
    release.released_on = released_on or clock.now().date()
    _save_tracked(
        release,
        actor=actor,
        before=before,
        scope=release.product.scope,
        verb="released",
        gate=[v.as_payload() for v in verdicts] or None,
        override_reason=reason or None,
        features_to=features_to or None,
    )
    if reason:
        failing = [str(v.criterion.label) for v in verdicts if not v.result.ok]
        audit.record(
            AuditKind.GATE_OVERRIDDEN, actor=actor, target=str(release), reason=reason,
            failing=failing,
        )  # fmt: skip
    _ship_features(actor=actor, release=release, stage=features_to)
    return release


def _ship_features(*, actor, release: Release, stage: str) -> list[Feature]:
    """Move the release's features that are not yet at ``stage`` on to it. Shipping is what
    makes a feature available, so the move skips the lifecycle's step-by-step rule and is not
    refused by the stage's standard (what a feature missed is kept with its move); features
    already there or further on (deprecated, retired) stay."""
    if not stage:
        return []
    features = list(
        release.features.select_for_update()
        .filter(stage__in=shipping.stages_before(stage))
        .order_by("pk")
    )
    now = clock.now()
    for feature in features:
        # Shipping is the decision: a feature short of the stage's standard still moves, and
        # its history (and the standard's list of moves without it) says what was missing.
        missing = standards.unmet(feature, stage)
        activity.record(
            actor=actor,
            verb="stage_changed",
            target=feature,
            scope=release.product.scope,
            changes={"stage": [feature.stage, stage]},
            release=release.pk,
            shipped_in=str(release),
            unmet=[item.as_payload() for item in missing] or None,
            reason=(_("Shipped in %(release)s") % {"release": release}) if missing else None,
        )
        feature.stage, feature.stage_entered_at, feature.updated_at = stage, now, now
    Feature.objects.bulk_update(features, ["stage", "stage_entered_at", "updated_at"])
    StageEntry.objects.bulk_create(
        [StageEntry(feature=f, stage=stage, entered_at=now) for f in features]
    )
    return features


# Changelog --------------------------------------------------------------------------------


def _index_entry(entry: ChangelogEntry) -> None:
    search.index(
        kind="changelog",
        object_id=entry.pk,
        title=entry.title,
        body=entry.body,
        url=entry.release.get_absolute_url() + f"#entry-{entry.pk}",
    )


def _check_visibility(visibility: str) -> str:
    if visibility not in Visibility.values:
        raise DomainError(_("Choose internal or public."), field="visibility")
    return visibility


@transaction.atomic
def changelog_entry_create(
    *, actor, release: Release, title: str, body: str = "", visibility: str = Visibility.INTERNAL
) -> ChangelogEntry:
    require_editor(actor)
    now = clock.now()
    entry = ChangelogEntry.objects.create(
        release=release,
        title=_required(title, "title", 200),
        body=body or "",
        visibility=_check_visibility(visibility),
        author=actor,
        created_at=now,
        updated_at=now,
    )
    activity.record(
        actor=actor,
        verb="created",
        target=entry,
        scope=release.product.scope,
        snapshot=activity.snapshot(entry, ChangelogEntry.TRACKED),
    )
    _index_entry(entry)
    return entry


@transaction.atomic
def changelog_entry_update(
    *,
    actor,
    entry: ChangelogEntry,
    title=_MISSING,
    body=_MISSING,
    visibility=_MISSING,
    if_version: str | None = None,
) -> ChangelogEntry:
    require_editor(actor)
    entry = (
        ChangelogEntry.objects.select_for_update()
        .select_related("release__product")
        .get(pk=entry.pk)
    )
    versioning.check(entry, if_version)
    before = activity.snapshot(entry, ChangelogEntry.TRACKED)
    if title is not _MISSING:
        entry.title = _required(title, "title", 200)
    if body is not _MISSING:
        entry.body = body or ""
    if visibility is not _MISSING:
        entry.visibility = _check_visibility(visibility)
    _save_tracked(entry, actor=actor, before=before, scope=entry.release.product.scope)
    _index_entry(entry)
    return entry


@transaction.atomic
def changelog_entry_delete(*, actor, entry: ChangelogEntry, if_version: str | None = None) -> None:
    require_editor(actor)
    entry = (
        ChangelogEntry.objects.select_for_update()
        .select_related("release__product")
        .get(pk=entry.pk)
    )
    versioning.check(entry, if_version)
    activity.record(actor=actor, verb="deleted", target=entry, scope=entry.release.product.scope)
    search.remove(kind="changelog", object_id=entry.pk)
    entry.delete()


# Search index -----------------------------------------------------------------------------


def search_reindex() -> dict[str, int]:
    """Rebuild the catalog's search entries from its tables; returns how many per kind.

    For a restored backup, a bulk import or an index that drifted. It changes no catalog
    data, so it records no activity and needs no actor (it runs as a background task).
    """
    from wavelength.core.models import SearchEntry

    sources = [
        ("product", Product.objects.all(), _index_product),
        ("feature", Feature.objects.select_related("product"), _index_feature),
        ("release", Release.objects.select_related("product"), _index_release),
        ("changelog", ChangelogEntry.objects.select_related("release__product"), _index_entry),
    ]
    counts: dict[str, int] = {}
    with transaction.atomic():
        for kind, queryset, index in sources:
            stale = SearchEntry.objects.filter(kind=kind).exclude(
                object_id__in=queryset.model.objects.values("pk")
            )
            stale.delete()
            counts[kind] = 0
            for obj in queryset.order_by("pk").iterator(chunk_size=500):
                index(obj)
                counts[kind] += 1
    return counts
