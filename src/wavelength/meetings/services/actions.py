"""Action items of a meeting: their owner is told, they go overdue, they carry over."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_member
from wavelength.core import activity, clock, notifications, versioning
from wavelength.core.exceptions import DomainError

from ..models import (
    ActionItem,
    ActionStatus,
    Occurrence,
)
from .access import can_run, require_run
from .occurrences import lock_occurrence


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
    occurrence = lock_occurrence(occurrence)
    require_run(actor, occurrence)
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
