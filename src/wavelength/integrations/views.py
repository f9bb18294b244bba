"""Import pages: upload a CSV → map its columns with a preview → import → progress; upload
e-mail; download the feedback as CSV. Every page is for editors (viewers get a 403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.forms import add_domain_error
from wavelength.catalog.views.base import GET_POST, form_status, render_page
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import submit
from wavelength.feedback import selectors as feedback_selectors
from wavelength.feedback.forms import FeedbackFilterForm

from . import backlog, selectors, services, webhooks
from .exporters import feedback_csv
from .forms import (
    BacklogMappingForm,
    BacklogUploadForm,
    CsvUploadForm,
    EmailUploadForm,
    MappingForm,
    PresetForm,
    WebhookForm,
)
from .importers import backlog as backlog_importer
from .importers.presets import PRESETS
from .models import JobStatus


def _too_large(form, field: str, size: int) -> bool:
    try:
        services.check_size(size)
    except DomainError as exc:
        form.add_error(field, exc.message)
        return True
    return False


@login_required
@GET_POST
def import_start(request):
    """Step 1: upload the CSV (it is kept as a draft import until the mapping is chosen)."""
    require_editor(request.user)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        if _too_large(form, "file", upload.size):
            status = 413
        else:
            try:
                job = services.import_job_create(
                    actor=request.user, file_name=upload.name, data=upload.read()
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("integrations:import-map", pk=job.pk)
    context = {"form": form, "jobs": selectors.import_job_list(user=request.user)}
    return render(
        request,
        "integrations/import_start.html",
        context,
        status=status if status != 200 else form_status(form),
    )


def _starting_mapping(request, job, saved_mappings):
    choice = request.GET.get("preset", "")
    if choice.startswith("saved:"):
        saved = next((m for m in saved_mappings if f"saved:{m.pk}" == choice), None)
        source = saved.source if saved and saved.source else job.source
        return selectors.initial_mapping(job, saved=saved), source
    source = PRESETS[choice].source if choice in PRESETS else job.source
    return selectors.initial_mapping(job, preset=choice), source


@login_required
@GET_POST
def import_map(request, pk):
    """Step 2: map columns to fields, see the first rows as they would be imported, start."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    if job.status != JobStatus.DRAFT:
        return redirect(job)
    saved_mappings = list(selectors.mapping_list(user=request.user))
    try:
        table = services.job_table(job)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("integrations:import-start")
    mapping, source = _starting_mapping(request, job, saved_mappings)
    initial = MappingForm.initial_for(table.columns, mapping, source)
    form = MappingForm(request.POST or None, columns=table.columns, initial=initial)
    if request.method == "POST" and "preview" not in request.GET:
        started = _start(request, form, job)
        if started:
            return redirect(started)
    preview = selectors.import_preview(
        user=request.user,
        job=job,
        mapping=form.mapping() if form.is_bound else mapping,
        source=form.source_value(),
    )
    context = {
        "job": job,
        "form": form,
        "preset_form": PresetForm(request.GET or None, saved=saved_mappings),
        "preview": preview,
        "rows": [(r, [r.cells.get(c, "") for c in preview.columns]) for r in preview.rows],
    }
    fragments = {"import-preview": "integrations/_preview.html"}
    return render_page(
        request, "integrations/import_map.html", context, fragments=fragments,
        status=form_status(form),
    )  # fmt: skip


