"""Every write of the meetings app: one transaction each, recorded in the activity log.

Who may do what: editors create series; a series' owner (or an administrator) edits it; the
owner, an administrator and attendees who may edit run an occurrence (agenda, minutes,
attendance, decisions, action items) until it is closed; after that only the series' owner
edits it, and each change is still recorded.
"""

from .access import can_manage, can_run, is_attendee
from .actions import action_create, action_update, can_edit_action
from .calendar import calendar_token_create, calendar_token_revoke, calendar_user
from .decisions import DecisionData, decision_create, decision_update, search_reindex
from .occurrences import (
    agenda_generate,
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_update,
    occurrence_close,
    occurrence_update,
)
from .sending import agenda_send, agendas_send_due, minutes_send, recipients
from .series import (
    AHEAD,
    SeriesData,
    occurrence_create_at,
    occurrences_ensure,
    series_create,
    series_update,
)

__all__ = [
    "AHEAD",
    "DecisionData",
    "SeriesData",
    "action_create",
    "action_update",
    "agenda_send",
    "agendas_send_due",
    "agenda_generate",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_remove",
    "agenda_item_update",
    "calendar_token_create",
    "calendar_token_revoke",
    "calendar_user",
    "can_edit_action",
    "can_manage",
    "can_run",
    "decision_create",
    "decision_update",
    "is_attendee",
    "minutes_send",
    "occurrence_close",
    "occurrence_create_at",
    "occurrence_update",
    "occurrences_ensure",
    "recipients",
    "search_reindex",
    "series_create",
    "series_update",
]
