"""Outgoing webhooks: events read from the activity log, delivered in the background, signed,
retried with exponential back-off for a day, every attempt logged.

A JSON webhook receives ``{"id", "type", "time", "actor", "object", "changes"}`` with the
headers ``X-Wavelength-Event``, ``X-Wavelength-Delivery`` (the same id on every retry) and
``X-Wavelength-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>``. A Slack
or Teams webhook receives a readable message with a link back. Redirects are never followed
and an answer slower than ``TIMEOUT`` seconds counts as a failure.
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.accounts import audit
from wavelength.accounts.models import AuditKind, Role, User
from wavelength.accounts.permissions import require_admin
from wavelength.core import background, clock, notifications, versioning
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity

from .models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery, WebhookFormat

TIMEOUT = 10  # seconds: a slow endpoint never holds a worker for long
GIVE_UP_AFTER = timedelta(hours=24)  # a delivery is retried this long, then marked failed
DISABLE_AFTER = timedelta(hours=24)  # an endpoint failing this long is turned off
MAX_DELAY = timedelta(hours=2)

# Event type -> (model of the activity's target, verb), and how a person reads it.
EVENTS = {
    "feature.created": ("feature", "created", gettext_lazy("Feature created")),
    "feature.stage_changed": ("feature", "stage_changed", gettext_lazy("Feature changed stage")),
    "release.shipped": ("release", "released", gettext_lazy("Release shipped")),
    "release.gate_changed": ("releasegate", "updated", gettext_lazy("Release gate changed")),
    "release.gate_verdict_changed": (
        "release",
        "gate_verdict_changed",
        gettext_lazy("Release gate verdict changed"),
    ),
    "feedback.created": ("feedback", "created", gettext_lazy("Feedback received")),
    "page.published": ("page", "status_changed", gettext_lazy("Page published")),
    "run.completed": ("run", "completed", gettext_lazy("Playbook run completed")),
    "defect.opened": ("defect", "created", gettext_lazy("Defect opened")),
    "comment.created": ("", "commented", gettext_lazy("Comment posted")),
    "action_item.created": ("actionitem", "created", gettext_lazy("Action item created")),
    "decision.recorded": ("decision", "created", gettext_lazy("Decision recorded")),
}


def event_of(row: Activity) -> str | None:
    """The webhook event an activity row is, if any."""
    model = row.target_type.model
    for name, (target, verb, _label) in EVENTS.items():
        if verb == row.verb and target in ("", model):
            if (
                name == "page.published"
                and (row.payload.get("changes", {}).get("status") or [None, None])[1] != "published"
            ):
                continue
            return name
    if row.verb == "replied":
        return "comment.created"
    return None


def _restricted(row: Activity) -> bool:
    """Events about a team-only knowledge space are never sent outside the workspace."""
    if not row.scope.startswith("knowledge.space:"):
        return False
    from wavelength.knowledge.models import Space

    return Space.objects.filter(pk=row.scope.split(":")[1], visibility="teams").exists()


def _product_id(row: Activity) -> int | None:
    if row.scope.startswith("catalog.product:"):
        return int(row.scope.split(":")[1])
    return None


# Whether any webhook is on: asked after every event's commit, so remembered -------------

ACTIVE_FLAG_SECONDS = 5.0  # how stale another process's change may be seen here, at most
_active: dict = {"value": None, "until": 0.0}


def any_active() -> bool:
    """Whether a webhook is on. Remembered by the process (one query per few seconds at most,
    whatever the number of events); forgotten at once when this process changes a webhook."""
    now = time.monotonic()
    if _active["value"] is None or now >= _active["until"]:
        value = Webhook.objects.filter(active=True).exists()
        _active.update(value=value, until=now + ACTIVE_FLAG_SECONDS)
    return _active["value"]


def forget_active() -> None:
    """A webhook was added, changed, turned off or deleted: ask again next time."""
    _active.update(value=None, until=0.0)


# Registering ------------------------------------------------------------------------------


def _check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(_("Enter an http:// or https:// address."), field="url")
    loopback = _is_loopback(parts.hostname)
    if parts.scheme == "http" and not loopback:
        raise DomainError(
            _("Use https://: plain http:// is accepted only on this machine, for testing."),
            field="url",
        )
    own = urlsplit(settings.SITE_URL)
    if (parts.hostname, parts.port) == (own.hostname, own.port):
        raise DomainError(_("A webhook cannot point at Wavelength itself."), field="url")
    return url


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _check_events(events) -> list[str]:
    events = sorted(set(events or []))
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise DomainError(
            _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}, field="events"
        )
    if not events:
        raise DomainError(_("Choose at least one event."), field="events")
    return events


@transaction.atomic
def webhook_create(*, actor, name: str, url: str, events, format: str = WebhookFormat.JSON,
                   products=()) -> Webhook:  # fmt: skip
    """Register a webhook (administrators). Its secret is returned on the object once and
    never shown again."""
    require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the webhook a name."), field="name")
    if format not in WebhookFormat.values:
        raise DomainError(_("Unknown format."), field="format")
    hook = Webhook.objects.create(
        name=name[:100],
        url=_check_url(url),
        format=format,
        events=_check_events(events),
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by=actor,
    )
    hook.products.set(products)
    audit.record(
        AuditKind.SETTINGS_CHANGED, actor=actor, target=f"webhook {hook.name}", url=hook.url
    )
    return hook


_KEEP = object()


@transaction.atomic
def webhook_update(
    *, actor, webhook: Webhook, name=_KEEP, url=_KEEP, events=_KEEP, products=_KEEP,
    active=_KEEP, if_version: str | None = None,
) -> Webhook:  # fmt: skip
    """Change a webhook's name, address, events, products or whether it is on (administrators;
    what is not given stays). Its secret never changes. ``if_version`` refuses a stale edit."""
    require_admin(actor)
    hook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    versioning.check(hook, if_version)
    if name is not _KEEP:
        hook.name = (name or "").strip()[:100]
        if not hook.name:
            raise DomainError(_("Give the webhook a name."), field="name")
    if url is not _KEEP:
        hook.url = _check_url(url)
    if events is not _KEEP:
        hook.events = _check_events(events)
    if active is not _KEEP and bool(active) != hook.active:
        hook.active, hook.disabled_reason, hook.failing_since = bool(active), "", None
    hook.save()
    if products is not _KEEP:
        hook.products.set(products)
    audit.record(AuditKind.SETTINGS_CHANGED, actor=actor, target=f"webhook {hook.name}",
                 url=hook.url)  # fmt: skip
    return hook


@transaction.atomic
def webhook_delete(*, actor, webhook: Webhook, if_version: str | None = None) -> None:
    require_admin(actor)
    if if_version is not None:
        versioning.check(Webhook.objects.select_for_update().get(pk=webhook.pk), if_version)
    audit.record(
        AuditKind.SETTINGS_CHANGED, actor=actor, target=f"webhook {webhook.name}", deleted=True
    )
    webhook.delete()


@transaction.atomic
def webhook_enable(*, actor, webhook: Webhook) -> Webhook:
    """Turn a webhook back on after it was turned off for failing."""
    require_admin(actor)
    webhook.active, webhook.disabled_reason, webhook.failing_since = True, "", None
    webhook.save(update_fields=["active", "disabled_reason", "failing_since"])
    return webhook


def redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now, with the same id and body (administrators)."""
    require_admin(actor)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=clock.now()
    )
    return attempt(delivery.pk)


