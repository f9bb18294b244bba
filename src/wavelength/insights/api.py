"""Insights API: the decision dashboard's figures and the rows behind each, saved views, the
weekly report's subscription and the reports, and the trace of a feature.

Every GET of an editable object (a saved view, one's subscription) answers its ETag; a PATCH,
PUT or DELETE with a stale If-Match answers 412 and changes nothing. Permissions are the
selectors' and services' own: a figure counts only what the caller may see.
"""

from django.conf import settings
from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from wavelength.accounts.models import Team
from wavelength.catalog.models import Product
from wavelength.core.api import Pagination, References
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, IfMatch, set_etag

from . import lists, selectors, services, trace
from .schemas import (
    DashboardFilterIn,
    DashboardOut,
    FigureOut,
    RowOut,
    SavedViewIn,
    SavedViewOut,
    SavedViewPatch,
    SubscriptionIn,
    SubscriptionOut,
    WeeklyReportOut,
)
from .scopes import DashboardFilter

router = Router(tags=["insights"])


def _filters(values: DashboardFilterIn) -> DashboardFilter:
    return DashboardFilter(product=values.product, team=values.team, period=values.period)


def _figure_out(fig) -> dict:
    data = fig.chart
    # A stacked chart with no series (nothing in the period) has an empty list of datasets.
    datasets = (
        data["datasets"]
        if "datasets" in data
        else [{"key": "", "label": data.get("label", ""), "values": data["values"]}]
    )
    return {
        "key": fig.key, "title": str(fig.title),
        "chart": {"type": data["type"], "labels": data["labels"], "datasets": datasets},
        "counters": [{"label": str(c.label), "value": c.value, "list": c.list,
                      "params": c.params} for c in fig.counters],
    }  # fmt: skip


@router.get("/insights/dashboard", response={200: DashboardOut, **ERRORS},
            url_name="insights-dashboard")  # fmt: skip
def dashboard(request, filters: Query[DashboardFilterIn]):
    """Every figure of the decision dashboard: its chart's data and its counters, each naming
    the list whose rows it counts."""
    f = _filters(filters)
    board = selectors.dashboard(user=request.auth, filters=f)
    return {"since": f.since, "until": f.until, "filters": f.as_dict(),
            "figures": [_figure_out(fig) for fig in board.figures]}  # fmt: skip


@router.get("/insights/figures/{key}", response={200: FigureOut, **ERRORS},
            url_name="insights-figure")  # fmt: skip
def figure(request, key: str, filters: Query[DashboardFilterIn]):
    """One figure of the dashboard."""
    from django.http import Http404

    if key not in selectors.FIGURES:
        raise Http404
    return _figure_out(selectors.figure(key, _filters(filters), user=request.auth))


@router.get("/insights/lists/{key}", response={200: list[RowOut], **ERRORS},
            url_name="insights-list")  # fmt: skip
@paginate(Pagination)
def figure_list(request, key: str, filters: Query[DashboardFilterIn]):
    """The rows a counter counts (``source``, ``sentiment``, ``segment``, ``severity`` or
    ``state`` narrow them as the counter's ``params`` say)."""
    params = lists.list_params(key, request.GET)
    qs = lists.figure_rows(user=request.auth, key=key, filters=_filters(filters), params=params)
    return _Rows(qs, lists.LISTS[key].row)


class _Rows:
    """A queryset whose slices are mapped to rows (pagination counts and slices it)."""

    def __init__(self, qs, row):
        self.qs, self.row = qs, row

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return [self.row(obj) for obj in self.qs[item]]


# Saved views ------------------------------------------------------------------------------


def _team(refs: References, key):
    return refs.get(Team.objects.all(), key, field="team", alt="slug")


@router.get("/insights/views", response={200: list[SavedViewOut], **ERRORS},
            url_name="insights-views")  # fmt: skip
@paginate(Pagination)
def view_list(request):
    """The caller's views and those shared with a team of theirs."""
    return selectors.saved_view_list(user=request.auth)


@router.post("/insights/views", response={201: SavedViewOut, **ERRORS},
             url_name="insights-view-create")  # fmt: skip
def view_create(request, payload: SavedViewIn, response: HttpResponse):
    refs = References()
    team = _team(refs, payload.team)
    refs.check()
    view = services.saved_view_create(actor=request.auth, name=payload.name, page=payload.page,
                                      filters=payload.filters, team=team)  # fmt: skip
    set_etag(response, view)
    return Status(201, view)


