"""Telling people, run by the tasks after the commit: whom a comment concerns, and the
followers of an object that changed stage, shipped, was edited, whose release gate changed or
whose gate verdict flipped.

Each person is told by the channel they chose for the kind of event; a digest channel tells
them in the app and keeps a :class:`~..models.DigestEntry` for their next digest e-mail."""

from django.utils.translation import gettext as _

from .. import kinds
from ..models import DIGESTS, Channel, Comment, DigestEntry, Event, Follow, Preference
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


def _send(people, *, event: str, channels, about: tuple, **kwargs) -> int:
    """Notify each person by their channel for ``event``; returns how many were told.
    ``about`` is ``(kind key, object id, comment or None)``, kept for the digests."""
    from wavelength.core import notifications

    sent = 0
    for channel in (Channel.IN_APP, Channel.EMAIL, *DIGESTS):
        group = [p for p in people if channels[(p.pk, event)] == channel]
        rows = notifications.notify(
            recipients=group, verb=event, email=channel == Channel.EMAIL, **kwargs
        )
        if channel in DIGESTS:
            _keep_for_digest(rows, event=event, about=about)
        sent += len(rows)
    return sent


def _keep_for_digest(rows, *, event: str, about: tuple) -> None:
    kind, object_id, comment = about
    DigestEntry.objects.bulk_create(
        DigestEntry(
            user_id=row.recipient_id,
            notification=row,
            event=event,
            kind=kind,
            object_id=object_id,
            comment=comment,
            created_at=row.created_at,
        )
        for row in rows
    )


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
        "about": (entry.key, obj.pk, comment),
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


# Activity verbs followers hear of, and the kind of event each is.
CHANGE_VERBS = {
    "stage_changed": Event.CHANGE,
    "released": Event.SHIPPED,
    "updated": Event.EDIT,
    "status_changed": Event.EDIT,
    "gate_verdict_changed": Event.GATE,
}


def _verdict_title(row, name: str):
    """A release's gate verdict flipped (``services.gate_verdicts``)."""
    if (row.changes.get("gate_verdict") or [None, None])[1] == "passing":
        return lambda: _("“%(object)s” now passes its release gate") % {"object": name}
    return lambda: _("“%(object)s” no longer passes its release gate") % {"object": name}


def _failing_criteria(row):
    """The criteria failing after a verdict flip, named in the reader's language."""
    from wavelength.catalog import gates

    keys = set(row.payload.get("failing") or [])
    if not keys:
        return ""

    def text() -> str:
        names = ", ".join(str(c.label) for c in gates.criteria() if c.key in keys)
        return _("Not met: %(criteria)s.") % {"criteria": names}

    return text


def _titles(event: str, name: str, who: str):
    titles = {
        Event.CHANGE: lambda: _("“%(object)s” moved to a new stage") % {"object": name},
        Event.SHIPPED: lambda: _("“%(object)s” shipped") % {"object": name},
        Event.EDIT: lambda: _("%(actor)s edited “%(object)s”") % {"actor": who, "object": name},
        Event.GATE: lambda: (
            _("The release gate of “%(object)s” changed; check whether it still passes")
            % {"object": name}
        ),
    }
    return titles[event]


def _followers(entry, obj, *, skip_id) -> list:
    rows = Follow.objects.filter(kind=entry.key, object_id=obj.pk).select_related("user")
    return [
        f.user
        for f in rows
        if f.user.is_active and f.user_id != skip_id and entry.can_see(f.user, obj)
    ]


def _gated_releases(row) -> list:
    """The releases still to ship of the product whose release gate an activity changed."""
    from wavelength.catalog.models import Release, ReleaseStatus
    from wavelength.quality.models import ReleaseGate

    if row.verb != "updated" or row.target_type.model_class() is not ReleaseGate:
        return []
    gate = ReleaseGate.objects.filter(pk=row.target_id).first()
    if gate is None:
        return []
    return list(
        Release.objects.filter(product_id=gate.product_id)
        .exclude(status__in=[ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED])
        .select_related("product")
    )


def change_fan_out(*, row) -> int:
    """Tell an object's followers it changed stage, shipped or was edited, or the followers of
    a product's coming releases that their release gate changed (from the activity row)."""
    releases = _gated_releases(row)
    if releases:
        entry = kinds.get_kind("release")
        return sum(_tell_followers(entry, r, row=row, event=Event.GATE) for r in releases)
    model = row.target_type.model_class()
    entry = kinds.kind_for_model(model) if model is not None else None
    obj = entry.load(row.target_id) if entry else None
    if obj is None or row.verb not in CHANGE_VERBS:
        return 0
    if row.verb == "updated" and not row.changes:
        return 0  # nothing a reader would notice changed
    return _tell_followers(entry, obj, row=row, event=CHANGE_VERBS[row.verb])


def _tell_followers(entry, obj, *, row, event: str) -> int:
    people = _followers(entry, obj, skip_id=row.actor_id)
    who = str(row.actor or _("Someone"))
    flipped = row.verb == "gate_verdict_changed"
    return _send(
        people,
        event=event,
        channels=_channels(people),
        title=_verdict_title(row, str(obj)) if flipped else _titles(event, str(obj), who),
        body=_failing_criteria(row) if flipped else "",
        url=_object_url(obj),
        actor=row.actor,
        target=obj,
        about=(entry.key, obj.pk, None),
    )
