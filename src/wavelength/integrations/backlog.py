"""The backlog import's writes and its preview: a Jira, Productboard or Aha! export into one
product's features, their releases and the links between them.

It runs as the feedback CSV import does: a draft job, a queued background job once the
mapping is chosen, its progress published after each chunk of rows (the same job page polls
it). All or nothing: every row is checked before the first write, and the writes (through the
catalog's services, so each feature and release has its history) run in one transaction.
Idempotent: each feature keeps the tool's key (:class:`~.models.BacklogKey`), so importing the
same export again creates nothing twice; a release is found by its version.
"""

import os
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.models import Team, User
from wavelength.accounts.permissions import require_editor
from wavelength.catalog import services as catalog
from wavelength.catalog.models import Area, Product, Release, ReleaseStatus, Stage
from wavelength.core import activity, clock
from wavelength.core.exceptions import DomainError

from .importers import ImportRefused, backlog, csvfile
from .models import BacklogKey, ImportJob, ImportMapping, JobStatus
from .services import SCOPE, check_size

SOURCES = (*backlog.PRESETS, "csv")
MAPPING_SOURCE = "backlog"  # an ImportMapping of the backlog import, not of feedback
MAX_ERRORS = 200


def job_create(*, actor, product: Product, file_name: str, data: bytes, source: str = "csv"):
    """Keep an uploaded backlog export as a draft import into ``product``."""
    require_editor(actor)
    check_size(len(data))
    csvfile.parse(data, repeats=True)
    if source not in SOURCES:
        raise DomainError(_("Choose Jira, Productboard, Aha! or CSV."), field="source")
    name = os.path.basename(file_name or "backlog.csv")[:255] or "backlog.csv"
    job = ImportJob(file_name=name, source=source, kind="backlog", product=product,
                    created_by=actor)  # fmt: skip
    job.file.save("backlog.csv", ContentFile(data), save=False)
    job.save()
    return job


def job_table(job: ImportJob) -> csvfile.Table:
    with job.file.open("rb") as handle:
        return csvfile.parse(handle.read(), repeats=True)


@dataclass
class Row:
    row: int
    cells: dict
    item: dict
    errors: dict[str, str] = field(default_factory=dict)
    exists: bool = False  # its key was imported before: it will be skipped


def _lookups(items: list[dict]) -> tuple[dict, dict]:
    emails = {i["owner"] for i in items if i.get("owner")}
    people = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
    names = {i["team"].lower() for i in items if i.get("team")}
    teams = {t.name.lower(): t for t in Team.objects.all() if t.name.lower() in names}
    teams |= {t.slug: t for t in Team.objects.filter(slug__in=names)}
    return people, teams


def check_rows(table: csvfile.Table, mapping: dict[str, str], source: str, *, limit=None):
    """Every row with its values and problems: bad cells, an owner or team that does not
    exist, a key given twice in the file. ``limit`` reads only the first rows (the preview)."""
    rows: list[Row] = []
    for number, record in table.records():
        item, errors = backlog.row_item(record, mapping)
        rows.append(Row(number, record, item, errors))
        if limit and len(rows) >= limit:
            break
    people, teams = _lookups([r.item for r in rows])
    by_field = {f: c for c, f in mapping.items()}
    seen: dict[str, int] = {}
    for r in rows:
        owner, team, key = r.item.get("owner"), r.item.get("team"), r.item.get("key")
        if owner and owner not in people:
            r.errors[by_field["owner"]] = _("Nobody active has the address %(email)s.") % {
                "email": owner
            }
        if team and team.lower() not in teams:
            r.errors[by_field["team"]] = _("No team is called “%(name)s”.") % {"name": team}
        if key and key in seen:
            r.errors[by_field["key"]] = _("Key %(key)s is already on row %(row)d.") % {
                "key": key, "row": seen[key]
            }  # fmt: skip
        elif key:
            seen[key] = r.row
    known = set(
        BacklogKey.objects.filter(source=source, key__in=list(seen)).values_list("key", flat=True)
    )
    for r in rows:
        r.exists = r.item.get("key") in known
        r.item["owner"] = people.get(r.item.get("owner") or "")
        r.item["team"] = teams.get((r.item.get("team") or "").lower())
    return rows


def preview(*, actor, job: ImportJob, mapping: dict[str, str]) -> list[Row]:
    """The first rows as they would be imported, each with its problems."""
    require_editor(actor)
    table = job_table(job)
    clean = {c: f for c, f in mapping.items() if f in backlog.FIELDS}
    if not ("key" in clean.values() and "title" in clean.values()):
        return [Row(n, cells, {}, {}) for n, cells in table.preview()]
    return check_rows(table, clean, job.source, limit=csvfile.PREVIEW_ROWS)


def _refusal(rows: list[Row]) -> ImportRefused:
    problems = [
        {"row": r.row, "column": column, "message": message}
        for r in rows
        for column, message in r.errors.items()
    ]
    message = _("Nothing was imported: %(n)d cells need fixing.") % {"n": len(problems)}
    return ImportRefused(message, field="file", rows=problems[:MAX_ERRORS])


