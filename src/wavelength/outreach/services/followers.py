"""Telling an idea's followers that it moved. The catalog records that a feature changed stage
or that a release shipped, without knowing about the portal; a task reads that activity row
and e-mails each customer who follows the idea of a feature concerned, once per move.

Each e-mail is a ``FollowerNotification`` row, unique per activity, idea and contact, claimed
before it is sent: running the task twice (or twice at once) tells nobody twice.
"""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from wavelength.catalog.models import Feature, Release, ReleaseStatus, Stage
from wavelength.core import clock
from wavelength.core.models import Activity
from wavelength.feedback.models import Feedback
from wavelength.portal.models import PortalIdea, PortalSubscription
from wavelength.portal.selectors import roadmap_column, roadmap_column_label
from wavelength.portal.services import portal_settings_get

from ..models import FollowerNotification, NotificationStatus
from .loop import _language
from .sending import _claim
from .unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)

__all__ = ["followers_notify", "follower_message"]


def _moves(row: Activity) -> list[tuple[PortalIdea, Release | None]]:
    """The listed ideas an activity row moves, with the release that shipped them if any."""
    ideas = PortalIdea.objects.listed().select_related("feature__product")
    if row.verb == "stage_changed" and row.target_type == ContentType.objects.get_for_model(
        Feature
    ):
        return [(idea, None) for idea in ideas.filter(feature_id=row.target_id)]
    if row.verb == "released" and row.target_type == ContentType.objects.get_for_model(Release):
        release = (
            Release.objects.select_related("product")
            .filter(pk=row.target_id, status=ReleaseStatus.RELEASED)
            .first()
        )
        if release is not None:
            return [(idea, release) for idea in ideas.filter(feature__releases=release)]
    return []


def _stage_label(value) -> str:
    return str(Stage(value).label) if value in Stage.values else ""


def follower_message(*, idea: PortalIdea, row: Activity, contact, release=None) -> tuple[str, str]:
    """The subject and body of an idea's update, in the active language: what changed, where
    the idea now stands on the roadmap and the link to it."""
    names = {"idea": idea.title, "release": str(release or "")}
    if release is not None:
        subject = _("“%(idea)s” has shipped in %(release)s") % names
        news = _("“%(idea)s”, an idea you follow, has shipped in %(release)s.") % names
    else:
        old, new = (row.changes.get("stage") or [None, None])[-2:]
        names.update(old=_stage_label(old), new=_stage_label(new))
        subject = _("“%(idea)s” is now %(new)s") % names
        news = _("“%(idea)s”, an idea you follow, moved from %(old)s to %(new)s.") % names
    parts = [_("Hello %(name)s,") % {"name": contact.name} if contact.name else _("Hello,"), news]
    column = roadmap_column(idea.feature.stage)
    if column:
        parts.append(
            _("On our roadmap it is now under “%(column)s”.")
            % {"column": roadmap_column_label(column)}
        )
    link = settings.SITE_URL.rstrip("/") + reverse("portal:idea-detail", args=[idea.pk])
    parts.append(_("See the idea and its comments: %(link)s") % {"link": link})
    return subject[:200], "\n\n".join(parts)


def _email(notice: FollowerNotification, row: Activity, release, language: str) -> EmailMessage:
    contact, idea = notice.contact, notice.idea
    link = unsubscribe_url(contact, idea=idea)
    with translation.override(language):
        subject, body = follower_message(idea=idea, row=row, contact=contact, release=release)
        footer = _(
            "You receive this message because you follow this idea on our portal. To stop "
            "following it, open this link: %(link)s"
        ) % {"link": link}
    return EmailMessage(
        subject=subject,
        body=f"{body}\n\n-- \n{footer}\n",
        to=[contact.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _languages(contact_ids: list[int]) -> dict[int, str]:
    """Each contact's language, from their latest feedback; English when unknown."""
    rows = (
        Feedback.objects.filter(contact_id__in=contact_ids)
        .exclude(language="")
        .order_by("contact_id", "-received_at", "-id")
        .values_list("contact_id", "language")
    )
    found: dict[int, str] = {}
    for contact_id, language in rows:
        found.setdefault(contact_id, _language(language))
    return found


def _deliver(notice: FollowerNotification, row: Activity, release, language: str) -> bool:
    try:
        _email(notice, row, release, language).send()
    except Exception as exc:  # recorded on the row; the move is not told twice anyway
        reason = (str(exc) or exc.__class__.__name__)[:500]
        FollowerNotification.objects.filter(pk=notice.pk).update(
            status=NotificationStatus.FAILED, error=reason
        )
        logger.warning("Idea update %s failed: %s", notice.pk, reason)
        return False
    FollowerNotification.objects.filter(pk=notice.pk).update(
        status=NotificationStatus.SENT, sent_at=clock.now()
    )
    return True


def followers_notify(*, activity_id: int) -> int:
    """E-mail every follower of each portal idea that the activity row moves (a stage change of
    its feature, a release shipping it); returns how many e-mails this run sent. Nothing when
    the portal is off or the idea is hidden; safe to run again."""
    row = Activity.objects.filter(pk=activity_id).select_related("target_type").first()
    if row is None or not portal_settings_get().enabled:
        return 0
    sent = 0
    for idea, release in _moves(row):
        followers = PortalSubscription.objects.filter(idea=idea).values_list(
            "contact_id", flat=True
        )
        FollowerNotification.objects.bulk_create(
            [FollowerNotification(activity=row, idea=idea, contact_id=c) for c in followers],
            ignore_conflicts=True,
        )
        pending = FollowerNotification.objects.filter(
            activity=row, idea=idea, status=NotificationStatus.PENDING
        ).select_related("contact")
        notices = list(pending)
        languages = _languages([n.contact_id for n in notices])
        for notice in notices:
            notice.idea = idea
            taken = _claim(
                FollowerNotification,
                notice.pk,
                waiting=NotificationStatus.PENDING,
                taking=NotificationStatus.SENDING,
            )
            if taken:
                language = languages.get(notice.contact_id, "en")
                sent += _deliver(notice, row, release, language)
    return sent
