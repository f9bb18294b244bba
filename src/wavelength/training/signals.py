"""Connects the activity log to release enablement. The catalog records that a feature moved
to beta or general availability, or that a release is in progress, without knowing about
training; this receiver queues, once that change commits, the drafting of its enablement
course for the product's enablement owner."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save

from wavelength.core.models import Activity

logger = logging.getLogger(__name__)
FEATURE_STAGES = ("beta", "generally_available")


def _calls_for_draft(activity: Activity) -> bool:
    changes = activity.changes or {}
    if activity.verb == "stage_changed":
        return (changes.get("stage") or [None, None])[-1] in FEATURE_STAGES
    if activity.verb == "updated":
        return (changes.get("status") or [None, None])[-1] == "in_progress"
    if activity.verb == "created":
        return (activity.payload.get("snapshot") or {}).get("status") == "in_progress"
    return False


def _queue(activity_id: int) -> None:
    from .tasks import draft_enablement

    try:
        draft_enablement.delay(activity_id)
    except Exception:  # the catalog's change is committed; a failed job must not undo it
        logger.exception("Queueing the enablement draft of activity %s failed", activity_id)


def activity_saved(sender, instance: Activity, created: bool, raw: bool = False, **kwargs):
    if not created or raw or instance.verb not in ("stage_changed", "updated", "created"):
        return
    kind = ContentType.objects.get_for_id(instance.target_type_id)
    if (
        kind.app_label == "catalog"
        and kind.model in ("feature", "release")
        and _calls_for_draft(instance)
    ):
        transaction.on_commit(lambda: _queue(instance.pk))


def connect() -> None:
    post_save.connect(activity_saved, sender=Activity, dispatch_uid="training.enablement.activity")
