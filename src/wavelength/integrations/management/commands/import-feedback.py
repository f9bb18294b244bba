"""``wavelength import-feedback FILE.csv --as EMAIL``: import a CSV with a progress bar."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wavelength.accounts.management.commands._common import acting_user
from wavelength.core.exceptions import DomainError
from wavelength.integrations import selectors, services
from wavelength.integrations.importers import csvfile
from wavelength.integrations.importers.presets import PRESETS, get_preset
from wavelength.integrations.models import JobStatus

BAR = 30


class Command(BaseCommand):
    help = (
        "Import feedback from a CSV file, all rows or none. Map columns with a saved mapping "
        "(--mapping), a preset (--preset) and/or --map column=field; without any, columns "
        "named like the fields are used. Rows whose external id is already stored are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file.")
        parser.add_argument("--as", dest="email", required=True, help="Import as this user.")
        parser.add_argument("--mapping", help="Name of a saved mapping.")
        parser.add_argument("--preset", choices=sorted(PRESETS), help="A tool's export format.")
        parser.add_argument(
            "--map", action="append", default=[], metavar="COLUMN=FIELD",
            help=f"Map one column (repeatable). Fields: {', '.join(csvfile.FIELDS)}.",
        )  # fmt: skip
        parser.add_argument("--source", help="Source of the rows (default csv or the preset's).")

    def handle(self, *args, file, email, mapping, preset, map, source, **options):  # noqa: A002
        user = acting_user(email)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        services_size = path.stat().st_size
        try:
            services.check_size(services_size)
            data = path.read_bytes()
            columns = csvfile.parse(data).columns
            chosen, source = self._mapping(user, columns, mapping, preset, map, source)
            job = services.import_csv(
                actor=user, file_name=path.name, data=data, mapping=chosen,
                source=source, progress=self._progress,
            )  # fmt: skip
        except DomainError as exc:
            raise CommandError(self._reasons(exc)) from exc
        self.stderr.write("")
        if job.status == JobStatus.FAILED:
            raise CommandError(self._job_errors(job))
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path.name}: {job.created} created, {job.skipped} skipped "
                f"(already imported), {job.total} rows."
            )
        )

    def _mapping(self, user, columns, name, preset, pairs, source):
        chosen: dict[str, str] = {}
        if preset:
            chosen = get_preset(preset).mapping_for(columns)
            source = source or get_preset(preset).source
        if name:
            saved = selectors.mapping_get(user=user, name=name)
            chosen.update(saved.mapping)
            source = source or saved.source
        for pair in pairs:
            column, sep, target = pair.rpartition("=")
            if not sep or not column:
                raise CommandError(f"--map takes COLUMN=FIELD, not {pair!r}.")
            chosen = {c: f for c, f in chosen.items() if f != target.strip()}
            chosen[column.strip()] = target.strip()
        if not (preset or name or pairs):
            chosen = csvfile.guess_mapping(columns)
        return chosen, source or "csv"

    def _progress(self, job) -> None:
        if not job.total:
            return
        done = BAR * job.processed // job.total
        phase = "Importing" if job.processed else "Checking"
        self.stderr.write(
            f"\r{phase} [{'#' * done}{'.' * (BAR - done)}] {job.processed}/{job.total}",
            ending="",
        )
        sys.stderr.flush()

    @staticmethod
    def _reasons(exc: DomainError) -> str:
        rows = getattr(exc, "rows", None) or [{"row": 0, "column": "", "message": exc.message}]
        return "\n".join(_line(r) for r in rows)

    @staticmethod
    def _job_errors(job) -> str:
        lines = [_line(e) for e in job.errors if "message" in e]
        return "Nothing was imported:\n" + "\n".join(lines)


def _line(error: dict) -> str:
    where = f"row {error['row']}" if error.get("row") else "file"
    if error.get("column"):
        where += f", column “{error['column']}”"
    return f"{where}: {error['message']}"
