"""Test plans, runs and results. A run pins each case to the version it executes."""

import mimetypes
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature, Release, ReleaseStatus
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from ..models import (
    CaseVersion,
    Evidence,
    ResultStatus,
    RunStatus,
    Suite,
    TestCase,
    TestPlan,
    TestResult,
    TestRun,
)
from ._checks import choice, scope_of, tags, text

_MISSING = object()
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
STEP_STATUSES = (
    ResultStatus.UNTESTED,
    ResultStatus.PASSED,
    ResultStatus.FAILED,
    ResultStatus.BLOCKED,
    ResultStatus.SKIPPED,
)


# Plans ------------------------------------------------------------------------------------


def _check_release(release: Release) -> None:
    if release.status == ReleaseStatus.CANCELLED:
        raise DomainError(_("This release is cancelled."), field="release")


def _same_product(product, rows: Iterable, field: str) -> list:
    rows = list(rows)
    if any(r.product_id != product.pk for r in rows):
        raise DomainError(_("Everything in a plan must belong to its product."), field=field)
    return rows


def _plan_state(plan: TestPlan) -> dict:
    return activity.snapshot(plan, TestPlan.TRACKED)


@transaction.atomic
def plan_create(
    *,
    actor,
    release: Release,
    name: str,
    description: str = "",
    suites: Iterable[Suite] = (),
    tags_: Iterable[str] = (),
    features: Iterable[Feature] = (),
    cases: Iterable[TestCase] = (),
) -> TestPlan:
    """A plan for ``release`` selecting cases by suite, tag, feature or by hand."""
    require_editor(actor)
    _check_release(release)
    product = release.product
    plan = TestPlan(
        product=product,
        release=release,
        name=text(name, "name", 200, required=True),
        description=text(description, "description", 10000),
        created_by=actor,
        created_at=clock.now(),
    )
    suites = _same_product(product, suites, "suites")
    features = _same_product(product, features, "features")
    cases = _same_product(product, cases, "cases")
    plan.save()
    plan.suites.set(suites)
    plan.features.set(features)
    plan.cases.set(cases)
    plan.tags.set(tags(tags_))
    activity.record(
        actor=actor,
        verb="created",
        target=plan,
        scope=scope_of(product),
        snapshot=_plan_state(plan),
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    actor,
    plan: TestPlan,
    name=_MISSING,
    description=_MISSING,
    suites=_MISSING,
    tags_=_MISSING,
    features=_MISSING,
    cases=_MISSING,
    if_version: str | None = None,
) -> TestPlan:
    """Change a plan's selection; runs already started keep the cases they were given.
    ``if_version`` refuses a stale edit."""
    require_editor(actor)
    plan = TestPlan.objects.select_for_update().get(pk=plan.pk)
    versioning.check(plan, if_version)
    before = _plan_state(plan)
    if name is not _MISSING:
        plan.name = text(name, "name", 200, required=True)
    if description is not _MISSING:
        plan.description = text(description, "description", 10000)
    plan.save()
    for field, value in (("suites", suites), ("features", features), ("cases", cases)):
        if value is not _MISSING:
            getattr(plan, field).set(_same_product(plan.product, value, field))
    if tags_ is not _MISSING:
        plan.tags.set(tags(tags_))
    changes = activity.diff(before, _plan_state(plan))
    if changes:
        activity.record(
            actor=actor, verb="updated", target=plan, scope=scope_of(plan.product), changes=changes
        )
    return plan


# Runs -------------------------------------------------------------------------------------


def _current_versions(cases: list[TestCase]) -> dict[int, int]:
    """``{case id: id of its latest version}`` in one query."""
    pairs = CaseVersion.objects.filter(case__in=cases).values_list("case_id", "number", "pk")
    latest = {c.pk: c.version for c in cases}
    return {case_id: pk for case_id, number, pk in pairs if latest.get(case_id) == number}


def _check_assignees(assignees) -> list:
    assignees = list(assignees)
    if any(not (u.is_active and u.can_edit) for u in assignees):
        raise DomainError(_("Only active editors can be assigned a run."), field="assignees")
    return assignees


@transaction.atomic
def run_create(
    *,
    actor,
    plan: TestPlan,
    build: str,
    environment: str = "",
    name: str = "",
    assignees: Iterable = (),
) -> TestRun:
    """Start ``plan`` on a build: one untested result per case, at its current version."""
    from ..selectors import plan_cases  # reads only; selectors import no services

    require_editor(actor)
    _check_release(plan.release)
    build = text(build, "build", 120, required=True)
    cases = list(plan_cases(user=actor, plan=plan))
    if not cases:
        raise DomainError(_("This plan selects no test case yet."), field="plan")
    run = TestRun.objects.create(
        product=plan.product,
        release=plan.release,
        plan=plan,
        name=text(name, "name", 200) or f"{plan.name} · {build}",
        build=build,
        environment=text(environment, "environment", 120),
        created_by=actor,
        created_at=clock.now(),
    )
    run.assignees.set(_check_assignees(assignees))
    versions = _current_versions(cases)
    TestResult.objects.bulk_create(
        TestResult(run=run, case=c, case_version_id=versions[c.pk], position=i)
        for i, c in enumerate(cases)
    )
    activity.record(
        actor=actor,
        verb="created",
        target=run,
        scope=scope_of(plan.product),
        snapshot={
            "plan": plan.pk,
            "release": plan.release_id,
            "build": build,
            "environment": run.environment,
            "cases": len(cases),
        },
    )
    return run


