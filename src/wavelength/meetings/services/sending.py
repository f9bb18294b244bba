"""Sending the agenda before a meeting and the minutes after it, to each attendee (and each
follower of the series) in their own language, as a notification and its e-mail copy.

Each person gets the agenda as they may read it: an item about a knowledge page they cannot
see is left out of their copy (:func:`..selectors.readable_items`).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wavelength.core import activity, clock, formats, notifications

from .. import selectors
from ..models import MeetingSeries, Occurrence, OccurrenceStatus
from .access import require_run
from .occurrences import agenda_generate, lock_occurrence

# The agenda goes out this long before the meeting (``agendas_send_due``, run every hour).
AGENDA_LEAD = dt.timedelta(hours=24)
FOLLOW_KIND = "meeting_series"


def recipients(series: MeetingSeries) -> list:
    """Who hears of a meeting: its owner, attendees (people and the teams' members) and the
    series' followers, active ones only, in one query."""
    from wavelength.conversations.models import Follow

    followers = Follow.objects.filter(kind=FOLLOW_KIND, object_id=series.pk).values("user_id")
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(pk=series.owner_id)
            | Q(meeting_series=series)
            | Q(memberships__team__meeting_series=series)
            | Q(pk__in=followers)
        )
    )
    return list(people.distinct().order_by("pk"))


def _when(occurrence: Occurrence) -> str:
    with timezone.override(occurrence.series.time_zone):
        return formats.moment(occurrence.starts_at)


def _agenda_text(user, items) -> str:
    lines = []
    for number, item in enumerate(selectors.readable_items(user=user, items=items), start=1):
        title, note = item.display_title, item.display_note
        lines.append(f"{number}. {title}" + (f"\n   {note}" if note else ""))
    return "\n".join(lines) or _("The agenda is empty.")


def _send(occurrence: Occurrence, *, actor, what: str, title, body) -> int:
    """One notification per person (each body holds only what that person may read), then the
    time it was sent and an activity (``agenda_sent`` / ``minutes_sent``)."""
    sent = 0
    for person in recipients(occurrence.series):
        rows = notifications.notify(
            recipients=[person],
            verb=f"meeting_{what}",
            title=title,
            body=lambda person=person: body(person),
            url=occurrence.get_absolute_url(),
            actor=actor,
            target=occurrence,
        )
        sent += len(rows)
    setattr(occurrence, f"{what}_sent_at", clock.now())
    occurrence.save(update_fields=[f"{what}_sent_at"])
    activity.record(actor=actor, verb=f"{what}_sent", target=occurrence, count=sent)
    return sent


@transaction.atomic
def agenda_send(*, actor, occurrence: Occurrence) -> int:
    """Send the agenda to everyone who attends or follows the series; returns how many were
    told. Sending again (after changes) sends the agenda as it is now."""
    occurrence = lock_occurrence(occurrence)
    if actor is not None:
        require_run(actor, occurrence)
    items = list(occurrence.items.order_by("position", "id"))
    name = occurrence.series.name
    return _send(
        occurrence,
        actor=actor,
        what="agenda",
        title=lambda: (
            _("Agenda of %(series)s, %(when)s") % {"series": name, "when": _when(occurrence)}
        ),
        body=lambda person: _agenda_text(person, items),
    )


def _minutes_text(occurrence: Occurrence) -> str:
    parts = [occurrence.minutes.strip() or _("No minutes were taken.")]
    decisions = list(occurrence.decisions.order_by("created_at", "id"))
    if decisions:
        parts.append(_("Decisions:") + "\n" + "\n".join(f"- {d.title}" for d in decisions))
    actions = list(occurrence.actions.select_related("owner").order_by("due_on", "id"))
    if actions:
        lines = [
            f"- {a.title} ({a.owner}" + (f", {formats.day(a.due_on)})" if a.due_on else ")")
            for a in actions
        ]
        parts.append(_("Action items:") + "\n" + "\n".join(lines))
    return "\n\n".join(parts)


@transaction.atomic
def minutes_send(*, actor, occurrence: Occurrence) -> int:
    """Send the minutes again (after a correction, say); returns how many were told."""
    occurrence = lock_occurrence(occurrence)
    require_run(actor, occurrence)
    return deliver_minutes(actor=actor, occurrence=occurrence)


def deliver_minutes(*, actor, occurrence: Occurrence) -> int:
    """The minutes, decisions and action items to everyone who attends or follows the series,
    in the caller's transaction (closing a meeting sends them)."""
    name = occurrence.series.name
    return _send(
        occurrence,
        actor=actor,
        what="minutes",
        title=lambda: (
            _("Minutes of %(series)s, %(when)s") % {"series": name, "when": _when(occurrence)}
        ),
        body=lambda person: _minutes_text(occurrence),
    )


def agendas_send_due() -> int:
    """Every hour: the meetings starting within ``AGENDA_LEAD`` whose agenda has not been
    sent get it built (as their series' owner, when nobody did) and sent. Returns how many
    meetings were sent."""
    now = clock.now()
    due = Occurrence.objects.filter(
        status=OccurrenceStatus.PLANNED,
        agenda_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + AGENDA_LEAD,
    ).select_related("series__owner")
    count = 0
    for occurrence in due:
        owner = occurrence.series.owner
        if occurrence.agenda_built_at is None and owner.is_active:
            agenda_generate(actor=owner, occurrence=occurrence)
        agenda_send(actor=None, occurrence=occurrence)
        count += 1
    return count
