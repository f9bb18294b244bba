"""Closing the loop: prepare a message for every contact who asked for a feature once it is
out (beta, general availability or a shipped release), let people edit the drafts, send each
one once from a background job (``loop_send`` queues, ``loop_send_run`` sends), honour
unsubscribe links forever and give each company's owner a follow-up task.

The catalog does not know about the outreach: shipping is read back from the activity log
(``loop_prepare_from_activity``), which a signal on new activity rows queues after commit.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature, Release, ReleaseStatus, Stage
from wavelength.core import activity, clock, jobs
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.feedback import services as feedback_services
from wavelength.feedback.models import Company, Contact, FeedbackLink
from wavelength.feedback.services.checks import SCOPE
from wavelength.feedback.services.checks import clean_text as _text
from wavelength.portal.models import PortalIdea
from wavelength.portal.services import portal_unsubscribe

from ..models import WAITING, FollowUpTask, LoopMessage, LoopSend, LoopStatus

logger = logging.getLogger(__name__)
LOOP_VERBS = ("stage_changed", "released")
LOOP_STAGES = (Stage.BETA, Stage.GENERALLY_AVAILABLE)
UNSUBSCRIBE_SALT = "wavelength.feedback.loop.unsubscribe"
QUOTE_LENGTH = 500

__all__ = [
    "LOOP_STAGES",
    "LOOP_VERBS",
    "Prepared",
    "follow_up_complete",
    "loop_default_message",
    "loop_message_update",
    "loop_prepare",
    "loop_prepare_from_activity",
    "loop_release_interrupted",
    "loop_send",
    "loop_send_run",
    "loop_triggers",
    "loop_unsubscribe",
    "loop_unsubscribe_contact",
    "unsubscribe_target",
    "unsubscribe_token",
    "unsubscribe_url",
]


def _claim(model, pk: int, *, waiting: str, taking: str, **also) -> bool:
    """Take one row for this run by moving it from ``waiting`` to ``taking`` in a conditional
    UPDATE: of two runs (or a run repeated) exactly one gets it, so a message is sent once.
    ``also`` are other fields the same UPDATE sets (when it was taken)."""
    return bool(model.objects.filter(pk=pk, status=waiting).update(status=taking, **also))


@dataclass
class Prepared:
    """How many messages a preparation added: drafts, and skipped (unsubscribed) ones."""

    drafts: int = 0
    skipped: int = 0

    def __add__(self, other: "Prepared") -> "Prepared":
        return Prepared(self.drafts + other.drafts, self.skipped + other.skipped)


@dataclass
class _Asker:
    contact: Contact
    company: Company | None
    language: str
    quote: str


# Messages ---------------------------------------------------------------------------------


def _language(code: str) -> str:
    return "fr" if (code or "").lower().startswith("fr") else "en"


def loop_default_message(
    *, feature: Feature, contact: Contact, trigger: str, release=None, quote: str = ""
) -> tuple[str, str]:
    """The subject and body of a message in the active language (the caller overrides it
    with the contact's): the feature, what happened to it and, if any, what they asked."""
    names = {"feature": feature.title, "release": str(release or "")}
    if trigger == f"stage:{Stage.BETA}":
        subject = _("“%(feature)s” is now in beta") % names
        news = _("“%(feature)s”, which you asked us for, is now available in beta.") % names
    elif trigger == f"stage:{Stage.GENERALLY_AVAILABLE}":
        subject = _("“%(feature)s” is now generally available") % names
        news = _("“%(feature)s”, which you asked us for, is now generally available.") % names
    else:
        subject = _("“%(feature)s” has shipped in %(release)s") % names
        news = _("“%(feature)s”, which you asked us for, has shipped in %(release)s.") % names
    parts = [_("Hello %(name)s,") % {"name": contact.name} if contact.name else _("Hello,")]
    parts.append(news)
    if quote:
        short = quote if len(quote) <= QUOTE_LENGTH else quote[: QUOTE_LENGTH - 1] + "…"
        parts.append(_("You told us: “%(quote)s”") % {"quote": short})
    parts.append(
        _(
            "Thank you for telling us what you needed: it helped us build it. Reply to this "
            "message if you have a question or more to tell us."
        )
    )
    return subject[:200], "\n\n".join(parts)


def _follow_up_text(company: Company, feature: Feature, trigger: str, release=None) -> str:
    names = {"company": company.name, "feature": feature.title, "release": str(release or "")}
    if trigger == f"stage:{Stage.BETA}":
        text = _("Follow up with %(company)s: “%(feature)s”, which they asked for, is in beta.")
    elif trigger == f"stage:{Stage.GENERALLY_AVAILABLE}":
        text = _(
            "Follow up with %(company)s: “%(feature)s”, which they asked for, is now "
            "generally available."
        )
    else:
        text = _(
            "Follow up with %(company)s: “%(feature)s”, which they asked for, has shipped in "
            "%(release)s."
        )
    return (text % names)[:500]


# Preparing --------------------------------------------------------------------------------


def _askers(feature: Feature) -> list[_Asker]:
    """Each contact whose feedback is linked to ``feature``, once: the language of their
    latest item and a quote of theirs if one was marked."""
    links = (
        FeedbackLink.objects.filter(feature=feature, feedback__contact__isnull=False)
        .select_related("feedback__contact__company", "feedback__company")
        .order_by("-feedback__received_at", "-id")
    )
    found: dict[int, _Asker] = {}
    for link in links:
        feedback = link.feedback
        asker = found.get(feedback.contact_id)
        if asker is None:
            contact = feedback.contact
            found[contact.pk] = _Asker(
                contact=contact,
                company=contact.company or feedback.company,
                language=_language(feedback.language),
                quote=link.quote,
            )
        elif not asker.quote and link.quote:
            asker.quote = link.quote
    return list(found.values())


@transaction.atomic
def _prepare(feature: Feature, trigger: str, release=None) -> Prepared:
    """Drafts for ``trigger`` of every contact who asked and has none yet (a contact with a
    draft still waiting for this feature is not given a second one); unsubscribed contacts get
    a skipped message so the page shows why they are left out. One follow-up task per company
    and trigger, unless the company's owner still has an open one for this feature."""
    taken = set(
        LoopMessage.objects.filter(feature=feature)
        .filter(trigger=trigger)
        .values_list("contact_id", flat=True)
    )
    waiting = set(
        LoopMessage.objects.filter(feature=feature, status__in=WAITING).values_list(
            "contact_id", flat=True
        )
    )
    open_tasks = set(
        FollowUpTask.objects.filter(feature=feature, done_at__isnull=True).values_list(
            "company_id", flat=True
        )
    )
    now, result, messages, companies = clock.now(), Prepared(), [], {}
    for asker in _askers(feature):
        if asker.company is not None and asker.company.pk not in open_tasks:
            companies[asker.company.pk] = asker.company
        if asker.contact.pk in taken or asker.contact.pk in waiting:
            continue
        with translation.override(asker.language):
            subject, body = loop_default_message(
                feature=feature,
                contact=asker.contact,
                trigger=trigger,
                release=release,
                quote=asker.quote,
            )
        skipped = asker.contact.unsubscribed_at is not None
        messages.append(
            LoopMessage(
                feature=feature,
                contact=asker.contact,
                company=asker.company,
                release=release,
                trigger=trigger,
                language=asker.language,
                subject=subject,
                body=body,
                status=LoopStatus.SKIPPED if skipped else LoopStatus.DRAFT,
                prepared_at=now,
            )
        )
        result += Prepared(skipped=1) if skipped else Prepared(drafts=1)
    LoopMessage.objects.bulk_create(messages, ignore_conflicts=True)
    FollowUpTask.objects.bulk_create(
        [
            FollowUpTask(
                company=company,
                owner_id=company.owner_id,
                feature=feature,
                trigger=trigger,
                text=_follow_up_text(company, feature, trigger, release),
                created_at=now,
            )
            for company in companies.values()
        ],
        ignore_conflicts=True,
    )
    return result


def loop_triggers(feature: Feature) -> list[tuple[str, Release | None]]:
    """What a feature's customers can be told about now: its stage if beta or generally
    available, and each shipped release that ships it."""
    triggers: list[tuple[str, Release | None]] = []
    if feature.stage in LOOP_STAGES:
        triggers.append((f"stage:{feature.stage}", None))
    shipped = feature.releases.filter(status=ReleaseStatus.RELEASED).select_related("product")
    triggers += [(f"release:{release.pk}", release) for release in shipped.order_by("pk")]
    return triggers


def loop_prepare(*, actor, feature: Feature) -> Prepared:
    """An editor's "Prepare messages": drafts for what the feature's customers can be told
    now. Preparing again only adds contacts who asked since."""
    require_editor(actor)
    feature = Feature.objects.select_related("product").get(pk=feature.pk)  # its current stage
    triggers = loop_triggers(feature)
    if not triggers:
        raise DomainError(
            _(
                "Messages are prepared once the feature is in beta or generally available, or "
                "once a release that ships it has shipped."
            )
        )
    total = Prepared()
    for trigger, release in triggers:
        total += _prepare(feature, trigger, release)
    return total


def loop_prepare_from_activity(*, since=None, activity_ids=None) -> Prepared:
    """Read the activity log (features moved to beta or general availability, releases
    shipped) from ``since`` (or only the rows ``activity_ids``) and prepare the drafts.
    Safe to run again: nothing is prepared twice."""
    feature_type = ContentType.objects.get_for_model(Feature)
    release_type = ContentType.objects.get_for_model(Release)
    types = [feature_type, release_type]
    rows = Activity.objects.filter(verb__in=LOOP_VERBS, target_type__in=types)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if activity_ids is not None:
        rows = rows.filter(pk__in=list(activity_ids))
    total = Prepared()
    for row in rows.order_by("created_at", "id"):
        if row.verb == "stage_changed" and row.target_type_id == feature_type.pk:
            stage = (row.changes.get("stage") or [None, None])[-1]
            feature = Feature.objects.filter(pk=row.target_id).first()
            # A stage the feature has left since is old news: only its current stage is told.
            if stage in LOOP_STAGES and feature is not None and feature.stage == stage:
                total += _prepare(feature, f"stage:{stage}")
        elif row.verb == "released" and row.target_type_id == release_type.pk:
            release = (
                Release.objects.select_related("product")
                .filter(pk=row.target_id, status=ReleaseStatus.RELEASED)
                .first()
            )
            for feature in release.features.order_by("pk") if release else []:
                total += _prepare(feature, f"release:{release.pk}", release)
    return total


# Editing and sending ----------------------------------------------------------------------


@transaction.atomic
def loop_message_update(*, actor, message: LoopMessage, subject: str, body: str) -> LoopMessage:
    """Edit a draft's subject and body; a sent or skipped message stays as it was."""
    require_editor(actor)
    message = LoopMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != LoopStatus.DRAFT:
        raise DomainError(
            _("Only a draft can be edited: this message was sent or skipped."), field="status"
        )
    message.subject = _text(subject, "subject", 200, required=True)
    message.body = _text(body, "body", 10_000, required=True)
    message.edited_at = clock.now()
    message.save(update_fields=["subject", "body", "edited_at"])
    return message


def unsubscribe_token(contact: Contact, idea=None) -> str:
    """A token naming the contact (and, for an idea's followers, the idea), signed with the
    secret key; it never expires. Close-the-loop messages and idea updates share it."""
    value = f"{contact.pk}:idea:{idea.pk}" if idea is not None else str(contact.pk)
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(value)


def unsubscribe_url(contact: Contact, base_url: str = "", idea=None) -> str:
    base = (base_url or settings.SITE_URL).rstrip("/")
    return base + reverse("outreach:loop-unsubscribe", args=[unsubscribe_token(contact, idea)])


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


# Unsubscribing and follow-ups -------------------------------------------------------------


def unsubscribe_target(token: str) -> tuple[Contact, PortalIdea | None]:
    """The contact an unsubscribe link stands for, and the idea when it stops an idea's
    updates; a forged link is refused."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
        pk, _sep, idea_pk = value.partition(":idea:")
        pk, idea_pk = int(pk), int(idea_pk) if idea_pk else None
    except (signing.BadSignature, ValueError):
        raise DomainError(_("This unsubscribe link is not valid.")) from None
    contact = Contact.objects.filter(pk=pk).first()
    if contact is None:
        raise DomainError(_("This address is no longer in our records."))
    idea = None
    if idea_pk is not None:
        idea = PortalIdea.objects.filter(pk=idea_pk).first()
        if idea is None:
            raise DomainError(_("This idea is no longer on the portal."))
    return contact, idea


def loop_unsubscribe_contact(token: str) -> Contact:
    """The contact an unsubscribe link stands for; a forged link is refused."""
    return unsubscribe_target(token)[0]


@transaction.atomic
def loop_unsubscribe(*, token: str) -> Contact:
    """The link's POST. For an idea's updates: stop following that idea. Otherwise stop every
    close-the-loop message to the contact, now and later: waiting drafts become skipped, and
    later preparations skip them too."""
    contact, idea = unsubscribe_target(token)
    if idea is not None:
        portal_unsubscribe(idea=idea, email=contact.email)
        return contact
    feedback_services.contact_unsubscribe(contact=contact)
    LoopMessage.objects.filter(
        contact=contact, status__in=(LoopStatus.DRAFT, LoopStatus.FAILED)
    ).update(status=LoopStatus.SKIPPED)
    return contact


@transaction.atomic
def follow_up_complete(*, actor, task: FollowUpTask) -> FollowUpTask:
    """Mark a follow-up task done (doing it twice keeps the first date)."""
    require_editor(actor)
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    if task.done_at is None:
        task.done_at, task.done_by = clock.now(), actor
        task.save(update_fields=["done_at", "done_by"])
        activity.record(
            actor=actor,
            verb="followed up",
            target=task.company,
            scope=SCOPE,
            feature=task.feature_id,
            task=task.text,
        )
    return task
