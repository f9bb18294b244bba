"""Runs: starting a playbook for something, and carrying out its steps."""

import datetime as dt
import logging
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.models import Membership, User
from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, conditions, notifications
from wavelength.core.exceptions import DomainError

from .. import targets
from ..models import (
    FINISHED,
    CheckKind,
    OwnerKind,
    Playbook,
    Run,
    RunStatus,
    RunStep,
    StepStatus,
)

_url = URLValidator(schemes=["http", "https"])
logger = logging.getLogger(__name__)


def _owner(step, *, actor, subject, target):
    """(person, team) a step of ``step``'s kind is assigned to when the run starts."""
    kind = step.owner_kind
    if kind == OwnerKind.TEAM:
        return None, step.owner_team
    person = {
        OwnerKind.SUBJECT: lambda: subject,
        OwnerKind.MANAGER: lambda: getattr(subject, "manager", None),
        OwnerKind.STARTER: lambda: actor,
        OwnerKind.TARGET_OWNER: lambda: targets.owner_of(target),
    }[kind]()
    # A role nobody holds (no manager, a release without an owner) falls to the starter.
    return (person if person is not None and person.is_active else actor), None


def _title_for(playbook: Playbook, target, subject) -> str:
    about = subject or target
    return f"{playbook.name}: {about}"[:250] if about is not None else playbook.name


def _notify_assigned(run: Run, steps: list[RunStep], *, actor) -> None:
    """One notification per person with steps in the run (team steps: every member)."""
    per_person: dict[int, list[RunStep]] = defaultdict(list)
    people: dict[int, User] = {}
    team_ids = {s.assignee_team_id for s in steps if s.assignee_team_id}
    members = defaultdict(list)
    for m in Membership.objects.filter(team_id__in=team_ids).select_related("user"):
        members[m.team_id].append(m.user)
    for s in steps:
        for person in [s.assignee] if s.assignee else members.get(s.assignee_team_id, []):
            people[person.pk] = person
            per_person[person.pk].append(s)
    for pk, mine in per_person.items():
        notifications.notify(
            recipients=[people[pk]],
            verb="step_assigned",
            title=_assigned_title(run, mine),
            url=run.get_absolute_url(),
            actor=actor,
            target=run,
        )


def _assigned_title(run: Run, mine: list[RunStep]):
    def title() -> str:
        if len(mine) == 1:
            return _("“%(step)s” in %(run)s is yours") % {"step": mine[0].title, "run": run.title}
        return _("%(n)d steps in %(run)s are yours") % {"n": len(mine), "run": run.title}

    return title


@transaction.atomic
def run_start(
    *,
    actor,
    playbook: Playbook,
    target=None,
    subject: User | None = None,
    started_on: dt.date | None = None,
    title: str = "",
) -> Run:
    """Start the playbook's current version for ``target`` (and/or the person ``subject``)."""
    if actor is not None:
        require_editor(actor)
    version = playbook.current_version
    if version is None:
        raise DomainError(_("This playbook has no steps yet."), field="playbook")
    if target is not None and targets.kind_of(target) is None:
        raise DomainError(_("A run is for a release, a feature, a customer or a person."),
                          field="target_kind")  # fmt: skip
    if subject is None and isinstance(target, User):
        subject = target
    started_on = started_on or clock.now().date()
    run = Run.objects.create(
        playbook=playbook,
        version=version,
        title=(title or "").strip()[:250] or _title_for(playbook, target, subject),
        target_type=targets.ContentType.objects.get_for_model(target) if target else None,
        target_id=target.pk if target else None,
        target_repr=str(target)[:300] if target else "",
        subject=subject,
        started_by=actor,
        started_on=started_on,
    )
    steps = []
    for step in version.steps.select_related("owner_team"):
        person, team = _owner(step, actor=actor, subject=subject, target=target)
        steps.append(
            RunStep(
                run=run,
                step=step,
                position=step.position,
                title=step.title,
                due_on=started_on + dt.timedelta(days=step.due_offset_days),
                assignee=person,
                assignee_team=team,
            )
        )
    RunStep.objects.bulk_create(steps)
    activity.record(
        actor=actor,
        verb="run_started",
        target=run,
        scope=run.scope,
        playbook=playbook.name,
        version=version.number,
        about=run.target_repr or None,
    )
    _notify_assigned(run, steps, actor=actor)
    return run


def _locked(step: RunStep) -> RunStep:
    return (
        RunStep.objects.select_for_update(of=("self",))
        .select_related("run", "step", "step__approver", "assignee_team")
        .get(pk=step.pk)
    )


