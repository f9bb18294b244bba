"""Pages: the decision dashboard, the lists behind its figures and their CSV, saved views,
the weekly reports and their subscription, and the trace of a feature."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wavelength.catalog.views.base import GET_POST, render_page
from wavelength.core.csvexport import csv_response
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import add_domain_error, form_status, submit

from . import lists, selectors, services, trace
from .forms import DashboardSaveForm, SavedViewForm, SubscriptionForm, view_initial
from .models import ViewPage
from .scopes import DashboardFilter

PER_PAGE = 25


def _query(filters: DashboardFilter, **extra) -> str:
    return urlencode({**filters.as_dict(), **extra})


@login_required
@require_GET
def dashboard(request):
    filters = DashboardFilter.from_params(request.GET)
    board = selectors.dashboard(user=request.user, filters=filters)
    save_form = DashboardSaveForm(user=request.user, initial={
        "product": filters.product or "", "filter_team": filters.team or "",
        "period": filters.period})  # fmt: skip
    context = {
        "board": board,
        "filters": filters,
        "query": _query(filters),
        "choices": selectors.filter_choices(user=request.user),
        "save_form": save_form,
        "views": list(selectors.saved_view_list(user=request.user).filter(
            page=ViewPage.DASHBOARD)[:20]),
    }  # fmt: skip
    return render_page(request, "insights/dashboard.html", context,
                       fragments={"dashboard-figures": "insights/_figures.html"})  # fmt: skip


@login_required
@require_GET
def figure_export(request, key):
    """A chart's data as CSV: one row per label, one column per series."""
    if key not in selectors.FIGURES:
        raise Http404
    filters = DashboardFilter.from_params(request.GET)
    fig = selectors.figure(key, filters, user=request.user)
    data = fig.chart
    series = data.get("datasets") or [{"label": data.get("label", ""), "values": data["values"]}]
    header = [_("Label"), *[s["label"] for s in series]]
    rows = [[label, *["" if s["values"][i] is None else s["values"][i] for s in series]]
            for i, label in enumerate(data["labels"])]  # fmt: skip
    return csv_response([header, *rows], f"{key}.csv")


@login_required
@require_GET
def figure_list(request, key):
    filters = DashboardFilter.from_params(request.GET)
    params = lists.list_params(key, request.GET)
    qs = lists.figure_rows(user=request.user, key=key, filters=filters, params=params)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    entry = lists.LISTS[key]
    context = {
        "entry": entry, "page_obj": page, "rows": [entry.row(obj) for obj in page],
        "filters": filters, "query": _query(filters), "params": params,
        "choices": selectors.filter_choices(user=request.user),
    }  # fmt: skip
    return render(request, "insights/figure_list.html", context)


# Saved views ------------------------------------------------------------------------------


