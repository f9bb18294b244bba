"""Calendar feed addresses: only a hash of each secret is stored."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_member
from wavelength.core import clock

from ..models import (
    CalendarToken,
)

TOKEN_PREFIX = "wlcal_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def calendar_token_create(*, actor) -> tuple[CalendarToken, str]:
    """A new calendar feed address for ``actor``; the secret is shown once, never stored."""
    require_member(actor)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = CalendarToken.objects.create(user=actor, prefix=raw[:10], key_hash=_hash(raw))
    return token, raw


@transaction.atomic
def calendar_token_revoke(*, actor, token: CalendarToken) -> CalendarToken:
    if token.user_id != actor.pk and not actor.is_admin:
        raise PermissionDenied(_("Only its owner can revoke this calendar address."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    return token


def calendar_user(raw: str):
    """The active person behind a calendar feed secret, or ``None``."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = CalendarToken.objects.active().select_related("user").filter(key_hash=_hash(raw))
    token = token.first()
    return token.user if token else None
