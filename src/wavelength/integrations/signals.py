"""Webhooks read the activity log: after a change commits, a background job gives the
webhooks that asked for its event a delivery each and sends them, never in the request (see
:mod:`.webhooks` and :mod:`wavelength.core.background`). While no webhook is on, an event
costs nothing after its commit: a flag remembers there is none."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

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
    from wavelength.core import background

    from .webhooks import any_active

    if any_active():
        background.later("wavelength.integrations.deliver_activity", activity_id)


def _webhooks_changed(sender, **kwargs) -> None:
    from .webhooks import forget_active

    forget_active()


def connect() -> None:
    from .models import Webhook

    post_save.connect(_on_activity, sender=Activity, dispatch_uid="integrations.webhooks")
    post_save.connect(_webhooks_changed, sender=Webhook, dispatch_uid="integrations.hook_saved")
    post_delete.connect(_webhooks_changed, sender=Webhook, dispatch_uid="integrations.hook_deleted")
