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
"""

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Window
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.catalog.gates import GateResult, register_release_gate

from .models import (
    SEVERITY_RANK,
    Defect,
    Inspection,
    InspectionStatus,
    ReleaseGate,
    ResultStatus,
    Severity,
    TestCase,
    TestResult,
)

# How many missing things a criterion names (the rest are counted).
SHOWN = 10
NOT_PASSED = (ResultStatus.FAILED, ResultStatus.BLOCKED, ResultStatus.RETEST)


def gate_of(release) -> ReleaseGate | None:
    """The release's product gate, read once per release object (every criterion asks)."""
    if not hasattr(release, "_quality_gate"):
        release._quality_gate = (
            ReleaseGate.objects.filter(product_id=release.product_id)
            .prefetch_related("required_checklists")
            .first()
        )
    return release._quality_gate


def _more(missing: list, total: int) -> list:
    """``missing`` capped at :data:`SHOWN`, with a last entry counting the others."""
    if total > len(missing):
        missing.append((_("and %(n)d more") % {"n": total - len(missing)}, ""))
    return missing


def latest_results(release):
    """The newest judged result of each case across the release's runs."""
    judged = TestResult.objects.filter(run__release=release).exclude(
        status__in=[ResultStatus.UNTESTED, ResultStatus.SKIPPED]
    )
    newest = judged.filter(case_id=OuterRef("case_id")).order_by("-executed_at", "-id")
    return judged.filter(pk=Subquery(newest.values("pk")[:1]))


def pass_rate(*, release) -> GateResult | None:
    gate = gate_of(release)
    if gate is None or gate.min_pass_rate is None:
        return None
    latest = latest_results(release)
    counts = dict.fromkeys(("total", "passed"), 0)
    for status, n in latest.values_list("status").annotate(n=Count("id")).order_by():
        counts["total"] += n
        counts["passed"] += n if status == ResultStatus.PASSED else 0
    minimum = gate.min_pass_rate
    if not counts["total"]:
        url = reverse("quality:runs", args=[release.product.slug])
        return GateResult(
            ok=False,
            detail=_("No test result is recorded for this release yet (minimum %(min)d %%).")
            % {"min": minimum},
            missing=[(_("Test runs of %(product)s") % {"product": release.product.name}, url)],
        )
    rate = round(100 * counts["passed"] / counts["total"], 1)
    ok = rate >= minimum
    detail = _(
        "%(rate)s %% of the latest results passed: %(passed)d of %(total)d (minimum %(min)d %%)."
    ) % {"rate": f"{rate:g}", "passed": counts["passed"], "total": counts["total"], "min": minimum}
    missing = []
    if not ok:
        failing = latest.filter(status__in=NOT_PASSED).select_related("case").order_by("case_id")
        for result in failing[:SHOWN]:
            label = f"{result.case.key} {result.case.title}: {ResultStatus(result.status).label}"
            missing.append((label, result.get_absolute_url()))
        missing = _more(missing, counts["total"] - counts["passed"])
    return GateResult(ok=ok, detail=detail, missing=missing)


def blocking_defects(release, severity: str):
    """Unresolved defects at or above ``severity`` found in ``release`` or concerning a
    feature it ships, most severe first."""
    rank = SEVERITY_RANK[Severity(severity)]
    severities = [s for s, r in SEVERITY_RANK.items() if r >= rank]
    concerning = Defect.features.through.objects.filter(feature__releases=release)
    return (
        Defect.objects.unresolved()
        .filter(severity__in=severities)
        .filter(Q(release=release) | Q(pk__in=concerning.values("defect_id")))
        .order_by("-created_at", "-id")
    )


def open_defects(*, release) -> GateResult | None:
    gate = gate_of(release)
    if gate is None or not gate.blocking_severity:
        return None
    severity = Severity(gate.blocking_severity)
    # One query: the first ones with, on each row, how many there are in all.
    defects = list(
        blocking_defects(release, severity).annotate(total=Window(Count("id")))[: SHOWN + 1]
    )
    total = defects[0].total if defects else 0
    defects.sort(key=lambda d: -SEVERITY_RANK[Severity(d.severity)])
    missing = [
        (f"{d.key} {d.title} ({Severity(d.severity).label})", d.get_absolute_url())
        for d in defects[:SHOWN]
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
    required = [c for c in gate.required_checklists.all() if not c.archived] if gate else []
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
    for checklist in sorted(required, key=lambda c: c.name.lower()):
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


def uncovered_features(release):
    """The features ``release`` ships that no active test case covers, by title."""
    covering = TestCase.objects.filter(features=OuterRef("pk"), archived=False)
    return release.features.filter(~Exists(covering)).order_by("title", "id")


def coverage(*, release) -> GateResult | None:
    gate = gate_of(release)
    if gate is None or not gate.require_coverage:
        return None
    total = release.features.count()
    uncovered = list(uncovered_features(release).annotate(others=Window(Count("id")))[: SHOWN + 1])
    count = uncovered[0].others if uncovered else 0
    new_case = reverse("quality:case-create", args=[release.product.slug])
    missing = [(f.title, f"{new_case}?feature={f.pk}") for f in uncovered[:SHOWN]]
    detail = _("%(covered)d of %(total)d features covered by a test case.") % {
        "covered": total - count,
        "total": total,
    }
    return GateResult(ok=not count, detail=detail, missing=_more(missing, count))


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
        "quality.coverage",
        label=gettext_lazy("Every feature covered by a test case"),
        evaluate=coverage,
        order=50,
    )
