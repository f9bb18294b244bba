"""The audit log: security-relevant events (sign-ins, failed sign-ins, role, team and token
changes, two-factor changes, settings, gate overrides, exports and refused permissions), kept
apart from the product's activity log, read by administrators and kept for
``AUDIT_RETENTION_DAYS``.

Services call :func:`record`; :class:`AuditMiddleware` remembers the address of the request
being served (so services need not pass it) and records exports (downloads) and refusals
(403) itself, whichever app answered them."""

import contextvars
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .models import AuditEvent, AuditKind

_address = contextvars.ContextVar("audit_address", default=None)


def record(kind: str, *, actor=None, target: str = "", email: str = "", **detail) -> AuditEvent:
    """Keep one event. ``actor`` is the person who acted (``None``: the system or someone
    not signed in, then ``email`` says whom it was about)."""
    person = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        kind=kind,
        actor=person,
        actor_email=(person.email if person else email)[:254],
        address=_address.get(),
        target=str(target)[:300],
        detail=detail,
    )


def purge(now=None) -> int:
    """Forget the events older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def _client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _address.set(_client_address(request))
        try:
            response = self.get_response(request)
            self._after(request, response)
            return response
        finally:
            _address.reset(token)

    @staticmethod
    def _after(request, response) -> None:
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False):
            return
        if response.status_code == 403:
            record(
                AuditKind.PERMISSION_REFUSED,
                actor=user,
                target=request.path,
                method=request.method,
            )
        elif response.status_code == 200 and "attachment" in response.get(
            "Content-Disposition", ""
        ):
            record(
                AuditKind.EXPORTED,
                actor=user,
                target=request.path,
                query=request.META.get("QUERY_STRING", "")[:500],
            )


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    record(AuditKind.SIGNED_IN, actor=user, target=user.email, role=user.role)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditKind.SIGNED_OUT, actor=user, target=user.email)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    email = str((credentials or {}).get("username") or "").strip().lower()
    record(AuditKind.SIGN_IN_FAILED, email=email, target=email)
