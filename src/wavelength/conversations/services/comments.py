"""Comments and threads: create, edit, delete, resolve, reopen."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_member
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from .. import kinds, mentions
from ..models import Comment, Follow

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
    from wavelength.core import background

    from ..tasks import comment_fan_out

    transaction.on_commit(lambda: background.later(comment_fan_out, comment_id, user_ids))


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


def _follow(user, kind: str, object_id: int) -> Follow:
    follow, _created = Follow.objects.get_or_create(user=user, kind=kind, object_id=object_id)
    return follow
