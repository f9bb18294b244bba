"""Writes of feedback items: one, a bulk of up to 1,000, triage and bulk triage."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, search, versioning
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.core.models import SearchEntry

from .. import triage
from ..models import (
    Company,
    Contact,
    Feedback,
    FeedbackType,
    Sentiment,
    Source,
    Status,
    Theme,
)
from ..signals import feedback_bulk_created
from .checks import (
    _MISSING,
    BULK_LIMIT,
    SCOPE,
    _choice,
    _email,
    _received,
    _tags,
    _text,
)
from .customers import _contacts_for, contact_for

# Feedback ---------------------------------------------------------------------------------


def _index_feedback(item: Feedback) -> None:
    search.index(**_search_fields(item))


def _search_fields(item: Feedback, url: str = "") -> dict:
    company = item.company.name if item.company_id else ""
    return {
        "kind": "feedback",
        "object_id": item.pk,
        "title": item.display_title[:300],
        "body": f"{item.text} {company}".strip(),
        "url": url or item.get_absolute_url(),
    }


_ANY_ID = 918273645  # stands for the id in the one address a bulk reverses


def _addresses(items: list[Feedback]) -> list[str]:
    """Each item's page address with one ``reverse`` for the lot: the route differs only by
    the id (a ``reverse`` each cost more than the rest of the item's search entry)."""
    pattern = reverse("feedback:feedback-detail", args=[_ANY_ID])
    return [pattern.replace(str(_ANY_ID), str(item.pk)) for item in items]


def _clean_item(data: dict) -> dict:
    """Check one feedback item's fields; raises a DomainError naming the first bad field.
    References (contact, company, theme) must already be rows or ``None``."""
    text = _text(data.get("text"), "text", 50_000, required=True).replace("\r\n", "\n")
    clean = {
        "title": _text(data.get("title"), "title", 200),
        "text": text,
        "source": _choice(data.get("source") or Source.WEB, Source, "source", blank=False),
        "received_at": _received(data.get("received_at")),
        "language": _text(data.get("language"), "language", 8).lower(),
        "type": _choice(data.get("type"), FeedbackType, "type"),
        "sentiment": _choice(data.get("sentiment"), Sentiment, "sentiment"),
        "external_id": _text(data.get("external_id"), "external_id", 200),
        "tags": list(data.get("tags") or []),
        "theme": data.get("theme"),
        "company": data.get("company"),
    }
    email = data.get("contact_email")
    clean["contact_email"] = _email(email, "contact_email") if email else ""
    clean["contact_name"] = _text(data.get("contact_name"), "contact_name", 150)
    return clean


def _external_taken(source: str, external_id: str) -> Feedback | None:
    if not external_id:
        return None
    return Feedback.objects.filter(source=source, external_id=external_id).first()


def _build(*, actor, item: dict, contacts: dict | None = None) -> Feedback:
    """An unsaved Feedback from a cleaned item, its contact and company found or created
    (``contacts`` holds them already resolved for a bulk)."""
    contact = None
    email = item["contact_email"]
    if email:
        contact = (contacts or {}).get(email) or contact_for(
            actor=actor, email=email, name=item["contact_name"]
        )
    company = item["company"] or (contact.company if contact else None)
    now = clock.now()
    return Feedback(
        title=item["title"],
        text=item["text"],
        source=item["source"],
        contact=contact,
        company=company,
        received_at=item["received_at"],
        language=item["language"],
        type=item["type"],
        sentiment=item["sentiment"],
        type_confidence=item.get("type_confidence"),
        theme=item["theme"],
        external_id=item["external_id"],
        created_by=actor,
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def feedback_create(
    *,
    actor,
    text: str,
    title: str = "",
    source: str = Source.WEB,
    contact_email: str = "",
    contact_name: str = "",
    company: Company | None = None,
    received_at: dt.datetime | None = None,
    language: str = "",
    type: str = "",  # noqa: A002 - the field's name
    sentiment: str = "",
    tags: Iterable[str] = (),
    theme: Theme | None = None,
    external_id: str = "",
) -> Feedback:
    """Record one piece of feedback. The contact's e-mail finds or creates the contact and,
    through its domain, the company. An external id already seen for that source is a 409."""
    require_editor(actor)
    item = _clean_item(
        {
            "text": text,
            "title": title,
            "source": source,
            "contact_email": contact_email,
            "contact_name": contact_name,
            "company": company,
            "received_at": received_at,
            "language": language,
            "type": type,
            "sentiment": sentiment,
            "tags": tags,
            "theme": theme,
            "external_id": external_id,
        }  # fmt: skip
    )
    existing = _external_taken(item["source"], item["external_id"])
    if existing is not None:
        raise Conflict(
            _("Feedback %(id)s already has this external id.") % {"id": existing.pk},
            field="external_id",
        )
    triage.fill_predictions([item])
    feedback = _build(actor=actor, item=item)
    feedback.save()
    feedback.tags.set(_tags(item["tags"]))
    activity.record(
        actor=actor,
        verb="created",
        target=feedback,
        scope=SCOPE,
        snapshot=activity.snapshot(feedback, Feedback.TRACKED),
    )
    _index_feedback(feedback)
    triage.queue_embedding([feedback.pk])
    return feedback


@transaction.atomic
def feedback_submit(
    *,
    contact: Contact | None,
    title: str,
    text: str,
    source: str,
    via: str,
    external_id: str = "",
    received_at: dt.datetime | None = None,
    language: str = "",
) -> Feedback:
    """Feedback a customer sent themselves (a new idea on the portal, an answer to a survey:
    ``via`` names where), without a staff actor: in the inbox, waiting for triage. ``contact``
    is None for an anonymous answer."""
    item = _clean_item(
        {
            "title": _text(title, "title", 200, required=True),
            "text": _text(text, "text", 10_000, required=True),
            "source": source,
            "contact_email": contact.email if contact else "",
            "contact_name": contact.name if contact else "",
            "external_id": external_id,
            "received_at": received_at,
            "language": language,
        }
    )
    triage.fill_predictions([item])
    feedback = _build(actor=None, item=item)
    feedback.save()
    activity.record(
        actor=None,
        verb="created",
        target=feedback,
        scope=SCOPE,
        snapshot=activity.snapshot(feedback, Feedback.TRACKED),
        via=via,
    )
    _index_feedback(feedback)
    triage.queue_embedding([feedback.pk])
    return feedback


def _resolve_ids(items: list[dict], key: str, model, errors: dict) -> None:
    """Replace ids under ``key`` with rows (one query); unknown ids become item errors."""
    wanted = {i[key] for i in items if isinstance(i.get(key), int)}
    found = model.objects.in_bulk(wanted)
    for n, item in enumerate(items):
        value = item.get(key)
        if value is None or isinstance(value, model):
            continue
        if isinstance(value, int) and value in found:
            item[key] = found[value]
        else:
            errors[f"items.{n}.{key}"] = _("No %(thing)s matches “%(key)s”.") % {
                "thing": model._meta.verbose_name,
                "key": value,
            }


def _validate_bulk(items: list[dict]) -> tuple[list[dict], dict[str, str]]:
    errors: dict[str, str] = {}
    items = [dict(i) for i in items]
    _resolve_ids(items, "company", Company, errors)
    _resolve_ids(items, "theme", Theme, errors)
    cleaned, seen = [], {}
    for n, raw in enumerate(items):
        try:
            item = _clean_item(raw)
        except DomainError as exc:
            for field, message in exc.errors.items():
                errors.setdefault(f"items.{n}.{field}", message)
            cleaned.append(None)
            continue
        key = (item["source"], item["external_id"])
        if item["external_id"] and key in seen:
            errors[f"items.{n}.external_id"] = _("Item %(n)d has the same external id.") % {
                "n": seen[key]
            }
        seen.setdefault(key, n)
        cleaned.append(item)
    return cleaned, errors


@transaction.atomic
def feedback_bulk_create(*, actor, items: Sequence[dict]) -> dict[str, list]:
    """Record up to 1,000 items at once, all or nothing.

    Every item is checked before anything is written; one DomainError names each bad field
    as ``items.<index>.<field>``. Items whose (source, external id) is already stored are
    skipped and reported. Answers ``{"created": [Feedback…], "skipped": [{index,
    external_id, id}…]}``.
    """
    require_editor(actor)
    if len(items) > BULK_LIMIT:
        raise DomainError(_("At most %(n)d items per call.") % {"n": BULK_LIMIT}, field="items")
    if not items:
        raise DomainError(_("Send at least one item."), field="items")
    cleaned, errors = _validate_bulk(list(items))
    if errors:
        raise DomainError(_("Some items are invalid; nothing was recorded."), errors=errors)
    taken = _taken_external_ids(cleaned)
    skipped, fresh = [], []
    for n, item in enumerate(cleaned):
        existing = taken.get((item["source"], item["external_id"]))
        if existing:
            skipped.append({"index": n, "external_id": item["external_id"], "id": existing})
        else:
            fresh.append(item)
    triage.fill_predictions(fresh)
    created = _bulk_insert(actor=actor, items=fresh)
    return {"created": created, "skipped": skipped}


def _taken_external_ids(items: list[dict]) -> dict[tuple[str, str], int]:
    ids = {i["external_id"] for i in items if i["external_id"]}
    if not ids:
        return {}
    rows = Feedback.objects.filter(external_id__in=ids).values_list("source", "external_id", "pk")
    return {(source, ext): pk for source, ext, pk in rows}


def _bulk_insert(*, actor, items: list[dict]) -> list[Feedback]:
    """Insert the items, their tags, activity rows and search entries in a few queries."""
    people: dict[str, str] = {}  # e-mail → the first name given with it
    for item in items:
        if item["contact_email"]:
            people[item["contact_email"]] = (
                people.get(item["contact_email"]) or item["contact_name"]
            )
    contacts = _contacts_for(actor=actor, people=people)
    rows = [_build(actor=actor, item=item, contacts=contacts) for item in items]
    created = Feedback.objects.bulk_create(rows, batch_size=500)
    tag_rows = {t.name: t for t in _tags(n for i in items for n in i["tags"])}
    through = Feedback.tags.through
    links = [
        through(feedback_id=fb.pk, tag_id=tag_rows[name.strip().lower()[:50]].pk)
        for fb, item in zip(created, items, strict=True)
        for name in {n.strip().lower()[:50]: n for n in item["tags"] if n and n.strip()}.values()
    ]
    through.objects.bulk_create(links, batch_size=500, ignore_conflicts=True)
    activity.record_many(
        actor=actor,
        verb="created",
        scope=SCOPE,
        entries=(
            (fb, {"snapshot": _bulk_snapshot(fb, item)})
            for fb, item in zip(created, items, strict=True)
        ),
    )
    now = clock.now()
    SearchEntry.objects.bulk_create(
        [
            SearchEntry(**_search_fields(fb, url), updated_at=now)
            for fb, url in zip(created, _addresses(created), strict=True)
        ],
        batch_size=500,
    )
    feedback_bulk_created.send(sender=Feedback, items=created)
    triage.queue_embedding([fb.pk for fb in created])
    return created


def _bulk_snapshot(fb: Feedback, item: dict) -> dict:
    snap = {f: getattr(fb, f) for f in ("title", "type", "sentiment", "status", "language")}
    return {**snap, "theme": fb.theme_id, "tags": sorted({t.strip().lower() for t in item["tags"]})}


@transaction.atomic
def feedback_update(
    *,
    actor,
    feedback: Feedback,
    title=_MISSING,
    type=_MISSING,  # noqa: A002 - the field's name
    sentiment=_MISSING,
    status=_MISSING,
    language=_MISSING,
    theme=_MISSING,
    tags=_MISSING,
    if_version: str | None = None,
) -> Feedback:
    """Triage one item: change the fields given; ``if_version`` refuses a stale edit."""
    require_editor(actor)
    feedback = (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("company")
        .get(pk=feedback.pk)
    )
    versioning.check(feedback, if_version)
    before = activity.snapshot(feedback, Feedback.TRACKED)
    if title is not _MISSING:
        feedback.title = _text(title, "title", 200)
    decided = False  # a person's type or sentiment is a lesson for the triage model
    if type is not _MISSING:
        new_type = _choice(type, FeedbackType, "type")
        decided = new_type != feedback.type or feedback.type_confidence is not None
        feedback.type, feedback.type_confidence = new_type, None
    if sentiment is not _MISSING:
        new_sentiment = _choice(sentiment, Sentiment, "sentiment")
        decided = decided or new_sentiment != feedback.sentiment
        feedback.sentiment = new_sentiment
    if status is not _MISSING:
        feedback.status = _choice(status, Status, "status", blank=False)
    if language is not _MISSING:
        feedback.language = _text(language, "language", 8).lower()
    if theme is not _MISSING:
        feedback.theme = theme
    if tags is not _MISSING:
        feedback.tags.set(_tags(tags))
    feedback.updated_at = clock.now()
    feedback.save()
    changes = activity.diff(before, activity.snapshot(feedback, Feedback.TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=feedback, scope=SCOPE, changes=changes)
    if decided and feedback.type:
        triage.queue_retrain()
    _index_feedback(feedback)
    return feedback
