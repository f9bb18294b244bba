"""Sign-in throttling (django-axes): whom an attempt was for, who is locked out, unlocking.

Attempts are counted per account and per address in the database, so every server process
sees the same counts; see ``AXES_*`` in settings.
"""

import math

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


class SignInHandler(AxesDatabaseHandler):
    """Counts wrong passwords per account and per address, with a higher limit per address:
    many people may sign in from behind one office address, and one person's typos must not
    pause the others. An address reaching ``SIGNIN_ADDRESS_FAILURE_LIMIT`` failures counts as
    an account reaching ``SIGNIN_FAILURE_LIMIT``."""

    def get_failures(self, request, credentials=None) -> int:
        per_account, per_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scale = settings.AXES_FAILURE_LIMIT / settings.SIGNIN_ADDRESS_FAILURE_LIMIT
        return max(per_account, math.floor(per_address * scale))


def attempted_email(request, credentials=None) -> str:
    """The account an attempt was for, written the way sign-in reads it (case and spaces
    ignored), so ``Alice@x`` and ``alice@x `` count as one account."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return str(raw or "").strip().lower()


def locked_out_emails() -> set[str]:
    """The accounts refused sign-in right now because of too many wrong passwords."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    totals = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in totals}
