"""Writes of the public portal: its settings, ideas opened to customers, votes (verified by an
e-mailed link, or added by staff on a customer's behalf), comments, subscriptions, sign-in
links and new ideas submitted by customers.

Portal visitors are not users: their writes run with ``actor=None`` and are tied to a
``Contact`` found by e-mail; the e-mail's domain finds the company, but a visitor never
creates one (staff do, through the proxy vote).
"""

from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wavelength.accounts import audit
from wavelength.accounts.models import AuditKind
from wavelength.accounts.permissions import require_admin, require_editor
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError
from wavelength.feedback import services as feedback_services
from wavelength.feedback.models import Contact, Feedback, Source
from wavelength.feedback.services.checks import SCOPE
from wavelength.feedback.services.checks import clean_email as _email
from wavelength.feedback.services.checks import clean_text as _text

from .models import (
    HEX_COLOUR,
    PortalComment,
    PortalIdea,
    PortalSettings,
    PortalSubscription,
    PortalVote,
    mailbox_of,
)

__all__ = [
    "portal_comment_create",
    "portal_idea_open",
    "portal_idea_submit",
    "portal_settings_get",
    "portal_settings_update",
    "portal_signin_confirm",
    "portal_signin_request",
    "portal_subscribe",
    "portal_unsubscribe",
    "portal_vote_cast",
    "portal_vote_confirm",
    "portal_vote_proxy",
]

SIGNIN_SALT = "wavelength.portal.signin"
VOTE_SALT = "wavelength.portal.vote"
SIGNIN_MAX_AGE = 60 * 60  # an hour
VOTE_MAX_AGE = 60 * 60 * 48  # two days
LOGO_MAX_BYTES = 512 * 1024
_LOGO_TYPES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]


# Settings ---------------------------------------------------------------------------------


def portal_settings_get() -> PortalSettings:
    """The portal's one settings row, made on first use (portal off)."""
    row, _created = PortalSettings.objects.get_or_create(pk=1)
    return row


def _logo_type(upload) -> str:
    if upload.size > LOGO_MAX_BYTES:
        raise DomainError(_("The logo must be at most 512 KB."), field="logo")
    head = upload.read(16)
    upload.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, content_type in _LOGO_TYPES:
        if head.startswith(magic):
            return content_type
    raise DomainError(_("The logo must be a PNG, JPEG, GIF or WebP image."), field="logo")


