"""Every write of conversations: comments, threads, follows and notification preferences.

Each service runs in one transaction, checks what the actor may do, and records the activity
on the commented object (so it shows in that object's timeline). Telling people is never done
in the request: once the transaction commits, :mod:`..tasks` fans the news out
(:mod:`.fan_out`).
"""

from .comments import (
    MAX_BODY,
    MentionCheck,
    _kind,
    check_mentions,
    comment_create,
    comment_delete,
    comment_edit,
    excerpt,
    thread_reopen,
    thread_resolve,
)
from .digests import (
    digest_for,
    digest_send,
    digests_send_due,
    schedule_of,
    schedule_update,
    unsubscribe,
    unsubscribe_target,
    unsubscribe_url,
)
from .fan_out import CHANGE_VERBS, change_fan_out, comment_fan_out
from .following import (
    follow_create,
    follow_delete,
    follow_from_activity,
    forget_deleted,
    preferences_update,
)
from .gate_verdicts import (
    gate_verdict_check,
    gate_verdicts_check,
    gate_verdicts_check_all,
    releases_touched,
    releases_touched_by,
    touches_gate,
)

__all__ = [
    "CHANGE_VERBS",
    "MAX_BODY",
    "MentionCheck",
    "_kind",
    "change_fan_out",
    "check_mentions",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_fan_out",
    "digest_for",
    "digest_send",
    "digests_send_due",
    "excerpt",
    "follow_create",
    "follow_delete",
    "follow_from_activity",
    "forget_deleted",
    "gate_verdict_check",
    "gate_verdicts_check",
    "gate_verdicts_check_all",
    "preferences_update",
    "releases_touched",
    "releases_touched_by",
    "schedule_of",
    "schedule_update",
    "thread_reopen",
    "thread_resolve",
    "touches_gate",
    "unsubscribe",
    "unsubscribe_target",
    "unsubscribe_url",
]
