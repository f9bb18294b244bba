"""``wavelength knowledge-import DIR --as EMAIL``: a folder of Markdown pages, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wavelength.accounts.models import User
from wavelength.core.exceptions import DomainError
from wavelength.knowledge.services.docs_io import docs_import


class Command(BaseCommand):
    help = "Import a folder of Markdown files with front matter (title, space, owner, status)."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--as", dest="email", required=True, help="Who the import is by.")

    def handle(self, directory, email, **options):
        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        actor = User.objects.filter(email__iexact=email, is_active=True).first()
        if actor is None:
            raise CommandError(f"Nobody active has the e-mail {email}.")
        try:
            files = {
                str(path.relative_to(root)): path.read_text(encoding="utf-8")
                for path in sorted(root.rglob("*.md"))
            }
        except UnicodeDecodeError as exc:
            raise CommandError(f"Not UTF-8: {exc}") from None
        try:
            counts = docs_import(actor=actor, files=files)
        except DomainError as exc:
            raise CommandError(f"Nothing imported. {exc.message}") from None
        self.stdout.write(
            "{created} created, {updated} updated, {unchanged} unchanged.".format(**counts)
        )