# From the activity log to deliveries ------------------------------------------------------


def body_for(hook: Webhook, row: Activity, event: str, delivery_id: str) -> str:
    site = settings.SITE_URL.rstrip("/")
    url = _object_url(row)
    actor = (
        {"id": row.actor_id, "name": str(row.actor), "email": row.actor.email}
        if row.actor
        else None
    )
    label = str(EVENTS[event][2])
    who = str(row.actor) if row.actor else "Wavelength"
    link = site + url if url else site
    if hook.format == WebhookFormat.SLACK:
        return json.dumps(
            {"text": f"*{label}*: {row.target_repr}\n{who} · <{link}|{_('Open in Wavelength')}>"}
        )
    if hook.format == WebhookFormat.TEAMS:
        return json.dumps({
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": f"{label}: {row.target_repr}",
            "title": f"{label}: {row.target_repr}",
            "text": who,
            "potentialAction": [{"@type": "OpenUri", "name": _("Open in Wavelength"),
                                 "targets": [{"os": "default", "uri": link}]}],
        })  # fmt: skip
    return json.dumps({
        "id": delivery_id,
        "type": event,
        "time": row.created_at.isoformat(),
        "actor": actor,
        "object": {"type": row.target_type.model, "id": row.target_id, "name": row.target_repr,
                   "url": link},
        "changes": row.payload.get("changes", {}),
        "payload": {k: v for k, v in row.payload.items() if k not in ("changes", "snapshot")},
    }, sort_keys=True)  # fmt: skip


def _object_url(row: Activity) -> str:
    model = row.target_type.model_class()
    target = model._base_manager.filter(pk=row.target_id).first() if model else None
    get_url = getattr(target, "get_absolute_url", None) if target is not None else None
    try:
        return get_url() if get_url else ""
    except Exception:  # noqa: BLE001 - a link is a nicety, never a reason to drop an event
        return ""


