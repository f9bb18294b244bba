"""The demo's webhook: one JSON endpoint with a delivery log of the demo's latest events.

No request leaves the machine while the demo is built: the deliveries of the demo's latest
events are made as a real event makes them, and their attempts recorded as a receiver would
have answered (one refused with a 503, then delivered on the retry). The address is a port of
this machine where nothing listens, so what happens after the demo fails there, visibly, and
never reaches anyone."""

import datetime as dt
import random

from django.db import transaction
from django.db.models import Q

from wavelength.accounts.models import Role, User
from wavelength.core import clock
from wavelength.core.models import Activity

from . import webhooks
from .models import DeliveryStatus, Webhook, WebhookAttempt

URL = "http://127.0.0.1:9/wavelength-demo/hook"
EVENTS = ["feature.created", "feature.stage_changed", "release.shipped", "comment.created"]
DELIVERIES = 8


def build_webhooks_demo(*, seed: int = 7, now: dt.datetime | None = None) -> dict:
    """Register the demo's webhook and its delivery log unless a webhook exists already."""
    if Webhook.objects.exists():
        return {"webhooks": Webhook.objects.count()}
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        return {"webhooks": 0}
    now = now or clock.now()
    rng = random.Random(seed)
    # Registered at the story's end, so the events of the demo's past are never sent to it.
    with clock.travel(now), transaction.atomic():
        hook = webhooks.webhook_create(
            actor=admin, name="Ops events receiver", url=URL, events=EVENTS
        )
    made = 0
    for row in _recent_events(now):
        with clock.travel(row.created_at), transaction.atomic():
            delivery = webhooks.delivery_create(hook, row, webhooks.event_of(row))
            _answer(delivery, row.created_at, failed_first=made == 2, rng=rng)
        made += 1
    return {"webhooks": 1, "deliveries": made}


def _recent_events(now: dt.datetime) -> list[Activity]:
    """The latest activity rows that are events the demo webhook asked for, oldest first."""
    wanted = Q(verb="replied")
    for name in EVENTS:
        target, verb, _label = webhooks.EVENTS[name]
        wanted |= Q(verb=verb, target_type__model=target) if target else Q(verb=verb)
    rows = (
        Activity.objects.filter(wanted, created_at__lte=now)
        .select_related("actor", "target_type")
        .order_by("-created_at", "-id")[:100]
    )
    picked = [r for r in rows if webhooks.event_of(r) in EVENTS][:DELIVERIES]
    return list(reversed(picked))


def _answer(delivery, at: dt.datetime, *, failed_first: bool, rng: random.Random) -> None:
    """Record the attempts a receiver answering 200 (once 503 first) would have left."""
    tries = [(503, "Service Unavailable")] if failed_first else []
    tries.append((200, '{"ok": true}'))
    when = at + dt.timedelta(seconds=1)
    for status, answer in tries:
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=when,
            status_code=status,
            response_start=answer,
            duration_ms=rng.randint(40, 320),
        )
        when += dt.timedelta(minutes=1)
    delivery.attempts = len(tries)
    delivery.status, delivery.next_attempt_at = DeliveryStatus.DELIVERED, None
    delivery.created_at = at
    delivery.save(update_fields=["attempts", "status", "next_attempt_at", "created_at"])
