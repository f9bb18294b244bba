"""Inspections: versioned checklists applied to a release and signed off by the team they
name. The sign-off records who signed which version of the checklist, and when."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_admin, require_editor
from wavelength.catalog.models import Release
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import Conflict, DomainError

from ..models import Checklist, ChecklistVersion, Inspection, InspectionStatus
from ._checks import scope_of, text

_MISSING = object()
MAX_ITEMS = 100


def _items(values) -> list[str]:
    items = [text(v, f"items.{i}", 500) for i, v in enumerate(values or [])]
    items = [i for i in items if i]
    if not items:
        raise DomainError(_("A checklist needs at least one item."), field="items")
    if len(items) > MAX_ITEMS:
        raise DomainError(_("At most %(n)d items.") % {"n": MAX_ITEMS}, field="items")
    return items


def _version(checklist: Checklist, actor) -> ChecklistVersion:
    return ChecklistVersion.objects.create(
        checklist=checklist,
        number=checklist.version,
        name=checklist.name,
        items=checklist.items,
        signoff_team=checklist.signoff_team,
        author=actor if getattr(actor, "pk", None) else None,
        created_at=checklist.updated_at,
    )


@transaction.atomic
def checklist_create(*, actor, name: str, items: list[str], signoff_team=None, description=""):
    """A new checklist (admins: it applies to every product)."""
    require_admin(actor)
    name = text(name, "name", 120, required=True)
    if Checklist.objects.filter(name__iexact=name).exists():
        raise DomainError(_("A checklist with this name already exists."), field="name")
    now = clock.now()
    checklist = Checklist.objects.create(
        name=name,
        description=text(description, "description", 10000),
        items=_items(items),
        signoff_team=signoff_team,
        created_at=now,
        updated_at=now,
    )
    _version(checklist, actor)
    activity.record(
        actor=actor,
        verb="created",
        target=checklist,
        scope="quality",
        snapshot={
            "name": name,
            "items": checklist.items,
            "signoff_team": signoff_team and signoff_team.pk,
        },
    )
    return checklist


def _content(checklist: Checklist) -> dict:
    """What a version of the checklist pins: a change to any of it makes a new version."""
    return {
        "name": checklist.name,
        "items": checklist.items,
        "signoff_team": checklist.signoff_team_id,
    }


def _unique_name(name: str, checklist: Checklist) -> str:
    name = text(name, "name", 120, required=True)
    if Checklist.objects.filter(name__iexact=name).exclude(pk=checklist.pk).exists():
        raise DomainError(_("A checklist with this name already exists."), field="name")
    return name


@transaction.atomic
def checklist_update(
    *,
    actor,
    checklist: Checklist,
    expected_version: int | None = None,
    name=_MISSING,
    items=_MISSING,
    signoff_team=_MISSING,
    description=_MISSING,
    archived=_MISSING,
    if_version: str | None = None,
):
    """Edit a checklist (admins). A new name, item list or sign-off team is a new version;
    inspections already started keep theirs. Archiving hides the checklist from releases that
    have not started it; inspections of it, signed or not, stay on their releases.
    ``expected_version`` (the version the editor started from) refuses an edit made over
    someone else's with a 409; ``if_version`` (its fingerprint, see core.versioning) with a
    412."""
    require_admin(actor)
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    versioning.check(checklist, if_version)
    if expected_version is not None and expected_version != checklist.version:
        raise Conflict(
            _("Someone saved version %(n)d of this checklist meanwhile; reload it and edit again.")
            % {"n": checklist.version},
            field="expected_version",
        )
    content = _content(checklist)
    before = {**content, "description": checklist.description, "archived": checklist.archived}
    if name is not _MISSING:
        checklist.name = _unique_name(name, checklist)
    if items is not _MISSING:
        checklist.items = _items(items)
    if signoff_team is not _MISSING:
        checklist.signoff_team = signoff_team
    if description is not _MISSING:
        checklist.description = text(description, "description", 10000)
    if archived is not _MISSING:
        checklist.archived = bool(archived)
    after = {
        **_content(checklist),
        "description": checklist.description,
        "archived": checklist.archived,
    }
    changes = activity.diff(before, after)
    if not changes:
        return checklist
    new_version = _content(checklist) != content
    if new_version:
        checklist.version += 1
    checklist.updated_at = clock.now()
    checklist.save()
    if new_version:
        _version(checklist, actor)
    activity.record(
        actor=actor, verb="updated", target=checklist, scope="quality", changes=changes,
        version=checklist.version,
    )  # fmt: skip
    return checklist


@transaction.atomic
def inspection_start(
    *, actor, release: Release, checklist: Checklist, if_version: str | None = None
) -> Inspection:
    """Apply the checklist's current version to a release (or find the inspection started).

    ``if_version`` is the version the caller read (a release not inspected yet has the version
    of :func:`unstarted`): a stale one is refused and nothing starts. The inspection's row
    stays locked until the caller's transaction ends, so the changes it makes next build on
    the version checked here."""
    require_editor(actor)
    # An inspection started before the checklist was archived stays usable (and signed).
    existing = (
        Inspection.objects.select_for_update().filter(release=release, checklist=checklist).first()
    )
    if existing is not None:
        versioning.check(existing, if_version)
        return existing
    versioning.check(unstarted(release, checklist), if_version)
    if checklist.archived:
        raise DomainError(_("This checklist is archived."), field="checklist")
    version = checklist.versions.get(number=checklist.version)
    inspection = Inspection.objects.create(
        release=release,
        checklist=checklist,
        checklist_version=version,
        checked=[False] * len(version.items),
        created_at=clock.now(),
    )
    activity.record(
        actor=actor,
        verb="inspection_started",
        target=release,
        scope=scope_of(release.product),
        checklist=checklist.name,
        version=version.number,
    )
    return inspection


def unstarted(release: Release, checklist: Checklist) -> Inspection:
    """The inspection :func:`inspection_start` would make, unsaved: what a reader of a release
    not inspected yet sees, and so the version its first change starts from."""
    return Inspection(release=release, checklist=checklist, checked=[False] * len(checklist.items))


@transaction.atomic
def inspection_check(
    *,
    actor,
    inspection: Inspection,
    checked: list[bool],
    notes=_MISSING,
    if_version: str | None = None,
):
    """Tick the items done (one boolean per item of the inspection's checklist version).
    ``if_version`` refuses a change made over someone else's."""
    require_editor(actor)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    versioning.check(inspection, if_version)
    if inspection.is_signed:
        raise Conflict(_("This inspection is signed off; reopen it to change it."), field="checked")
    size = len(inspection.checklist_version.items)
    if len(checked) != size:
        raise DomainError(_("Send one value per item (%(n)d).") % {"n": size}, field="checked")
    before = (inspection.checked, inspection.notes)
    inspection.checked = [bool(v) for v in checked]
    if notes is not _MISSING:
        inspection.notes = text(notes, "notes", 10000)
    if (inspection.checked, inspection.notes) != before:
        inspection.revision += 1
    inspection.save(update_fields=["checked", "notes", "revision"])
    return inspection


def _may_sign(actor, inspection: Inspection) -> None:
    require_editor(actor)
    team = inspection.checklist_version.signoff_team
    if actor.is_admin or team is None or team.memberships.filter(user=actor).exists():
        return
    raise PermissionDenied(
        _("Only a member of %(team)s (or an administrator) signs this off.") % {"team": team.name}
    )


@transaction.atomic
def inspection_sign(*, actor, inspection: Inspection, if_version: str | None = None) -> Inspection:
    """Sign the inspection off once every item is checked, by the team the checklist names.
    ``if_version`` refuses a sign-off of a state someone changed meanwhile."""
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("release__product", "checklist_version__signoff_team")
        .get(pk=inspection.pk)
    )
    versioning.check(inspection, if_version)
    _may_sign(actor, inspection)
    if inspection.is_signed:
        return inspection
    if not all(inspection.checked):
        left = inspection.checked.count(False)
        raise DomainError(_("%(n)d item(s) are not checked yet.") % {"n": left}, field="checked")
    inspection.status = InspectionStatus.SIGNED
    inspection.signed_by, inspection.signed_at = actor, clock.now()
    inspection.revision += 1
    inspection.save(update_fields=["status", "signed_by", "signed_at", "revision"])
    activity.record(
        actor=actor,
        verb="inspection_signed",
        target=inspection.release,
        scope=scope_of(inspection.release.product),
        checklist=inspection.checklist_version.name,
        version=inspection.checklist_version.number,
    )
    return inspection


@transaction.atomic
def inspection_reopen(
    *, actor, inspection: Inspection, if_version: str | None = None
) -> Inspection:
    """Withdraw a sign-off (the activity log keeps who had signed). ``if_version`` refuses it
    when the inspection changed since it was read."""
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("release__product", "checklist_version__signoff_team")
        .get(pk=inspection.pk)
    )
    versioning.check(inspection, if_version)
    _may_sign(actor, inspection)
    if not inspection.is_signed:
        return inspection
    activity.record(
        actor=actor,
        verb="inspection_reopened",
        target=inspection.release,
        scope=scope_of(inspection.release.product),
        checklist=inspection.checklist_version.name,
        signed_by=inspection.signed_by_id,
    )
    inspection.status, inspection.signed_by, inspection.signed_at = (
        InspectionStatus.IN_PROGRESS,
        None,
        None,
    )
    inspection.revision += 1
    inspection.save(update_fields=["status", "signed_by", "signed_at", "revision"])
    return inspection
