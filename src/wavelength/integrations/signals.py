"""Webhooks read the activity log: after a change commits, the webhooks that asked for its
event get a delivery each, sent off the request (see :mod:`.webhooks`)."""

from django.db import transaction
from django.db.models.signals import post_save

from wavelength.core.models import Activity


def _on_activity(sender, instance: Activity, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    from .webhooks import EVENTS

    if instance.verb not in {verb for _t, verb, _l in EVENTS.values()} | {"replied"}:
        return
    pk = instance.pk
    transaction.on_commit(lambda: _deliver(pk))


def _deliver(activity_id: int) -> None:
    from .models import Webhook
    from .webhooks import deliveries_for, dispatch

    if not Webhook.objects.filter(active=True).exists():
        return
    row = Activity.objects.select_related("actor", "target_type").filter(pk=activity_id).first()
    if row is not None:
        dispatch(deliveries_for(row))


def connect() -> None:
    post_save.connect(_on_activity, sender=Activity, dispatch_uid="integrations.webhooks")
