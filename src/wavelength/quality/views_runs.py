"""Plan and run pages: a product's plans and runs, a plan with its cases, the run view where
results are recorded from the keyboard, a result's page with its steps and evidence.

The run view's buttons post one result each; htmx swaps the row and, out of band, the
progress bar, so progress and pass rate stay live without reloading the list.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.views.base import GET_POST, paginate, render_page, timeline_page
from wavelength.core import formats, keyset
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit

from . import selectors, services
from .forms import EvidenceForm, PlanForm, ResultForm, RunForm
from .models import Defect, ResultStatus, RunStatus, TestCase, pk_url

RESULTS_PER_PAGE = 100
# The keys of the run view, one per status a tester sets (see quality.js).
STATUS_KEYS = [
    (ResultStatus.PASSED, "p"),
    (ResultStatus.FAILED, "f"),
    (ResultStatus.BLOCKED, "b"),
    (ResultStatus.SKIPPED, "s"),
    (ResultStatus.RETEST, "r"),
]


@login_required
def runs(request, slug):
    """A product's plans and its latest runs, with their progress."""
    product = catalog_selectors.product_get(user=request.user, key=slug)
    plans = selectors.plan_list(user=request.user, product=product)
    run_page = paginate(request, selectors.run_list(user=request.user, product=product), 25)
    summaries = [
        selectors.RunSummary(run=r, progress=p)
        for r, p in zip(run_page.object_list, selectors.progress_of(list(run_page)), strict=True)
    ]
    context = {
        "product": product,
        "plans": plans[:50],
        "page": run_page,
        "summaries": summaries,
        "flaky": selectors.flaky_tests(user=request.user, product=product)[:50],
    }
    return render(request, "quality/runs.html", context)


FAILURES_PER_PAGE = 50


@login_required
def failures(request, slug):
    """The failed results of a product across its runs, newest first, 50 a page: each page
    follows on from the last (``?after=``), so reading far back costs what the first does."""
    product = catalog_selectors.product_get(user=request.user, key=slug)
    build = request.GET.get("build", "").strip()[:120]
    found = selectors.recent_failures(user=request.user, product=product, build=build)
    after, error = request.GET.get("after"), ""
    try:
        page = keyset.page(found, selectors.FAILURE_ORDER, limit=FAILURES_PER_PAGE, after=after)
    except DomainError as exc:  # an altered link: say so above the newest failures
        error = exc.message
        page = keyset.page(found, selectors.FAILURE_ORDER, limit=FAILURES_PER_PAGE, after=None)
    query = {"build": build} if build else {}
    older = page.next and "?" + urlencode({**query, "after": page.next})
    context = {"product": product, "build": build, "page": page, "older": older,
               "first": bool(after) and not error, "error": error}  # fmt: skip
    return render(request, "quality/failures.html", context, status=400 if error else 200)


@login_required
@GET_POST
def plan_create(request, slug):
    require_editor(request.user)
    product = catalog_selectors.product_get(user=request.user, key=slug)
    initial = {"release": request.GET.get("release")}
    form = PlanForm(request.POST or None, product=product, initial=initial)
    plan = submit(form, lambda: services.plan_create(actor=request.user, **form.service_kwargs()))
    if plan:
        messages.success(request, _("Plan “%(name)s” created.") % {"name": plan.name})
        return redirect(plan)
    context = {"form": form, "product": product}
    return render(request, "quality/plan_form.html", context, status=form_status(form))


@login_required
@GET_POST
def plan_edit(request, pk):
    """Change what a plan selects; runs already started keep their cases."""
    require_editor(request.user)
    plan = selectors.plan_get(user=request.user, pk=pk)
    form = PlanForm(
        request.POST or None,
        product=plan.product,
        editing=True,
        initial=PlanForm.initial_for(plan),
    ).versioned(plan)
    saved = submit(
        form,
        lambda: services.plan_update(
            actor=request.user, plan=plan, if_version=form.seen_version(), **form.service_kwargs()
        ),
    )
    if saved:
        messages.success(request, _("Plan saved."))
        return redirect(saved)
    context = {"form": form, "product": plan.product, "plan": plan}
    return render(request, "quality/plan_form.html", context, status=form_status(form))


