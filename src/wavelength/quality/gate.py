"""The release-readiness gate's quality criteria, registered with ``catalog/gates.py``.

A product's :class:`~wavelength.quality.models.ReleaseGate` says which criteria apply to its
releases; one left unset answers ``None`` and is not part of the gate. Each criterion reads in
a fixed number of queries whatever the size of the release, and its ``detail`` says what was
measured, so the verdict frozen into the release's history when it ships keeps its evidence.

- **Pass rate**: the latest judged result of each case across the release's runs (skipped and
  untested ones left out, as in a run's pass rate) must reach the minimum.
- **Open defects**: no unresolved defect at or above the severity, found in the release or
  concerning a feature it ships.
- **Inspections**: every required checklist signed off for the release.
- **Coverage**: every feature the release ships covered by at least one active test case.
- **Every planned case executed**: no case of the release's runs is left untested in all of
  them (the pass rate leaves untested cases out, so without this criterion a run with a third
  of its cases never tried can pass).

The pass rate, the blocking defects and the coverage are each one SQL statement (``_SQL``):
the first rows of what is missing, each carrying the totals through window functions. The
gate is read on every poll of an open release page, and the ORM took longer to compile these
correlated, windowed reads (about a millisecond each) than the database took to run them.
They are plain SQL that SQLite and PostgreSQL both run, with the table names from the models.
"""

import functools

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.catalog.gates import GateResult, register_release_gate
from wavelength.catalog.models import Feature, Release

from .models import (
    OPEN_DEFECT_STATUSES,
    SEVERITY_RANK,
    Defect,
    Inspection,
    InspectionStatus,
    ReleaseGate,
    ResultStatus,
    Severity,
    TestCase,
    TestResult,
    TestRun,
    pk_url,
)

# How many missing things a criterion names (the rest are counted).
SHOWN = 10
NOT_PASSED = (ResultStatus.FAILED, ResultStatus.BLOCKED, ResultStatus.RETEST)


def gate_of(release) -> ReleaseGate | None:
    """The release's product gate, read once per release object (every criterion asks)."""
    if not hasattr(release, "_quality_gate"):
        release._quality_gate = ReleaseGate.objects.filter(product_id=release.product_id).first()
    return release._quality_gate


def _more(missing: list, total: int) -> list:
    """``missing`` capped at :data:`SHOWN`, with a last entry counting the others."""
    if total > len(missing):
        missing.append((_("and %(n)d more") % {"n": total - len(missing)}, ""))
    return missing


JUDGED_OUT = (ResultStatus.UNTESTED, ResultStatus.SKIPPED)

_SQL = {
    # The latest judged result of each case across the release's runs, the failing first.
    "pass_rate": """
        SELECT r.id, r.status, r.case_id, c.title, {failed}, COUNT(*) OVER (),
               SUM(1 - {failed}) OVER ()
        FROM {result} r JOIN {run} u ON u.id = r.run_id JOIN {case} c ON c.id = r.case_id
        WHERE u.release_id = %(release)s AND r.status NOT IN %(out)s AND r.id = (
            SELECT r2.id FROM {result} r2 JOIN {run} u2 ON u2.id = r2.run_id
            WHERE u2.release_id = %(release)s AND r2.case_id = r.case_id
              AND r2.status NOT IN %(out)s
            ORDER BY r2.executed_at DESC, r2.id DESC LIMIT 1)
        ORDER BY 5 DESC, r.case_id LIMIT %(limit)s""",
    # Unresolved defects at or above a severity, found in the release or about its features.
    "defects": """
        SELECT d.id, d.title, d.severity, COUNT(*) OVER () FROM {defect} d
        WHERE d.status IN %(open)s AND d.severity IN %(severities)s AND (
            d.release_id = %(release)s OR d.id IN (
                SELECT df.defect_id FROM {defect_features} df
                JOIN {release_features} rf ON rf.feature_id = df.feature_id
                WHERE rf.release_id = %(release)s))
        ORDER BY d.created_at DESC, d.id DESC LIMIT %(limit)s""",
    # The cases of the release's runs that none of them executed (every result untested),
    # each with its latest result, and how many there are in all.
    "untested": """
        SELECT MAX(r.id), r.case_id, c.title, COUNT(*) OVER () FROM {result} r
        JOIN {run} u ON u.id = r.run_id JOIN {case} c ON c.id = r.case_id
        WHERE u.release_id = %(release)s
        GROUP BY r.case_id, c.title
        HAVING SUM(CASE WHEN r.status = %(untested)s THEN 0 ELSE 1 END) = 0
        ORDER BY c.title, r.case_id LIMIT %(limit)s""",
    # The release's features, those no active case covers first.
    "coverage": """
        SELECT f.id, f.title, {gap}, COUNT(*) OVER (), SUM({gap}) OVER ()
        FROM {feature} f JOIN {release_features} rf ON rf.feature_id = f.id
        WHERE rf.release_id = %(release)s
        ORDER BY 3 DESC, f.title, f.id LIMIT %(limit)s""",
}


