"""Results from CI: a JUnit report becomes a run of the release, all of it or nothing."""

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Release
from wavelength.core import activity, clock
from wavelength.core.exceptions import DomainError

from .. import junit
from ..models import (
    CaseVersion,
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


def _create_cases(*, actor, product, parsed: list[junit.ParsedCase]) -> list[TestCase]:
    """The report's unknown tests as cases of the "Automated" suite, each with version 1."""
    if not parsed:
        return []
    suite = suite_for_automation(product=product)
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


def _into_existing(run: TestRun, parsed, cases: dict[str, TestCase], actor) -> None:
    """Record the report into an open run; a test outside the run refuses the whole report."""
    if run.status != RunStatus.OPEN:
        raise DomainError(_("This run is closed."), field="run")
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
    changed = []
    for p in parsed:
        result = results[cases[p.identifier].pk]
        result.status, result.notes = STATUS[p.status], p.notes
        result.duration_ms, result.executed_by, result.executed_at = p.duration_ms, actor, now
        changed.append(result)
    TestResult.objects.bulk_update(
        changed, ["status", "notes", "duration_ms", "executed_by", "executed_at"], batch_size=1000
    )


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
) -> TestRun:
    """Record a JUnit report as a run of ``release`` on ``build``: tests map to cases by
    automated-test identifier, unknown ones become cases of the "Automated" suite. With
    ``run``, the report fills that open run instead, and may only hold its tests. Nothing is
    written when anything is refused."""
    require_editor(actor)
    _check_release(release)
    build = text(build, "build", 120, required=True)
    environment = text(environment, "environment", 120)
    if run is not None and run.release_id != release.pk:
        raise DomainError(_("This run belongs to another release."), field="run")
    parsed = junit.parse(data)
    product = release.product
    cases = _existing_cases(product, [p.identifier for p in parsed])
    if run is not None:
        _into_existing(run, parsed, cases, actor)
        created = []
    else:
        created = _create_cases(
            actor=actor, product=product, parsed=[p for p in parsed if p.identifier not in cases]
        )
        cases.update({c.automation_id: c for c in created})
        run = TestRun.objects.create(
            product=product,
            release=release,
            name=text(name, "name", 200) or _("CI · %(build)s") % {"build": build},
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
        TestResult.objects.bulk_create(
            (
                TestResult(
                    run=run,
                    case_id=cases[p.identifier].pk,
                    case_version_id=versions[cases[p.identifier].pk],
                    position=i,
                    status=STATUS[p.status],
                    notes=p.notes,
                    duration_ms=p.duration_ms,
                    executed_by=actor,
                    executed_at=now,
                )
                for i, p in enumerate(parsed)
            ),
            batch_size=1000,
        )
    counts = {s: sum(1 for p in parsed if p.status == s) for s in STATUS}
    activity.record(
        actor=actor,
        verb="imported",
        target=run,
        scope=scope_of(product),
        release=release.pk,
        build=build,
        tests=len(parsed),
        created_cases=len(created),
        **counts,
    )
    return run