@login_required
@GET_POST
def plan_detail(request, pk):
    """A plan: what it selects, the cases that makes, its runs and a form to start one."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    form = RunForm(request.POST or None)
    if request.method == "POST":
        require_editor(request.user)
        run = submit(
            form, lambda: services.run_create(actor=request.user, plan=plan, **form.cleaned_data)
        )
        if run:
            messages.success(request, _("Run started: record the results below."))
            return redirect(run)
    runs_ = list(selectors.run_list(user=request.user, plan=plan)[:50])
    context = {
        "plan": plan,
        "product": plan.product,
        "cases": paginate(request, selectors.plan_cases(user=request.user, plan=plan), 50),
        "summaries": [
            selectors.RunSummary(run=r, progress=p)
            for r, p in zip(runs_, selectors.progress_of(runs_), strict=True)
        ],
        "form": form,
        **timeline_page(request, catalog_selectors.history_for(user=request.user, obj=plan)),
    }
    return render_page(
        request,
        "quality/plan_detail.html",
        context,
        fragments={"timeline": "catalog/_timeline.html"},
        status=form_status(form),
    )


def _run_context(request, run) -> dict:
    status = request.GET.get("status") or None
    if status not in ResultStatus.values:
        status = None
    progress = selectors.progress_of([run])[0]
    paginator = Paginator(
        selectors.result_rows(user=request.user, run=run, status=status), RESULTS_PER_PAGE
    )
    # The progress holds the count already: no second COUNT(*) over the run's results.
    paginator.count = progress.counts.get(status, 0) if status else progress.total
    page = paginator.get_page(request.GET.get("page"))
    return {
        "run": run,
        "product": run.product,
        "page": page,
        "rows": result_rows(request, run, page.object_list),
        "progress": progress,
        "status_filter": status,
        "statuses": ResultStatus.choices,
        "error": "",  # set by result_set; a missing variable costs an exception per row
    }


def result_rows(request, run, results) -> list[dict]:
    """The run view's rows (quality/_result_rows.html) from :func:`selectors.result_rows`.
    What every row shares, the labels, the URL patterns and each status's button group, is
    worked out once per page rather than once per row: the view shows 100 results of runs
    that have 10,000, and the per-row work was most of its time."""
    results = list(results)
    user = request.user
    editable = user.can_edit and run.status == RunStatus.OPEN
    defects = selectors.result_defects(user=user, result_ids=[r["id"] for r in results])
    labels = dict(ResultStatus.choices)
    result_url, set_url = pk_url("quality:result-detail"), pk_url("quality:result-set")
    defect_url, from_result = pk_url("quality:defect-detail"), pk_url("quality:defect-from-result")
    buttons: dict[str, str] = {}
    rows = []
    for r in results:
        pk, status = r["id"], r["status"]
        meta = [r["case__suite__name"]]
        if r["case_version__number"] != r["case__version"]:
            meta.append(_("version %(n)s") % {"n": r["case_version__number"]})
        if r["executed_by_id"]:
            meta.append(r["executed_by__name"] or r["executed_by__email"])  # as User.__str__
        if r["duration_ms"] is not None:
            meta.append(formats.duration(r["duration_ms"]))
        if editable and status not in buttons:
            buttons[status] = render_to_string(
                "quality/_result_buttons.html",
                {"status_keys": STATUS_KEYS, "current": status},
                request=request,
            )
        links = [
            {"url": defect_url(d["id"]), "key": Defect.key_of(d["id"]), "severity": d["severity"],
             "title": d["title"]}
            for d in defects.get(pk, ())
        ]  # fmt: skip
        can_open = not links and status == ResultStatus.FAILED and user.can_edit
        rows.append({
            "pk": pk,
            "status": status,
            "status_label": labels[status],
            "url": result_url(pk),
            "key": TestCase.key_of(r["case_id"]),
            "title": r["case_version__title"],
            "meta": " · ".join(meta),
            "defects": links,
            "defect_form": from_result(pk) if can_open else "",
            "set_url": set_url(pk) if editable else "",
            "buttons": buttons.get(status, ""),  # rendered (and so safe) HTML
        })  # fmt: skip
    return rows


@login_required
def run_detail(request, pk):
    """The run view: every result, keys to record them, and live progress."""
    run = selectors.run_get(user=request.user, pk=pk)
    return render(request, "quality/run_detail.html", _run_context(request, run))


@login_required
@GET_POST
def run_close(request, pk):
    """Close the run; with cases still untested, a confirmation that says how many first."""
    require_editor(request.user)
    run = selectors.run_get(user=request.user, pk=pk)
    if request.method == "POST" and run.status == RunStatus.OPEN:
        try:
            services.run_close(
                actor=request.user, run=run, confirm_untested=bool(request.POST.get("confirm"))
            )
        except DomainError as exc:
            context = {"run": run, "product": run.product, "error": exc.message}
            return render(request, "quality/run_close.html", context)
        messages.success(request, _("Run closed."))
    return redirect(run)


@login_required
@require_POST
def result_set(request, pk):
    """One result from the run view: the row again and, out of band, the progress."""
    result = selectors.result_get(user=request.user, pk=pk)
    error = ""
    try:
        result = services.result_record(
            actor=request.user, result=result, status=request.POST.get("status", "")
        )
    except DomainError as exc:
        error = exc.message if "" in exc.errors else next(iter(exc.errors.values()))
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"{result.run.get_absolute_url()}#result-{result.pk}")
    result = selectors.result_get(user=request.user, pk=pk)
    context = {
        "rows": result_rows(
            request,
            result.run,
            selectors.result_rows(user=request.user, run=result.run).filter(pk=pk),
        ),
        "run": result.run,
        "progress": selectors.progress_of([result.run])[0],
        "error": error,
        "oob": True,
    }
    return render(request, "quality/_result_set.html", context, status=422 if error else 200)


@login_required
@GET_POST
def result_detail(request, pk):
    """A result in full: per-step statuses, notes, duration and evidence."""
    result = selectors.result_get(user=request.user, pk=pk)
    form = ResultForm(
        request.POST or None, result=result, initial=ResultForm.initial_for(result)
    ).versioned(result)
    if request.method == "POST":
        require_editor(request.user)
        saved = submit(
            form,
            lambda: services.result_record(
                actor=request.user,
                result=result,
                if_version=form.seen_version(),
                **form.service_kwargs(),
            ),
        )
        if saved:
            messages.success(request, _("Result saved."))
            return redirect(saved)
    context = {
        "result": result,
        "run": result.run,
        "form": form,
        "evidence_form": EvidenceForm(),
    }
    return render(request, "quality/result_detail.html", context, status=form_status(form))


@login_required
@require_POST
def evidence_add(request, pk):
    require_editor(request.user)
    result = selectors.result_get(user=request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    evidence = submit(
        form,
        lambda: services.evidence_add(
            actor=request.user, result=result, upload=form.cleaned_data["file"]
        ),
    )
    if evidence:
        messages.success(request, _("Attached %(name)s.") % {"name": evidence.name})
        return redirect(result)
    context = {
        "result": result,
        "run": result.run,
        "form": ResultForm(result=result, initial=ResultForm.initial_for(result)).versioned(result),
        "evidence_form": form,
    }
    return render(request, "quality/result_detail.html", context, status=422)


@login_required
def evidence_download(request, pk):
    """An attachment, to signed-in people only, always as a download (never rendered inline:
    an uploaded HTML or SVG file must not run in the site's origin)."""
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def dashboard(request, slug):
    """A product's quality at a glance, with charts."""
    product = catalog_selectors.product_get(user=request.user, key=slug)
    board = selectors.dashboard(user=request.user, product=product)
    return render(request, "quality/dashboard.html", {"product": product, "board": board})
