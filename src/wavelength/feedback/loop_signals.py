"""Connects the activity log to closing the loop. The catalog records that a feature moved to
beta or general availability, or that a release shipped, without knowing about feedback; this
receiver queues the preparation of the drafts once that change commits."""

import logging

from django.db import transaction
from django.db.models.signals import post_save

from wavelength.core.models import Activity

logger = logging.getLogger(__name__)
LOOP_STAGES = ("beta", "generally_available")


def _calls_for_loop(activity: Activity) -> bool:
    if activity.verb == "released":
        return True
    if activity.verb == "stage_changed":
        stage = (activity.changes.get("stage") or [None, None])[-1]
        return stage in LOOP_STAGES
    return False


def _queue(activity_id: int) -> None:
    from .tasks import prepare_loop_messages

    try:
        prepare_loop_messages.delay(activity_id)
    except Exception:  # the catalog's change is committed; the button can prepare them again
        logger.exception("Preparing close-the-loop messages for activity %s failed", activity_id)


def activity_saved(sender, instance: Activity, created: bool, raw: bool = False, **kwargs):
    if created and not raw and _calls_for_loop(instance):
        transaction.on_commit(lambda: _queue(instance.pk))


def connect() -> None:
    post_save.connect(activity_saved, sender=Activity, dispatch_uid="feedback.loop.activity")
