"""Closing the loop: prepare a message for every contact who asked for a feature once it is
out (beta, general availability or a shipped release), let people edit the drafts and give
each company's owner a follow-up task. Sending is in ``sending.py``, unsubscribe links in
``unsubscribe.py``.

The catalog does not know about the outreach: shipping is read back from the activity log
(``loop_prepare_from_activity``), which a signal on new activity rows queues after commit.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature, Release, ReleaseStatus, Stage
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.feedback.models import Company, Contact, FeedbackLink
from wavelength.feedback.services.checks import SCOPE
from wavelength.feedback.services.checks import clean_text as _text

from ..models import WAITING, FollowUpTask, LoopMessage, LoopStatus

LOOP_VERBS = ("stage_changed", "released")
LOOP_STAGES = (Stage.BETA, Stage.GENERALLY_AVAILABLE)
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
    "loop_triggers",
]


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
def loop_message_update(
    *, actor, message: LoopMessage, subject: str, body: str, if_version: str | None = None
) -> LoopMessage:
    """Edit a draft's subject and body; a sent or skipped message stays as it was.
    ``if_version`` refuses a stale edit (see core.versioning)."""
    require_editor(actor)
    message = LoopMessage.objects.select_for_update().get(pk=message.pk)
    versioning.check(message, if_version)
    if message.status != LoopStatus.DRAFT:
        raise DomainError(
            _("Only a draft can be edited: this message was sent or skipped."), field="status"
        )
    message.subject = _text(subject, "subject", 200, required=True)
    message.body = _text(body, "body", 10_000, required=True)
    message.edited_at = clock.now()
    message.save(update_fields=["subject", "body", "edited_at"])
    return message


# Follow-ups -------------------------------------------------------------------------------


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
