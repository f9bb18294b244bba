"""Every write of the planning app: one transaction each, recorded in the activity log.

Editors place features on the roadmap (a Now / Next / Later column, an open release) and keep
objectives and key results; viewers read. Moving a feature into a release goes through the
catalog's ``release_update``, so the release's history says so too; the feature's own history
gets a ``roadmap_moved`` row naming the old and new place and why.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_admin, require_editor
from wavelength.catalog import services as catalog_services
from wavelength.catalog.models import Feature, Product, Release, ReleaseStatus
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from . import figures, standards
from .models import Column, KeyResult, Objective, Placement, StageRequirement

OPEN = (ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS)
_MISSING = object()
LIMIT = Decimal("999999999999.99")


def _text(value, name: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field=name)
    if len(value) > max_length:
        raise DomainError(_("At most %(n)d characters.") % {"n": max_length}, field=name)
    return value


# Roadmap --------------------------------------------------------------------------------


def open_releases(feature: Feature) -> list[Release]:
    """The planned or in-progress releases that ship ``feature``."""
    return list(feature.releases.filter(status__in=OPEN).select_related("product").order_by("pk"))


def roadmap_version(feature: Feature) -> str:
    """What a move of ``feature`` starts from: its column and its open releases."""
    placement = Placement.objects.filter(feature=feature).values_list("column", flat=True).first()
    releases = sorted(r.pk for r in open_releases(feature))
    return versioning.fingerprint({"column": placement, "releases": releases})


def _check_release(feature: Feature, release: Release | None) -> None:
    if release is None:
        return
    if release.product_id != feature.product_id:
        raise DomainError(_("A release only ships features of its own product."), field="release")
    if release.status not in OPEN:
        raise DomainError(
            _("Only a planned or in-progress release can take features."), field="release"
        )


def _into_release(actor, feature: Feature, release: Release | None) -> list:
    """Take ``feature`` out of its other open releases and into ``release``; the change."""
    before = open_releases(feature)
    if [r.pk for r in before] == ([release.pk] if release else []):
        return []
    for old in before:
        if release is None or old.pk != release.pk:
            keep = [f for f in old.features.all() if f.pk != feature.pk]
            catalog_services.release_update(actor=actor, release=old, features=keep)
    if release is not None and release not in before:
        features = [*release.features.all(), feature]
        catalog_services.release_update(actor=actor, release=release, features=features)
    old_names = ", ".join(r.version for r in before) or None
    return [old_names, release.version if release else None]


def _into_column(actor, feature: Feature, column: str | None, reason: str) -> list:
    if column is not None and column not in Column.values:
        raise DomainError(_("Choose Now, Next or Later."), field="column")
    placement = Placement.objects.select_for_update().filter(feature=feature).first()
    old = placement.column if placement else None
    if old == column:
        return []
    if column is None:
        placement.delete()
    else:
        Placement.objects.update_or_create(
            feature=feature,
            defaults={"column": column, "reason": reason, "placed_by": actor,
                      "placed_at": clock.now()},
        )  # fmt: skip
    return [old, column]


@transaction.atomic
def roadmap_move(
    *,
    actor,
    feature: Feature,
    release=_MISSING,
    column=_MISSING,
    reason: str = "",
    if_version: str | None = None,
) -> Feature:
    """Move ``feature`` into an open ``release`` (``None``: out of its open releases) and/or a
    Now / Next / Later ``column`` (``None``: back to where its stage puts it), saying why."""
    require_editor(actor)
    feature = Feature.objects.select_for_update().select_related("product").get(pk=feature.pk)
    versioning.check_version(roadmap_version(feature), if_version)
    reason = _text(reason, "reason", 300, required=False)
    changes = {}
    if release is not _MISSING:
        _check_release(feature, release)
        if change := _into_release(actor, feature, release):
            changes["release"] = change
    if column is not _MISSING and (change := _into_column(actor, feature, column, reason)):
        changes["roadmap_column"] = change
    if changes:
        activity.record(
            actor=actor,
            verb="roadmap_moved",
            target=feature,
            scope=feature.product.scope,
            changes=changes,
            reason=reason or None,
        )
    return feature


@transaction.atomic
def roadmap_plan(
    *, actor, features: list[Feature], release=_MISSING, column=_MISSING, reason: str = ""
) -> int:
    """Several features into one release or column at once (the prioritisation table's
    selection), all or none; the reason is kept on each feature. Returns how many moved."""
    require_editor(actor)
    if not features:
        raise DomainError(_("Select at least one feature."), field="features")
    if release is _MISSING and column is _MISSING:
        raise DomainError(_("Choose a release or a roadmap column."), field="release")
    if release is not _MISSING and release is not None:
        for feature in features:
            if feature.product_id != release.product_id:
                raise DomainError(
                    _("“%(title)s” belongs to another product than release %(version)s.")
                    % {"title": feature.title, "version": release.version},
                    field="features",
                )
    for feature in features:
        roadmap_move(actor=actor, feature=feature, release=release, column=column, reason=reason)
    return len(features)


# Objectives -------------------------------------------------------------------------------


@dataclass
class ObjectiveData:
    title: str
    owner: object
    period_start: dt.date
    period_end: dt.date
    description: str = ""
    product: object = None
    features: list | None = field(default=None)


def _clean_objective(data: ObjectiveData) -> ObjectiveData:
    data.title = _text(data.title, "title", 200)
    if data.owner is None or not data.owner.is_active:
        raise DomainError(_("Choose an active owner."), field="owner")
    if data.period_start is None or data.period_end is None:
        raise DomainError(_("Give the period's first and last days."), field="period_end")
    if data.period_end < data.period_start:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    if data.product is not None and data.features:
        stray = [f.title for f in data.features if f.product_id != data.product.pk]
        if stray:
            raise DomainError(
                _("These features belong to another product: %(titles)s.")
                % {"titles": ", ".join(stray)},
                field="features",
            )
    return data


_OBJECTIVE_FIELDS = ("title", "description", "owner", "product", "period_start", "period_end")


@transaction.atomic
def objective_create(*, actor, data: ObjectiveData) -> Objective:
    require_editor(actor)
    data = _clean_objective(data)
    now = clock.now()
    objective = Objective.objects.create(
        **{k: getattr(data, k) for k in _OBJECTIVE_FIELDS}, created_at=now, updated_at=now
    )
    objective.features.set(data.features or [])
    activity.record(
        actor=actor,
        verb="created",
        target=objective,
        scope="planning",
        snapshot=activity.snapshot(objective, Objective.TRACKED),
    )
    return objective


@transaction.atomic
def objective_update(
    *, actor, objective: Objective, data: ObjectiveData, if_version: str | None = None
) -> Objective:
    """Change an objective; ``data.features`` ``None`` keeps its features."""
    require_editor(actor)
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    versioning.check(objective, if_version)
    if data.features is None and data.product is not None:
        data.features = list(objective.features.all())
    data = _clean_objective(data)
    before = activity.snapshot(objective, Objective.TRACKED)
    for name in _OBJECTIVE_FIELDS:
        setattr(objective, name, getattr(data, name))
    objective.updated_at = clock.now()
    objective.save()
    if data.features is not None:
        objective.features.set(data.features)
    changes = activity.diff(before, activity.snapshot(objective, Objective.TRACKED))
    if changes:
        activity.record(
            actor=actor, verb="updated", target=objective, scope="planning", changes=changes
        )
    return objective


@transaction.atomic
def objective_link(*, actor, objective: Objective, feature: Feature, linked: bool = True):
    """Link ``feature`` to ``objective`` (or unlink it), recorded on both."""
    require_editor(actor)
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    if linked and objective.product_id and feature.product_id != objective.product_id:
        raise DomainError(_("This objective is about another product."), field="objective")
    present = objective.features.filter(pk=feature.pk).exists()
    if present == linked:
        return objective
    (objective.features.add if linked else objective.features.remove)(feature)
    verb = "linked" if linked else "unlinked"
    activity.record(actor=actor, verb=verb, target=feature, scope=feature.product.scope,
                    name=objective.title, objective=objective.pk)  # fmt: skip
    activity.record(actor=actor, verb=verb, target=objective, scope="planning",
                    feature_title=feature.title, feature=feature.pk)  # fmt: skip
    return objective


# Key results ------------------------------------------------------------------------------


def _number(value, name: str, *, required: bool = True) -> Decimal:
    if value is None or value == "":
        if required:
            raise DomainError(_("This field is required."), field=name)
        return Decimal(0)
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter a number."), field=name) from None
    if not number.is_finite() or abs(number) > LIMIT:
        raise DomainError(_("This number is too large."), field=name)
    return number


def _figure(key: str | None) -> str:
    key = (key or "").strip()
    if key and figures.get(key) is None:
        raise DomainError(_("Unknown figure “%(key)s”.") % {"key": key}, field="figure")
    return key


@transaction.atomic
def key_result_create(
    *, actor, objective: Objective, title: str, target, start=0, current=None, unit: str = "",
    figure: str = "",
) -> KeyResult:  # fmt: skip
    require_editor(actor)
    start = _number(start, "start", required=False)
    key_result = KeyResult.objects.create(
        objective=objective,
        title=_text(title, "title", 200),
        start=start,
        target=_number(target, "target"),
        current=start if current in (None, "") else _number(current, "current"),
        unit=_text(unit, "unit", 20, required=False),
        figure=_figure(figure),
        position=objective.key_results.count(),
        updated_at=clock.now(),
    )
    activity.record(actor=actor, verb="created", target=key_result, scope="planning",
                    snapshot=activity.snapshot(key_result, KeyResult.TRACKED))  # fmt: skip
    if key_result.figure:
        key_result = key_result_refresh(actor=actor, key_result=key_result)
    return key_result


@transaction.atomic
def key_result_update(
    *, actor, key_result: KeyResult, title=_MISSING, target=_MISSING, start=_MISSING,
    current=_MISSING, unit=_MISSING, figure=_MISSING, if_version: str | None = None,
) -> KeyResult:  # fmt: skip
    """Change the given fields; a new current value is the hand-kept progress."""
    require_editor(actor)
    key_result = KeyResult.objects.select_for_update().get(pk=key_result.pk)
    versioning.check(key_result, if_version)
    before = activity.snapshot(key_result, KeyResult.TRACKED)
    if title is not _MISSING:
        key_result.title = _text(title, "title", 200)
    for name, value in (("target", target), ("start", start), ("current", current)):
        if value is not _MISSING:
            setattr(key_result, name, _number(value, name))
    if unit is not _MISSING:
        key_result.unit = _text(unit, "unit", 20, required=False)
    if figure is not _MISSING:
        key_result.figure = _figure(figure)
    key_result.updated_at = clock.now()
    key_result.save()
    changes = activity.diff(before, activity.snapshot(key_result, KeyResult.TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=key_result, scope="planning",
                        changes=changes)  # fmt: skip
    return key_result


@transaction.atomic
def key_result_delete(*, actor, key_result: KeyResult, if_version: str | None = None) -> None:
    require_editor(actor)
    key_result = KeyResult.objects.select_for_update().get(pk=key_result.pk)
    versioning.check(key_result, if_version)
    activity.record(actor=actor, verb="deleted", target=key_result, scope="planning")
    key_result.delete()


@transaction.atomic
def key_result_refresh(*, actor, key_result: KeyResult) -> KeyResult:
    """Read the current value of a key result that follows a figure."""
    require_editor(actor)
    key_result = (
        KeyResult.objects.select_for_update().select_related("objective").get(pk=key_result.pk)
    )
    if not key_result.figure:
        return key_result
    value = figures.value_of(key_result.figure, user=actor, objective=key_result.objective)
    if value is None or value == key_result.current:
        return key_result
    old, key_result.current = key_result.current, min(max(value, -LIMIT), LIMIT)
    key_result.updated_at = clock.now()
    key_result.save(update_fields=["current", "updated_at"])
    activity.record(actor=actor, verb="updated", target=key_result, scope="planning",
                    changes={"current": [str(old), str(key_result.current)]},
                    figure=key_result.figure)  # fmt: skip
    return key_result


@transaction.atomic
def objective_refresh(*, actor, objective: Objective) -> int:
    """Refresh every key result of ``objective`` that follows a figure; how many there are."""
    require_editor(actor)
    following = list(objective.key_results.exclude(figure=""))
    for key_result in following:
        key_result_refresh(actor=actor, key_result=key_result)
    return len(following)


# Stage standards --------------------------------------------------------------------------


def standard_version(product: Product) -> str:
    """What an edit of ``product``'s stage standards starts from: every stage's requirements."""
    rows = StageRequirement.objects.filter(product=product).order_by("stage", "position", "pk")
    return versioning.fingerprint([[r.stage, r.condition, r.param] for r in rows])


def _clean_requirements(requirements: dict) -> dict[str, list[tuple[str, str]]]:
    from wavelength.core import conditions

    out = {}
    for stage, values in requirements.items():
        if stage not in standards.STAGES:
            raise DomainError(_("Unknown stage “%(stage)s”.") % {"stage": stage}, field="stage")
        cleaned = []
        for value in values or []:
            condition_key, param = standards.parse_option(str(value))
            condition = conditions.get_condition(condition_key)
            if condition is None or len(param) > 120:
                raise DomainError(
                    _("Unknown requirement “%(value)s”.") % {"value": value}, field=stage
                )
            if param and not condition.params:
                raise DomainError(
                    _("“%(value)s” takes no parameter.") % {"value": value}, field=stage
                )
            if (condition_key, param) not in cleaned:
                cleaned.append((condition_key, param))
        out[stage] = cleaned
    return out


@transaction.atomic
def stage_standard_set(
    *, actor, product: Product, requirements: dict, if_version: str | None = None
) -> Product:
    """Set what ``product``'s features need before entering each stage named in
    ``requirements`` (``{stage: ["condition" or "condition:param", ...]}``); stages left out
    keep theirs. Administrators only, as for the release gate."""
    require_admin(actor)
    product = Product.objects.select_for_update().get(pk=product.pk)
    versioning.check_version(standard_version(product), if_version)
    cleaned = _clean_requirements(requirements)
    labels = dict(standards.options())
    changes = {}
    for stage, wanted in cleaned.items():
        rows = StageRequirement.objects.filter(product=product, stage=stage)
        before = [(r.condition, r.param) for r in rows.order_by("position", "pk")]
        if before == wanted:
            continue
        rows.delete()
        StageRequirement.objects.bulk_create(
            StageRequirement(product=product, stage=stage, condition=c, param=p, position=i)
            for i, (c, p) in enumerate(wanted)
        )
        changes[f"standard_{stage}"] = [
            [standards.requirement_label(c, p, labels) for c, p in before],
            [standards.requirement_label(c, p, labels) for c, p in wanted],
        ]
    if changes:
        activity.record(actor=actor, verb="updated", target=product,
                        scope=product.scope, changes=changes)  # fmt: skip
    return product


def feature_move_stage(*, actor, feature: Feature, stage: str, override_reason: str = ""):
    """Move ``feature`` to ``stage`` through the catalog, which checks the stage's standard;
    ``override_reason`` moves it anyway (editors), kept with what was unmet."""
    reason = _text(override_reason, "override_reason", 500, required=False)
    return catalog_services.feature_move_stage(
        actor=actor, feature=feature, stage=stage, override_reason=reason
    )
