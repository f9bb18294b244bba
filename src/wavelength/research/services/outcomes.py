"""Measuring what shipped: a survey about a feature, with ``follow_up_days`` set, opens and
goes to the customers who asked for the feature that many days after the feature reached
general availability (a daily job, ``wavelength research-follow-ups`` or the worker's beat)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from wavelength.catalog.models import Stage, StageEntry
from wavelength.core import activity, clock
from wavelength.core.exceptions import DomainError

from ..models import Audience, Survey, SurveyStatus
from .sending import distribution_create

__all__ = ["follow_ups_due", "follow_ups_send"]


def _shipped_at(survey: Survey) -> dt.datetime | None:
    """When the survey's feature last reached general availability (None if it has not)."""
    if survey.feature is None or survey.feature.stage != Stage.GENERALLY_AVAILABLE:
        return None
    entry = (
        StageEntry.objects.filter(feature=survey.feature, stage=Stage.GENERALLY_AVAILABLE)
        .order_by("-entered_at")
        .first()
    )
    return entry.entered_at if entry else None


def follow_ups_due() -> list[Survey]:
    """The follow-up surveys whose day has come and that were not sent yet."""
    waiting = (
        Survey.objects.select_related("feature", "created_by")
        .filter(feature__isnull=False, follow_up_days__isnull=False, follow_up_sent_at=None)
        .exclude(status=SurveyStatus.CLOSED)
    )
    now = clock.now()
    due = []
    for survey in waiting:
        shipped = _shipped_at(survey)
        if shipped is not None and shipped + dt.timedelta(days=survey.follow_up_days) <= now:
            due.append(survey)
    return due


@transaction.atomic
def _send_one(survey: Survey, *, send: bool) -> int:
    survey = (
        Survey.objects.select_for_update(of=("self",))
        .select_related("feature", "created_by")
        .get(pk=survey.pk)
    )
    if survey.follow_up_sent_at is not None:
        return 0
    survey.status, survey.follow_up_sent_at = SurveyStatus.OPEN, clock.now()
    survey.save(update_fields=["status", "follow_up_sent_at"])
    activity.record(actor=None, verb="follow_up_opened", target=survey, scope="research",
                    feature=survey.feature_id)  # fmt: skip
    try:
        distribution = distribution_create(
            actor=survey.created_by, survey=survey, audience=Audience.FEATURE,
            feature=survey.feature, send=send,
        )  # fmt: skip
    except (DomainError, PermissionDenied):
        return 0  # nobody asked for it (or everyone was invited): the survey stays open
    return distribution.invited


def follow_ups_send(*, send: bool = True) -> int:
    """Open and send every follow-up survey that is due; how many people were invited
    (``send`` False: invited, their e-mails left to ``invitations_send_run``)."""
    return sum(_send_one(survey, send=send) for survey in follow_ups_due())
