"""``wavelength backup FILE``: a consistent backup of the running workspace."""

from django.core.management.base import BaseCommand, CommandError

from wavelength.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write the database (one consistent snapshot, taken while the server runs), the "
        "uploaded files and the secret key to one archive (.tar.gz). Restore it with "
        "`wavelength restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive to write; it must not exist yet.")

    def handle(self, *args, **options):
        try:
            create_backup(options["file"], say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
