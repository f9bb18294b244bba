"""What the commands that write as someone share: ``--as EMAIL`` (the importers, ``quality``)."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from wavelength.accounts.models import User
from wavelength.accounts.permissions import require_editor


def acting_user(email: str) -> User:
    """The active user the import is recorded as; an unknown one or a viewer is refused."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        raise CommandError(f"No active user has the e-mail {email!r} (--as).")
    try:
        require_editor(user)
    except PermissionDenied as exc:
        raise CommandError(f"{user.email} cannot import: {exc}") from exc
    return user
