"""Sign-in throttling (django-axes): whom an attempt was for, who is locked out, unlocking.

Attempts are counted per account and per address in the database, so every server process
sees the same counts; see ``AXES_*`` in settings.
"""

import math
import time

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wavelength.core import pagecache


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


# Two-factor sign-in -----------------------------------------------------------------------
# A person whose authenticator app is on signs in in two steps: the password puts them in
# the session as *pending* (not signed in), then a code from the app or a recovery code
# signs them in. ``TwoFactorMiddleware`` sends administrators without two-factor to its
# set-up page when the workspace requires it.

PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300  # the second step must follow the first within five minutes
POLICY_CHECKED_KEY = "two_factor_policy_checked"
pagecache.VOLATILE_SESSION_KEYS.add(POLICY_CHECKED_KEY)  # the same pages either way
POLICY_CHECK_SECONDS = 300  # a new requirement reaches signed-in administrators this fast


def pending_start(request, user, redirect_to: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "next": redirect_to,
        "at": int(time.time()),
    }


def pending_user(request):
    """The person who typed the right password and owes the second step, or ``None``."""
    from .models import User

    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def pending_finish(request, user, device) -> str:
    """Sign the pending person in with the device that accepted their code; the page to go
    to next."""
    from django.contrib.auth import login
    from django_otp import login as otp_login

    redirect_to = request.session.pop(PENDING_KEY)["next"]
    login(request, user, backend=user.backend)
    otp_login(request, device)
    request.session[POLICY_CHECKED_KEY] = int(time.time())
    return redirect_to


def _exempt(path: str) -> bool:
    from django.urls import reverse

    allowed = (
        reverse("accounts:two-factor"),
        reverse("accounts:logout"),
        reverse("set_language"),
        settings.STATIC_URL,
    )
    return path.startswith(allowed)


class TwoFactorMiddleware:
    """When the workspace requires two-factor sign-in of administrators, an administrator
    signed in without it can only reach the page that sets it up (the API answers 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_admin and self._blocked(request):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                message = _("Set up two-factor sign-in first: administrators must use it.")
                return JsonResponse(
                    {"detail": [{"field": "", "message": str(message)}]}, status=403
                )
            if not _exempt(request.path):
                from django.shortcuts import redirect

                return redirect("accounts:two-factor")
        return self.get_response(request)

    def _blocked(self, request) -> bool:
        """Required and not done. Read from the database at most every few minutes per
        session, so pages do not pay for the check."""
        if request.session.get("signed_in_with_sso"):
            return False  # the identity provider asked for its own second factor
        checked = request.session.get(POLICY_CHECKED_KEY, 0)
        if time.time() - checked < POLICY_CHECK_SECONDS:
            return False
        from .models import SecurityPolicy

        if SecurityPolicy.current().admins_need_two_factor and not request.user.is_verified():
            return True
        request.session[POLICY_CHECKED_KEY] = int(time.time())
        return False