def deliveries_for(row: Activity) -> list[int]:
    """Create the deliveries an activity makes, one per interested webhook; their ids. A
    webhook hears only of what happened once it was registered."""
    event = event_of(row)
    if event is None or _restricted(row):
        return []
    hooks = Webhook.objects.filter(active=True, created_at__lte=row.created_at)
    product = _product_id(row)
    made = []
    for hook in hooks.prefetch_related("products"):
        if event not in hook.events:
            continue
        chosen = {p.pk for p in hook.products.all()}
        if chosen and product not in chosen:
            continue
        made.append(delivery_create(hook, row, event).pk)
    return made


def delivery_create(hook: Webhook, row: Activity, event: str) -> WebhookDelivery:
    """One delivery of ``row`` as ``event`` to ``hook``, due now (not sent here)."""
    delivery_id = str(uuid.uuid4())
    return WebhookDelivery.objects.create(
        uuid=delivery_id,
        webhook=hook,
        event=event,
        body=body_for(hook, row, event, delivery_id),
        next_attempt_at=clock.now(),
    )


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer like any other: not followed, not a success


_opener = urllib.request.build_opener(_NoRedirects)


def _post(hook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    body = delivery.body.encode()
    request = urllib.request.Request(hook.url, data=body, method="POST")  # noqa: S310 - checked
    request.add_header("Content-Type", "application/json")
    request.add_header("User-Agent", "Wavelength-Webhooks/1")
    request.add_header("X-Wavelength-Event", delivery.event)
    request.add_header("X-Wavelength-Delivery", str(delivery.uuid))
    if hook.format == WebhookFormat.JSON:
        request.add_header("X-Wavelength-Signature", sign(hook.secret, body))
    try:
        with _opener.open(request, timeout=TIMEOUT) as answer:
            return answer.status, answer.read(500).decode(errors="replace"), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read(500).decode(errors="replace"), ""
    except (TimeoutError, urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return None, "", str(reason)[:300]


def _delay(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes between tries, at most two hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_DELAY)


def attempt(delivery_id: int) -> WebhookDelivery:
    """Try one delivery now and log the attempt; schedule the next try or give up."""
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    hook = delivery.webhook
    started = time.monotonic()
    code, start, error = _post(hook, delivery)
    now = clock.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=code,
        error=error,
        response_start=start,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    delivery.attempts += 1
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.DELIVERED, None
        Webhook.objects.filter(pk=hook.pk).update(failing_since=None)
    else:
        retry = code is None or code >= 500 or code == 429
        if retry and now - delivery.created_at < GIVE_UP_AFTER:
            delivery.next_attempt_at = now + _delay(delivery.attempts)
        else:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        _note_failure(hook, now)
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    return delivery


def _note_failure(hook: Webhook, now) -> None:
    if hook.failing_since is None:
        Webhook.objects.filter(pk=hook.pk, failing_since__isnull=True).update(failing_since=now)
        return
    if hook.active and now - hook.failing_since >= DISABLE_AFTER:
        reason = _("Turned off after failing for a day.")
        Webhook.objects.filter(pk=hook.pk).update(active=False, disabled_reason=reason)
        forget_active()
        notifications.notify(
            recipients=User.objects.filter(role=Role.ADMIN, is_active=True),
            verb="webhook_disabled",
            title=lambda: (
                _("The webhook “%(name)s” was turned off: it failed for a day.")
                % {"name": hook.name}
            ),
            url=hook.get_absolute_url(),
            target=hook,
        )


def send_due(limit: int = 200) -> int:
    """Try the deliveries whose time has come (the periodic job); returns how many."""
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=clock.now(), webhook__active=True
    ).order_by("next_attempt_at")[:limit]
    ids = list(due.values_list("pk", flat=True))
    for pk in ids:
        attempt(pk)
    return len(ids)


def deliver_activity(activity_id: int) -> int:
    """The background job of one committed activity: its deliveries made and sent."""
    row = Activity.objects.select_related("actor", "target_type").filter(pk=activity_id).first()
    ids = deliveries_for(row) if row is not None else []
    dispatch(ids)
    return len(ids)


def dispatch(ids: list[int]) -> None:
    """Send new deliveries: each on a worker with a broker; without one, here and now (this
    runs in the background thread, or at once in the tests), then in the background thread the
    retries due meanwhile, since no periodic job runs without a broker."""
    if not ids:
        return
    from .tasks import deliver

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        for pk in ids:
            deliver.delay(pk)
        return
    for pk in ids:
        attempt(pk)
    if background.in_thread():
        send_due(limit=50)
