"""Adding a person to a team starts the team's onboarding: the accounts app records a
``member_added`` activity without knowing about playbooks; this receiver queues the run once
that change commits."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save

from wavelength.core.models import Activity

logger = logging.getLogger(__name__)


def _queue(activity_id: int) -> None:
    from .tasks import start_onboarding

    try:
        start_onboarding.delay(activity_id)
    except Exception:  # the membership is committed; the run can still be started by hand
        logger.exception("Starting the onboarding for activity %s failed", activity_id)


def activity_saved(sender, instance: Activity, created: bool, raw: bool = False, **kwargs):
    if not created or raw or instance.verb != "member_added":
        return
    if instance.target_type_id != ContentType.objects.get_by_natural_key("accounts", "team").pk:
        return
    transaction.on_commit(lambda: _queue(instance.pk))


def connect() -> None:
    post_save.connect(activity_saved, sender=Activity, dispatch_uid="processes.onboarding")