@functools.cache
def _statement(name: str) -> str:
    """``name``'s SQL with the models' table names (the same for the life of the process)."""
    q = connection.ops.quote_name
    tables = {
        "result": q(TestResult._meta.db_table),
        "run": q(TestRun._meta.db_table),
        "case": q(TestCase._meta.db_table),
        "defect": q(Defect._meta.db_table),
        "defect_features": q(Defect.features.through._meta.db_table),
        "release_features": q(Release.features.through._meta.db_table),
        "feature": q(Feature._meta.db_table),
        "case_features": q(TestCase.features.through._meta.db_table),
    }
    tables["failed"] = "(CASE WHEN r.status = %(passed)s THEN 0 ELSE 1 END)"
    tables["gap"] = (
        "(CASE WHEN EXISTS (SELECT 1 FROM {case_features} cf JOIN {case} c2 "
        "ON c2.id = cf.testcase_id WHERE cf.feature_id = f.id AND c2.archived = %(no)s) "
        "THEN 0 ELSE 1 END)"
    ).format(**tables)
    return _SQL[name].format(**tables)


def _rows(name: str, **params) -> list[tuple]:
    """Run ``name`` with ``params``; a tuple becomes one placeholder per value (``IN``)."""
    sql, values = _statement(name), {"limit": SHOWN}
    for key, value in params.items():
        if isinstance(value, tuple):
            names = [f"{key}_{n}" for n in range(len(value))]
            sql = sql.replace(f"%({key})s", "(" + ", ".join(f"%({n})s" for n in names) + ")")
            values.update(zip(names, value, strict=True))
        else:
            values[key] = value
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchall()


def pass_rate(*, release) -> GateResult | None:
    gate = gate_of(release)
    if gate is None or gate.min_pass_rate is None:
        return None
    # One query: the failing results first, each row carrying the totals of all of them.
    rows = _rows("pass_rate", release=release.pk, out=JUDGED_OUT, passed=ResultStatus.PASSED.value)
    total, passed = (rows[0][5], rows[0][6]) if rows else (0, 0)
    minimum = gate.min_pass_rate
    if not total:
        url = reverse("quality:runs", args=[release.product.slug])
        return GateResult(
            ok=False,
            detail=_("No test result is recorded for this release yet (minimum %(min)d %%).")
            % {"min": minimum},
            missing=[(_("Test runs of %(product)s") % {"product": release.product.name}, url)],
        )
    rate = round(100 * passed / total, 1)
    ok = rate >= minimum
    detail = _(
        "%(rate)s %% of the latest results passed: %(passed)d of %(total)d (minimum %(min)d %%)."
    ) % {"rate": f"{rate:g}", "passed": passed, "total": total, "min": minimum}
    missing = []
    if not ok:
        url = pk_url("quality:result-detail")
        for pk, status, case_id, title, is_failed, _total, _passed in rows:
            if is_failed:
                label = f"{TestCase(pk=case_id).key} {title}: {ResultStatus(status).label}"
                missing.append((label, url(pk)))
        missing = _more(missing, total - passed)
    return GateResult(ok=ok, detail=detail, missing=missing)


def open_defects(*, release) -> GateResult | None:
    gate = gate_of(release)
    if gate is None or not gate.blocking_severity:
        return None
    severity = Severity(gate.blocking_severity)
    # One query: the first ones with, on each row, how many there are in all.
    rank = SEVERITY_RANK[severity]
    rows = _rows(
        "defects",
        release=release.pk,
        open=tuple(OPEN_DEFECT_STATUSES),
        severities=tuple(s for s, r in SEVERITY_RANK.items() if r >= rank),
    )
    total = rows[0][3] if rows else 0
    rows.sort(key=lambda row: -SEVERITY_RANK[Severity(row[2])])
    url = pk_url("quality:defect-detail")
    missing = [
        (f"{Defect(pk=pk).key} {title} ({Severity(sev).label})", url(pk))
        for pk, title, sev, _total in rows
    ]
    if total:
        detail = _("%(n)d open defects at or above “%(severity)s”.") % {
            "n": total,
            "severity": severity.label,
        }
    else:
        detail = _("No open defect at or above “%(severity)s”.") % {"severity": severity.label}
    return GateResult(ok=not total, detail=detail, missing=_more(missing, total))


