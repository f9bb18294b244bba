"""The lists behind the dashboard's figures: each pages through the queryset its figure
counts (``scopes.py``), so a number and its list always agree."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.permissions import require_member
from wavelength.catalog.models import Release
from wavelength.feedback.models import Segment, Sentiment, Source
from wavelength.quality.models import ResultStatus, Severity

from . import scopes
from .scopes import DashboardFilter
from .selectors import NO_VALUE, gate_failures


@dataclass(frozen=True)
class Row:
    title: str
    url: str
    detail: str
    when: object = None  # a date or date-time, shown with the project's date filters


@dataclass(frozen=True)
class FigureList:
    key: str
    title: object
    rows: object  # (filters, user, params) -> QuerySet
    row: object  # (object) -> Row
    params: dict  # accepted parameter -> its allowed values


def _choice(value, choices) -> str:
    return str(dict(choices).get(value, value or ""))


def _feedback(f, user, p) -> QuerySet:
    qs = scopes.feedback(f).select_related("company")
    if "source" in p:
        qs = qs.filter(source="" if p["source"] == NO_VALUE else p["source"])
    if "sentiment" in p:
        qs = qs.filter(sentiment="" if p["sentiment"] == NO_VALUE else p["sentiment"])
    if "segment" in p:
        if p["segment"] == NO_VALUE:
            qs = qs.filter(Q(company__isnull=True) | Q(company__segment=""))
        else:
            qs = qs.filter(company__segment=p["segment"])
    return qs.order_by("-received_at", "-pk")


def _feedback_row(fb) -> Row:
    detail = " · ".join(x for x in [fb.company.name if fb.company_id else "",
                                    _choice(fb.source, Source.choices),
                                    _choice(fb.sentiment, Sentiment.choices)] if x)  # fmt: skip
    return Row(fb.display_title, fb.get_absolute_url(), detail, fb.received_at)


def _release_row(release) -> Row:
    detail = str(release.get_status_display())
    if release.target_date:
        from django.utils.formats import date_format

        detail += " · " + str(_("target %(date)s") % {
            "date": date_format(release.target_date, "DATE_FORMAT")})  # fmt: skip
    return Row(str(release), release.get_absolute_url(), detail,
               release.released_on or release.target_date)  # fmt: skip


def _releases(scope):
    def rows(f, user, p):
        return scope(f).select_related("product").order_by("-released_on", "-target_date", "-pk")

    return rows


def _tested(f, user, p):
    ids = scopes.results(f).exclude(run__release=None).values("run__release_id")
    judged = ~Q(test_runs__results__status__in=[ResultStatus.UNTESTED, ResultStatus.SKIPPED])
    start, end = f.window()
    in_period = Q(
        test_runs__results__executed_at__gte=start, test_runs__results__executed_at__lte=end
    )
    return (
        Release.objects.filter(pk__in=ids).select_related("product")
        .annotate(judged=Count("test_runs__results", filter=judged & in_period),
                  passed=Count("test_runs__results", filter=in_period & Q(
                      test_runs__results__status=ResultStatus.PASSED)))
        .order_by("-pk")
    )  # fmt: skip


def _tested_row(release) -> Row:
    rate = round(100 * release.passed / release.judged) if release.judged else 0
    return Row(str(release), release.get_absolute_url(),
               str(_("%(rate)d %% of %(n)d results passed") % {"rate": rate,
                                                               "n": release.judged}),
               release.released_on or release.target_date)  # fmt: skip


def _gate_failures(f, user, p):
    return Release.objects.filter(pk__in=[g.release.pk for g in gate_failures(f)]).select_related(
        "product").order_by("-released_on", "-pk")  # fmt: skip


def _feature_row(feature) -> Row:
    return Row(feature.title, feature.get_absolute_url(),
               f"{feature.product.name} · {feature.get_stage_display()}",
               feature.stage_entered_at)  # fmt: skip


def _defects(f, user, p):
    qs = scopes.open_defects(f).select_related("product")
    if "severity" in p:
        qs = qs.filter(severity=p["severity"])
    return qs.order_by("-created_at", "-pk")


def _defect_row(defect) -> Row:
    return Row(f"{defect.key} {defect.title}", defect.get_absolute_url(),
               f"{defect.product.name} · {defect.get_severity_display()}",
               defect.created_at)  # fmt: skip


def _step_row(step) -> Row:
    assignee = str(step.assignee or step.assignee_team or "")
    return Row(step.title, step.get_absolute_url(),
               " · ".join(x for x in [step.run.title, assignee] if x), step.due_on)  # fmt: skip


def _run_row(run) -> Row:
    days = (run.completed_at.date() - run.started_on).days
    return Row(run.title, run.get_absolute_url(),
               str(_("%(playbook)s · %(days)d days") % {"playbook": run.playbook.name,
                                                         "days": days}),
               run.completed_at)  # fmt: skip


def _page_row(page) -> Row:
    owner = str(page.owner) if page.owner_id else str(_("no owner"))
    return Row(page.title, page.get_absolute_url(), f"{page.space.name} · {owner}",
               page.review_due_on)  # fmt: skip


def _assignments(f, user, p):
    qs = scopes.assignments(f, user).select_related("course", "user")
    state = p.get("state")
    if state == "done":
        qs = qs.filter(completed_at__isnull=False)
    elif state == "overdue":
        qs = qs.filter(completed_at__isnull=True, due_on__lt=f.until)
    elif state == "open":
        qs = qs.filter(completed_at__isnull=True, due_on__gte=f.until)
    return qs.order_by("due_on", "pk")


def _assignment_row(a) -> Row:
    state = _("completed") if a.completed_at else (_("overdue") if a.is_overdue() else _("open"))
    return Row(f"{a.course.title} · {a.user}", a.course.get_absolute_url(), str(state), a.due_on)


def _response_row(r) -> Row:
    who = r.company.name if r.company_id else str(_("anonymous"))
    url = reverse("research:survey-results", args=[r.survey_id])
    return Row(f"{r.survey.title} · {r.score}", url, who, r.submitted_at)


SEGMENTS = [*Segment.values, NO_VALUE]
LISTS = {
    entry.key: entry
    for entry in [
        FigureList("feedback", _("Feedback received"), _feedback, _feedback_row,
                   {"source": [*Source.values, NO_VALUE],
                    "sentiment": [*Sentiment.values, NO_VALUE], "segment": SEGMENTS}),
        FigureList("reached-ga", _("Features that reached general availability"),
                   lambda f, u, p: scopes.reached_ga(f).select_related("product")
                   .order_by("-stage_entered_at", "-pk"), _feature_row, {}),
        FigureList("releases-on-time", _("Releases shipped on time"),
                   _releases(scopes.shipped_on_time), _release_row, {}),
        FigureList("releases-late", _("Releases shipped late"), _releases(scopes.shipped_late),
                   _release_row, {}),
        FigureList("releases-open-late", _("Releases late and not shipped yet"),
                   _releases(scopes.open_late), _release_row, {}),
        FigureList("tested-releases", _("Releases tested in the period"), _tested, _tested_row,
                   {}),
        FigureList("gate-failures", _("Releases shipped past a failing gate"), _gate_failures,
                   _release_row, {}),
        FigureList("open-defects", _("Open defects"), _defects, _defect_row,
                   {"severity": Severity.values}),
        FigureList("customer-defects", _("Open defects reported by customers"),
                   lambda f, u, p: scopes.customer_reported(_defects(f, u, p)), _defect_row, {}),
        FigureList("overdue-steps", _("Overdue playbook steps"),
                   lambda f, u, p: scopes.overdue_steps(f)
                   .select_related("run", "assignee", "assignee_team")
                   .order_by("due_on", "pk"), _step_row, {}),
        FigureList("completed-runs", _("Playbook runs completed in the period"),
                   lambda f, u, p: scopes.completed_runs(f).select_related("playbook")
                   .order_by("-completed_at", "-pk"), _run_row, {}),
        FigureList("pages", _("Pages"), lambda f, u, p: scopes.pages(f, u)
                   .select_related("space", "owner").order_by("title", "pk"), _page_row, {}),
        FigureList("stale-pages", _("Stale pages"), lambda f, u, p: scopes.stale_pages(f, u)
                   .select_related("space", "owner").order_by("review_due_on", "pk"),
                   _page_row, {}),
        FigureList("unowned-pages", _("Pages without an owner"),
                   lambda f, u, p: scopes.unowned_pages(f, u).select_related("space", "owner")
                   .order_by("title", "pk"), _page_row, {}),
        FigureList("assignments", _("Training assignments"), _assignments, _assignment_row,
                   {"state": ["done", "open", "overdue"]}),
        FigureList("nps-responses", _("NPS responses"), lambda f, u, p: scopes.responses(f, "nps")
                   .select_related("survey", "company").order_by("-submitted_at", "-pk"),
                   _response_row, {}),
        FigureList("csat-responses", _("CSAT responses"),
                   lambda f, u, p: scopes.responses(f, "csat").select_related("survey", "company")
                   .order_by("-submitted_at", "-pk"), _response_row, {}),
    ]
}  # fmt: skip


def list_params(key: str, params) -> dict:
    """The parameters ``key``'s list accepts, from a query string; others are dropped."""
    entry = LISTS.get(key)
    if entry is None:
        raise Http404
    return {name: params.get(name) for name, allowed in entry.params.items()
            if params.get(name) in allowed}  # fmt: skip


def figure_rows(*, user, key: str, filters: DashboardFilter, params: dict) -> QuerySet:
    """The rows behind a figure, as ``user`` may see them."""
    require_member(user)
    entry = LISTS.get(key)
    if entry is None:
        raise Http404
    if not getattr(user, "is_active", False):
        raise PermissionDenied
    return entry.rows(filters, user, params)
