"""Following objects and choosing how to be told."""

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_member
from wavelength.core.exceptions import DomainError

from .. import kinds
from ..models import DIGESTS, Channel, Comment, DigestEntry, Event, Follow, Preference
from .comments import _follow, _target


@transaction.atomic
def follow_create(*, actor, kind: str, object_id: int) -> Follow:
    """Follow an object one may see: hear of its new comments (and its changes)."""
    entry, obj = _target(user=actor, kind=kind, object_id=object_id)
    return _follow(actor, entry.key, obj.pk)


@transaction.atomic
def follow_delete(*, actor, kind: str, object_id: int) -> None:
    entry, obj = _target(user=actor, kind=kind, object_id=object_id)
    Follow.objects.filter(user=actor, kind=entry.key, object_id=obj.pk).delete()


def follow_from_activity(*, row) -> None:
    """Who creates a commentable object (and who owns it, then or later) follows it. Called
    for each new activity row inside the transaction that wrote it (see :mod:`..signals`)."""
    model = row.target_type.model_class()
    entry = kinds.kind_for_model(model) if model is not None else None
    if entry is None:
        return
    if row.verb == "created":
        obj = entry.load(row.target_id)
        people = [row.actor] + (entry.owners(obj) if obj is not None else [])
        for person in {p.pk: p for p in people if p is not None}.values():
            _follow(person, entry.key, row.target_id)
    elif row.verb == "updated":
        _follow_new_owner(entry, row)


def forget_deleted(*, row) -> int:
    """When a commentable object is deleted (its ``deleted`` activity), its comments, follows
    and the digest entries about it go with it, as a page's versions do; returns how many
    comments went."""
    model = row.target_type.model_class()
    entry = kinds.kind_for_model(model) if model is not None else None
    if entry is None:
        return 0
    Follow.objects.filter(kind=entry.key, object_id=row.target_id).delete()
    DigestEntry.objects.filter(kind=entry.key, object_id=row.target_id).delete()
    deleted, _by_model = Comment.objects.on(entry.key, row.target_id).delete()
    return deleted


def _follow_new_owner(entry, row) -> None:
    """A person who becomes an object's owner follows it from then on."""
    from django.contrib.auth import get_user_model

    _old, new = (list(row.changes.get("owner") or []) + [None, None])[:2]
    person = get_user_model().objects.filter(pk=new, is_active=True).first() if new else None
    if person is not None:
        _follow(person, entry.key, row.target_id)


# Preferences -------------------------------------------------------------------------------


@transaction.atomic
def preferences_update(
    *, actor, channels: dict[str, str], digest: dict | None = None
) -> dict[str, str]:
    """Set how ``actor`` hears of each kind of event and, with ``digest`` (``hour``,
    ``weekday``, ``time_zone``), when their digests are sent; returns every event's channel.
    Nothing is saved when any value is refused."""
    require_member(actor)
    errors = {}
    for event, channel in channels.items():
        if event not in Event.values:
            errors[event] = _("Unknown kind of event.")
        elif channel not in Channel.values:
            errors[event] = _("Choose in_app, email, daily, weekly or off.")
    if errors:
        raise DomainError(_("Some preferences are not valid."), errors=errors)
    if digest or set(channels.values()) & set(DIGESTS):
        from .digests import schedule_update

        schedule_update(actor=actor, **(digest or {}))
    for event, channel in channels.items():
        Preference.objects.update_or_create(user=actor, event=event, defaults={"channel": channel})
    from ..selectors import preferences_get

    return preferences_get(user=actor)
