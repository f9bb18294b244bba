"""Who may do what in meetings (every service asks here)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import (
    MeetingSeries,
    Occurrence,
)


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


def require_run(user, occurrence: Occurrence) -> None:
    if not can_run(user, occurrence):
        if occurrence.is_closed:
            raise PermissionDenied(_("This meeting is closed: only its owner can change it."))
        raise PermissionDenied(_("Only the owner and the attendees can change this meeting."))


def require_manage(user, series: MeetingSeries) -> None:
    if not can_manage(user, series):
        raise PermissionDenied(_("Only the owner of this series can change it."))
