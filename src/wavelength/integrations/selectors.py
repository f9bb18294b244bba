"""Reads of the imports: jobs, saved mappings, the preview of a mapping and the export."""

from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_admin, require_editor
from wavelength.core import progress

from .importers import ImportRefused, csvfile
from .importers.presets import PRESETS
from .models import ImportJob, ImportMapping, JobStatus
from .services import job_table, progress_name


def import_job_get(*, user, pk: int) -> ImportJob:
    """An import of anyone's, for editors (imports are an editor's tool); a running job
    shows the counts its open transaction has published."""
    require_editor(user)
    job = get_object_or_404(ImportJob.objects.select_related("created_by", "product"), pk=pk)
    if job.status == JobStatus.RUNNING:
        for key, value in progress.read(progress_name(job.pk)).items():
            setattr(job, key, value)
    return job


def import_job_list(*, user, limit: int = 10, kind: str = "feedback"):
    require_editor(user)
    jobs = ImportJob.objects.filter(kind=kind).select_related("created_by")
    return jobs.exclude(status=JobStatus.DRAFT)[:limit]


def mapping_list(*, user):
    require_editor(user)
    return ImportMapping.objects.exclude(source="backlog").order_by("name")


def mapping_get(*, user, name: str) -> ImportMapping:
    require_editor(user)
    mapping = ImportMapping.objects.filter(name__iexact=name).first()
    if mapping is None:
        raise ImportRefused(
            _("No saved mapping is called “%(name)s”.") % {"name": name}, field="mapping"
        )
    return mapping


@dataclass
class PreviewRow:
    row: int
    cells: dict
    item: dict
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Preview:
    columns: list[str]
    delimiter: str
    encoding: str
    rows: list[PreviewRow]
    error: str = ""


def import_preview(*, user, job: ImportJob, mapping: dict[str, str], source: str) -> Preview:
    """The first rows as they would be imported with this mapping, each with its errors."""
    require_editor(user)
    table = job_table(job)
    preview = Preview(table.columns, table.delimiter, table.encoding, [])
    try:
        clean = csvfile.check_mapping(mapping, table.columns)
    except ImportRefused as exc:
        preview.error = exc.message
        clean = {c: f for c, f in mapping.items() if f in csvfile.FIELDS and c in table.columns}
    try:
        records = table.preview()
    except ImportRefused as exc:
        preview.error, records = exc.message, []
    for row, cells in records:
        item, errors = csvfile.row_item(cells, clean, source=source)
        preview.rows.append(PreviewRow(row, cells, item, errors))
    return preview


def initial_mapping(job: ImportJob, *, preset: str = "", saved: ImportMapping | None = None):
    """The mapping a page starts from: a saved one, a preset's, or columns named like fields."""
    columns = job_table(job).columns
    if saved is not None:
        return {c: f for c, f in saved.mapping.items() if c in columns}
    if preset in PRESETS:
        return PRESETS[preset].mapping_for(columns)
    return csvfile.guess_mapping(columns)


def webhook_list(*, user):
    """The webhooks with their latest delivery's status (administrators)."""
    from django.db.models import Count, OuterRef, Q, Subquery

    from .models import Webhook, WebhookDelivery

    require_admin(user)
    latest = WebhookDelivery.objects.filter(webhook=OuterRef("pk")).order_by("-created_at", "-id")
    return Webhook.objects.annotate(
        last_status=Subquery(latest.values("status")[:1]),
        last_at=Subquery(latest.values("created_at")[:1]),
        failed=Count("deliveries", filter=Q(deliveries__status="failed")),
    ).order_by("name", "id")


def webhook_get(*, user, pk: int):
    from django.shortcuts import get_object_or_404

    from .models import Webhook

    require_admin(user)
    return get_object_or_404(Webhook.objects.prefetch_related("products"), pk=pk)


def webhook_deliveries(*, webhook):
    """A webhook's deliveries, newest first, each with its attempts."""
    from django.db.models import Prefetch

    from .models import WebhookAttempt

    return webhook.deliveries.prefetch_related(
        Prefetch("tries", queryset=WebhookAttempt.objects.order_by("-at", "-id"))
    )
