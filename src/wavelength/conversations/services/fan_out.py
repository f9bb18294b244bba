"""Telling people, run by the tasks after the commit: whom a comment concerns, and the
followers of an object that changed stage or shipped."""

from django.utils.translation import gettext as _

from .. import kinds
from ..models import Channel, Comment, Event, Follow, Preference
from .comments import excerpt


def _channels(users) -> dict[int, str]:
    """Each person's channel for each event, defaults filled in: {(user_id, event): channel}."""
    from ..models import DEFAULT_CHANNELS

    chosen = {
        (p.user_id, p.event): p.channel
        for p in Preference.objects.filter(user__in=[u.pk for u in users])
    }
    return {
        (u.pk, event): chosen.get((u.pk, event), DEFAULT_CHANNELS[event])
        for u in users
        for event in Event.values
    }


def _send(people, *, event: str, channels, **kwargs) -> int:
    """Notify each person by their channel for ``event``; returns how many were told."""
    from wavelength.core import notifications

    sent = 0
    for channel in (Channel.IN_APP, Channel.EMAIL):
        group = [p for p in people if channels[(p.pk, event)] == channel]
        rows = notifications.notify(
            recipients=group, verb=event, email=channel == Channel.EMAIL, **kwargs
        )
        sent += len(rows)
    return sent


def _object_url(obj, comment: Comment | None = None) -> str:
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return f"{url}#{comment.anchor}" if (url and comment is not None) else url


def comment_fan_out(*, comment: Comment, only_user_ids: list[int] | None = None) -> int:
    """Tell the people a comment concerns: those it mentions (directly or through a team),
    then the object's followers; nobody who may not see the object, never the author, each
    person once, each by the channel they chose. ``only_user_ids`` limits it to people newly
    mentioned by an edit. Returns how many notifications were made."""
    entry = kinds.get_kind(comment.kind)
    obj = entry.load(comment.object_id) if entry else None
    if obj is None or comment.is_deleted:
        return 0
    author = comment.author
    mentioned = {u.pk: u for u in comment.mentioned_users.filter(is_active=True)}
    for team in comment.mentioned_teams.prefetch_related("members"):
        mentioned.update({u.pk: u for u in team.members.all() if u.is_active})
    followers = {}
    if only_user_ids is None:
        rows = Follow.objects.filter(kind=comment.kind, object_id=comment.object_id)
        followers = {f.user.pk: f.user for f in rows.select_related("user") if f.user.is_active}
    else:
        mentioned = {pk: u for pk, u in mentioned.items() if pk in set(only_user_ids)}
    skip = {getattr(author, "pk", None)}
    mentioned = [u for pk, u in mentioned.items() if pk not in skip and entry.can_see(u, obj)]
    followers = [
        u
        for pk, u in followers.items()
        if pk not in skip and pk not in {m.pk for m in mentioned} and entry.can_see(u, obj)
    ]
    channels = _channels(mentioned + followers)
    name, who = str(obj), str(author or _("Someone"))
    common = {
        "url": _object_url(obj, comment),
        "body": excerpt(comment.body),
        "actor": author,
        "target": comment,
    }
    sent = _send(
        mentioned,
        event=Event.MENTION,
        channels=channels,
        title=lambda: _("%(actor)s mentioned you on “%(object)s”") % {"actor": who, "object": name},
        **common,
    )
    sent += _send(
        followers,
        event=Event.COMMENT,
        channels=channels,
        title=lambda: _("%(actor)s commented on “%(object)s”") % {"actor": who, "object": name},
        **common,
    )
    return sent


CHANGE_VERBS = ("stage_changed", "released")


def change_fan_out(*, row) -> int:
    """Tell an object's followers it changed stage or shipped (from its activity row)."""
    model = row.target_type.model_class()
    entry = kinds.kind_for_model(model) if model is not None else None
    obj = entry.load(row.target_id) if entry else None
    if obj is None or row.verb not in CHANGE_VERBS:
        return 0
    rows = Follow.objects.filter(kind=entry.key, object_id=obj.pk).select_related("user")
    people = [
        f.user
        for f in rows
        if f.user.is_active and f.user_id != row.actor_id and entry.can_see(f.user, obj)
    ]
    name = str(obj)
    if row.verb == "released":
        title = lambda: _("“%(object)s” shipped") % {"object": name}  # noqa: E731
    else:
        title = lambda: _("“%(object)s” moved to a new stage") % {"object": name}  # noqa: E731
    return _send(
        people,
        event=Event.CHANGE,
        channels=_channels(people),
        title=title,
        url=_object_url(obj),
        actor=row.actor,
        target=obj,
    )
