"""Sending a survey by e-mail: choosing the contacts (by segment, plan and revenue, the
customers who asked for a feature, or a CSV list), one personal link each, reminders to those
who did not answer, and unsubscribe links honoured forever. Unsubscribed contacts are never
e-mailed; naming one in a list is refused."""

import csv
import io
import logging
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, jobs
from wavelength.core.exceptions import DomainError
from wavelength.feedback import services as feedback_services
from wavelength.feedback.models import Contact, Segment
from wavelength.feedback.services.checks import clean_email

from ..models import Audience, Distribution, Invitation, Survey, SurveyStatus

logger = logging.getLogger(__name__)

__all__ = [
    "audience_contacts",
    "distribution_create",
    "invitations_send_run",
    "personal_url",
    "survey_remind",
    "survey_unsubscribe",
    "unsubscribe_contact",
    "unsubscribe_url",
]

UNSUBSCRIBE_SALT = "wavelength.research.unsubscribe"
MAX_LIST = 5000


def _base(base_url: str = "") -> str:
    return (base_url or settings.SITE_URL).rstrip("/")


def personal_url(invitation: Invitation, base_url: str = "") -> str:
    return _base(base_url) + reverse("research:survey-personal", args=[invitation.token])


def unsubscribe_url(contact: Contact, base_url: str = "") -> str:
    token = signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(contact.pk))
    return _base(base_url) + reverse("research:survey-unsubscribe", args=[token])


def unsubscribe_contact(token: str) -> Contact:
    """The contact an unsubscribe link stands for; a forged link is refused."""
    try:
        pk = int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise DomainError(_("This unsubscribe link is not valid.")) from None
    contact = Contact.objects.filter(pk=pk).first()
    if contact is None:
        raise DomainError(_("This address is no longer in our records."))
    return contact


@transaction.atomic
def survey_unsubscribe(*, token: str) -> Contact:
    """The unsubscribe link's POST: no survey (nor any other message) is e-mailed to the
    contact again."""
    return feedback_services.contact_unsubscribe(contact=unsubscribe_contact(token))


# Choosing the audience --------------------------------------------------------------------


def _emails_from_csv(text: str) -> list[str]:
    """The e-mail addresses of a CSV list: the ``email`` column when there is a header, else
    the first column; each is checked."""
    rows = list(csv.reader(io.StringIO(text or "")))
    if rows and any("email" in c.strip().lower() for c in rows[0]):
        header = [c.strip().lower() for c in rows[0]]
        column = next(i for i, c in enumerate(header) if "email" in c)
        rows = rows[1:]
    else:
        column = 0
    emails = []
    for number, row in enumerate(rows, start=1):
        if len(row) <= column or not row[column].strip():
            continue
        try:
            emails.append(clean_email(row[column], "emails"))
        except DomainError:
            message = _("Line %(n)d: “%(value)s” is not an e-mail address.") % {
                "n": number, "value": row[column][:100],
            }  # fmt: skip
            raise DomainError(message, field="emails") from None
    if not emails:
        raise DomainError(_("The list holds no e-mail address."), field="emails")
    if len(emails) > MAX_LIST:
        raise DomainError(_("At most %(n)d addresses at once.") % {"n": MAX_LIST}, field="emails")
    return list(dict.fromkeys(emails))


def _list_contacts(actor, emails: list[str]) -> list[Contact]:
    known = {c.email: c for c in Contact.objects.filter(email__in=emails)}
    refused = [e for e in emails if e in known and known[e].unsubscribed_at is not None]
    if refused:
        message = _("These contacts unsubscribed and are never e-mailed: %(emails)s.") % {
            "emails": ", ".join(refused[:10])
        }
        raise DomainError(message, field="emails")
    return [known.get(e) or feedback_services.contact_for(actor=actor, email=e) for e in emails]


def audience_contacts(
    *, actor, audience: str, segments=(), plan: str = "", min_arr=None, max_arr=None,
    feature=None, emails: str = "",
) -> list[Contact]:  # fmt: skip
    """The contacts an audience names, unsubscribed ones left out (a list naming one is
    refused)."""
    if audience == Audience.LIST:
        return _list_contacts(actor, _emails_from_csv(emails))
    contacts = Contact.objects.select_related("company").filter(unsubscribed_at=None)
    if audience == Audience.FEATURE:
        if feature is None:
            raise DomainError(_("Choose the feature."), field="feature")
        contacts = contacts.filter(feedback__links__feature=feature)
    elif audience == Audience.SEGMENT:
        wrong = [s for s in segments if s not in Segment.values]
        if wrong:
            raise DomainError(_("Unknown segment."), field="segments")
        if segments:
            contacts = contacts.filter(company__segment__in=list(segments))
        if plan:
            contacts = contacts.filter(company__plan__iexact=plan.strip())
        if min_arr is not None:
            contacts = contacts.filter(company__arr__gte=Decimal(min_arr))
        if max_arr is not None:
            contacts = contacts.filter(company__arr__lte=Decimal(max_arr))
        if not (segments or plan or min_arr is not None or max_arr is not None):
            raise DomainError(_("Choose a segment, a plan or a revenue range."),
                              field="segments")  # fmt: skip
    else:
        raise DomainError(_("Unknown audience."), field="audience")
    return list(contacts.distinct().order_by("pk"))