def can_work_on(user, step: RunStep, *, team_ids: set[int] | None = None) -> bool:
    """The assignee, a member of the assigned team, or an editor may carry out a step.

    ``team_ids`` (the user's teams) saves a query per step when a page checks many."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.can_edit or step.assignee_id == user.pk:
        return True
    if step.assignee_id is None and step.assignee_team_id:
        if team_ids is not None:
            return step.assignee_team_id in team_ids
        return Membership.objects.filter(team_id=step.assignee_team_id, user=user).exists()
    return step.run.subject_id == user.pk and step.assignee_id in (None, user.pk)


def can_approve(user, step: RunStep) -> bool:
    """What :func:`runstep_approve` allows: a step awaiting approval, approved by its named
    approver or, when none is named, by an editor other than the person who completed it."""
    if step.status != StepStatus.AWAITING_APPROVAL:
        return False
    if step.step.approver_id is not None:
        return step.step.approver_id == user.pk
    return user.can_edit and step.completed_by_id != user.pk


def _require_worker(user, step: RunStep) -> None:
    if not can_work_on(user, step):
        raise PermissionDenied(_("This step is not yours to change."))


def blocking_titles(step: RunStep) -> list[str]:
    """Titles of the steps ``step`` waits for (its dependencies not done nor skipped)."""
    return list(
        RunStep.objects.filter(run_id=step.run_id, step__dependents=step.step_id)
        .exclude(status__in=FINISHED)
        .order_by("position")
        .values_list("title", flat=True)
    )


def _record(actor, verb: str, step: RunStep, **payload) -> None:
    activity.record(
        actor=actor, verb=verb, target=step, scope=step.run.scope, run=step.run.title, **payload
    )


def _check_evidence(step: RunStep, evidence_url: str) -> str:
    evidence_url = (evidence_url or "").strip()
    if evidence_url:
        try:
            _url(evidence_url)
        except ValidationError:
            raise DomainError(
                _("Enter a link starting with http:// or https://."), field="evidence_url"
            ) from None
        if len(evidence_url) > 500:
            raise DomainError(_("At most %(n)d characters.") % {"n": 500}, field="evidence_url")
    elif step.step.check_kind == CheckKind.LINK:
        raise DomainError(_("This step needs a link to its evidence."), field="evidence_url")
    return evidence_url


def _check_condition(step: RunStep) -> None:
    run = step.run
    target = run_target(run)
    result = conditions.evaluate(
        step.step.condition_key,
        target=target,
        subject=run.subject,
        params=step.step.condition_params,
    )
    if not result.ok:
        missing = ", ".join(label for label, _url in result.missing)
        detail = result.detail or _("The condition is not met yet.")
        raise DomainError(f"{detail} {missing}".strip(), field="check")


def run_target(run: Run):
    if not run.target_type_id:
        return None
    model = targets.ContentType.objects.get_for_id(run.target_type_id).model_class()
    return model._default_manager.filter(pk=run.target_id).first() if model else None


def _after_finish(step: RunStep, *, actor, check: bool = True) -> None:
    """Close the run when every step is finished; tell the owners of steps now unblocked.

    With ``check``, the condition steps the finished step was holding back complete at once
    when their condition already holds (see :func:`runsteps_check_conditions`)."""
    run = Run.objects.select_for_update().get(pk=step.run_id)
    if not run.steps.exclude(status__in=FINISHED).exists():
        if run.status != RunStatus.COMPLETED:
            run.status, run.completed_at = RunStatus.COMPLETED, clock.now()
            run.save(update_fields=["status", "completed_at"])
            activity.record(actor=actor, verb="completed", target=run, scope=run.scope)
        return
    if check and run.status == RunStatus.ACTIVE:
        _check_run_conditions(run)
    ready = [
        s
        for s in RunStep.objects.filter(
            run_id=run.pk, step__depends_on=step.step_id, status=StepStatus.OPEN
        ).select_related("assignee", "run", "step")
        if s.assignee and not blocking_titles(s)
    ]
    for s in ready:
        notifications.notify(
            recipients=[s.assignee],
            verb="step_ready",
            title=lambda s=s: _("“%(step)s” can start now") % {"step": s.title},
            url=s.get_absolute_url(),
            actor=actor,
            target=run,
        )


def _reopen_run(run: Run, *, actor) -> None:
    if run.status == RunStatus.COMPLETED:
        Run.objects.filter(pk=run.pk).update(status=RunStatus.ACTIVE, completed_at=None)
        activity.record(actor=actor, verb="reopened", target=run, scope=run.scope)


def _require_open(step: RunStep) -> None:
    if step.run.status == RunStatus.CANCELLED:
        raise DomainError(_("This run was cancelled."), field="step")
    if step.status == StepStatus.AWAITING_APPROVAL:
        raise DomainError(_("This step is waiting for its approval."), field="step")
    if step.status in FINISHED:
        raise DomainError(_("This step is already closed; reopen it first."), field="step")


@transaction.atomic
def runstep_complete(*, actor, step: RunStep, note: str = "", evidence_url: str = "") -> RunStep:
    """Complete a step with a note and evidence; an approval step waits for its approver."""
    step = _locked(step)
    _require_worker(actor, step)
    _require_open(step)
    blocking = blocking_titles(step)
    if blocking:
        names = ", ".join(f"“{t}”" for t in blocking)
        raise DomainError(_("This step waits for %(steps)s.") % {"steps": names}, field="step")
    step.evidence_url = _check_evidence(step, evidence_url)
    if step.step.check_kind == CheckKind.CONDITION:
        _check_condition(step)
    step.note = (note or "").strip()
    step.completed_by, step.completed_at = actor, clock.now()
    if step.step.check_kind == CheckKind.APPROVAL:
        step.status = StepStatus.AWAITING_APPROVAL
        step.save()
        _record(actor, "step_submitted", step)
        approver = step.step.approver or step.run.started_by
        notifications.notify(
            recipients=[approver] if approver else [],
            verb="step_approval",
            title=lambda: _("“%(step)s” waits for your approval") % {"step": step.title},
            url=step.get_absolute_url(),
            actor=actor,
            target=step.run,
        )
        return step
    step.status = StepStatus.DONE
    step.save()
    _record(actor, "step_completed", step, note=step.note or None,
            evidence_url=step.evidence_url or None)  # fmt: skip
    _after_finish(step, actor=actor)
    return step


@transaction.atomic
def runstep_approve(*, actor, step: RunStep) -> RunStep:
    """Approve a completed step: its named approver, or an editor other than the completer."""
    step = _locked(step)
    if step.status != StepStatus.AWAITING_APPROVAL:
        raise DomainError(_("This step is not waiting for an approval."), field="step")
    named = step.step.approver
    if named is not None:
        if actor is None or actor.pk != named.pk:
            raise PermissionDenied(_("Only %(person)s can approve this step.") % {"person": named})
    else:
        require_editor(actor)
        if actor.pk == step.completed_by_id:
            raise PermissionDenied(_("Someone other than the person who completed it approves."))
    step.status = StepStatus.DONE
    step.approved_by, step.approved_at = actor, clock.now()
    step.save(update_fields=["status", "approved_by", "approved_at"])
    _record(actor, "step_approved", step)
    _after_finish(step, actor=actor)
    return step


@transaction.atomic
def runstep_reopen(*, actor, step: RunStep) -> RunStep:
    step = _locked(step)
    _require_worker(actor, step)
    if step.status == StepStatus.OPEN:
        raise DomainError(_("This step is already open."), field="step")
    step.status = StepStatus.OPEN
    step.completed_by = step.completed_at = step.approved_by = step.approved_at = None
    step.skip_reason = ""
    step.save()
    _record(actor, "step_reopened", step)
    _reopen_run(step.run, actor=actor)
    return step


@transaction.atomic
def runstep_skip(*, actor, step: RunStep, reason: str) -> RunStep:
    step = _locked(step)
    _require_worker(actor, step)
    _require_open(step)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why this step is skipped."), field="reason")
    step.status, step.skip_reason = StepStatus.SKIPPED, reason[:300]
    step.completed_by, step.completed_at = actor, clock.now()
    step.save()
    _record(actor, "step_skipped", step, reason=step.skip_reason)
    _after_finish(step, actor=actor)
    return step


@transaction.atomic
def runstep_assign(*, actor, step: RunStep, assignee: User | None) -> RunStep:
    """Assign a step to a person (a member of its team takes it: ``assignee=actor``)."""
    step = _locked(step)
    taking = assignee is not None and actor is not None and assignee.pk == actor.pk
    if not (actor is not None and actor.can_edit) and not (taking and can_work_on(actor, step)):
        raise PermissionDenied(_("Only an editor can assign this step to someone else."))
    if assignee is not None and not assignee.is_active:
        raise DomainError(_("This person cannot sign in any more."), field="assignee")
    if step.assignee_id == (assignee.pk if assignee else None):
        return step
    step.assignee = assignee
    step.save(update_fields=["assignee"])
    _record(actor, "step_assigned", step, assignee=assignee.email if assignee else None)
    if assignee is not None:
        notifications.notify(
            recipients=[assignee],
            verb="step_assigned",
            title=lambda: (
                _("“%(step)s” in %(run)s is yours") % {"step": step.title, "run": step.run.title}
            ),
            url=step.get_absolute_url(),
            actor=actor,
            target=step.run,
        )
    return step


@transaction.atomic
def run_cancel(*, actor, run: Run) -> Run:
    require_editor(actor)
    run = Run.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.ACTIVE:
        raise DomainError(_("Only a run in progress can be cancelled."), field="status")
    run.status = RunStatus.CANCELLED
    run.save(update_fields=["status"])
    activity.record(actor=actor, verb="cancelled", target=run, scope=run.scope)
    return run


# Condition steps that complete themselves ---------------------------------------------------


def _condition_holds(step: RunStep, *, target, subject) -> bool:
    """Whether ``step``'s condition holds; an evaluator that fails counts as "not yet"."""
    try:
        result = conditions.evaluate(
            step.step.condition_key,
            target=target,
            subject=subject,
            params=step.step.condition_params,
        )
    except Exception:  # one broken evaluator must not stop the other runs
        logger.exception("Condition %r of run step %s failed", step.step.condition_key, step.pk)
        return False
    return result.ok


