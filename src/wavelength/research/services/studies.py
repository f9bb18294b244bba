"""The research repository's studies, their notes and highlights.

Editors write; every member reads. A study is deleted by its owner or an administrator. A
highlight is a passage of a note; linking it to a feature makes it a feedback item of the
"research" channel (from the note's participant) linked with that quote, exactly as a quote
of an inbox item, so highlights count as evidence in the feature's demand.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature
from wavelength.core import activity, clock, search, versioning
from wavelength.core.exceptions import DomainError
from wavelength.core.markdown import plain_text
from wavelength.feedback.models import FeedbackLink, Importance, Source, Status
from wavelength.feedback.services import (
    contact_for,
    feedback_create,
    feedback_link,
    feedback_unlink,
    feedback_update,
)
from wavelength.feedback.services.checks import _choice, _tags, clean_email
from wavelength.feedback.services.checks import clean_text as _text

from ..models import Highlight, Note, Study, StudyMethod, StudyStatus

__all__ = [
    "NOTE_KIND",
    "contacts_for_emails",
    "STUDY_KIND",
    "highlight_create",
    "highlight_delete",
    "highlight_link",
    "highlight_unlink",
    "note_create",
    "note_delete",
    "note_update",
    "search_reindex",
    "study_create",
    "study_delete",
    "study_update",
]

STUDY_KIND, NOTE_KIND = "study", "research_note"
STUDY_FIELDS = ("title", "goal", "method", "status", "product", "owner", "starts_on", "ends_on",
                "participants")  # fmt: skip
NOTE_FIELDS = ("title", "body", "participant", "taken_on")
BODY_LIMIT = 100_000
PARTICIPANT_LIMIT = 200


def study_scope(study: Study) -> str:
    return f"catalog.product:{study.product_id}" if study.product_id else "research"


def study_entry(study: Study) -> dict:
    return {"kind": STUDY_KIND, "object_id": study.pk, "title": study.title,
            "body": f"{study.get_method_display()} {plain_text(study.goal)}",
            "url": study.get_absolute_url()}  # fmt: skip


def note_entry(note: Note) -> dict:
    return {"kind": NOTE_KIND, "object_id": note.pk, "title": f"{note.title} · {note.study.title}",
            "body": plain_text(note.body), "url": note.get_absolute_url()}  # fmt: skip


def _unknown(values: dict, allowed: Iterable[str]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])


def contacts_for_emails(*, actor, emails: Iterable[str], field: str = "participants") -> list:
    """The contacts with these addresses, made for addresses not known yet (a participant
    recruited outside the customer base); a malformed address is refused naming ``field``."""
    require_editor(actor)
    cleaned = list(dict.fromkeys(clean_email(e, field) for e in emails if (e or "").strip()))
    if len(cleaned) > PARTICIPANT_LIMIT:
        raise DomainError(
            _("At most %(n)d participants at once.") % {"n": PARTICIPANT_LIMIT}, field=field
        )  # fmt: skip
    return [contact_for(actor=actor, email=email) for email in cleaned]


def _clean_study(values: dict) -> dict:
    values["title"] = _text(values.get("title"), "title", 200, required=True)
    values["goal"] = _text(values.get("goal"), "goal", 20_000)
    values["method"] = _choice(values.get("method"), StudyMethod, "method", blank=False)
    values["status"] = _choice(values.get("status"), StudyStatus, "status", blank=False)
    for name in ("starts_on", "ends_on"):
        if values.get(name) is not None and not isinstance(values[name], dt.date):
            raise DomainError(_("Enter a date."), field=name)
    if (
        values.get("starts_on")
        and values.get("ends_on")
        and values["ends_on"] < values["starts_on"]
    ):
        raise DomainError(_("A study cannot end before it starts."), field="ends_on")
    owner = values.get("owner")
    if owner is not None and not owner.is_active:
        raise DomainError(_("Choose an active person."), field="owner")
    return values


@transaction.atomic
def study_create(*, actor, title: str, participants: Iterable = (), **fields) -> Study:
    """A new study; its owner is the person creating it unless another is chosen."""
    require_editor(actor)
    values = {"goal": "", "method": StudyMethod.INTERVIEW, "status": StudyStatus.PLANNED,
              "product": None, "owner": actor, "starts_on": None, "ends_on": None, **fields,
              "title": title}  # fmt: skip
    _unknown(values, STUDY_FIELDS)
    values = _clean_study(values)
    study = Study.objects.create(**values, created_by=actor)
    study.participants.set(list(participants))
    activity.record(actor=actor, verb="created", target=study, scope=study_scope(study),
                    snapshot=activity.snapshot(study, Study.TRACKED))  # fmt: skip
    search.index(**study_entry(study))
    return study


@transaction.atomic
def study_update(*, actor, study: Study, if_version: str | None = None, **changes) -> Study:
    """Change a study (its participants are replaced by the list given)."""
    require_editor(actor)
    study = Study.objects.select_for_update().get(pk=study.pk)
    versioning.check(study, if_version)
    _unknown(changes, STUDY_FIELDS)
    participants = changes.pop("participants", None)
    before = activity.snapshot(study, Study.TRACKED)
    current = {k: getattr(study, k) for k in STUDY_FIELDS if k != "participants"}
    values = _clean_study({**current, **changes})
    for name, value in values.items():
        setattr(study, name, value)
    study.updated_at = clock.now()
    study.save()
    if participants is not None:
        study.participants.set(list(participants))
    diff = activity.diff(before, activity.snapshot(study, Study.TRACKED))
    if diff:
        activity.record(actor=actor, verb="updated", target=study, scope=study_scope(study),
                        changes=diff)  # fmt: skip
    search.index(**study_entry(study))
    return study


@transaction.atomic
def study_delete(*, actor, study: Study, if_version: str | None = None) -> None:
    """Delete a study with its notes and highlights (their feedback items stay in the inbox).
    Only its owner or an administrator may."""
    require_editor(actor)
    study = Study.objects.select_for_update().get(pk=study.pk)
    versioning.check(study, if_version)
    if not (actor.is_admin or study.owner_id == actor.pk):
        raise PermissionDenied(_("Only the study's owner or an administrator can delete it."))
    note_ids = list(study.notes.values_list("pk", flat=True))
    activity.record(actor=actor, verb="deleted", target=study, scope=study_scope(study),
                    title=study.title)  # fmt: skip
    search.remove(kind=STUDY_KIND, object_id=study.pk)
    for pk in note_ids:
        search.remove(kind=NOTE_KIND, object_id=pk)
    study.delete()


# Notes ------------------------------------------------------------------------------------


def _clean_note(values: dict) -> dict:
    values["title"] = _text(values.get("title"), "title", 200, required=True)
    values["body"] = _text(values.get("body"), "body", BODY_LIMIT, required=True)
    if not isinstance(values.get("taken_on"), dt.date):
        raise DomainError(_("Enter a date."), field="taken_on")
    return values


@transaction.atomic
def note_create(*, actor, study: Study, title: str, body: str, **fields) -> Note:
    """Notes of one session of the study; a participant not yet in the study joins it."""
    require_editor(actor)
    values = {"participant": None, "taken_on": clock.now().date(), **fields, "title": title,
              "body": body}  # fmt: skip
    _unknown(values, NOTE_FIELDS)
    values = _clean_note(values)
    note = Note.objects.create(study=study, **values, created_by=actor)
    if note.participant_id:
        study.participants.add(note.participant)
    activity.record(actor=actor, verb="created", target=note, scope=study_scope(study),
                    study=study.pk, snapshot=activity.snapshot(note, Note.TRACKED))  # fmt: skip
    search.index(**note_entry(note))
    return note


@transaction.atomic
def note_update(*, actor, note: Note, if_version: str | None = None, **changes) -> Note:
    """Change a note. Its highlights must still be passages of it."""
    require_editor(actor)
    note = Note.objects.select_for_update(of=("self",)).select_related("study").get(pk=note.pk)
    versioning.check(note, if_version)
    _unknown(changes, NOTE_FIELDS)
    before = activity.snapshot(note, Note.TRACKED)
    values = _clean_note({**{k: getattr(note, k) for k in NOTE_FIELDS}, **changes})
    text = _flat(plain_text(values["body"]))
    lost = [h for h in note.highlights.all() if _flat(h.quote) not in text]
    if lost:
        raise DomainError(
            _("The highlight “%(quote)s” would no longer be a passage of the note: remove it "
              "first or keep its words.") % {"quote": lost[0].quote[:80]},
            field="body",
        )  # fmt: skip
    for name, value in values.items():
        setattr(note, name, value)
    note.updated_at = clock.now()
    note.save()
    if note.participant_id:
        note.study.participants.add(note.participant)
    diff = activity.diff(before, activity.snapshot(note, Note.TRACKED))
    if diff:
        activity.record(actor=actor, verb="updated", target=note, scope=study_scope(note.study),
                        changes=diff)  # fmt: skip
    search.index(**note_entry(note))
    return note


@transaction.atomic
def note_delete(*, actor, note: Note, if_version: str | None = None) -> None:
    require_editor(actor)
    note = Note.objects.select_for_update(of=("self",)).select_related("study").get(pk=note.pk)
    versioning.check(note, if_version)
    activity.record(actor=actor, verb="deleted", target=note, scope=study_scope(note.study),
                    title=note.title)  # fmt: skip
    search.remove(kind=NOTE_KIND, object_id=note.pk)
    note.delete()


# Highlights -------------------------------------------------------------------------------


def _flat(text: str) -> str:
    """Whitespace folded, so that a passage selected on the rendered page matches the note."""
    return " ".join((text or "").split())


def _passage(note: Note, quote: str) -> str:
    quote = _flat(_text(quote, "quote", 1000, required=True))
    if quote not in _flat(plain_text(note.body)):
        raise DomainError(_("The quote must be a passage of the note."), field="quote")
    return quote


@transaction.atomic
def highlight_create(
    *, actor, note: Note, quote: str, tags: Iterable[str] = (), features: Iterable[Feature] = (),
    importance: str = Importance.IMPORTANT,
) -> Highlight:  # fmt: skip
    """Keep a passage of a note, tagged; linked to ``features`` at once when given."""
    require_editor(actor)
    quote = _passage(note, quote)
    if Highlight.objects.filter(note=note, quote=quote).exists():
        raise DomainError(_("This passage is already a highlight of the note."), field="quote")
    highlight = Highlight.objects.create(note=note, quote=quote, created_by=actor)
    highlight.tags.set(_tags(tags))
    activity.record(actor=actor, verb="highlighted", target=note, scope=study_scope(note.study),
                    highlight=highlight.pk, quote=quote[:120])  # fmt: skip
    for feature in features:
        highlight_link(actor=actor, highlight=highlight, feature=feature, importance=importance)
    return highlight


def _evidence(actor, highlight: Highlight):
    """The highlight's feedback item, made the first time it is linked."""
    if highlight.feedback_id:
        return highlight.feedback
    note = highlight.note
    contact = note.participant
    item = feedback_create(
        actor=actor,
        text=highlight.quote,
        title=f"{note.study.title} · {note.title}"[:200],
        source=Source.RESEARCH,
        contact_email=contact.email if contact else "",
        contact_name=contact.name if contact else "",
        company=contact.company if contact else None,
        received_at=dt.datetime.combine(note.taken_on, dt.time(12), tzinfo=dt.UTC),
        external_id=f"research:highlight:{highlight.pk}",
    )
    highlight.feedback = item
    highlight.save(update_fields=["feedback"])
    return item


