"""Measuring what shipped: a survey about a feature, with ``follow_up_days`` set, opens and
goes to the customers who asked for the feature that many days after the feature reached
general availability, or, when it was scheduled from a release, after the release shipped
(an hourly job in the worker's beat).

A release schedules one follow-up survey per feature it ships (``release_follow_ups_schedule``):
a CSAT, NPS or CES question and an open question, sent to each feature's askers."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Release, ReleaseStatus, Stage, StageEntry
from wavelength.core import activity, clock
from wavelength.core.exceptions import DomainError

from ..models import Audience, QuestionKind, Survey, SurveyStatus
from .sending import distribution_create
from .surveys import question_add, survey_create

__all__ = ["follow_ups_due", "follow_ups_send", "release_follow_ups_schedule"]

# The headline question of a release's follow-up, in English and French.
FOLLOW_UP_QUESTIONS = {
    QuestionKind.CSAT: ("How satisfied are you with “%(feature)s”?",
                        "Êtes-vous satisfait de « %(feature)s » ?"),
    QuestionKind.CES: ("How easy was it to get what you needed with “%(feature)s”?",
                       "Était-il facile d’obtenir ce qu’il vous fallait avec « %(feature)s » ?"),
    QuestionKind.NPS: ("Now that “%(feature)s” is here, how likely are you to recommend us?",
                       "Maintenant que « %(feature)s » est là, nous recommanderiez-vous ?"),
}  # fmt: skip
OPEN_QUESTION = ("What would make it more useful to you?",
                 "Qu’est-ce qui le rendrait plus utile pour vous ?")  # fmt: skip


def _shipped_at(survey: Survey) -> dt.datetime | None:
    """When the survey's clock started: its release shipped (a follow-up scheduled from a
    release), or its feature last reached general availability. None if not yet."""
    if survey.release_id is not None:
        release = survey.release
        if release.status != ReleaseStatus.RELEASED or release.released_on is None:
            return None
        return dt.datetime.combine(release.released_on, dt.time(), tzinfo=dt.UTC)
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
        Survey.objects.select_related("feature", "release", "created_by")
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


@transaction.atomic
def release_follow_ups_schedule(
    *, actor, release: Release, kind: str = QuestionKind.CSAT, days: int = 14
) -> list[Survey]:
    """One follow-up survey per feature of ``release`` that has none from it yet: its headline
    question (CSAT, NPS or CES) and an open question, sent by itself ``days`` after the release
    ships to the customers who asked for the feature. Drafts until then, editable."""
    require_editor(actor)
    if kind not in (QuestionKind.CSAT, QuestionKind.NPS, QuestionKind.CES):
        raise DomainError(_("Choose CSAT, NPS or CES."), field="kind")
    if not isinstance(days, int) or not 0 <= days <= 365:
        raise DomainError(_("Give 0 to 365 days."), field="days")
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.status == ReleaseStatus.CANCELLED:
        raise DomainError(_("This release was cancelled."), field="release")
    done = set(release.follow_up_surveys.values_list("feature_id", flat=True))
    features = [f for f in release.features.order_by("title") if f.pk not in done]
    if not features:
        raise DomainError(
            _("Every feature of this release has its follow-up already, or it has none."),
            field="release",
        )  # fmt: skip
    return [_schedule_one(actor, release, feature, kind, days) for feature in features]


def _schedule_one(actor, release: Release, feature, kind: str, days: int) -> Survey:
    survey = survey_create(
        actor=actor, title=f"{feature.title} · {release}"[:200], product=release.product,
        feature=feature, release=release, follow_up_days=days,
    )  # fmt: skip
    english, french = FOLLOW_UP_QUESTIONS[kind]
    names = {"feature": feature.title}
    question_add(actor=actor, survey=survey, kind=kind, text=(english % names)[:300],
                 text_fr=(french % names)[:300], required=True)  # fmt: skip
    question_add(actor=actor, survey=survey, kind=QuestionKind.LONG_TEXT, text=OPEN_QUESTION[0],
                 text_fr=OPEN_QUESTION[1])  # fmt: skip
    activity.record(actor=actor, verb="follow_up_scheduled", target=release,
                    scope=f"catalog.product:{release.product_id}", survey=survey.pk,
                    feature_title=feature.title, days=days)  # fmt: skip
    return survey
