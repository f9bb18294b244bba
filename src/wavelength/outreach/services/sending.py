"""Sending a feature's close-the-loop messages: ``loop_send`` queues the drafts (or the failed
ones, to retry) for a background job, ``loop_send_run`` is that job and sends each message
once, and ``loop_release_interrupted`` fails, for a retry, what a stopped worker left sending."""

import datetime as dt
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature
from wavelength.core import activity, clock, jobs
from wavelength.core.exceptions import DomainError

from ..models import LoopMessage, LoopSend, LoopStatus
from .unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)

__all__ = ["loop_release_interrupted", "loop_send", "loop_send_run"]


def _claim(model, pk: int, *, waiting: str, taking: str, **also) -> bool:
    """Take one row for this run by moving it from ``waiting`` to ``taking`` in a conditional
    UPDATE: of two runs (or a run repeated) exactly one gets it, so a message is sent once.
    ``also`` are other fields the same UPDATE sets (when it was taken)."""
    return bool(model.objects.filter(pk=pk, status=waiting).update(status=taking, **also))


def _email(message: LoopMessage, base_url: str) -> EmailMessage:
    link = unsubscribe_url(message.contact, base_url)
    with translation.override(message.language):
        footer = _(
            "You receive this message because you asked us for this feature. To receive no "
            "more of these messages, open this link: %(link)s"
        ) % {"link": link}
    return EmailMessage(
        subject=message.subject,
        body=f"{message.body}\n\n-- \n{footer}\n",
        to=[message.contact.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


@transaction.atomic
def loop_send(*, actor, feature: Feature, base_url: str = "", retry: bool = False) -> LoopSend:
    """Queue the sending of every draft of ``feature`` (or, with ``retry``, of every message
    whose sending failed) as one background job, run once this commits. Returns the job; a
    second "Send" while one runs queues only what the first did not take."""
    require_editor(actor)
    loop_release_interrupted(feature=feature)
    wanted = LoopStatus.FAILED if retry else LoopStatus.DRAFT
    # Ordered by pk: the default order joins the company, which FOR UPDATE cannot lock.
    pending = LoopMessage.objects.select_for_update().filter(feature=feature, status=wanted)
    ids = list(pending.order_by("pk").values_list("pk", flat=True))
    if not ids:
        if retry:
            raise DomainError(_("No message failed: there is nothing to send again."))
        raise DomainError(_("No draft was waiting: nothing was sent."))
    send = LoopSend.objects.create(
        feature=feature, requested_by=actor, requested_at=clock.now(), base_url=base_url[:200]
    )
    LoopMessage.objects.filter(pk__in=ids, status=wanted).update(
        status=LoopStatus.QUEUED, send=send
    )
    activity.record(
        actor=actor,
        verb="queued messages",
        target=feature,
        scope=f"catalog.product:{feature.product_id}",
        messages=len(ids),
        retry=retry,
    )
    transaction.on_commit(lambda: _queue_send(send.pk))
    return send


def _queue_send(send_id: int) -> None:
    try:
        jobs.queue("wavelength.feedback.send_loop_messages", send_id)
    except Exception as exc:  # no job will take them: they fail, and "Retry" queues them again
        logger.exception("Queueing close-the-loop send %s failed", send_id)
        reason = _("The background job could not be queued: %(error)s") % {"error": exc}
        LoopMessage.objects.filter(send_id=send_id, status=LoopStatus.QUEUED).update(
            status=LoopStatus.FAILED, error=reason[:500]
        )
        LoopSend.objects.filter(pk=send_id, finished_at=None).update(finished_at=clock.now())


def _take(pk: int) -> bool:
    now = clock.now()
    return _claim(
        LoopMessage, pk, waiting=LoopStatus.QUEUED, taking=LoopStatus.SENDING, claimed_at=now
    )


# A message still "sending" this long after a job took it was interrupted (the worker died).
INTERRUPTED_AFTER = dt.timedelta(minutes=15)


def loop_release_interrupted(*, feature: Feature | None = None) -> int:
    """Mark failed the messages a sending job took and never finished (its worker stopped
    between taking and sending), so "Retry" sends them and their job completes. Whether such
    a message went out is unknown, and the reason says so. Returns how many were released."""
    stuck = LoopMessage.objects.filter(
        status=LoopStatus.SENDING, claimed_at__lt=clock.now() - INTERRUPTED_AFTER
    )
    if feature is not None:
        stuck = stuck.filter(feature=feature)
    sends = set(stuck.values_list("send_id", flat=True))
    reason = _(
        "The sending was interrupted before it was confirmed, so this message may not have "
        "gone out. Retry to send it."
    )
    released = stuck.update(status=LoopStatus.FAILED, error=reason[:500])
    for send in LoopSend.objects.filter(pk__in=sends).select_related("feature", "requested_by"):
        _finish(send)
    return released


def _deliver(message: LoopMessage, send: LoopSend) -> str:
    """Send one claimed message; its new status."""
    if message.contact.unsubscribed_at is not None:
        LoopMessage.objects.filter(pk=message.pk).update(status=LoopStatus.SKIPPED)
        return LoopStatus.SKIPPED
    try:
        _email(message, send.base_url).send()
    except Exception as exc:  # any backend failure is recorded on the message, to retry
        reason = (str(exc) or exc.__class__.__name__)[:500]
        LoopMessage.objects.filter(pk=message.pk).update(status=LoopStatus.FAILED, error=reason)
        logger.warning("Close-the-loop message %s failed: %s", message.pk, reason)
        return LoopStatus.FAILED
    LoopMessage.objects.filter(pk=message.pk).update(
        status=LoopStatus.SENT, sent_at=clock.now(), sent_by_id=send.requested_by_id, error=""
    )
    return LoopStatus.SENT


def loop_send_run(*, send_id: int) -> int:
    """The background job of a "Send": each queued message of the job is claimed, then sent
    through the configured e-mail backend, then marked sent (or failed, with the reason).
    Running it twice, or twice at once, sends each message once. Returns how many this run
    sent; the run that finishes the job records who was told."""
    send = LoopSend.objects.select_related("feature", "requested_by").filter(pk=send_id).first()
    if send is None:
        return 0
    sent = 0
    queued = send.messages.filter(status=LoopStatus.QUEUED).order_by("pk")
    for pk in list(queued.values_list("pk", flat=True)):
        if not _take(pk):
            continue
        message = LoopMessage.objects.select_related("contact").get(pk=pk)
        sent += _deliver(message, send) == LoopStatus.SENT
    _finish(send)
    return sent


def _finish(send: LoopSend) -> None:
    busy = (LoopStatus.QUEUED, LoopStatus.SENDING)
    if send.messages.filter(status__in=busy).exists():
        return  # another run still works on it: that one finishes the job
    with transaction.atomic():
        done = LoopSend.objects.filter(pk=send.pk, finished_at=None).update(finished_at=clock.now())
        told = send.messages.filter(status=LoopStatus.SENT).count()
        if done and told:
            feature = send.feature
            activity.record(
                actor=send.requested_by,
                verb="told customers",
                target=feature,
                scope=f"catalog.product:{feature.product_id}",
                messages=told,
            )
