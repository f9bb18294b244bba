"""``wavelength knowledge-export SPACE DIR``: a space as a folder of Markdown pages."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wavelength.accounts.models import Role, User
from wavelength.knowledge.models import Space
from wavelength.knowledge.services.docs_io import docs_export


class Command(BaseCommand):
    help = "Export a space (by its slug) as Markdown files with front matter."

    def add_arguments(self, parser):
        parser.add_argument("space")
        parser.add_argument("directory")

    def handle(self, space, directory, **options):
        found = Space.objects.filter(slug=space).first()
        if found is None:
            raise CommandError(f"No space “{space}”.")
        # The command line runs with the machine's rights: everything is readable.
        reader = User(email="export@localhost", role=Role.ADMIN, is_active=True)
        files = docs_export(actor=reader, space=found)
        root = Path(directory)
        root.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (root / name).write_bytes(text.encode("utf-8"))
        self.stdout.write(f"{len(files)} pages written to {root}.")
