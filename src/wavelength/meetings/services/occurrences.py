"""Running a meeting: minutes, attendance, closing, the agenda and its items."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from .. import wording
from ..models import (
    AgendaItem,
    Occurrence,
    OccurrenceStatus,
)
from .access import require_run


def lock_occurrence(occurrence: Occurrence) -> Occurrence:
    return Occurrence.objects.select_for_update().select_related("series").get(pk=occurrence.pk)


@transaction.atomic
def occurrence_update(
    *, actor, occurrence: Occurrence, minutes: str, attended: list, if_version: str | None = None
) -> Occurrence:
    """Save the minutes (Markdown, sanitised when shown) and who attended."""
    occurrence = lock_occurrence(occurrence)
    require_run(actor, occurrence)
    versioning.check(occurrence, if_version)
    before = activity.snapshot(occurrence, Occurrence.TRACKED)
    occurrence.minutes = minutes or ""
    occurrence.save(update_fields=["minutes"])
    occurrence.attended.set(attended)
    changes = activity.diff(before, activity.snapshot(occurrence, Occurrence.TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=occurrence, changes=changes)
    return occurrence


@transaction.atomic
def occurrence_close(*, actor, occurrence: Occurrence) -> Occurrence:
    """Close the meeting: from now on only the series' owner changes it."""
    occurrence = lock_occurrence(occurrence)
    require_run(actor, occurrence)
    if occurrence.is_closed:
        return occurrence
    occurrence.status = OccurrenceStatus.CLOSED
    occurrence.closed_at = clock.now()
    occurrence.save(update_fields=["status", "closed_at"])
    activity.record(actor=actor, verb="closed", target=occurrence)
    from .sending import deliver_minutes  # sending builds on this module

    deliver_minutes(actor=actor, occurrence=occurrence)
    return occurrence


@transaction.atomic
def agenda_generate(*, actor, occurrence: Occurrence) -> list[AgendaItem]:
    """Add to the agenda what live data says since the previous meeting; items already on it
    (by their source) are kept as edited, so generating twice adds only what is new."""
    from ..agenda import build_agenda

    occurrence = lock_occurrence(occurrence)
    require_run(actor, occurrence)
    have = set(occurrence.items.exclude(kind="manual").values_list("kind", "source_id"))
    position = _last_position(occurrence)
    added = []
    for spec in build_agenda(user=actor, occurrence=occurrence):
        if (spec.kind, spec.source_id) in have:
            continue
        position += 1
        added.append(
            AgendaItem(
                occurrence=occurrence,
                position=position,
                kind=spec.kind,
                source_id=spec.source_id,
                params=spec.params,
                url=spec.url[:500],
            )
        )
    AgendaItem.objects.bulk_create(added)
    occurrence.agenda_built_at = clock.now()
    occurrence.save(update_fields=["agenda_built_at"])
    activity.record(actor=actor, verb="agenda_built", target=occurrence, count=len(added))
    return added


def _last_position(occurrence: Occurrence) -> int:
    return occurrence.items.aggregate(m=Max("position"))["m"] or 0


@transaction.atomic
def agenda_item_add(
    *, actor, occurrence: Occurrence, title: str, note: str = "", url: str = ""
) -> AgendaItem:
    occurrence = lock_occurrence(occurrence)
    require_run(actor, occurrence)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the agenda item a title."), field="title")
    _check_url(url)
    item = AgendaItem.objects.create(
        occurrence=occurrence,
        position=_last_position(occurrence) + 1,
        title=title[:300],
        note=note or "",
        url=url or "",
    )
    activity.record(actor=actor, verb="created", target=item)
    return item


def _check_url(url: str) -> None:
    if url and not url.startswith(("/", "https://", "http://")):
        raise DomainError(_("A link starts with https://, http:// or /."), field="url")


def _lock_item(item: AgendaItem) -> AgendaItem:
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item.occurrence = lock_occurrence(item.occurrence)
    return item


@transaction.atomic
def agenda_item_update(
    *, actor, item: AgendaItem, title: str, note: str = "", if_version: str | None = None
) -> AgendaItem:
    item = _lock_item(item)
    require_run(actor, item.occurrence)
    versioning.check(item, if_version)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the agenda item a title."), field="title")
    before = activity.snapshot(item, AgendaItem.TRACKED)
    # Words left as generated stay generated, so they keep following each reader's language.
    generated = wording.generated(item.kind, item.params) if item.params else ("", "")
    item.title = "" if title == generated[0] else title[:300]
    item.note = "" if (note or "") == generated[1] else note or ""
    item.save(update_fields=["title", "note"])
    changes = activity.diff(before, activity.snapshot(item, AgendaItem.TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=item, changes=changes)
    return item


@transaction.atomic
def agenda_item_move(
    *, actor, item: AgendaItem, direction: str, if_version: str | None = None
) -> AgendaItem:
    """Swap the item with its neighbour above (``up``) or below (``down``)."""
    item = _lock_item(item)
    require_run(actor, item.occurrence)
    versioning.check(item, if_version)
    if direction not in ("up", "down"):
        raise DomainError(_("Move an item up or down."), field="direction")
    siblings = list(item.occurrence.items.order_by("position", "id"))
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, row in enumerate(siblings, start=1):
            if row.position != position:
                AgendaItem.objects.filter(pk=row.pk).update(position=position)
    item.refresh_from_db()
    return item


@transaction.atomic
def agenda_item_remove(*, actor, item: AgendaItem, if_version: str | None = None) -> None:
    item = _lock_item(item)
    require_run(actor, item.occurrence)
    versioning.check(item, if_version)
    activity.record(actor=actor, verb="deleted", target=item)
    item.delete()
