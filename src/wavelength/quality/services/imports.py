"""Results from CI: a JUnit report becomes a run of the release, all of it or nothing."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Release
from wavelength.core import activity, background, clock
from wavelength.core import progress as progress_file
from wavelength.core.exceptions import DomainError

from .. import junit
from ..models import (
    CaseVersion,
    ImportStatus,
    JunitImport,
    Priority,
    ResultStatus,
    RunSource,
    RunStatus,
    TestCase,
    TestResult,
    TestRun,
)
from ._checks import scope_of, text
from .cases import suite_for_automation
from .indexing import index_cases
from .runs import _check_release

CHUNK = 2000  # ids per IN (...) lookup, well under SQLite's variable limit
STEP = 5000  # rows written between two reports of progress
# Told (steps done, steps in all) as the import goes: the report's tests and its new cases.
Progress = Callable[[int, int], None]
Step = Callable[[int], None]
STATUS = {
    junit.PASSED: ResultStatus.PASSED,
    junit.FAILED: ResultStatus.FAILED,
    junit.SKIPPED: ResultStatus.SKIPPED,
}


def _existing_cases(product, identifiers: list[str]) -> dict[str, TestCase]:
    found: dict[str, TestCase] = {}
    for start in range(0, len(identifiers), CHUNK):
        chunk = identifiers[start : start + CHUNK]
        for case in TestCase.objects.filter(product=product, automation_id__in=chunk):
            found[case.automation_id] = case
    return found


def _create_cases(*, actor, product, parsed: list[junit.ParsedCase], step: Step) -> list[TestCase]:
    """The report's unknown tests as cases of the "Automated" suite, each with version 1,
    ``STEP`` at a time, each step counted."""
    if not parsed:
        return []
    suite = suite_for_automation(product=product)
    cases = []
    for start in range(0, len(parsed), STEP):
        cases += _create_chunk(actor, product, suite, parsed[start : start + STEP])
        step(len(cases))
    return cases


def _create_chunk(actor, product, suite, parsed: list[junit.ParsedCase]) -> list[TestCase]:
    now = clock.now()
    cases = TestCase.objects.bulk_create(
        [
            TestCase(
                product=product,
                suite=suite,
                title=p.name[:200],
                priority=Priority.MEDIUM,
                automation_id=p.identifier,
                version=1,
                created_at=now,
                updated_at=now,
            )
            for p in parsed
        ],
        batch_size=1000,
    )
    if cases and cases[0].pk is None:  # a database that does not return ids on insert
        ids = [p.identifier for p in parsed]
        cases = list(_existing_cases(product, ids).values())
    author = actor if getattr(actor, "pk", None) else None
    CaseVersion.objects.bulk_create(
        [
            CaseVersion(
                case=c,
                number=1,
                title=c.title,
                priority=c.priority,
                automation_id=c.automation_id,
                author=author,
                created_at=now,
            )
            for c in cases
        ],
        batch_size=1000,
    )
    index_cases(cases)
    return cases


def _versions(cases: list[TestCase]) -> dict[int, int]:
    """``{case id: id of its current version}``, chunked."""
    out: dict[int, int] = {}
    latest = {c.pk: c.version for c in cases}
    ids = list(latest)
    for start in range(0, len(ids), CHUNK):
        rows = CaseVersion.objects.filter(case_id__in=ids[start : start + CHUNK]).values_list(
            "case_id", "number", "pk"
        )
        out.update({case_id: pk for case_id, number, pk in rows if latest[case_id] == number})
    return out


def _into_existing(run: TestRun, parsed, cases: dict[str, TestCase], actor, step: Step) -> None:
    """Record the report into an open run; a test outside the run refuses the whole report."""
    results = {r.case_id: r for r in run.results.select_related("case")}
    outside = [p.identifier for p in parsed if cases.get(p.identifier) is None]
    outside += [
        p.identifier
        for p in parsed
        if p.identifier in cases and cases[p.identifier].pk not in results
    ]
    if outside:
        shown = ", ".join(outside[:5]) + ("…" if len(outside) > 5 else "")
        raise DomainError(
            _("%(n)d result(s) are for tests outside this run: %(ids)s")
            % {"n": len(outside), "ids": shown},
            field="file",
        )
    now = clock.now()
    for start in range(0, len(parsed), STEP):
        changed = []
        for p in parsed[start : start + STEP]:
            result = results[cases[p.identifier].pk]
            result.status, result.notes = STATUS[p.status], p.notes
            result.duration_ms, result.executed_by, result.executed_at = p.duration_ms, actor, now
            changed.append(result)
        TestResult.objects.bulk_update(
            changed,
            ["status", "notes", "duration_ms", "executed_by", "executed_at"],
            batch_size=1000,
        )
        step(start + len(changed))


def _new_run(*, actor, release, build, environment, name, parsed, cases, step: Step) -> TestRun:
    """A closed CI run of ``release`` holding one result per test of the report."""
    run = TestRun.objects.create(
        product=release.product,
        release=release,
        name=name or _("CI · %(build)s") % {"build": build},
        build=build,
        environment=environment,
        source=RunSource.JUNIT,
        status=RunStatus.CLOSED,
        created_by=actor,
        created_at=clock.now(),
        closed_at=clock.now(),
    )
    versions = _versions(list(cases.values()))
    now = clock.now()
    for start in range(0, len(parsed), STEP):
        chunk = parsed[start : start + STEP]
        TestResult.objects.bulk_create(
            (
                TestResult(
                    run=run,
                    case_id=cases[p.identifier].pk,
                    case_version_id=versions[cases[p.identifier].pk],
                    position=start + i,
                    status=STATUS[p.status],
                    notes=p.notes,
                    duration_ms=p.duration_ms,
                    executed_by=actor,
                    executed_at=now,
                )
                for i, p in enumerate(chunk)
            ),
            batch_size=1000,
        )
        step(start + len(chunk))
    return run


def junit_check(*, actor, release: Release, build: str, environment: str = "", name: str = "",
                run: TestRun | None = None) -> dict:  # fmt: skip
    """What can be checked before the report is read: who sends it, for which release and run,
    on which build. Returns the cleaned ``build``, ``environment`` and ``name``."""
    require_editor(actor)
    _check_release(release)
    fields = {
        "build": text(build, "build", 120, required=True),
        "environment": text(environment, "environment", 120),
        "name": text(name, "name", 200),
    }
    if run is not None and run.release_id != release.pk:
        raise DomainError(_("This run belongs to another release."), field="run")
    if run is not None and run.status != RunStatus.OPEN:
        raise DomainError(_("This run is closed."), field="run")
    return fields


@transaction.atomic
def junit_import(
    *,
    actor,
    release: Release,
    build: str,
    data: bytes | str,
    environment: str = "",
    name: str = "",
    run: TestRun | None = None,
    progress: Progress | None = None,
) -> TestRun:
    """Record a JUnit report as a run of ``release`` on ``build``: tests map to cases by
    automated-test identifier, unknown ones become cases of the "Automated" suite. With
    ``run``, the report fills that open run instead, and may only hold its tests. Nothing is
    written when anything is refused. ``progress`` is told how far the writing has got."""
    fields = junit_check(actor=actor, release=release, build=build, environment=environment,
                         name=name, run=run)  # fmt: skip
    parsed = junit.parse(data)
    product = release.product
    cases = _existing_cases(product, [p.identifier for p in parsed])
    new = [p for p in parsed if p.identifier not in cases] if run is None else []
    total = len(new) + len(parsed)
    report = progress or (lambda done, total: None)
    report(0, total)
    if run is not None:
        _into_existing(run, parsed, cases, actor, lambda n: report(n, total))
        created = []
    else:
        created = _create_cases(
            actor=actor, product=product, parsed=new, step=lambda n: report(n, total)
        )
        cases.update({c.automation_id: c for c in created})
        run = _new_run(actor=actor, release=release, parsed=parsed, cases=cases,
                       step=lambda n: report(len(new) + n, total), **fields)  # fmt: skip
    counts = {s: sum(1 for p in parsed if p.status == s) for s in STATUS}
    activity.record(
        actor=actor,
        verb="imported",
        target=run,
        scope=scope_of(product),
        release=release.pk,
        build=fields["build"],
        tests=len(parsed),
        created_cases=len(created),
        **counts,
    )
    return run


# Reports too large for a request ----------------------------------------------------------


def junit_job_create(
    *,
    actor,
    release: Release,
    build: str,
    data: bytes,
    environment: str = "",
    name: str = "",
    run: TestRun | None = None,
) -> JunitImport:
    """Accept a report for a background job: what can be checked without reading it is
    checked now (a refusal is a 422 and keeps nothing); the job reads it and records it all
    or nothing, or fails saying why. The job starts once this transaction commits."""
    fields = junit_check(actor=actor, release=release, build=build, environment=environment,
                         name=name, run=run)  # fmt: skip
    junit.check_size(data)
    job = JunitImport(release=release, run=run, size=len(data), created_by=actor, **fields)
    job.file.save("report.xml", ContentFile(data), save=False)
    job.save()
    transaction.on_commit(lambda: background.later("wavelength.quality.junit_import", job.pk))
    return job


def junit_job_run(*, job_id: int) -> JunitImport:
    """Record a queued report. The job's row is locked and its status changed in the same
    transaction as the results, so a worker stopped half-way leaves it queued with nothing
    written, and the job delivered again records it once; a job already done is left."""
    name = JunitImport(pk=job_id).progress_name

    def publish(done: int, total: int) -> None:
        job.processed, job.total = done, total
        progress_file.publish(name, {"processed": done, "total": total})

    try:
        with transaction.atomic():
            job = JunitImport.objects.select_for_update().get(pk=job_id)
            if job.status != ImportStatus.QUEUED:
                return job
            publish(0, 0)
            with job.file.open("rb") as report:
                data = report.read()
            job.run = junit_import(
                actor=job.created_by,
                release=Release.objects.select_related("product").get(pk=job.release_id),
                build=job.build,
                environment=job.environment,
                name=job.name,
                run=job.run,
                data=data,
                progress=publish,
            )
            job.status = ImportStatus.DONE
            _finish(job)
    except (DomainError, PermissionDenied) as exc:
        job = JunitImport.objects.get(pk=job_id)
        job.status = ImportStatus.FAILED
        job.errors = getattr(exc, "errors", None) or {"": str(exc) or _("Permission denied.")}
        _finish(job)
    finally:
        progress_file.clear(name)
    return job


def _finish(job: JunitImport) -> None:
    """A finished job keeps its counts and its outcome, not the report."""
    job.finished_at = clock.now()
    job.file.delete(save=False)
    job.save()