@transaction.atomic
def highlight_link(
    *, actor, highlight: Highlight, feature: Feature, importance: str = Importance.IMPORTANT
) -> FeedbackLink:
    """Link a highlight to a feature, as a quote of a feedback item is: it counts in the
    feature's demand (the participant's company and its revenue)."""
    require_editor(actor)
    highlight = (
        Highlight.objects.select_for_update(of=("self",))
        .select_related("note__study", "note__participant__company", "feedback")
        .get(pk=highlight.pk)
    )
    item = _evidence(actor, highlight)
    return feedback_link(actor=actor, feedback=item, feature=feature, importance=importance,
                         quote=item.text)  # fmt: skip


@transaction.atomic
def highlight_unlink(*, actor, highlight: Highlight, feature: Feature) -> None:
    require_editor(actor)
    link = FeedbackLink.objects.filter(feedback_id=highlight.feedback_id, feature=feature).first()
    if highlight.feedback_id is None or link is None:
        raise DomainError(_("This highlight is not linked to this feature."), field="feature")
    feedback_unlink(actor=actor, link=link)


@transaction.atomic
def highlight_delete(*, actor, highlight: Highlight) -> None:
    """Remove a highlight and its links to features (its feedback item is archived)."""
    require_editor(actor)
    highlight = Highlight.objects.select_related("note__study", "feedback").get(pk=highlight.pk)
    note = highlight.note
    if highlight.feedback_id:
        for link in highlight.feedback.links.all():
            feedback_unlink(actor=actor, link=link)
        _archive(actor, highlight.feedback)
    activity.record(actor=actor, verb="highlight_removed", target=note,
                    scope=study_scope(note.study), quote=highlight.quote[:120])  # fmt: skip
    highlight.delete()


def _archive(actor, item) -> None:
    feedback_update(actor=actor, feedback=item, status=Status.ARCHIVED)


def search_reindex() -> dict[str, int]:
    """Rebuild the entries of studies, notes, personas and competitors from their tables (found
    by ``wavelength reindex`` like every app's ``search_reindex``)."""
    from ..models import Competitor, Persona
    from .market import COMPETITOR_KIND, PERSONA_KIND, competitor_entry, persona_entry

    sets = {
        STUDY_KIND: (Study.objects.all(), study_entry),
        NOTE_KIND: (Note.objects.select_related("study"), note_entry),
        PERSONA_KIND: (Persona.objects.all(), persona_entry),
        COMPETITOR_KIND: (Competitor.objects.all(), competitor_entry),
    }
    counts = {}
    with transaction.atomic():
        for kind, (rows, entry) in sets.items():
            search.prune(kind=kind, keep=rows.values("pk"))
            counts[kind] = search.index_many(
                entry(row) for row in rows.order_by("pk").iterator(chunk_size=2000)
            )
    return counts