def inspections_signed(*, release) -> GateResult | None:
    gate = gate_of(release)
    if gate is None:
        return None
    required = list(gate.required_checklists.filter(archived=False).order_by("name"))
    if not required:
        return None
    found = {
        i.checklist_id: i
        for i in Inspection.objects.filter(release=release, checklist__in=required).select_related(
            "signed_by", "checklist_version"
        )
    }
    base = reverse("quality:release-inspections", args=[release.pk])
    missing, signed = [], []
    for checklist in required:
        inspection = found.get(checklist.pk)
        if inspection is not None and inspection.status == InspectionStatus.SIGNED:
            signed.append(
                _("%(checklist)s v%(version)d signed by %(person)s")
                % {
                    "checklist": checklist.name,
                    "version": inspection.checklist_version.number,
                    "person": inspection.signed_by or _("someone"),
                }
            )
            continue
        state = _("in progress") if inspection is not None else _("not started")
        missing.append((f"{checklist.name}: {state}", f"{base}#checklist-{checklist.pk}"))
    detail = _("%(done)d of %(total)d required inspections signed off.") % {
        "done": len(signed),
        "total": len(required),
    }
    if signed:
        detail += " " + "; ".join(signed) + "."
    return GateResult(ok=not missing, detail=detail, missing=missing)


def coverage(*, release) -> GateResult | None:
    gate = gate_of(release)
    if gate is None or not gate.require_coverage:
        return None
    # One query: the features no active case covers first (by title), each row carrying how
    # many features the release ships and how many of them are uncovered.
    rows = _rows("coverage", release=release.pk, no=False)
    total, count = (rows[0][3], rows[0][4]) if rows else (0, 0)
    new_case = reverse("quality:case-create", args=[release.product.slug])
    missing = [(title, f"{new_case}?feature={pk}") for pk, title, gap, *_n in rows if gap]
    detail = _("%(covered)d of %(total)d features covered by a test case.") % {
        "covered": total - count,
        "total": total,
    }
    return GateResult(ok=not count, detail=detail, missing=_more(missing, count))


def untested_cases(release) -> tuple[list[tuple[str, str]], int, int]:
    """The release's planned cases that none of its runs executed: the first of them as
    (label, url), how many there are, and how many cases its runs plan in all."""
    rows = _rows("untested", release=release.pk, untested=ResultStatus.UNTESTED.value)
    untested = rows[0][3] if rows else 0
    planned = (
        TestResult.objects.filter(run__release_id=release.pk).values("case_id").distinct().count()
    )
    url = pk_url("quality:result-detail")
    missing = [(f"{TestCase(pk=case_id).key} {title}", url(pk)) for pk, case_id, title, _n in rows]
    return _more(missing, untested), untested, planned


def all_executed(*, release) -> GateResult | None:
    gate = gate_of(release)
    if gate is None or not gate.require_all_executed:
        return None
    missing, untested, planned = untested_cases(release)
    if not planned:
        url = reverse("quality:runs", args=[release.product.slug])
        return GateResult(
            ok=False,
            detail=_("No test run of this release plans any case yet."),
            missing=[(_("Test runs of %(product)s") % {"product": release.product.name}, url)],
        )
    detail = _("%(done)d of %(total)d planned cases executed.") % {
        "done": planned - untested,
        "total": planned,
    }
    return GateResult(ok=not untested, detail=detail, missing=missing)


def register() -> None:
    register_release_gate(
        "quality.pass_rate",
        label=gettext_lazy("Minimum pass rate"),
        evaluate=pass_rate,
        order=10,
    )
    register_release_gate(
        "quality.open_defects",
        label=gettext_lazy("No blocking open defect"),
        evaluate=open_defects,
        order=20,
    )
    register_release_gate(
        "quality.inspections",
        label=gettext_lazy("Required inspections signed off"),
        evaluate=inspections_signed,
        order=30,
    )
    register_release_gate(
        "quality.all_executed",
        label=gettext_lazy("Every planned case executed"),
        evaluate=all_executed,
        order=15,
    )
    register_release_gate(
        "quality.coverage",
        label=gettext_lazy("Every feature covered by a test case"),
        evaluate=coverage,
        order=50,
    )