@transaction.atomic
def run_close(*, actor, run: TestRun, confirm_untested: bool = False) -> TestRun:
    """Close a run. While some of its cases are still untested, closing them out is a
    decision: refused unless ``confirm_untested``, with how many are left."""
    require_editor(actor)
    run = TestRun.objects.select_for_update().get(pk=run.pk)
    if run.status == RunStatus.CLOSED:
        return run
    untested = run.results.filter(status=ResultStatus.UNTESTED).count()
    if untested and not confirm_untested:
        raise DomainError(
            ngettext(
                "%(n)d case of this run is still untested: confirm to close it anyway.",
                "%(n)d cases of this run are still untested: confirm to close it anyway.",
                untested,
            )
            % {"n": untested},
            field="confirm",
        )
    run.status, run.closed_at = RunStatus.CLOSED, clock.now()
    run.save(update_fields=["status", "closed_at"])
    activity.record(
        actor=actor,
        verb="closed",
        target=run,
        scope=scope_of(run.product),
        changes={"status": [RunStatus.OPEN, RunStatus.CLOSED]},
        untested=untested or None,
    )
    return run


# Results ----------------------------------------------------------------------------------


def _overall(step_statuses: list[str]) -> str:
    """A case's status from its steps: the worst step wins; all passed (or skipped) passes."""
    for worst in (ResultStatus.FAILED, ResultStatus.BLOCKED, ResultStatus.UNTESTED):
        if worst in step_statuses:
            return ResultStatus.RETEST if worst == ResultStatus.UNTESTED else worst
    if step_statuses and all(s == ResultStatus.SKIPPED for s in step_statuses):
        return ResultStatus.SKIPPED
    return ResultStatus.PASSED


def _step_statuses(values, steps: int) -> list[str]:
    values = list(values)
    if len(values) != steps:
        raise DomainError(
            _("Send one status per step (%(n)d).") % {"n": steps}, field="step_statuses"
        )
    for index, value in enumerate(values):
        if value not in STEP_STATUSES:
            choice(value, ResultStatus, f"step_statuses.{index}")
            raise DomainError(_("A step cannot be marked retest."), field=f"step_statuses.{index}")
    return values


@transaction.atomic
def result_record(
    *,
    actor,
    result: TestResult,
    status: str | None = None,
    step_statuses: list[str] | None = None,
    notes=_MISSING,
    duration_ms=_MISSING,
    if_version: str | None = None,
) -> TestResult:
    """Record the outcome of a case in a run, as a whole (``status``) or per step
    (``step_statuses``, from which the whole is derived unless ``status`` is also given).
    ``if_version`` refuses a recording made over someone else's."""
    require_editor(actor)
    result = (
        TestResult.objects.select_for_update(of=("self",))
        .select_related("run", "case_version")
        .get(pk=result.pk)
    )
    versioning.check(result, if_version)
    if result.run.status == RunStatus.CLOSED:
        raise DomainError(_("This run is closed."), field="run")
    before = {"status": result.status, "notes": result.notes, "duration_ms": result.duration_ms}
    if step_statuses is not None:
        result.step_statuses = _step_statuses(step_statuses, len(result.case_version.steps))
        if status is None:
            status = _overall(result.step_statuses)
    if status is not None:
        result.status = choice(status, ResultStatus, "status")
    if notes is not _MISSING:
        result.notes = text(notes, "notes", 20000)
    if duration_ms is not _MISSING:
        if duration_ms is not None and not (0 <= int(duration_ms) <= 10**12):
            raise DomainError(_("Enter a duration in milliseconds."), field="duration_ms")
        result.duration_ms = duration_ms
    result.executed_by = actor
    result.executed_at = clock.now()
    result.save()
    after = {"status": result.status, "notes": result.notes, "duration_ms": result.duration_ms}
    activity.record(
        actor=actor,
        verb="result_recorded",
        target=result.run,
        scope=scope_of(result.run.product),
        case=result.case_id,
        result=result.pk,
        changes=activity.diff(before, after),
    )
    return result


def _evidence_type(upload) -> str:
    guessed = mimetypes.guess_type(upload.name or "")[0]
    return (guessed or getattr(upload, "content_type", "") or "application/octet-stream")[:100]


@transaction.atomic
def evidence_add(*, actor, result: TestResult, upload) -> Evidence:
    """Attach a file (at most 10 MB) to a result."""
    require_editor(actor)
    if upload is None or not upload.size:
        raise DomainError(_("Choose a file to attach."), field="file")
    if upload.size > EVIDENCE_MAX_BYTES:
        raise DomainError(_("A file can be at most 10 MB."), field="file")
    name = text((upload.name or "evidence").rsplit("/", 1)[-1], "file", 200) or "evidence"
    evidence = Evidence(
        result=result,
        name=name,
        size=upload.size,
        content_type=_evidence_type(upload),
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    activity.record(
        actor=actor,
        verb="evidence_added",
        target=result.run,
        scope=scope_of(result.run.product),
        result=result.pk,
        name=name,
        size=upload.size,
    )
    return evidence


__all__ = [
    "EVIDENCE_MAX_BYTES",
    "evidence_add",
    "plan_create",
    "plan_update",
    "result_record",
    "run_close",
    "run_create",
]
