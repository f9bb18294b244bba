"""Defects: opened by hand or from a failed result in one click, linked to cases, features,
releases, feedback, customers and an external tracker."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature, Product, Release
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.core.schemas import MAX_ID

from ..models import (
    LINKABLE,
    OPEN_DEFECT_STATUSES,
    Defect,
    DefectLink,
    DefectStatus,
    ResultStatus,
    Severity,
    TestCase,
    TestResult,
)
from ._checks import choice, scope_of, text
from .indexing import index_defect

_MISSING = object()


def _url(value) -> str:
    value = text(value, "external_url", 500)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise DomainError(
                _("Enter a web address (http or https)."), field="external_url"
            ) from None
    return value


def _check_refs(product: Product, release, case, features) -> list[Feature]:
    if release is not None and release.product_id != product.pk:
        raise DomainError(_("This release belongs to another product."), field="release")
    if case is not None and case.product_id != product.pk:
        raise DomainError(_("This test case belongs to another product."), field="case")
    features = list(features)
    if any(f.product_id != product.pk for f in features):
        raise DomainError(_("Every linked feature must belong to this product."), field="features")
    return features


def _state(defect: Defect) -> dict:
    return activity.snapshot(defect, Defect.TRACKED)


@transaction.atomic
def defect_create(
    *,
    actor,
    product: Product,
    title: str,
    severity: str = Severity.MAJOR,
    steps: str = "",
    release: Release | None = None,
    case: TestCase | None = None,
    result: TestResult | None = None,
    features: Iterable[Feature] = (),
    external_url: str = "",
    external_key: str = "",
) -> Defect:
    """A defect of ``product``, open."""
    require_editor(actor)
    features = _check_refs(product, release, case, features)
    now = clock.now()
    defect = Defect.objects.create(
        product=product,
        release=release,
        case=case,
        result=result,
        title=text(title, "title", 200, required=True),
        steps=text(steps, "steps", 20000),
        severity=choice(severity, Severity, "severity"),
        external_url=_url(external_url),
        external_key=text(external_key, "external_key", 64),
        reported_by=actor,
        created_at=now,
        updated_at=now,
    )
    defect.features.set(features)
    index_defect(defect)
    activity.record(
        actor=actor,
        verb="created",
        target=defect,
        scope=scope_of(product),
        snapshot=_state(defect),
    )
    return defect


def _steps_of(result: TestResult) -> str:
    """The case's preconditions and steps as Markdown, failed steps marked, then the notes."""
    version = result.case_version
    lines = []
    if version.preconditions:
        lines += [_("Preconditions:"), version.preconditions, ""]
    for index, step in enumerate(version.steps):
        status = result.step_statuses[index] if index < len(result.step_statuses) else ""
        failed = status == ResultStatus.FAILED
        mark = f" **({ResultStatus.FAILED.label})**" if failed else ""
        expected = (" → " + step["expected"]) if step.get("expected") else ""
        lines.append(f"{index + 1}. {step['action']}{expected}{mark}")
    if result.notes:
        lines += ["", _("Notes from the run:"), result.notes]
    return "\n".join(lines).strip()


@transaction.atomic
def defect_from_result(
    *, actor, result: TestResult, severity: str = Severity.MAJOR, title: str = ""
) -> Defect:
    """Open a defect from a failed result: its title and steps come from the case version that
    failed; it links the case, its features and the run's release."""
    require_editor(actor)
    result = TestResult.objects.select_related("run__release", "case", "case_version").get(
        pk=result.pk
    )
    if result.status != ResultStatus.FAILED:
        raise DomainError(_("Only a failed result opens a defect."), field="result")
    existing = result.defects.filter(status__in=OPEN_DEFECT_STATUSES).first()
    if existing is not None:
        raise Conflict(
            _("Defect %(key)s is already open for this failure.") % {"key": existing.key},
            field="result",
        )
    return defect_create(
        actor=actor,
        product=result.run.product,
        title=title or _("Fails: %(title)s") % {"title": result.case_version.title},
        severity=severity,
        steps=_steps_of(result),
        release=result.run.release,
        case=result.case,
        result=result,
        features=result.case.features.all(),
    )