@transaction.atomic
def job_start(*, actor, job: ImportJob, mapping: dict[str, str], queue=True) -> ImportJob:
    """Fix the mapping (the key and the title are required) and queue the import: it runs
    once this transaction commits, as the feedback CSV import does, and the job's page shows
    its progress."""
    require_editor(actor)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.DRAFT:
        raise DomainError(_("This import has already started."), field="")
    job.mapping = backlog.check_mapping(mapping, backlog.unique_columns(job_table(job)))
    job.status = JobStatus.QUEUED
    job.save(update_fields=["mapping", "status"])
    if queue:
        from .tasks import run_import

        job_id = job.pk
        transaction.on_commit(lambda: run_import.delay(job_id))
    return job


def job_import(job: ImportJob, step) -> None:
    """A queued job's work (run by :func:`.services.import_job_run`): every row checked,
    then written in one transaction, ``step()`` called after each chunk of ``CHUNK`` rows
    (the counts are saved on the job first). Refused rows raise :class:`ImportRefused`."""
    table = job_table(job)
    mapping = backlog.check_mapping(job.mapping, backlog.unique_columns(table))
    rows = check_rows(table, mapping, job.source)
    if any(r.errors for r in rows):
        raise _refusal(rows)
    if not rows:
        raise ImportRefused(_("The file has no rows to import."), field="file")
    job.total = len(rows)
    with transaction.atomic():
        job.releases = _write(job, rows, step)
        job.status, job.finished_at = JobStatus.DONE, clock.now()
        job.save()
        activity.record(actor=job.created_by, verb="imported", target=job, scope=SCOPE,
                        created=job.created, skipped=job.skipped)  # fmt: skip


def job_run(*, actor, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Start and run an import at once, without the queue (the API's door): every row or
    none; a refusal raises :class:`ImportRefused` naming each bad cell by row and column."""
    from .services import import_job_run

    job = job_start(actor=actor, job=job, mapping=mapping, queue=False)
    job = import_job_run(job_id=job.pk)
    if job.status == JobStatus.FAILED:
        rows = [e for e in job.errors if "message" in e]
        message = _("Nothing was imported: %(n)d cells need fixing.") % {"n": len(rows)}
        raise ImportRefused(message, field="file", rows=rows)
    return job


CHUNK = 100  # rows written between two updates of the progress


def _write(job: ImportJob, rows: list[Row], step) -> int:
    """Create the new rows' features (and areas), then their releases and links; returns
    how many releases received features."""
    actor, product = job.created_by, job.product
    areas = {a.name.lower(): a for a in Area.objects.filter(product=product)}
    wanted: dict[str, dict] = {}  # version -> {"date": ..., "features": [...]}
    for n, r in enumerate(rows, start=1):
        if r.exists:
            job.skipped += 1
        else:
            feature = _feature(actor, product, r.item, areas)
            BacklogKey.objects.create(source=job.source, key=r.item["key"], feature=feature)
            job.created += 1
            if r.item.get("release"):
                new = {"version": r.item["release"], "date": None, "features": []}
                entry = wanted.setdefault(r.item["release"].lower(), new)
                entry["date"] = entry["date"] or r.item.get("release_date")
                entry["features"].append(feature)
        job.processed = n
        if n % CHUNK == 0 or n == len(rows):
            job.save(update_fields=["total", "processed", "created", "skipped"])
            step()
    for entry in wanted.values():
        _into_release(actor, product, entry)
    return len(wanted)


def _feature(actor, product: Product, item: dict, areas: dict):
    area = None
    if item.get("area"):
        area = areas.get(item["area"].lower())
        if area is None:
            area = catalog.area_create(actor=actor, product=product, name=item["area"])
            areas[area.name.lower()] = area
    return catalog.feature_create(
        actor=actor, product=product, title=item["title"],
        description=item.get("description", ""), stage=item.get("stage") or Stage.IDEA,
        area=area, owner=item.get("owner"), owner_team=item.get("team"),
        tags=item.get("tags") or [],
    )  # fmt: skip


def _into_release(actor, product: Product, entry: dict) -> Release:
    release = Release.objects.filter(product=product, version__iexact=entry["version"]).first()
    if release is None:
        return catalog.release_create(
            actor=actor, product=product, version=entry["version"],
            target_date=entry["date"], status=ReleaseStatus.PLANNED,
            features=entry["features"],
        )  # fmt: skip
    features = [*release.features.all(), *entry["features"]]
    return catalog.release_update(actor=actor, release=release, features=features)


@transaction.atomic
def mapping_save(*, actor, name: str, mapping: dict[str, str]) -> ImportMapping:
    """Save (or replace) a backlog mapping called ``name``, offered again for the next file."""
    require_editor(actor)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError(_("Name the mapping (at most 100 characters)."), field="save_as")
    clean = {str(c): str(f) for c, f in mapping.items() if f in backlog.FIELDS}
    existing = ImportMapping.objects.filter(name=name).exclude(source=MAPPING_SOURCE).exists()
    if existing:
        raise DomainError(_("A feedback mapping already has this name."), field="save_as")
    saved, created = ImportMapping.objects.update_or_create(
        name=name, defaults={"mapping": clean, "source": MAPPING_SOURCE, "updated_at": clock.now()},
        create_defaults={"mapping": clean, "source": MAPPING_SOURCE, "created_by": actor},
    )  # fmt: skip
    activity.record(actor=actor, verb="created" if created else "updated", target=saved,
                    scope=SCOPE, snapshot={"name": name, "mapping": clean})  # fmt: skip
    return saved


def mapping_list(*, user):
    require_editor(user)
    return ImportMapping.objects.filter(source=MAPPING_SOURCE).order_by("name")
