"""Reads of conversations, always through what the reader may see of the commented object."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.utils.safestring import mark_safe

from wavelength.accounts.permissions import require_member
from wavelength.core.markdown import Resolved, WikiLink, render, wiki_links

from . import kinds, mentions
from .models import DEFAULT_CHANNELS, Comment, Event, Follow, Preference
from .services import _kind

THREADS_PER_PAGE = 30


def target_get(*, user, kind: str, object_id: int):
    """The kind and the object ``user`` may see (422 for an unknown kind, 404 / 403)."""
    require_member(user)
    entry = _kind(kind)
    return entry, entry.get(user=user, pk=object_id)


def comment_get_for_user(*, user, pk: int) -> Comment:
    """One comment whose object ``user`` may see; 404 otherwise (never a hint it exists)."""
    require_member(user)
    comment = Comment.objects.select_related("author", "resolved_by").filter(pk=pk).first()
    if comment is None or kinds.get_kind(comment.kind) is None:
        raise Http404
    target_get(user=user, kind=comment.kind, object_id=comment.object_id)
    return comment


def _with_people(qs):
    return qs.select_related("author", "resolved_by", "parent").prefetch_related(
        "mentioned_users", "mentioned_teams"
    )


def comment_list(*, user, kind: str, object_id: int):
    """Every comment on one object the reader may see, oldest first (replies included)."""
    _entry, obj = target_get(user=user, kind=kind, object_id=object_id)
    return _with_people(Comment.objects.on(kind, obj.pk)).order_by("created_at", "id")


def thread_list(*, user, kind: str, object_id: int):
    """The object's threads, oldest first, each with its replies prefetched."""
    _entry, obj = target_get(user=user, kind=kind, object_id=object_id)
    replies = _with_people(Comment.objects.order_by("created_at", "id"))
    return (
        _with_people(Comment.objects.on(kind, obj.pk).threads())
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )


def render_bodies(*, user, comments) -> None:
    """Give each comment its ``html``: Markdown through the sanitiser, ``[[links]]`` pointing
    at what they name for this reader, all comments' links resolved in one query per kind."""
    from wavelength.knowledge.links import resolve
    from wavelength.knowledge.models import Page

    comments = list(comments)
    links = [link for c in comments for link in wiki_links(c.body)]
    targets = resolve(links, pages=Page.objects.visible_to(user)) if links else {}

    def resolver(link: WikiLink) -> Resolved | None:
        target = targets.get(link.ref)
        return Resolved(target.url) if target else None

    for c in comments:
        html = render(c.body, resolve=resolver) if c.body else ""
        named = {mentions.handle_of(u) for u in c.mentioned_users.all()}
        named |= {t.slug.lower() for t in c.mentioned_teams.all()}
        c.html = mark_safe(mentions.highlight(html, named))  # noqa: S308 - sanitised, then spans


def is_following(*, user, kind: str, object_id: int) -> bool:
    return Follow.objects.filter(user=user, kind=kind, object_id=object_id).exists()


def follower_count(*, kind: str, object_id: int) -> int:
    return Follow.objects.filter(kind=kind, object_id=object_id).count()


@dataclass
class Panel:
    """What the comments panel of an object's page shows."""

    kind: kinds.CommentKind
    obj: object
    page: object  # a Paginator page of threads
    count: int  # comments, replies included, deleted ones not
    following: bool
    followers: int
    handles: list[str] = field(default_factory=list)

    @property
    def threads(self):
        return self.page.object_list


def comment_panel(*, user, obj, page_number=None) -> Panel | None:
    """The threads on ``obj`` for its page; None when ``obj`` is not commentable."""
    entry = kinds.kind_of(obj)
    if entry is None or not getattr(user, "is_authenticated", False):
        return None
    threads = thread_list(user=user, kind=entry.key, object_id=obj.pk)
    page = Paginator(threads, THREADS_PER_PAGE).get_page(page_number)
    shown = list(page.object_list)
    every = shown + [r for t in shown for r in t.replies.all()]
    render_bodies(user=user, comments=every)
    count = Comment.objects.on(entry.key, obj.pk).filter(deleted_at__isnull=True).count()
    return Panel(
        kind=entry,
        obj=obj,
        page=page,
        count=count,
        following=is_following(user=user, kind=entry.key, object_id=obj.pk),
        followers=follower_count(kind=entry.key, object_id=obj.pk),
        handles=[mentions.handle_of(user)],
    )


def mention_suggestions(
    *, user, q: str, kind: str | None = None, object_id: int | None = None, limit: int = 8
) -> list[dict]:
    """People and teams to mention; about an object (which ``user`` must see), each person
    says whether they may see it too (at most ``limit`` checks)."""
    require_member(user)
    can_see = None
    if kind and object_id:
        entry, obj = target_get(user=user, kind=kind, object_id=object_id)
        can_see = lambda person: entry.can_see(person, obj)  # noqa: E731
    return mentions.suggestions(q, limit=limit, can_see=can_see)


def preferences_get(*, user) -> dict[str, str]:
    """Every event's channel for ``user`` (the default where they chose none)."""
    require_member(user)
    chosen = dict(Preference.objects.filter(user=user).values_list("event", "channel"))
    return {event: chosen.get(event, DEFAULT_CHANNELS[event]) for event in Event.values}


def follow_list(*, user):
    """What ``user`` follows, newest first."""
    require_member(user)
    return Follow.objects.filter(user=user).order_by("-created_at", "-id")