@transaction.atomic
def distribution_create(
    *, actor, survey: Survey, audience: str, language: str = "en", send: bool = True, **criteria
) -> Distribution:
    """Invite the audience's contacts (but those whose earlier invitation is still unanswered)
    and, unless ``send`` is False, e-mail their personal links once this commits."""
    require_editor(actor)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.OPEN:
        raise DomainError(_("Open the survey before sending it."), field="survey")
    if language not in ("en", "fr"):
        raise DomainError(_("Choose English or French."), field="language")
    contacts = audience_contacts(actor=actor, audience=audience, **criteria)
    waiting = survey.invitations.filter(responded_at=None).values_list("contact_id", flat=True)
    waiting = set(waiting)
    new = [c for c in contacts if c.pk not in waiting]
    if not new:
        raise DomainError(
            _("Nobody to invite: every contact chosen has an unanswered invitation already."),
            field="audience",
        )
    feature = criteria.get("feature")
    kept = {k: v for k, v in criteria.items() if k not in ("feature", "emails") and v}
    kept = {k: str(v) if isinstance(v, Decimal) else v for k, v in kept.items()}
    if feature is not None:
        kept["feature"] = feature.pk
    distribution = Distribution.objects.create(
        survey=survey, audience=audience, criteria={**kept, "language": language},
        invited=len(new), skipped=len(contacts) - len(new), created_by=actor,
    )  # fmt: skip
    Invitation.objects.bulk_create(
        [Invitation(survey=survey, distribution=distribution, contact=c, language=language)
         for c in new]
    )  # fmt: skip
    activity.record(actor=actor, verb="sent", target=survey, scope="research",
                    audience=audience, invited=len(new))  # fmt: skip
    if send:
        transaction.on_commit(lambda: jobs.queue("wavelength.research.send_invitations", survey.pk))
    return distribution


@transaction.atomic
def survey_remind(*, actor, survey: Survey) -> int:
    """Remind once, by e-mail, everyone invited who has not answered; how many are due."""
    require_editor(actor)
    if survey.status != SurveyStatus.OPEN:
        raise DomainError(_("Only an open survey sends reminders."), field="survey")
    due = _unanswered(survey).filter(sent_at__isnull=False, reminded_at=None).count()
    if not due:
        raise DomainError(_("Nobody to remind: everyone answered or was reminded already."))
    activity.record(actor=actor, verb="reminded", target=survey, scope="research", due=due)
    transaction.on_commit(
        lambda: jobs.queue("wavelength.research.send_invitations", survey.pk, reminders=True)
    )
    return due


def _unanswered(survey: Survey):
    return survey.invitations.filter(responded_at=None, contact__unsubscribed_at=None)


def _email(invitation: Invitation, *, reminder: bool, base_url: str = "") -> EmailMessage:
    survey, contact = invitation.survey, invitation.contact
    link, stop = personal_url(invitation, base_url), unsubscribe_url(contact, base_url)
    with translation.override(invitation.language):
        subject = survey.shown_title
        if reminder:
            subject = _("Reminder: %(title)s") % {"title": subject}
        lines = [survey.shown_intro or _("We would value a minute of your time."), "",
                 _("Answer here (this link is yours alone): %(link)s") % {"link": link}, "",
                 "-- ", _("To receive no more surveys from us, open this link: %(link)s")
                 % {"link": stop}]  # fmt: skip
    return EmailMessage(
        subject=subject,
        body="\n".join(lines) + "\n",
        to=[contact.email],
        headers={"List-Unsubscribe": f"<{stop}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )  # fmt: skip


def invitations_send_run(*, survey_id: int, reminders: bool = False, connection=None) -> int:
    """The background job: e-mail every invitation not sent yet (or, with ``reminders``, every
    unanswered one not reminded yet). Each row is claimed by a conditional UPDATE before it is
    sent, so a repeated run sends nothing twice; unsubscribed contacts are skipped at the last
    moment too. Returns how many e-mails went out."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    field = "reminded_at" if reminders else "sent_at"
    pending = _unanswered(survey).filter(**{field: None})
    if reminders:
        pending = pending.filter(sent_at__isnull=False)
    sent = 0
    for pk in list(pending.values_list("pk", flat=True)):
        if not Invitation.objects.filter(pk=pk, **{field: None}).update(**{field: clock.now()}):
            continue
        invitation = Invitation.objects.select_related("survey", "contact").get(pk=pk)
        if invitation.contact.unsubscribed_at is not None:
            continue
        try:
            message = _email(invitation, reminder=reminders)
            message.connection = connection
            message.send()
        except Exception as exc:  # a backend failure: put it back for the next run
            Invitation.objects.filter(pk=pk).update(**{field: None})
            logger.warning("Survey invitation %s failed: %s", pk, exc)
            continue
        sent += 1
    return sent
