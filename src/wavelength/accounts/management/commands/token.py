"""``wavelength token create|list|revoke``: personal API tokens from the command line."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wavelength.accounts.models import ApiToken
from wavelength.accounts.services import token_create, token_revoke, user_get_by_email
from wavelength.core.exceptions import DomainError

ROW = "{:>5}  {:<24} {:<12} {:<17} {:<17} {}"


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


class Command(BaseCommand):
    help = "Create, list and revoke personal API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser(
            "create", help="Create a token; the secret is printed once, on the last line."
        )
        create.add_argument("--email", required=True, help="Whose token it is.")
        create.add_argument("--name", default="Command line", help="What the token is for.")
        listing = actions.add_parser("list", help="List a person's tokens.")
        listing.add_argument("--email", required=True)
        revoke = actions.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("--id", type=int, required=True, dest="token_id")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"handle_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def handle_create(self, *, email, name, **options):
        # The command line acts with full authority: actor None, as for the first admin.
        with transaction.atomic():
            user = user_get_by_email(email)
            token, raw = token_create(actor=None, user=user, name=name)
        self.stdout.write(f"Created token {token.name!r} (id {token.pk}) for {user.email}.")
        self.stdout.write("Copy it now: it is not stored and cannot be shown again.")
        self.stdout.write(raw)

    def handle_list(self, *, email, **options):
        user = user_get_by_email(email)
        tokens = ApiToken.objects.filter(user=user).order_by("created_at", "id")
        if not tokens:
            self.stdout.write(f"{user.email} has no API tokens.")
            return
        self.stdout.write(ROW.format("ID", "NAME", "PREFIX", "CREATED", "LAST USED", "STATE"))
        for t in tokens:
            state = "active" if t.is_active else f"revoked {_when(t.revoked_at)}"
            self.stdout.write(
                ROW.format(
                    t.pk,
                    t.name[:24],
                    t.prefix + "…",
                    _when(t.created_at),
                    _when(t.last_used_at),
                    state,
                )
            )

    def handle_revoke(self, *, token_id, **options):
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"No API token with id {token_id}.")
        if not token.is_active:
            self.stdout.write(f"Token {token_id} was already revoked on {_when(token.revoked_at)}.")
            return
        token_revoke(actor=None, token=token)
        self.stdout.write(f"Revoked token {token.name!r} (id {token_id}) of {token.user.email}.")
