"""What quality adds to a release's ship confirmation (``catalog/shipping.py``): the planned
cases no run executed, the open defects by severity and the inspections not signed off,
whether or not the product's gate asks for them, so whoever ships sees them first."""

from django.db.models import Case, Count, Q, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.catalog.shipping import SummaryPart, register_ship_summary

from .gate import SHOWN, _more, gate_of, untested_cases
from .models import (
    OPEN_DEFECT_STATUSES,
    SEVERITY_RANK,
    Defect,
    Inspection,
    InspectionStatus,
    Severity,
    pk_url,
)


def untested(*, release) -> SummaryPart:
    items, count, planned = untested_cases(release)
    if not planned:
        detail = _("No test run of this release plans any case yet.")
    else:
        detail = _("%(n)d of %(total)d planned cases not executed in any run.") % {
            "n": count,
            "total": planned,
        }
    return SummaryPart(count=count, detail=detail, items=items)


def open_defects(*, release) -> SummaryPart:
    defects = Defect.objects.filter(
        Q(release_id=release.pk) | Q(features__releases=release.pk),
        status__in=OPEN_DEFECT_STATUSES,
    )
    ids = defects.values("pk")
    by_severity = dict(
        Defect.objects.filter(pk__in=ids)
        .values_list("severity")
        .annotate(n=Count("pk"))
        .values_list("severity", "n")
    )
    severities = sorted(by_severity, key=lambda s: -SEVERITY_RANK[Severity(s)])
    counts = [(Severity(s).label, by_severity[s]) for s in severities]
    total = sum(by_severity.values())
    url = pk_url("quality:defect-detail")
    rank = Case(*(When(severity=s, then=r) for s, r in SEVERITY_RANK.items()), default=0)
    first = (
        Defect.objects.filter(pk__in=ids)
        .only("pk", "title", "severity")
        .order_by(rank.desc(), "-pk")[:SHOWN]
    )
    items = [(f"{d.key} {d.title} ({d.get_severity_display()})", url(d.pk)) for d in first]
    detail = _("No open defect.") if not total else ""
    return SummaryPart(count=total, detail=detail, items=_more(items, total), counts=counts)


def inspections_not_signed(*, release) -> SummaryPart | None:
    gate = gate_of(release)
    required = list(gate.required_checklists.filter(archived=False)) if gate else []
    started = {
        i.checklist_id: i
        for i in Inspection.objects.filter(release_id=release.pk).select_related("checklist")
    }
    base = reverse("quality:release-inspections", args=[release.pk])
    items = []
    for inspection in started.values():
        if inspection.status != InspectionStatus.SIGNED:
            label = _("%(checklist)s: in progress") % {"checklist": inspection.checklist.name}
            items.append((label, f"{base}#checklist-{inspection.checklist_id}"))
    for checklist in required:
        if checklist.pk not in started:
            label = _("%(checklist)s: not started (required)") % {"checklist": checklist.name}
            items.append((label, f"{base}#checklist-{checklist.pk}"))
    if not items and not started and not required:
        return None
    signed = sum(1 for i in started.values() if i.status == InspectionStatus.SIGNED)
    detail = _("%(n)d signed off.") % {"n": signed}
    return SummaryPart(count=len(items), detail=detail, items=items)


def register() -> None:
    register_ship_summary(
        "quality.untested",
        title=gettext_lazy("Untested planned cases"),
        summarise=untested,
        order=10,
    )
    register_ship_summary(
        "quality.defects",
        title=gettext_lazy("Open defects by severity"),
        summarise=open_defects,
        order=20,
    )
    register_ship_summary(
        "quality.inspections",
        title=gettext_lazy("Inspections not signed off"),
        summarise=inspections_not_signed,
        order=30,
    )
