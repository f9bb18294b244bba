"""Every write of the imports: saved mappings, CSV import jobs and e-mail imports.

Feedback itself is written only through :func:`wavelength.feedback.services.feedback_bulk_create`,
in chunks of at most 1,000 items inside one outer transaction: every row is checked before
the first chunk, and a refusal in any chunk rolls every chunk back.
"""

import os
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock
from wavelength.core import progress as progress_file
from wavelength.core.exceptions import DomainError
from wavelength.feedback import services as feedback_services
from wavelength.feedback.models import Feedback, Source

from .importers import ImportRefused, TooLarge, csvfile, mail
from .models import ImportJob, ImportMapping, JobStatus

SCOPE = "integrations"
CHUNK = feedback_services.BULK_LIMIT
MAX_ERRORS = 200
Progress = Callable[[ImportJob], None]


def max_upload_bytes() -> int:
    return getattr(settings, "WAVELENGTH_IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def check_size(size: int) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise TooLarge(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, field="file"
        )


def _source(value: str) -> str:
    if value not in Source.values:
        raise DomainError(
            _("Unknown value “%(value)s”; choose from %(choices)s.")
            % {"value": value, "choices": ", ".join(Source.values)},
            field="source",
        )
    return value


# Saved mappings ---------------------------------------------------------------------------


@transaction.atomic
def mapping_save(*, actor, name: str, mapping: dict[str, str], source: str = "") -> ImportMapping:
    """Save (or replace) the mapping called ``name``."""
    require_editor(actor)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError(_("Name the mapping (at most 100 characters)."), field="name")
    mapping = {str(c): str(f) for c, f in mapping.items() if f}
    unknown = sorted(set(mapping.values()) - set(csvfile.FIELDS))
    if unknown:
        raise DomainError(_("Unknown field %(f)s.") % {"f": ", ".join(unknown)}, field="mapping")
    if "text" not in mapping.values():
        raise DomainError(_("Map a column to the text (required)."), field="mapping")
    saved, created = ImportMapping.objects.update_or_create(
        name=name,
        defaults={
            "mapping": mapping,
            "source": _source(source) if source else "",
            "updated_at": clock.now(),
        },
        create_defaults={"mapping": mapping, "source": source, "created_by": actor},
    )
    activity.record(
        actor=actor,
        verb="created" if created else "updated",
        target=saved,
        scope=SCOPE,
        snapshot={"name": name, "mapping": mapping},
    )
    return saved


# CSV import jobs --------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, actor, file_name: str, data: bytes, source: str = Source.CSV) -> ImportJob:
    """Keep an uploaded CSV as a draft job, once its encoding and header read well."""
    require_editor(actor)
    check_size(len(data))
    csvfile.parse(data)
    name = os.path.basename(file_name or "import.csv")[:255] or "import.csv"
    job = ImportJob(file_name=name, source=_source(source), created_by=actor)
    job.file.save("upload.csv", ContentFile(data), save=False)
    job.save()
    return job


def job_table(job: ImportJob) -> csvfile.Table:
    with job.file.open("rb") as handle:
        return csvfile.parse(handle.read())


@transaction.atomic
def import_job_start(
    *, actor, job: ImportJob, mapping: dict[str, str], source: str | None = None, queue=True
) -> ImportJob:
    """Fix the mapping and queue the import (it runs once this transaction commits)."""
    require_editor(actor)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.DRAFT:
        raise DomainError(_("This import has already started."), field="")
    job.mapping = csvfile.check_mapping(mapping, job_table(job).columns)
    job.source = _source(source or job.source)
    job.status = JobStatus.QUEUED
    job.save(update_fields=["mapping", "source", "status"])
    if queue:
        from .tasks import run_import

        job_id = job.pk
        transaction.on_commit(lambda: run_import.delay(job_id))
    return job


def check_rows(table: csvfile.Table, mapping: dict[str, str], source: str, progress=None):
    """Every row as an item, or :class:`ImportRefused` listing every bad cell by row and
    column (in-file duplicate external ids name both rows)."""
    items, rows, errors, seen = [], [], [], {}
    id_column = next((c for c, f in mapping.items() if f == "external_id"), "")
    for row, cells in table.records():
        item, bad = csvfile.row_item(cells, mapping, source=source)
        errors += [{"row": row, "column": c, "message": m} for c, m in bad.items()]
        key = (item.get("source"), item.get("external_id"))
        if key[1] and key in seen:
            message = _("Row %(row)d has the same external id “%(id)s”.") % {
                "row": seen[key],
                "id": key[1][:50],
            }
            errors.append({"row": row, "column": id_column, "message": message})
        seen.setdefault(key, row)
        items.append(item)
        rows.append(row)
        if progress and len(items) % CHUNK == 0:
            progress(len(items))
    if errors:
        raise ImportRefused(_("Some rows are invalid; nothing was imported."), rows=errors)
    if not items:
        raise ImportRefused(_("The file has no rows to import."), field="file")
    return items, rows


def _publish(job: ImportJob) -> None:
    """The counts of a running import, readable outside its still-open transaction."""
    counts = {k: getattr(job, k) for k in ("total", "processed", "created", "skipped")}
    progress_file.publish(progress_name(job.pk), counts)


def progress_name(job_id: int) -> str:
    return f"import-{job_id}"


