"""Connects the activity log to staleness. The catalog records that a feature changed stage or
a release shipped without knowing about pages; this receiver queues marking the pages about it
stale once that change commits."""

import logging

from django.db import transaction
from django.db.models.signals import post_save

from wavelength.core.models import Activity

logger = logging.getLogger(__name__)
VERBS = ("stage_changed", "released")


def _queue(activity_id: int) -> None:
    from .tasks import mark_pages_stale

    try:
        mark_pages_stale.delay(activity_id)
    except Exception:  # the catalog's change is committed; the review reminder still runs
        logger.exception("Marking pages stale for activity %s failed", activity_id)


def activity_saved(sender, instance: Activity, created: bool, raw: bool = False, **kwargs):
    if created and not raw and instance.verb in VERBS:
        transaction.on_commit(lambda: _queue(instance.pk))


def connect() -> None:
    post_save.connect(activity_saved, sender=Activity, dispatch_uid="knowledge.stale.activity")
