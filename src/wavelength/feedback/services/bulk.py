"""Bulk triage of the inbox: set the type, theme or status of many items, archive them or
link them all to a feature, all or nothing. Built on the items' and links' writes."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core.exceptions import DomainError

from ..models import Feedback, FeedbackType, Status, Theme
from .checks import BULK_LIMIT, _choice
from .items import feedback_update
from .links import feedback_bulk_link

BULK_ACTIONS = ("type", "theme", "status", "archive", "link")


@transaction.atomic
def feedback_bulk_update(
    *, actor, ids: Sequence[int], action: str, value: Any = None, importance: str = ""
) -> list[Feedback]:
    """Set the type, theme or status of many items at once, archive them, or link them all
    to one feature (``value``) with an ``importance``; all or nothing."""
    require_editor(actor)
    if action not in BULK_ACTIONS:
        raise DomainError(_("Choose an action."), field="action")
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise DomainError(_("Select at least one item."), field="ids")
    if len(ids) > BULK_LIMIT:
        raise DomainError(_("At most %(n)d items per call.") % {"n": BULK_LIMIT}, field="ids")
    items = list(Feedback.objects.filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {f.pk for f in items})
    if missing:
        raise DomainError(
            _("No feedback matches “%(key)s”.") % {"key": ", ".join(map(str, missing))},
            field="ids",
        )
    if action == "link":
        return feedback_bulk_link(actor=actor, items=items, feature=value, importance=importance)
    field, value = ("status", Status.ARCHIVED) if action == "archive" else (action, value)
    if field == "type":
        value = _choice(value, FeedbackType, "value")
    elif field == "status":
        value = _choice(value, Status, "value", blank=False)
    elif value is not None and not isinstance(value, Theme):
        raise DomainError(_("Choose a theme."), field="value")
    return [feedback_update(actor=actor, feedback=item, **{field: value}) for item in items]