@login_required
@require_GET
def view_list(request):
    page = Paginator(selectors.saved_view_list(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "insights/view_list.html", {"page_obj": page})


@login_required
@GET_POST
def view_create(request):
    """A view from a page's address; the dashboard's own "Save this view" posts here too."""
    if request.method == "POST" and "address" not in request.POST:
        return _save_dashboard(request)
    initial = {"address": request.GET.get("address", "")}
    form = SavedViewForm(request.POST or None, user=request.user, initial=initial)

    def create():
        page, filters = services.view_from_address(form.cleaned_data["address"])
        return services.saved_view_create(actor=request.user, name=form.cleaned_data["name"],
                                          page=page, filters=filters,
                                          team=form.cleaned_data["team"])  # fmt: skip

    view = submit(form, create)
    if view:
        messages.success(request, _("View saved."))
        return redirect("insights:view-list")
    return render(request, "insights/view_form.html", {"form": form},
                  status=form_status(form))  # fmt: skip


def _save_dashboard(request):
    form = DashboardSaveForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        filters = {"product": d["product"], "team": d["filter_team"], "period": d["period"]}
        try:
            view = services.saved_view_create(actor=request.user, name=d["name"],
                                              page=ViewPage.DASHBOARD, filters=filters,
                                              team=d["team"])  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return redirect(view.get_absolute_url())
    filters = DashboardFilter.from_params({**request.POST.dict(),
                                           "team": request.POST.get("filter_team")})  # fmt: skip
    board = selectors.dashboard(user=request.user, filters=filters)
    context = {"board": board, "filters": filters, "query": _query(filters),
               "choices": selectors.filter_choices(user=request.user), "save_form": form,
               "views": []}  # fmt: skip
    return render(request, "insights/dashboard.html", context, status=422)


@login_required
@require_GET
def view_open(request, pk):
    view = selectors.saved_view_get_for_user(user=request.user, pk=pk)
    return redirect(view.address())


@login_required
@GET_POST
def view_edit(request, pk):
    view = selectors.saved_view_get_for_user(user=request.user, pk=pk)
    if view.owner_id != request.user.pk and not request.user.is_admin:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the person who saved this view can change it."))
    form = SavedViewForm(request.POST or None, user=request.user, initial=view_initial(view))
    form.versioned(view)

    def save():
        page, filters = services.view_from_address(form.cleaned_data["address"])
        return services.saved_view_update(
            actor=request.user, view=view, name=form.cleaned_data["name"], page=page,
            filters=filters, team=form.cleaned_data["team"], if_version=form.seen_version(),
        )  # fmt: skip

    if submit(form, save):
        messages.success(request, _("View saved."))
        return redirect("insights:view-list")
    return render(request, "insights/view_form.html", {"form": form, "view": view},
                  status=form_status(form))  # fmt: skip


@login_required
@require_POST
def view_delete(request, pk):
    view = selectors.saved_view_get_for_user(user=request.user, pk=pk)
    services.saved_view_delete(actor=request.user, view=view,
                               if_version=request.POST.get("edit_version") or None)  # fmt: skip
    messages.success(request, _("View deleted."))
    return redirect("insights:view-list")


# Weekly reports ---------------------------------------------------------------------------


@login_required
@require_GET
def report_list(request):
    page = Paginator(selectors.report_list(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    subscription = services.subscription_of(request.user)
    return render(request, "insights/report_list.html",
                  {"page_obj": page, "subscription": subscription})  # fmt: skip


@login_required
@require_GET
def report_detail(request, pk):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    return render(request, "insights/report_detail.html", {"report": report})


@login_required
@GET_POST
def report_settings(request):
    sub = services.subscription_of(request.user)
    initial = {"active": sub.active, "product": sub.product_id, "team": sub.team_id}
    form = SubscriptionForm(request.POST or None, initial=initial).versioned(sub)
    saved = submit(form, lambda: services.subscription_set(
        actor=request.user, if_version=form.seen_version(), **form.values()))  # fmt: skip
    if saved:
        messages.success(request, _("Weekly report settings saved."))
        return redirect("insights:report-list")
    return render(request, "insights/report_settings.html", {"form": form},
                  status=form_status(form))  # fmt: skip


# The feature trace ------------------------------------------------------------------------


@login_required
@require_GET
def feature_trace(request, pk):
    return render(request, "insights/trace.html",
                  {"trace": trace.feature_trace(user=request.user, pk=pk)})  # fmt: skip


@login_required
@require_GET
def feature_trace_markdown(request, pk):
    found = trace.feature_trace(user=request.user, pk=pk)
    text = trace.trace_markdown(found, site=settings.SITE_URL)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="trace-{found.feature.pk}.md"'
    return response


@login_required
@require_GET
def feature_trace_pdf(request, pk):
    found = trace.feature_trace(user=request.user, pk=pk)
    pdf = trace.trace_pdf(found, site=settings.SITE_URL)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="trace-{found.feature.pk}.pdf"'
    return response
