"""``wavelength restore FILE``: rebuild a workspace from a backup."""

from django.core.management.base import BaseCommand, CommandError

from wavelength.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Rebuild the workspace from a `wavelength backup` archive into an empty database "
        "(DATABASE_URL, or the data directory's SQLite file) and an empty media folder, then "
        "check every table and file against the backup."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive `wavelength backup` wrote.")

    def handle(self, *args, **options):
        try:
            restore_backup(options["file"], say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Restored."))
