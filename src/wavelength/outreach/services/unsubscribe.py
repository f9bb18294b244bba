"""Unsubscribe links: every message carries one, signed, honoured forever. A link stops every
close-the-loop message to the contact, or (with an idea) only that idea's updates."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wavelength.core.exceptions import DomainError
from wavelength.feedback import services as feedback_services
from wavelength.feedback.models import Contact
from wavelength.portal.models import PortalIdea
from wavelength.portal.services import portal_unsubscribe

from ..models import LoopMessage, LoopStatus

UNSUBSCRIBE_SALT = "wavelength.feedback.loop.unsubscribe"  # unchanged: links sent stay valid

__all__ = [
    "loop_unsubscribe",
    "loop_unsubscribe_contact",
    "unsubscribe_target",
    "unsubscribe_token",
    "unsubscribe_url",
]


def unsubscribe_token(contact: Contact, idea=None) -> str:
    """A token naming the contact (and, for an idea's followers, the idea), signed with the
    secret key; it never expires. Close-the-loop messages and idea updates share it."""
    value = f"{contact.pk}:idea:{idea.pk}" if idea is not None else str(contact.pk)
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(value)


def unsubscribe_url(contact: Contact, base_url: str = "", idea=None) -> str:
    base = (base_url or settings.SITE_URL).rstrip("/")
    return base + reverse("outreach:loop-unsubscribe", args=[unsubscribe_token(contact, idea)])


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