def import_job_run(*, job_id: int, progress: Progress | None = None) -> ImportJob:
    """Run a queued import: check every row, then commit it in chunks, all or nothing.

    The job's counts are updated after each chunk (and published for the progress page);
    on a refusal the job is ``failed`` with its errors and no feedback is written.
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        _run(job, progress)
    except (ImportRefused, DomainError, PermissionDenied) as exc:
        _fail(job, exc)
    finally:
        progress_file.clear(progress_name(job.pk))
    if progress:
        progress(job)
    return job


def _run(job: ImportJob, progress: Progress | None) -> None:
    if job.kind == "backlog":  # features and releases (integrations.backlog), same rules
        from .backlog import job_import

        job_import(job, lambda: (_publish(job), progress and progress(job)))
        return
    table = job_table(job)
    mapping = csvfile.check_mapping(job.mapping, table.columns)

    def checking(n: int) -> None:
        job.processed = 0
        job.total = n
        if progress:
            progress(job)

    items, rows = check_rows(table, mapping, job.source, checking)
    job.total = len(items)
    with transaction.atomic():
        _attach_companies(job.created_by, items)
        for start in range(0, len(items), CHUNK):
            _import_chunk(job, items[start : start + CHUNK], rows[start : start + CHUNK], mapping)
            _publish(job)
            if progress:
                progress(job)
        job.status = JobStatus.DONE
        job.finished_at = clock.now()
        job.save()
        activity.record(
            actor=job.created_by,
            verb="imported",
            target=job,
            scope=SCOPE,
            created=job.created,
            skipped=job.skipped,
        )


def _import_chunk(job: ImportJob, items: list[dict], rows: list[int], mapping) -> None:
    try:
        result = feedback_services.feedback_bulk_create(actor=job.created_by, items=items)
    except ImportRefused:
        raise
    except DomainError as exc:
        raise _as_row_errors(exc, rows, mapping) from exc
    job.processed += len(items)
    job.created += len(result["created"])
    job.skipped += len(result["skipped"])
    job.save(update_fields=["total", "processed", "created", "skipped"])


def _as_row_errors(exc: DomainError, rows: list[int], mapping) -> ImportRefused:
    """``items.<i>.<field>`` from the feedback services as row numbers and column names."""
    columns = {f: c for c, f in mapping.items()}
    found = []
    for key, message in exc.errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit():
            row = rows[int(parts[1])] if int(parts[1]) < len(rows) else 0
            column = columns.get(parts[2], parts[2])
            found.append({"row": row, "column": column, "message": message})
        else:
            found.append({"row": 0, "column": "", "message": message})
    return ImportRefused(_("Some rows are invalid; nothing was imported."), rows=found)


def _attach_companies(actor, items: list[dict]) -> None:
    """Company names become rows: the company the name or its contacts' domains already
    match (see ``company_resolve``), else a new one listing those domains."""
    emails: dict[str, list[str]] = {}
    for item in items:
        if isinstance(item.get("company"), str):
            emails.setdefault(item["company"], []).append(item.get("contact_email") or "")
    companies = {
        name: feedback_services.company_resolve(actor=actor, name=name, emails=found)
        for name, found in sorted(emails.items())
    }
    for item in items:
        if isinstance(item.get("company"), str):
            item["company"] = companies[item["company"]]


def _fail(job: ImportJob, exc: Exception) -> None:
    rows = getattr(exc, "rows", None)
    if rows is None:
        message = getattr(exc, "message", None) or str(exc)
        rows = [{"row": 0, "column": "", "message": message}]
    job.status = JobStatus.FAILED
    job.processed = job.created = job.skipped = 0
    job.errors = [{"total": len(rows)}, *rows[:MAX_ERRORS]] if len(rows) > MAX_ERRORS else rows
    job.finished_at = clock.now()
    job.save()


def import_csv(
    *,
    actor,
    file_name: str,
    data: bytes,
    mapping: dict[str, str],
    source: str = Source.CSV,
    progress: Progress | None = None,
) -> ImportJob:
    """The command line's door: create, start and run an import at once (no queue)."""
    job = import_job_create(actor=actor, file_name=file_name, data=data, source=source)
    job = import_job_start(actor=actor, job=job, mapping=mapping, queue=False)
    return import_job_run(job_id=job.pk, progress=progress)


# E-mail -----------------------------------------------------------------------------------


def email_messages(name: str, data: bytes) -> list[tuple[str, bytes]]:
    """The messages of one file: an mbox archive holds many, an ``.eml`` file one."""
    if mail.is_mbox(data):
        return [(f"{name} #{n}", raw) for n, raw in enumerate(mail.split_mbox(data), start=1)]
    return [(name, data)]


@transaction.atomic
def email_import(*, actor, messages: list[tuple[str, bytes]]) -> dict:
    """Import e-mail messages as feedback, all or nothing: one malformed message refuses the
    whole batch, naming it and the reason. Message-IDs already imported are skipped."""
    require_editor(actor)
    if not messages:
        raise ImportRefused(_("There is no message to import."), field="file")
    items, errors = [], {}
    for label, raw in messages:
        try:
            items.append(mail.parse_message(raw))
        except ImportRefused as exc:
            errors[label] = exc.message
    if errors:
        message = _("Some messages cannot be imported; nothing was stored.")
        raise ImportRefused(message, errors=errors)
    created = skipped = 0
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        result = feedback_services.feedback_bulk_create(actor=actor, items=chunk)
        created += len(result["created"])
        skipped += len(result["skipped"])
    return {"created": created, "skipped": skipped, "messages": len(items)}


@transaction.atomic
def email_receive(*, actor, raw: bytes):
    """One raw MIME message (the inbound endpoint): the feedback it made or already made."""
    require_editor(actor)
    item = mail.parse_message(raw)
    result = feedback_services.feedback_bulk_create(actor=actor, items=[item])
    if result["created"]:
        return result["created"][0], True
    return Feedback.objects.get(pk=result["skipped"][0]["id"]), False
