"""Connects the activity log to what the outreach tells customers. The catalog records that
a feature changed stage, or that a release shipped, without knowing about the outreach; this
receiver queues, once that change commits, the preparation of the close-the-loop drafts (beta,
general availability, a release) and the e-mails to the followers of the portal ideas moved
(any stage change, a release)."""

import logging

from django.db import transaction
from django.db.models.signals import post_save

from wavelength.core.models import Activity

from .tasks import notify_idea_followers, prepare_loop_messages

logger = logging.getLogger(__name__)
LOOP_STAGES = ("beta", "generally_available")
MOVES = ("stage_changed", "released")


def _calls_for_loop(activity: Activity) -> bool:
    if activity.verb == "released":
        return True
    if activity.verb == "stage_changed":
        stage = (activity.changes.get("stage") or [None, None])[-1]
        return stage in LOOP_STAGES
    return False


def _queue(task, activity_id: int) -> None:
    try:
        task.delay(activity_id)
    except Exception:  # the catalog's change is committed; a failed job must not undo it
        logger.exception("Queueing %s for activity %s failed", task.name, activity_id)


def activity_saved(sender, instance: Activity, created: bool, raw: bool = False, **kwargs):
    if not created or raw or instance.verb not in MOVES:
        return
    if _calls_for_loop(instance):
        transaction.on_commit(lambda: _queue(prepare_loop_messages, instance.pk))
    transaction.on_commit(lambda: _queue(notify_idea_followers, instance.pk))


def connect() -> None:
    post_save.connect(activity_saved, sender=Activity, dispatch_uid="feedback.loop.activity")
