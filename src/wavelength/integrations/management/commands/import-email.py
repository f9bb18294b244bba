"""``wavelength import-email PATH --as EMAIL``: an .eml file, a folder of them, or an mbox."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wavelength.accounts.management.commands._common import acting_user
from wavelength.core.exceptions import DomainError
from wavelength.integrations import services


class Command(BaseCommand):
    help = (
        "Import e-mail as feedback: one .eml file, a folder of .eml files or an mbox archive. "
        "All messages are imported or, if one is malformed, none (each reason is printed). "
        "Messages already imported (same Message-ID) are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="An .eml file, a folder of .eml files or an mbox file.")
        parser.add_argument("--as", dest="email", required=True, help="Import as this user.")

    def handle(self, *args, path, email, **options):
        user = acting_user(email)
        target = Path(path)
        if target.is_dir():
            files = sorted(p for p in target.iterdir() if p.suffix.lower() == ".eml")
            if not files:
                raise CommandError(f"No .eml file in {path}.")
        elif target.is_file():
            files = [target]
        else:
            raise CommandError(f"Nothing at {path}.")
        found = []
        for file in files:
            found += services.email_messages(file.name, file.read_bytes())
        try:
            result = services.email_import(actor=user, messages=found)
        except DomainError as exc:
            reasons = "\n".join(f"{label}: {message}" for label, message in exc.errors.items())
            raise CommandError(f"Nothing was imported:\n{reasons}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result['messages']} messages: {result['created']} created, "
                f"{result['skipped']} skipped (already imported)."
            )
        )
