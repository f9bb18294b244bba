"""Every write of conversations: comments, threads, follows and notification preferences.

Each service runs in one transaction, checks what the actor may do, and records the activity
on the commented object (so it shows in that object's timeline). Telling people is never done
in the request: once the transaction commits, :mod:`.tasks` fans the news out.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_member
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from . import kinds, mentions
from .models import Channel, Comment, Event, Follow, Preference

MAX_BODY = 10_000
EXCERPT = 140


def _kind(key: str) -> kinds.CommentKind:
    kind = kinds.get_kind(key)
    if kind is None:
        raise DomainError(
            _("Unknown kind “%(kind)s”; choose from %(kinds)s.")
            % {"kind": key, "kinds": ", ".join(k.key for k in kinds.all_kinds())},
            field="kind",
        )
    return kind


def _target(*, user, kind: str, object_id: int) -> tuple[kinds.CommentKind, models.Model]:
    require_member(user)
    entry = _kind(kind)
    return entry, entry.get(user=user, pk=object_id)


def _body(value: str | None) -> str:
    body = (value or "").strip()
    if not body:
        raise DomainError(_("Write something first."), field="body")
    if len(body) > MAX_BODY:
        raise DomainError(
            _("A comment holds at most %(n)d characters.") % {"n": MAX_BODY}, field="body"
        )
    return body


def excerpt(text: str) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


@dataclass
class MentionCheck:
    """Who a comment's mentions reach, and who they do not (the form shows the latter)."""

    people: list = field(default_factory=list)
    teams: list = field(default_factory=list)
    cannot_see: list = field(default_factory=list)  # people named who may not see the object
    ambiguous: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        out = [
            _("%(name)s cannot see this, so they were not told.") % {"name": person}
            for person in self.cannot_see
        ]
        out += [
            _("@%(handle)s names several people, so nobody was told; write their e-mail "
              "instead.") % {"handle": h}
            for h in self.ambiguous
        ]  # fmt: skip
        out += [_("Nobody is called @%(handle)s.") % {"handle": h} for h in self.unknown]
        return out


def check_mentions(*, kind: kinds.CommentKind, obj, body: str) -> MentionCheck:
    """Resolve the body's mentions and keep only the people who may see ``obj``."""
    found = mentions.resolve(mentions.handles_in(body))
    out = MentionCheck(
        teams=list(found.teams.values()), ambiguous=found.ambiguous, unknown=found.unknown
    )
    for person in found.people.values():
        (out.people if kind.can_see(person, obj) else out.cannot_see).append(person)
    return out


def _set_mentions(comment: Comment, check: MentionCheck) -> None:
    comment.mentioned_users.set(check.people)
    comment.mentioned_teams.set(check.teams)


def _record(*, actor, verb: str, kind, obj, comment: Comment, **payload) -> None:
    activity.record(
        actor=actor,
        verb=verb,
        target=obj,
        scope=kind.scope(obj),
        comment=comment.pk,
        **payload,
    )


def _queue_fan_out(comment_id: int, *, user_ids: list[int] | None = None) -> None:
    from .tasks import comment_fan_out

    transaction.on_commit(lambda: comment_fan_out.delay(comment_id, user_ids))


@transaction.atomic
def comment_create(
    *, actor, kind: str, object_id: int, body: str, parent_id: int | None = None
) -> Comment:
    """Comment on an object (or reply in one of its threads). The author follows the object
    from now on; mentioned people who may see it, its followers and the mentioned teams'
    members are told once the transaction commits. The returned comment's ``mention_check``
    says whose mention reached nobody."""
    entry, obj = _target(user=actor, kind=kind, object_id=object_id)
    text = _body(body)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.on(entry.key, obj.pk).filter(pk=parent_id).first()
        if parent is None:
            raise DomainError(_("No comment of this thread matches."), field="parent")
        parent = parent.parent or parent  # threads have one level of replies
    check = check_mentions(kind=entry, obj=obj, body=text)
    comment = Comment.objects.create(
        kind=entry.key,
        target_type=_content_type(obj),
        object_id=obj.pk,
        parent=parent,
        author=actor,
        body=text,
    )
    _set_mentions(comment, check)
    verb = "replied" if parent else "commented"
    _record(actor=actor, verb=verb, kind=entry, obj=obj, comment=comment, excerpt=excerpt(text))
    _follow(actor, entry.key, obj.pk)
    _queue_fan_out(comment.pk)
    comment.mention_check = check
    return comment


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj, for_concrete_model=False)


