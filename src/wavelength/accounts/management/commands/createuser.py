"""``wavelength createuser``: add a person (the first admin, or any other) from the shell."""

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wavelength.accounts.models import Role, Team
from wavelength.accounts.services import membership_add, user_create
from wavelength.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Create a person with a role; without --password you are asked for one (or none)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--password",
            default=None,
            help="Sign-in password. Omit it to be prompted (it stays out of shell history).",
        )
        parser.add_argument(
            "--team",
            action="append",
            default=[],
            metavar="SLUG",
            help="Add the person to this team (repeatable).",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never prompt; without --password the person cannot sign in with a password.",
        )

    def handle(self, *args, email, role, name, password, team, interactive, **options):
        teams = self._teams(team)
        if password is None and interactive and sys.stdin.isatty():
            password = self._prompt_password()
        if password:
            try:
                validate_password(password)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        try:
            with transaction.atomic():
                user = user_create(
                    actor=None, email=email, password=password or None, name=name, role=role
                )
                for t in teams:
                    membership_add(actor=None, team=t, user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Created {user.email} ({user.get_role_display()}, id {user.pk}).")
        if not password:
            self.stdout.write("No password set: the person cannot sign in with a password yet.")

    def _teams(self, slugs: list[str]) -> list[Team]:
        teams = list(Team.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {t.slug for t in teams})
        if missing:
            raise CommandError(f"No team with slug {', '.join(missing)}.")
        return teams

    def _prompt_password(self) -> str:
        first = getpass.getpass("Password (empty for none): ")
        if first and getpass.getpass("Password (again): ") != first:
            raise CommandError("The passwords do not match.")
        return first