@transaction.atomic
def portal_settings_update(
    *,
    actor,
    enabled: bool,
    name: str,
    accent_colour: str,
    intro: str = "",
    logo=None,
    remove_logo: bool = False,
    if_version: str | None = None,
) -> PortalSettings:
    """Turn the portal on or off and brand it. ``logo`` is an uploaded file (checked by its
    first bytes, never by its name). ``if_version`` refuses a stale edit (core.versioning)."""
    require_admin(actor)
    row = PortalSettings.objects.select_for_update().get(pk=portal_settings_get().pk)
    versioning.check(row, if_version)
    before = activity.snapshot(row, PortalSettings.TRACKED)
    colour = _text(accent_colour, "accent_colour", 7, required=True)
    if not HEX_COLOUR.match(colour):
        raise DomainError(
            _("Enter a colour as #RRGGBB, for example #4f46e5."), field="accent_colour"
        )
    row.enabled = bool(enabled)
    row.name = _text(name, "name", 80, required=True)
    row.accent_colour = colour.lower()
    row.intro = _text(intro, "intro", 2000)
    if logo is not None:
        row.logo_type = _logo_type(logo)
        if row.logo:
            row.logo.delete(save=False)
        row.logo.save(f"logo-{clock.now():%Y%m%d%H%M%S}", logo, save=False)
    elif remove_logo and row.logo:
        row.logo.delete(save=False)
        row.logo_type = ""
    row.updated_at = clock.now()
    row.save()
    changes = activity.diff(before, activity.snapshot(row, PortalSettings.TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=row, scope=SCOPE, changes=changes)
        audit.record(AuditKind.SETTINGS_CHANGED, actor=actor, target="customer portal", **changes)
    return row


# Ideas ------------------------------------------------------------------------------------


NO_IDEA = versioning.fingerprint(None)  # the version of a feature not yet open to the portal


def idea_version(idea: PortalIdea | None) -> str:
    """What an edit of a feature's portal idea starts from (:data:`NO_IDEA` without one)."""
    return versioning.version_of(idea) if idea is not None else NO_IDEA


@transaction.atomic
def portal_idea_open(
    *,
    actor,
    feature,
    title: str,
    description: str = "",
    voting_open: bool = True,
    is_listed: bool = True,
    if_version: str | None = None,
) -> PortalIdea:
    """Open a feature to the portal under a public title (or change how it is shown).
    ``if_version`` refuses a stale edit: the version of the idea the form was built from, or
    :data:`NO_IDEA` when the feature was not open yet (so two people opening it at once do
    not overwrite each other)."""
    require_editor(actor)
    fields = {
        "title": _text(title, "title", 200, required=True),
        "description": _text(description, "description", 20_000).replace("\r\n", "\n"),
        "voting_open": bool(voting_open),
        "is_listed": bool(is_listed),
    }
    idea = PortalIdea.objects.select_for_update().filter(feature=feature).first()
    versioning.check_version(idea_version(idea), if_version)
    if idea is None:
        idea = PortalIdea.objects.create(feature=feature, created_by=actor, **fields)
        snapshot = activity.snapshot(idea, PortalIdea.TRACKED)
        activity.record(
            actor=actor, verb="opened to the portal", target=idea, scope=feature.product.scope,
            snapshot=snapshot,
        )  # fmt: skip
        return idea
    before = activity.snapshot(idea, PortalIdea.TRACKED)
    for field, value in fields.items():
        setattr(idea, field, value)
    idea.updated_at = clock.now()
    idea.save()
    changes = activity.diff(before, activity.snapshot(idea, PortalIdea.TRACKED))
    if changes:
        activity.record(
            actor=actor, verb="updated", target=idea, scope=feature.product.scope, changes=changes
        )
    return idea


# Contacts of portal visitors --------------------------------------------------------------


def _visitor_contact(email: str, name: str = "") -> Contact:
    return feedback_services.contact_for_visitor(email=email, name=name, via="portal")


def _count_vote(vote: PortalVote) -> None:
    """Mark a vote counted. A voter whose contact has no company yet is matched to the
    company that now lists their e-mail's domain, so the vote counts in its demand."""
    vote.verified_at = clock.now()
    vote.save(update_fields=["verified_at"])
    feedback_services.contact_match_company(contact=vote.contact, via="portal")


def _recount(idea: PortalIdea) -> None:
    idea.vote_count = idea.votes.filter(verified_at__isnull=False).count()
    idea.comment_count = idea.comments.count()
    idea.save(update_fields=["vote_count", "comment_count"])


# Votes ------------------------------------------------------------------------------------


def _open_for_votes(idea: PortalIdea) -> None:
    if not (idea.is_listed and idea.voting_open):
        raise DomainError(_("This idea is not open for votes."), field="idea")


def _send_vote_link(vote: PortalVote, base_url: str) -> None:
    token = signing.TimestampSigner(salt=VOTE_SALT).sign(str(vote.pk))
    link = base_url + reverse("portal:vote-confirm", args=[token])
    subject = _("Confirm your vote for “%(title)s”") % {"title": vote.idea.title}
    body = _(
        "Hello,\n\nSomeone (we hope you) voted for “%(title)s” with this address. "
        "Open this link within 48 hours to confirm the vote:\n\n%(link)s\n\n"
        "If it was not you, ignore this message and nothing will be counted."
    ) % {"title": vote.idea.title, "link": link}
    send_mail(subject, body, None, [vote.contact.email])


def _vote_of_mailbox(idea: PortalIdea, email: str) -> PortalVote | None:
    """The vote already cast for ``idea`` from the mailbox ``email`` delivers to, however
    the address is spelled (``Voter+2@``, ``v.o.t.e.r@gmail.com``…): the first one."""
    return (
        PortalVote.objects.filter(idea=idea, mailbox=mailbox_of(email))
        .select_related("contact")
        .order_by("created_at", "id")
        .first()
    )


def _link_pending(vote: PortalVote) -> bool:
    """A confirmation link for ``vote`` was sent and has not expired yet."""
    if vote.link_sent_at is None:
        return False
    return (clock.now() - vote.link_sent_at).total_seconds() < VOTE_MAX_AGE


@transaction.atomic
def portal_vote_cast(
    *, idea: PortalIdea, email: str, name: str = "", verified: bool, base_url: str = ""
) -> PortalVote:
    """A customer's vote. ``verified`` when they are signed in to the portal; otherwise the
    vote waits for the link e-mailed to them. One vote per mailbox: voting again, even under
    another spelling of the address, keeps the first vote, and while its link is valid no
    second link is sent."""
    idea = PortalIdea.objects.select_for_update().get(pk=idea.pk)
    _open_for_votes(idea)
    vote = _vote_of_mailbox(idea, email)
    if vote is None:
        contact = _visitor_contact(email, name)
        vote = PortalVote.objects.create(idea=idea, contact=contact, mailbox=mailbox_of(email))
    if verified and vote.verified_at is None:
        _count_vote(vote)
        activity.record(
            actor=None, verb="voted for", target=idea, scope=SCOPE, contact=vote.contact_id
        )
        _recount(idea)
    elif vote.verified_at is None and not _link_pending(vote):
        vote.link_sent_at = clock.now()
        vote.save(update_fields=["link_sent_at"])
        _send_vote_link(vote, base_url)  # a failed send rolls the pending vote back
    return vote


@transaction.atomic
def portal_vote_confirm(*, token: str) -> PortalVote:
    """Count the vote an e-mailed link stands for. A forged or expired link is refused."""
    signer = signing.TimestampSigner(salt=VOTE_SALT)
    try:
        pk = int(signer.unsign(token, max_age=VOTE_MAX_AGE))
    except signing.SignatureExpired:
        raise DomainError(_("This link has expired; vote again to get a new one.")) from None
    except (signing.BadSignature, ValueError):
        raise DomainError(_("This link is not valid.")) from None
    vote = PortalVote.objects.select_related("idea", "contact").filter(pk=pk).first()
    if vote is None:
        raise DomainError(_("This vote no longer exists."))
    if vote.verified_at is None:
        _count_vote(vote)
        activity.record(
            actor=None, verb="voted for", target=vote.idea, scope=SCOPE, contact=vote.contact_id
        )
        _recount(vote.idea)
    return vote


@transaction.atomic
def portal_vote_proxy(*, actor, idea: PortalIdea, email: str, name: str = "") -> PortalVote:
    """Staff add a vote on behalf of a customer contact (found or created by e-mail; the
    domain finds or creates the company). The vote counts at once and records who added it."""
    require_editor(actor)
    idea = PortalIdea.objects.select_for_update().get(pk=idea.pk)
    contact = feedback_services.contact_for(
        actor=actor, email=_email(email), name=_text(name, "name", 150)
    )
    vote = _vote_of_mailbox(idea, contact.email)
    if vote is not None and vote.verified_at is not None:
        raise DomainError(_("%(who)s has already voted for this idea.") % {"who": vote.contact})
    if vote is None:
        vote = PortalVote(idea=idea, contact=contact, mailbox=mailbox_of(contact.email))
    vote.verified_at = clock.now()
    vote.proxy_by = actor
    vote.save()
    activity.record(
        actor=actor, verb="added a vote for", target=idea, scope=SCOPE, contact=contact.pk
    )
    _recount(idea)
    return vote


# Sign-in by e-mail link -------------------------------------------------------------------


def portal_signin_request(*, email: str, base_url: str) -> None:
    """E-mail a one-hour sign-in link. Nothing is stored until the link is opened."""
    email = _email(email)
    token = signing.TimestampSigner(salt=SIGNIN_SALT).sign(email)
    link = base_url + reverse("portal:signin-confirm", args=[token])
    body = _(
        "Hello,\n\nOpen this link within an hour to sign in to the feedback portal:\n\n"
        "%(link)s\n\nIf you did not ask for it, ignore this message."
    ) % {"link": link}
    send_mail(_("Your sign-in link"), body, None, [email])


def portal_signin_confirm(*, token: str) -> str:
    """The e-mail address a sign-in link stands for; refused when forged or expired."""
    signer = signing.TimestampSigner(salt=SIGNIN_SALT)
    try:
        return _email(signer.unsign(token, max_age=SIGNIN_MAX_AGE))
    except signing.SignatureExpired:
        raise DomainError(_("This link has expired; ask for a new one.")) from None
    except signing.BadSignature:
        raise DomainError(_("This link is not valid.")) from None


# Comments, subscriptions and new ideas ----------------------------------------------------


@transaction.atomic
def portal_comment_create(
    *, idea: PortalIdea, name: str, text: str, email: str = ""
) -> PortalComment:
    """A customer's comment, stored as typed (pages escape it)."""
    if not idea.is_listed:
        raise DomainError(_("This idea is not on the portal."), field="idea")
    contact = _visitor_contact(email) if email else None
    comment = PortalComment.objects.create(
        idea=idea,
        contact=contact,
        name=_text(name, "name", 80, required=True),
        text=_text(text, "text", 4000, required=True).replace("\r\n", "\n"),
    )
    activity.record(actor=None, verb="commented on", target=idea, scope=SCOPE, comment=comment.pk)
    _recount(idea)
    return comment


@transaction.atomic
def portal_subscribe(*, idea: PortalIdea, email: str) -> PortalSubscription:
    """Follow an idea (the signed-in customer's e-mail); subscribing twice is harmless."""
    if not idea.is_listed:
        raise DomainError(_("This idea is not on the portal."), field="idea")
    contact = _visitor_contact(email)
    subscription, created = PortalSubscription.objects.get_or_create(idea=idea, contact=contact)
    if created:
        activity.record(
            actor=None, verb="subscribed to", target=idea, scope=SCOPE, contact=contact.pk
        )
    return subscription


@transaction.atomic
def portal_unsubscribe(*, idea: PortalIdea, email: str) -> None:
    """Stop following an idea (the portal's button, or the link in an idea's update)."""
    rows = PortalSubscription.objects.filter(idea=idea, contact__email=_email(email))
    contacts = list(rows.values_list("contact_id", flat=True))
    rows.delete()
    for contact in contacts:
        activity.record(
            actor=None, verb="unsubscribed from", target=idea, scope=SCOPE, contact=contact
        )


@transaction.atomic
def portal_idea_submit(*, email: str, name: str, title: str, text: str) -> Feedback:
    """A customer's new idea: portal feedback in the staff inbox, waiting for triage."""
    contact = _visitor_contact(email, name)
    return feedback_services.feedback_submit(
        contact=contact, title=title, text=text, source=Source.PORTAL, via="portal"
    )