def _locked(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().get(pk=comment.pk)


def _target_of(comment: Comment, *, user) -> tuple[kinds.CommentKind, models.Model]:
    return _target(user=user, kind=comment.kind, object_id=comment.object_id)


@transaction.atomic
def comment_edit(*, actor, comment: Comment, body: str, if_version: str | None = None) -> Comment:
    """Change one's own comment (it shows "edited"); people newly mentioned are told."""
    entry, obj = _target_of(comment, user=actor)
    row = _locked(comment)
    versioning.check(row, if_version)
    if row.author_id != actor.pk:
        raise PermissionDenied(_("Only the author can edit a comment."))
    if row.is_deleted:
        raise DomainError(_("This comment was deleted."), field="body")
    text = _body(body)
    if text == row.body:
        row.mention_check = check_mentions(kind=entry, obj=obj, body=text)
        return row
    before = set(row.mentioned_users.values_list("pk", flat=True))
    before_teams = set(row.mentioned_teams.values_list("pk", flat=True))
    row.body, row.edited_at = text, clock.now()
    row.save(update_fields=["body", "edited_at"])
    check = check_mentions(kind=entry, obj=obj, body=text)
    _set_mentions(row, check)
    _record(actor=actor, verb="comment_edited", kind=entry, obj=obj, comment=row)
    new_people = [p.pk for p in check.people if p.pk not in before]
    new_teams = [t for t in check.teams if t.pk not in before_teams]
    new_people += [u.pk for t in new_teams for u in t.members.filter(is_active=True)]
    if new_people:
        _queue_fan_out(row.pk, user_ids=sorted(set(new_people)))
    row.mention_check = check
    return row


@transaction.atomic
def comment_delete(*, actor, comment: Comment, if_version: str | None = None) -> Comment:
    """Delete a comment: its text goes, a stub and its replies stay. The author or an
    administrator may."""
    entry, obj = _target_of(comment, user=actor)
    row = _locked(comment)
    versioning.check(row, if_version)
    if row.author_id != actor.pk and not actor.is_admin:
        raise PermissionDenied(_("Only the author or an administrator can delete a comment."))
    if row.is_deleted:
        return row
    row.body, row.deleted_at = "", clock.now()
    row.save(update_fields=["body", "deleted_at"])
    row.mentioned_users.clear()
    row.mentioned_teams.clear()
    _record(actor=actor, verb="comment_deleted", kind=entry, obj=obj, comment=row)
    return row


def _may_resolve(actor, thread: Comment) -> None:
    if thread.parent_id is not None:
        raise DomainError(_("Only a thread's first comment can be resolved."), field="comment")
    if thread.author_id != actor.pk and not actor.can_edit:
        raise PermissionDenied(
            _("Only who started the thread, an editor or an administrator can do this.")
        )


@transaction.atomic
def thread_resolve(*, actor, comment: Comment) -> Comment:
    """Mark a thread resolved (its replies fold away on the page)."""
    entry, obj = _target_of(comment, user=actor)
    row = _locked(comment)
    _may_resolve(actor, row)
    if row.is_resolved:
        return row
    row.resolved_at, row.resolved_by = clock.now(), actor
    row.save(update_fields=["resolved_at", "resolved_by"])
    _record(actor=actor, verb="thread_resolved", kind=entry, obj=obj, comment=row)
    return row


@transaction.atomic
def thread_reopen(*, actor, comment: Comment) -> Comment:
    entry, obj = _target_of(comment, user=actor)
    row = _locked(comment)
    _may_resolve(actor, row)
    if not row.is_resolved:
        return row
    row.resolved_at, row.resolved_by = None, None
    row.save(update_fields=["resolved_at", "resolved_by"])
    _record(actor=actor, verb="thread_reopened", kind=entry, obj=obj, comment=row)
    return row


# Following ---------------------------------------------------------------------------------


def _follow(user, kind: str, object_id: int) -> Follow:
    follow, _created = Follow.objects.get_or_create(user=user, kind=kind, object_id=object_id)
    return follow


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
    """Who creates a commentable object (and who owns it) follows it. Called for each new
    activity row inside the transaction that wrote it (see :mod:`.signals`)."""
    model = row.target_type.model_class()
    entry = kinds.kind_for_model(model) if model is not None else None
    if entry is None or row.verb != "created":
        return
    obj = entry.load(row.target_id)
    people = [row.actor] + (entry.owners(obj) if obj is not None else [])
    for person in {p.pk: p for p in people if p is not None}.values():
        _follow(person, entry.key, row.target_id)


# Preferences -------------------------------------------------------------------------------


@transaction.atomic
def preferences_update(*, actor, channels: dict[str, str]) -> dict[str, str]:
    """Set how ``actor`` hears of each kind of event; returns every event's channel."""
    require_member(actor)
    errors = {}
    for event, channel in channels.items():
        if event not in Event.values:
            errors[event] = _("Unknown kind of event.")
        elif channel not in Channel.values:
            errors[event] = _("Choose in_app, email or off.")
    if errors:
        raise DomainError(_("Some preferences are not valid."), errors=errors)
    for event, channel in channels.items():
        Preference.objects.update_or_create(user=actor, event=event, defaults={"channel": channel})
    from .selectors import preferences_get

    return preferences_get(user=actor)


# Telling people (run by the tasks, after the commit) ----------------------------------------


def _channels(users) -> dict[int, str]:
    """Each person's channel for each event, defaults filled in: {(user_id, event): channel}."""
    from .models import DEFAULT_CHANNELS

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
