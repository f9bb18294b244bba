"""Certifications granted by courses, learning paths (courses taken in order) and each
product's release gate criterion "enablement complete"."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_admin, require_editor
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from ..access import require_manage
from ..models import Certification, Course, EnablementGate, LearningPath, PathStep
from .learning import assignment_create


@transaction.atomic
def certification_set(
    *,
    actor,
    course: Course,
    name: str,
    valid_days: int,
    warn_days: int = 30,
    if_version: str | None = None,
) -> Certification:
    """Passing ``course`` grants a certification valid ``valid_days``; its holders are told
    ``warn_days`` before it expires."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    require_manage(actor, course)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Name the certification."), field="name")
    if not 1 <= int(valid_days) <= 3650:
        raise DomainError(_("A certification is valid from 1 day to 10 years."), field="valid_days")
    if not 0 <= int(warn_days) < int(valid_days):
        raise DomainError(_("Give notice of fewer days than it is valid."), field="warn_days")
    cert = Certification.objects.filter(course=course).first()
    if cert is not None:
        versioning.check(cert, if_version)
    before = activity.snapshot(cert, Certification.TRACKED) if cert else {}
    cert = cert or Certification(course=course)
    cert.name, cert.valid_days, cert.warn_days = name[:200], int(valid_days), int(warn_days)
    cert.save()
    changes = activity.diff(before, activity.snapshot(cert, Certification.TRACKED))
    if changes:
        activity.record(
            actor=actor,
            verb="updated" if before else "created",
            target=cert,
            scope="training",
            changes=changes,
        )
    return cert


def _clean_path(name: str, courses: list[Course]) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Name the learning path."), field="name")
    if not courses:
        raise DomainError(_("Choose the path's courses."), field="courses")
    if len({c.pk for c in courses}) != len(courses):
        raise DomainError(_("A course appears once in a path."), field="courses")
    return name[:200]


def _set_steps(path: LearningPath, courses: list[Course]) -> None:
    path.steps.all().delete()
    PathStep.objects.bulk_create(
        PathStep(path=path, course=c, position=i) for i, c in enumerate(courses, 1)
    )


@transaction.atomic
def path_create(*, actor, name: str, courses: list[Course], description: str = "") -> LearningPath:
    """A learning path: ``courses`` in the order they are taken."""
    require_editor(actor)
    name = _clean_path(name, courses)
    path = LearningPath.objects.create(name=name, description=description or "", owner=actor)
    _set_steps(path, courses)
    activity.record(
        actor=actor, verb="created", target=path, scope="training", courses=[c.pk for c in courses]
    )
    return path


@transaction.atomic
def path_update(
    *,
    actor,
    path: LearningPath,
    name: str,
    courses: list[Course],
    description: str = "",
    if_version: str | None = None,
) -> LearningPath:
    path = LearningPath.objects.select_for_update().get(pk=path.pk)
    require_editor(actor)
    if path.owner_id != actor.pk and not actor.is_admin:
        raise PermissionDenied(_("Only the owner of this path can change it."))
    versioning.check(path, if_version)
    path.name, path.description = _clean_path(name, courses), description or ""
    path.save()
    _set_steps(path, courses)
    activity.record(
        actor=actor, verb="updated", target=path, scope="training", courses=[c.pk for c in courses]
    )
    return path


@transaction.atomic
def path_assign(*, actor, path: LearningPath, due_on, users=(), teams=(), roles=()) -> int:
    """Assign every course of the path, all by ``due_on``; all or nothing. Its learners open
    each course once the ones before it are passed."""
    count = 0
    for step in path.steps.select_related("course"):
        count += len(
            assignment_create(
                actor=actor,
                course=step.course,
                due_on=due_on,
                users=users,
                teams=teams,
                roles=roles,
                source=f"path:{path.pk}",
            )
        )
    return count


@transaction.atomic
def enablement_gate_set(
    *,
    actor,
    product,
    min_percent: int | None,
    teams: list,
    owner=None,
    if_version: str | None = None,
) -> EnablementGate:
    """Set the criterion "enablement complete" of ``product``'s releases (administrators, as
    for the other gate criteria); no percentage leaves it out of the gate. ``owner`` (the
    enablement owner) is given the enablement courses drafted for the product's releases and
    features; the teams are those they are assigned to."""
    require_admin(actor)
    gate, _created = EnablementGate.objects.select_for_update().get_or_create(product=product)
    versioning.check(gate, if_version)
    if min_percent is not None and not 0 <= int(min_percent) <= 100:
        raise DomainError(_("A percentage, from 0 to 100."), field="min_percent")
    if min_percent is not None and not teams:
        raise DomainError(_("Choose the teams that must be ready."), field="teams")
    if owner is not None and not owner.is_active:
        raise DomainError(_("Choose an active owner."), field="owner")
    before = activity.snapshot(gate, EnablementGate.TRACKED)
    gate.owner = owner
    gate.min_percent = None if min_percent is None else int(min_percent)
    gate.updated_at = clock.now()
    gate.save()
    gate.teams.set(teams)
    changes = activity.diff(before, activity.snapshot(gate, EnablementGate.TRACKED))
    if changes:
        activity.record(
            actor=actor, verb="updated", target=gate, scope=product.scope, changes=changes
        )
    return gate