@transaction.atomic
def _check_run_conditions(run: Run) -> list[RunStep]:
    """Complete the open condition steps of ``run`` that wait for nothing and whose condition
    holds, then the ones those were holding back, and so on (each evaluated once).

    Reads the run's steps once (locked, in the order :func:`runstep_complete` locks: steps,
    then the run) and its target once, plus one evaluation per ready condition step."""
    steps = list(
        RunStep.objects.select_for_update(of=("self",))
        .filter(run_id=run.pk)
        .select_related("step")
        .prefetch_related("step__depends_on")
        .order_by("position")
    )
    if not any(s.status == StepStatus.OPEN and s.step.check_kind == CheckKind.CONDITION
               for s in steps):  # fmt: skip
        return []
    run = Run.objects.select_related("subject").get(pk=run.pk)
    if run.status != RunStatus.ACTIVE:
        return []
    by_template = {s.step_id: s for s in steps}

    def ready(s: RunStep) -> bool:
        if s.status != StepStatus.OPEN or s.step.check_kind != CheckKind.CONDITION:
            return False
        deps = (by_template.get(d.pk) for d in s.step.depends_on.all())
        return all(d is None or d.is_finished for d in deps)

    target, target_read = None, False
    evaluated: set[int] = set()
    done: list[RunStep] = []
    progress = True
    while progress:
        progress = False
        for s in steps:
            if s.pk in evaluated or not ready(s):
                continue
            evaluated.add(s.pk)
            if not target_read:
                target, target_read = run_target(run), True
            if not _condition_holds(s, target=target, subject=run.subject):
                continue
            s.run = run
            s.status, s.completed_by, s.completed_at = StepStatus.DONE, None, clock.now()
            s.save(update_fields=["status", "completed_by", "completed_at"])
            # Recorded as any completion, without an actor: the timeline says "Wavelength".
            _record(None, "step_completed", s, condition=s.step.condition_key)
            done.append(s)
            progress = True
    for s in done:
        _after_finish(s, actor=None, check=False)
    return done


def runsteps_check_conditions(*, run: Run | None = None) -> list[RunStep]:
    """Complete, as Wavelength itself, the open condition steps whose dependencies are done
    and whose condition now holds: those of ``run``, or of every run in progress.

    Safe to run again (a completed step is not open any more); the run completes with its
    last step. Returns the steps completed. Called every ten minutes (Celery beat), after any
    step of a run is finished, and by ``wavelength playbooks check-conditions``."""
    if run is not None:
        return _check_run_conditions(run) if run.status == RunStatus.ACTIVE else []
    pending = (
        Run.objects.filter(
            status=RunStatus.ACTIVE,
            steps__status=StepStatus.OPEN,
            steps__step__check_kind=CheckKind.CONDITION,
        )
        .distinct()
        .order_by("pk")
    )
    done: list[RunStep] = []
    for pending_run in pending:
        done += _check_run_conditions(pending_run)
    return done