@router.get("/insights/views/{view_id}", response={200: SavedViewOut, **ERRORS},
            url_name="insights-view")  # fmt: skip
def view_get(request, view_id: int, response: HttpResponse):
    view = selectors.saved_view_get_for_user(user=request.auth, pk=view_id)
    set_etag(response, view)
    return view


@router.patch("/insights/views/{view_id}", response={200: SavedViewOut, **VERSIONED_ERRORS},
              url_name="insights-view-update")  # fmt: skip
def view_update(request, view_id: int, payload: SavedViewPatch, response: HttpResponse,
                if_match: IfMatch = None):  # fmt: skip
    """Change a view (its owner); only the fields sent change. ``team: null`` stops sharing."""
    view = selectors.saved_view_get_for_user(user=request.auth, pk=view_id)
    values = payload.dict(exclude_unset=True)
    refs = References()
    if "team" in values:
        values["team"] = _team(refs, values["team"])
    refs.check()
    view = services.saved_view_update(actor=request.auth, view=view, if_version=if_match,
                                      **values)  # fmt: skip
    set_etag(response, view)
    return view


@router.delete("/insights/views/{view_id}", response={204: None, **VERSIONED_ERRORS},
               url_name="insights-view-delete")  # fmt: skip
def view_delete(request, view_id: int, if_match: IfMatch = None):
    view = selectors.saved_view_get_for_user(user=request.auth, pk=view_id)
    services.saved_view_delete(actor=request.auth, view=view, if_version=if_match)
    return Status(204, None)


# Weekly reports ---------------------------------------------------------------------------


@router.get("/insights/subscription", response={200: SubscriptionOut, **ERRORS},
            url_name="insights-subscription")  # fmt: skip
def subscription_get(request, response: HttpResponse):
    """The caller's weekly report subscription (inactive when never set)."""
    sub = services.subscription_of(request.auth)
    set_etag(response, sub)
    return sub


@router.put("/insights/subscription", response={200: SubscriptionOut, **VERSIONED_ERRORS},
            url_name="insights-subscription-set")  # fmt: skip
def subscription_set(request, payload: SubscriptionIn, response: HttpResponse,
                     if_match: IfMatch = None):  # fmt: skip
    services.subscription_of(request.auth)  # signed-in members only
    refs = References()
    product = refs.get(Product.objects.all(), payload.product, field="product", alt="slug")
    team = _team(refs, payload.team)
    refs.check()
    sub = services.subscription_set(actor=request.auth, active=payload.active, product=product,
                                    team=team, if_version=if_match)  # fmt: skip
    set_etag(response, sub)
    return sub


@router.get("/insights/reports", response={200: list[WeeklyReportOut], **ERRORS},
            url_name="insights-reports")  # fmt: skip
@paginate(Pagination)
def report_list(request):
    """The caller's weekly reports, newest first."""
    return selectors.report_list(user=request.auth)


@router.get("/insights/reports/{report_id}", response={200: WeeklyReportOut, **ERRORS},
            url_name="insights-report")  # fmt: skip
def report_get(request, report_id: int):
    return selectors.report_get_for_user(user=request.auth, pk=report_id)


# The feature trace ------------------------------------------------------------------------


@router.get("/insights/features/{feature_id}/trace", response={200: dict, **ERRORS},
            url_name="insights-feature-trace")  # fmt: skip
def feature_trace(request, feature_id: int):
    """The trace of a feature: evidence, decisions, releases with their gate verdicts, tests,
    defects, pages, training, customers told and the measured outcome (as the caller may see
    them). ``format=markdown`` answers the Markdown report instead."""
    found = trace.feature_trace(user=request.auth, pk=feature_id)
    if request.GET.get("format") == "markdown":
        text = trace.trace_markdown(found, site=settings.SITE_URL)
        return HttpResponse(text, content_type="text/markdown; charset=utf-8")
    return trace.trace_json(found)


@router.get("/insights/features/{feature_id}/trace.pdf", response={200: None, **ERRORS},
            url_name="insights-feature-trace-pdf")  # fmt: skip
def feature_trace_pdf(request, feature_id: int):
    """The trace of a feature as a PDF document (the Markdown report, laid out on A4)."""
    found = trace.feature_trace(user=request.auth, pk=feature_id)
    response = HttpResponse(trace.trace_pdf(found, site=settings.SITE_URL),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="trace-{found.feature.pk}.pdf"'
    return response
