"""Every write of the meetings app: one transaction each, recorded in the activity log.

Who may do what: editors create series; a series' owner (or an administrator) edits it; the
owner, an administrator and attendees who may edit run an occurrence (agenda, minutes,
attendance, decisions, action items) until it is closed; after that only the series' owner
edits it, and each change is still recorded.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor, require_member
from wavelength.core import activity, clock, notifications, versioning
from wavelength.core.exceptions import DomainError

from . import recurrence
from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaPart,
    CalendarToken,
    Decision,
    MeetingSeries,
    Occurrence,
    OccurrenceStatus,
)

# How many future occurrences exist ahead of time (more are made as time passes).
AHEAD = 4
TOKEN_PREFIX = "wlcal_"


# Permissions ----------------------------------------------------------------------------


def is_attendee(user, series: MeetingSeries) -> bool:
    if series.attendees.filter(pk=user.pk).exists():
        return True
    return series.teams.filter(memberships__user=user).exists()


def can_manage(user, series: MeetingSeries) -> bool:
    """Edit the series itself: its owner or an administrator."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_admin or series.owner_id == user.pk
    )


def can_run(user, occurrence: Occurrence) -> bool:
    """Edit an occurrence: before it is closed, its owner, an administrator or an attendee who
    may edit; once closed, only the series' owner."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    series = occurrence.series
    if occurrence.is_closed:
        return series.owner_id == user.pk
    if can_manage(user, series):
        return True
    return user.can_edit and is_attendee(user, series)


def _require_run(user, occurrence: Occurrence) -> None:
    if not can_run(user, occurrence):
        if occurrence.is_closed:
            raise PermissionDenied(_("This meeting is closed: only its owner can change it."))
        raise PermissionDenied(_("Only the owner and the attendees can change this meeting."))


def _require_manage(user, series: MeetingSeries) -> None:
    if not can_manage(user, series):
        raise PermissionDenied(_("Only the owner of this series can change it."))


# Series ---------------------------------------------------------------------------------


@dataclass
class SeriesData:
    name: str
    owner: object
    start_date: dt.date
    start_time: dt.time
    rrule: str
    purpose: str = ""
    time_zone: str = "UTC"
    duration_minutes: int = 30
    attendees: list | None = None
    teams: list | None = None
    products: list | None = None
    agenda_parts: list[str] | None = None


def _clean(data: SeriesData) -> SeriesData:
    data.name = (data.name or "").strip()
    if not data.name:
        raise DomainError(_("Give the series a name."), field="name")
    if not 5 <= int(data.duration_minutes) <= 24 * 60:
        raise DomainError(_("A meeting lasts from 5 minutes to 24 hours."),
                          field="duration_minutes")  # fmt: skip
    recurrence.zone(data.time_zone)
    data.rrule = recurrence.validate(
        data.rrule, start_date=data.start_date, start_time=data.start_time
    )
    parts = AgendaPart.values if data.agenda_parts is None else list(data.agenda_parts)
    unknown = [p for p in parts if p not in AgendaPart.values]
    if unknown:
        message = _("Unknown agenda part: %(parts)s.") % {"parts": ", ".join(map(str, unknown))}
        raise DomainError(message, field="agenda_parts")
    data.agenda_parts = [p for p in AgendaPart.values if p in parts]
    if data.owner is None or not data.owner.is_active:
        raise DomainError(_("Choose an active owner."), field="owner")
    return data


_SCALARS = ("name", "purpose", "owner", "time_zone", "start_date", "start_time",
            "duration_minutes", "rrule", "agenda_parts")  # fmt: skip
_SETS = ("attendees", "teams", "products")


@transaction.atomic
def series_create(*, actor, data: SeriesData) -> MeetingSeries:
    """Create a series and its next occurrences."""
    require_editor(actor)
    data = _clean(data)
    series = MeetingSeries.objects.create(**{k: getattr(data, k) for k in _SCALARS})
    for name in _SETS:
        getattr(series, name).set(getattr(data, name) or [])
    activity.record(
        actor=actor,
        verb="created",
        target=series,
        snapshot=activity.snapshot(series, MeetingSeries.TRACKED),
    )
    occurrences_ensure(series=series)
    return series


@transaction.atomic
def series_update(
    *, actor, series: MeetingSeries, data: SeriesData, if_version: str | None = None
) -> MeetingSeries:
    """Change a series; future occurrences nobody prepared yet follow a new schedule."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    _require_manage(actor, series)
    versioning.check(series, if_version)
    data = _clean(data)
    before = activity.snapshot(series, MeetingSeries.TRACKED)
    for name in _SCALARS:
        setattr(series, name, getattr(data, name))
    series.updated_at = clock.now()
    series.save()
    for name in _SETS:
        if getattr(data, name) is not None:
            getattr(series, name).set(getattr(data, name))
    changes = activity.diff(before, activity.snapshot(series, MeetingSeries.TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=series, changes=changes)
    if {"rrule", "time_zone", "start_date", "start_time", "duration_minutes"} & set(changes):
        _drop_unprepared_future(series)
    occurrences_ensure(series=series)
    return series


def _drop_unprepared_future(series: MeetingSeries) -> None:
    future = series.occurrences.filter(
        starts_at__gt=clock.now(), status=OccurrenceStatus.PLANNED, minutes=""
    )
    future.filter(items__isnull=True, decisions__isnull=True, actions__isnull=True).delete()


def occurrences_ensure(*, series: MeetingSeries, count: int = AHEAD) -> list[Occurrence]:
    """Make the next ``count`` occurrences exist (past ones are kept as they are)."""
    length = dt.timedelta(minutes=series.duration_minutes)
    made = []
    for start in recurrence.next_starts(series, after=clock.now(), count=count):
        occurrence, _created = Occurrence.objects.get_or_create(
            series=series, starts_at=start, defaults={"ends_at": start + length}
        )
        made.append(occurrence)
    return made


@transaction.atomic
def occurrence_create_at(*, actor, series: MeetingSeries, starts_at: dt.datetime) -> Occurrence:
    """An occurrence at a given time (a past meeting being recorded, or an extra one)."""
    _require_manage(actor, series)
    occurrence, _created = Occurrence.objects.get_or_create(
        series=series,
        starts_at=starts_at,
        defaults={"ends_at": starts_at + dt.timedelta(minutes=series.duration_minutes)},
    )
    return occurrence


# Occurrences ----------------------------------------------------------------------------


def _lock(occurrence: Occurrence) -> Occurrence:
    return Occurrence.objects.select_for_update().select_related("series").get(pk=occurrence.pk)


@transaction.atomic
def occurrence_update(
    *, actor, occurrence: Occurrence, minutes: str, attended: list, if_version: str | None = None
) -> Occurrence:
    """Save the minutes (Markdown, sanitised when shown) and who attended."""
    occurrence = _lock(occurrence)
    _require_run(actor, occurrence)
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
    occurrence = _lock(occurrence)
    _require_run(actor, occurrence)
    if occurrence.is_closed:
        return occurrence
    occurrence.status = OccurrenceStatus.CLOSED
    occurrence.closed_at = clock.now()
    occurrence.save(update_fields=["status", "closed_at"])
    activity.record(actor=actor, verb="closed", target=occurrence)
    return occurrence


# Agenda ---------------------------------------------------------------------------------


@transaction.atomic
def agenda_generate(*, actor, occurrence: Occurrence) -> list[AgendaItem]:
    """Add to the agenda what live data says since the previous meeting; items already on it
    (by their source) are kept as edited, so generating twice adds only what is new."""
    from .agenda import build_agenda

    occurrence = _lock(occurrence)
    _require_run(actor, occurrence)
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
                title=spec.title[:300],
                note=spec.note,
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
    occurrence = _lock(occurrence)
    _require_run(actor, occurrence)
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
    item.occurrence = _lock(item.occurrence)
    return item


@transaction.atomic
def agenda_item_update(
    *, actor, item: AgendaItem, title: str, note: str = "", if_version: str | None = None
) -> AgendaItem:
    item = _lock_item(item)
    _require_run(actor, item.occurrence)
    versioning.check(item, if_version)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the agenda item a title."), field="title")
    before = activity.snapshot(item, AgendaItem.TRACKED)
    item.title, item.note = title[:300], note or ""
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
    _require_run(actor, item.occurrence)
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
    _require_run(actor, item.occurrence)
    versioning.check(item, if_version)
    activity.record(actor=actor, verb="deleted", target=item)
    item.delete()


# Decisions ------------------------------------------------------------------------------


@dataclass
class DecisionData:
    title: str
    rationale: str = ""
    decided_by: object = None
    features: list | None = None
    releases: list | None = None
    pages: list | None = None


def _record_links(actor, decision: Decision) -> None:
    """The decision shows in the timelines of what it is about."""
    for feature in decision.features.select_related("product"):
        activity.record(actor=actor, verb="decided", target=feature,
                        scope=feature.product.scope, decision=decision.title)  # fmt: skip
    for release in decision.releases.select_related("product"):
        activity.record(actor=actor, verb="decided", target=release,
                        scope=release.product.scope, decision=decision.title)  # fmt: skip


@transaction.atomic
def decision_create(*, actor, occurrence: Occurrence, data: DecisionData) -> Decision:
    """Record a decision of the meeting, linked to the features, releases and pages it is
    about; it appears on their pages and timelines."""
    occurrence = _lock(occurrence)
    _require_run(actor, occurrence)
    title = (data.title or "").strip()
    if not title:
        raise DomainError(_("Say what was decided."), field="title")
    decision = Decision.objects.create(
        occurrence=occurrence,
        title=title[:300],
        rationale=data.rationale or "",
        decided_by=data.decided_by,
    )
    for name in ("features", "releases", "pages"):
        getattr(decision, name).set(getattr(data, name) or [])
    activity.record(actor=actor, verb="created", target=decision,
                    snapshot=activity.snapshot(decision, Decision.TRACKED))  # fmt: skip
    _record_links(actor, decision)
    return decision


@transaction.atomic
def decision_update(
    *, actor, decision: Decision, data: DecisionData, if_version: str | None = None
) -> Decision:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _require_run(actor, _lock(decision.occurrence))
    versioning.check(decision, if_version)
    title = (data.title or "").strip()
    if not title:
        raise DomainError(_("Say what was decided."), field="title")
    before = activity.snapshot(decision, Decision.TRACKED)
    decision.title, decision.rationale = title[:300], data.rationale or ""
    decision.decided_by = data.decided_by
    decision.save()
    for name in ("features", "releases", "pages"):
        if getattr(data, name) is not None:
            getattr(decision, name).set(getattr(data, name))
    changes = activity.diff(before, activity.snapshot(decision, Decision.TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=decision, changes=changes)
    return decision


# Action items ---------------------------------------------------------------------------


def _notify_owner(actor, action: ActionItem) -> None:
    notifications.notify(
        recipients=[action.owner],
        verb="action_assigned",
        title=lambda: _("Action item for you: “%(action)s”") % {"action": action.title},
        url=action.get_absolute_url(),
        actor=actor,
        target=action,
    )


@transaction.atomic
def action_create(
    *,
    actor,
    occurrence: Occurrence,
    title: str,
    owner,
    due_on: dt.date | None = None,
    feature=None,
    release=None,
) -> ActionItem:
    """An action item of the meeting; its owner is notified. It stays on the agenda of the
    series' next meetings until done."""
    occurrence = _lock(occurrence)
    _require_run(actor, occurrence)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Say what must be done."), field="title")
    if owner is None or not owner.is_active:
        raise DomainError(_("Choose who does it."), field="owner")
    action = ActionItem.objects.create(occurrence=occurrence, title=title[:300], owner=owner,
                                       due_on=due_on, feature=feature, release=release)  # fmt: skip
    activity.record(actor=actor, verb="created", target=action,
                    snapshot=activity.snapshot(action, ActionItem.TRACKED))  # fmt: skip
    _notify_owner(actor, action)
    return action


def can_edit_action(user, action: ActionItem) -> bool:
    """Its owner marks it done; whoever runs the meeting edits it."""
    return action.owner_id == getattr(user, "pk", None) or can_run(user, action.occurrence)


@transaction.atomic
def action_update(
    *, actor, action: ActionItem, if_version: str | None = None, **fields
) -> ActionItem:
    """Change an action item (title, owner, due date, links, status); a new owner is told."""
    action = (
        ActionItem.objects.select_for_update()
        .select_related("occurrence__series")
        .get(pk=action.pk)
    )
    require_member(actor)
    if not can_edit_action(actor, action):
        raise PermissionDenied(_("Only its owner and the meeting's organisers can change this."))
    versioning.check(action, if_version)
    before = activity.snapshot(action, ActionItem.TRACKED)
    for name, value in fields.items():
        if name not in ActionItem.TRACKED:
            raise DomainError(_("Unknown field."), field=name)
        setattr(action, name, value)
    action.title = (action.title or "").strip()[:300]
    if not action.title:
        raise DomainError(_("Say what must be done."), field="title")
    if action.owner is None or not action.owner.is_active:
        raise DomainError(_("Choose who does it."), field="owner")
    if action.status not in ActionStatus.values:
        raise DomainError(_("Unknown status."), field="status")
    action.done_at = clock.now() if action.status == ActionStatus.DONE else None
    action.save()
    changes = activity.diff(before, activity.snapshot(action, ActionItem.TRACKED))
    if changes:
        verb = "completed" if changes.get("status", [None, None])[1] == "done" else "updated"
        activity.record(actor=actor, verb=verb, target=action, changes=changes)
    if "owner" in changes:
        _notify_owner(actor, action)
    return action


# Calendar feeds -------------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def calendar_token_create(*, actor) -> tuple[CalendarToken, str]:
    """A new calendar feed address for ``actor``; the secret is shown once, never stored."""
    require_member(actor)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = CalendarToken.objects.create(user=actor, prefix=raw[:10], key_hash=_hash(raw))
    return token, raw


@transaction.atomic
def calendar_token_revoke(*, actor, token: CalendarToken) -> CalendarToken:
    if token.user_id != actor.pk and not actor.is_admin:
        raise PermissionDenied(_("Only its owner can revoke this calendar address."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    return token


def calendar_user(raw: str):
    """The active person behind a calendar feed secret, or ``None``."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = CalendarToken.objects.active().select_related("user").filter(key_hash=_hash(raw))
    token = token.first()
    return token.user if token else None