@transaction.atomic
def defect_update(
    *,
    actor,
    defect: Defect,
    title=_MISSING,
    steps=_MISSING,
    severity=_MISSING,
    status=_MISSING,
    release=_MISSING,
    features=_MISSING,
    external_url=_MISSING,
    external_key=_MISSING,
    if_version: str | None = None,
) -> Defect:
    """Change a defect; resolving it (fixed or closed) stamps when. ``if_version`` refuses a
    stale edit."""
    require_editor(actor)
    defect = Defect.objects.select_for_update().get(pk=defect.pk)
    versioning.check(defect, if_version)
    before = _state(defect)
    if title is not _MISSING:
        defect.title = text(title, "title", 200, required=True)
    if steps is not _MISSING:
        defect.steps = text(steps, "steps", 20000)
    if severity is not _MISSING:
        defect.severity = choice(severity, Severity, "severity")
    if status is not _MISSING:
        defect.status = choice(status, DefectStatus, "status")
        defect.resolved_at = None if defect.is_open else (defect.resolved_at or clock.now())
    if release is not _MISSING:
        _check_refs(defect.product, release, None, [])
        defect.release = release
    if features is not _MISSING:
        defect.features.set(_check_refs(defect.product, None, None, features))
    if external_url is not _MISSING:
        defect.external_url = _url(external_url)
    if external_key is not _MISSING:
        defect.external_key = text(external_key, "external_key", 64)
    defect.updated_at = clock.now()
    defect.save()
    index_defect(defect)
    changes = activity.diff(before, _state(defect))
    if changes:
        verb = "status_changed" if "status" in changes else "updated"
        activity.record(
            actor=actor, verb=verb, target=defect, scope=scope_of(defect.product), changes=changes
        )
    return defect


def link_target(kind: str, object_id: int):
    """The feedback item or customer a defect may link to, found through the content-type
    registry (so this app imports no model of the feedback app)."""
    if kind not in LINKABLE:
        raise DomainError(
            _("Link to one of: %(kinds)s.") % {"kinds": ", ".join(LINKABLE)}, field="kind"
        )
    content_type = ContentType.objects.get_by_natural_key(*LINKABLE[kind])
    target = None
    if isinstance(object_id, int) and 0 < object_id <= MAX_ID:
        target = content_type.model_class()._default_manager.filter(pk=object_id).first()
    if target is None:
        raise DomainError(
            _("No %(kind)s has the id %(id)s.") % {"kind": kind, "id": object_id},
            field="object_id",
        )
    return content_type, target


@transaction.atomic
def defect_link(*, actor, defect: Defect, kind: str, object_id: int) -> DefectLink:
    """Link a defect to a feedback item or a customer (``kind`` is ``feedback`` or
    ``customer``)."""
    require_editor(actor)
    content_type, target = link_target(kind, object_id)
    link, created = DefectLink.objects.get_or_create(
        defect=defect,
        target_type=content_type,
        target_id=target.pk,
        defaults={"target_repr": str(target)[:300], "created_at": clock.now()},
    )
    if created:
        activity.record(
            actor=actor,
            verb="linked",
            target=defect,
            scope=scope_of(defect.product),
            kind=kind,
            object_id=target.pk,
            name=link.target_repr,
        )
    return link


@transaction.atomic
def defect_unlink(*, actor, link: DefectLink) -> None:
    require_editor(actor)
    defect = link.defect
    activity.record(
        actor=actor,
        verb="unlinked",
        target=defect,
        scope=scope_of(defect.product),
        object_id=link.target_id,
        name=link.target_repr,
    )
    link.delete()