def _start(request, form: MappingForm, job):
    if not form.is_valid():
        return None
    mapping = form.mapping()
    try:
        if form.cleaned_data["save_as"]:
            services.mapping_save(
                actor=request.user,
                name=form.cleaned_data["save_as"],
                mapping=mapping,
                source=form.cleaned_data["source"],
            )
        return services.import_job_start(
            actor=request.user, job=job, mapping=mapping, source=form.cleaned_data["source"]
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


@login_required
@require_GET
def import_detail(request, pk):
    """Step 3: the progress bar and, once done, the counts or the errors by row."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    if job.status == JobStatus.DRAFT:
        step = "integrations:backlog-map" if job.kind == "backlog" else "integrations:import-map"
        return redirect(step, pk=job.pk)
    fragments = {"import-status": "integrations/_job_status.html"}
    context = {"job": job}
    return render_page(request, "integrations/import_detail.html", context, fragments=fragments)


@login_required
@GET_POST
def email_import(request):
    """Upload .eml files or an mbox archive; all are imported or, if one is malformed, none."""
    require_editor(request.user)
    form = EmailUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if form.is_bound and form.is_valid():
        files = form.cleaned_data["files"]
        if _too_large(form, "files", sum(f.size for f in files)):
            status = 413
        else:
            found = [m for f in files for m in services.email_messages(f.name, f.read())]
            try:
                result = services.email_import(actor=request.user, messages=found)
            except DomainError as exc:
                form.add_error("files", exc.message)
                for label, message in exc.errors.items():
                    if label != "files":
                        form.add_error(None, f"{label}: {message}")
            else:
                messages.success(
                    request,
                    _("Imported %(created)d messages; %(skipped)d were already there.") % result,
                )
                return redirect("feedback:feedback-list")
    return render(
        request, "integrations/email_import.html", {"form": form},
        status=status if status != 200 else form_status(form),
    )  # fmt: skip


@login_required
@require_GET
def feedback_export(request):
    """The inbox's feedback as CSV, with the inbox's filters (the same query string)."""
    form = FeedbackFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    items = feedback_selectors.feedback_list(user=request.user, filters=form.to_filter())
    response = StreamingHttpResponse(
        feedback_csv(items.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="feedback.csv"'
    return response


# Webhooks (administrators) ------------------------------------------------------------------

DELIVERIES_PER_PAGE = 25


def _webhooks_page(request, form=None, status=200, **context):
    hooks = selectors.webhook_list(user=request.user)
    context.update(webhooks=hooks, form=form or WebhookForm())
    return render(request, "integrations/webhook_list.html", context, status=status)


@login_required
@require_GET
def webhook_list(request):
    return _webhooks_page(request)


@login_required
@require_POST
def webhook_create(request):
    form = WebhookForm(request.POST)
    hook = submit(
        form,
        lambda: webhooks.webhook_create(actor=request.user, **form.cleaned_data),
    )
    if hook is None:
        return _webhooks_page(request, form, form_status(form))
    return _webhooks_page(request, new_webhook=hook)


@login_required
@require_GET
def webhook_detail(request, pk: int):
    hook = selectors.webhook_get(user=request.user, pk=pk)
    deliveries = Paginator(selectors.webhook_deliveries(webhook=hook), DELIVERIES_PER_PAGE)
    page = deliveries.get_page(request.GET.get("page"))
    context = {"webhook": hook, "page_obj": page, "deliveries": page.object_list}
    return render(request, "integrations/webhook_detail.html", context)


@login_required
@require_POST
def webhook_delete(request, pk: int):
    hook = selectors.webhook_get(user=request.user, pk=pk)
    webhooks.webhook_delete(actor=request.user, webhook=hook)
    messages.success(request, _("The webhook “%(name)s” is deleted.") % {"name": hook.name})
    return redirect("integrations:webhook-list")


@login_required
@require_POST
def webhook_enable(request, pk: int):
    hook = selectors.webhook_get(user=request.user, pk=pk)
    webhooks.webhook_enable(actor=request.user, webhook=hook)
    messages.success(request, _("The webhook is on again."))
    return redirect(hook.get_absolute_url())


@login_required
@require_POST
def webhook_redeliver(request, pk: int, delivery: int):
    hook = selectors.webhook_get(user=request.user, pk=pk)
    row = get_object_or_404(hook.deliveries, pk=delivery)
    row = webhooks.redeliver(actor=request.user, delivery=row)
    if row.status == "delivered":
        messages.success(request, _("Delivered again."))
    else:
        messages.error(request, _("The endpoint refused it again; see the attempt below."))
    return redirect(hook.get_absolute_url())


# Backlog import ---------------------------------------------------------------------------


@login_required
@GET_POST
def backlog_import(request):
    """Step 1 of a backlog import: the export file, the tool it comes from, the product."""
    require_editor(request.user)
    form = BacklogUploadForm(request.POST or None, request.FILES or None,
                             initial={"product": request.GET.get("product")})  # fmt: skip
    status = 200
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        if _too_large(form, "file", upload.size):
            status = 413
        else:
            try:
                job = backlog.job_create(
                    actor=request.user, product=form.cleaned_data["product"],
                    file_name=upload.name, data=upload.read(), source=form.cleaned_data["source"],
                )  # fmt: skip
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("integrations:backlog-map", pk=job.pk)
    status = status if status != 200 else form_status(form)
    jobs = selectors.import_job_list(user=request.user, kind="backlog")
    context = {"form": form, "jobs": jobs}
    return render(request, "integrations/backlog_import.html", context, status=status)


def _backlog_mapping(request, job, columns: list[str], saved: list) -> dict[str, str]:
    choice = request.GET.get("mapping", "")
    chosen = next((m for m in saved if f"saved:{m.pk}" == choice), None)
    if chosen is not None:
        return {c: f for c, f in chosen.mapping.items() if c in columns}
    return backlog_importer.preset_mapping(choice or job.source, columns)


@login_required
@GET_POST
def backlog_map(request, pk):
    """Step 2: map the columns, see the first rows as they would be imported (with what is
    wrong in each), then import every row or none."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    if job.kind != "backlog":
        raise Http404
    if job.status != JobStatus.DRAFT:
        return redirect(job)
    columns = backlog_importer.unique_columns(backlog.job_table(job))
    saved = list(backlog.mapping_list(user=request.user))
    mapping = _backlog_mapping(request, job, columns, saved)
    form = BacklogMappingForm(request.POST or None, columns=columns,
                              initial=BacklogMappingForm.initial_for(columns, mapping))  # fmt: skip
    if request.method == "POST" and "preview" not in request.GET and form.is_valid():
        started = _backlog_start(request, form, job)
        if started is not None:
            return redirect(started)
    rows = backlog.preview(actor=request.user, job=job,
                           mapping=form.mapping() if form.is_bound else mapping)  # fmt: skip
    context = {"job": job, "form": form, "rows": rows, "saved": saved,
               "presets": backlog_importer.PRESETS}  # fmt: skip
    fragments = {"import-preview": "integrations/_backlog_preview.html"}
    status = 422 if form.is_bound and form.errors else 200
    return render_page(request, "integrations/backlog_map.html", context, fragments=fragments,
                       status=status)  # fmt: skip


def _backlog_start(request, form: BacklogMappingForm, job):
    mapping = form.mapping()
    try:
        if form.cleaned_data["save_as"]:
            backlog.mapping_save(actor=request.user, name=form.cleaned_data["save_as"],
                                 mapping=mapping)  # fmt: skip
        return backlog.job_start(actor=request.user, job=job, mapping=mapping)
    except DomainError as exc:
        add_domain_error(form, exc)
    return None
