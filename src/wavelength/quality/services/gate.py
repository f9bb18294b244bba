"""A product's release-readiness gate: which quality criteria its releases must meet."""

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts import audit
from wavelength.accounts.models import AuditKind
from wavelength.accounts.permissions import require_admin
from wavelength.catalog.models import Product
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from ..models import Checklist, ReleaseGate, Severity
from ._checks import choice, scope_of

_MISSING = object()


def _pass_rate(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        rate = int(value)
    except (TypeError, ValueError):
        rate = -1
    if not 0 <= rate <= 100:
        raise DomainError(_("Give a whole percentage from 0 to 100."), field="min_pass_rate")
    return rate


def _checklists(values) -> list[Checklist]:
    ids = [getattr(v, "pk", v) for v in values or []]
    found = {c.pk: c for c in Checklist.objects.filter(pk__in=ids)}
    for index, pk in enumerate(ids):
        checklist = found.get(pk)
        if checklist is None:
            raise DomainError(
                _("No inspection checklist has the id %(id)s.") % {"id": pk},
                field=f"required_checklists.{index}",
            )
        if checklist.archived:
            raise DomainError(
                _("The checklist “%(name)s” is archived.") % {"name": checklist.name},
                field=f"required_checklists.{index}",
            )
    return list(found.values())


@transaction.atomic
def gate_update(
    *,
    actor,
    product: Product,
    min_pass_rate=_MISSING,
    blocking_severity=_MISSING,
    required_checklists=_MISSING,
    require_coverage=_MISSING,
    require_all_executed=_MISSING,
    if_version: str | None = None,
) -> ReleaseGate:
    """Set what ``product``'s releases must meet before they ship (administrators: the gate
    is what an override would bypass). Unset criteria are not part of the gate.
    ``if_version`` refuses a stale edit (a gate never set has the version of an empty one)."""
    require_admin(actor)
    gate, _created = ReleaseGate.objects.select_for_update().get_or_create(product=product)
    versioning.check(gate, if_version)
    before = activity.snapshot(gate, ReleaseGate.TRACKED)
    if min_pass_rate is not _MISSING:
        gate.min_pass_rate = _pass_rate(min_pass_rate)
    if blocking_severity is not _MISSING:
        severity = blocking_severity or ""
        gate.blocking_severity = severity and choice(severity, Severity, "blocking_severity")
    if require_coverage is not _MISSING:
        gate.require_coverage = bool(require_coverage)
    if require_all_executed is not _MISSING:
        gate.require_all_executed = bool(require_all_executed)
    checklists = _checklists(required_checklists) if required_checklists is not _MISSING else None
    gate.updated_at = clock.now()
    gate.save()
    if checklists is not None:
        gate.required_checklists.set(checklists)
    changes = activity.diff(before, activity.snapshot(gate, ReleaseGate.TRACKED))
    if changes:
        activity.record(
            actor=actor, verb="updated", target=gate, scope=scope_of(product), changes=changes
        )
        audit.record(
            AuditKind.SETTINGS_CHANGED, actor=actor, target=f"release gate of {product}", **changes
        )
    return gate
