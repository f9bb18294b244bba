"""Conversations API: comments on an object, threads resolved, following, preferences.

Every read and write goes through the commented object's own selector, so whoever may not
see the object gets a 404 for its comments too.
"""

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from wavelength.core.api import Pagination
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, Id, IfMatch, set_etag

from . import kinds, selectors, services
from .schemas import (
    CommentFilter,
    CommentIn,
    CommentOut,
    CommentPatch,
    FollowIn,
    FollowOut,
    MentionOut,
    MentionQuery,
    PreferencesIn,
    PreferencesOut,
)

router = Router(tags=["comments"])


def _with_url(comment, obj=None):
    """The comment with its ``page_url`` (its anchor on its object's page)."""
    if obj is None:
        obj = kinds.get_kind(comment.kind).load(comment.object_id)
    comment.page_url = f"{obj.get_absolute_url()}#{comment.anchor}" if obj else ""
    return comment


def _fresh(user, pk: int):
    comment = selectors.comment_get_for_user(user=user, pk=pk)
    return _with_url(comment)


@router.get(
    "/comments",
    response={200: list[CommentOut], **ERRORS},
    url_name="comment-list",
    summary="Comments on an object",
)
@paginate(Pagination)
def comment_list(request, filters: Query[CommentFilter]):
    """Every comment on one object, oldest first, replies included (``parent`` names their
    thread); deleted ones keep their place with an empty body."""
    _entry, obj = selectors.target_get(
        user=request.auth, kind=filters.kind, object_id=filters.object_id
    )
    url = obj.get_absolute_url()
    rows = selectors.comment_list(user=request.auth, kind=filters.kind, object_id=obj.pk)
    return _Urls(rows, url)  # each row of the page served gets its URL


class _Urls:
    """A queryset wrapper that pagination can count and slice, giving each row its URL."""

    def __init__(self, rows, url: str):
        self.rows, self.url = rows, url

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        page = list(self.rows[key])
        for c in page:
            c.page_url = f"{self.url}#{c.anchor}"
        return page


@router.post(
    "/comments",
    response={201: CommentOut, **ERRORS},
    url_name="comment-create",
    summary="Comment on an object",
)
def comment_create(request, payload: CommentIn, response: HttpResponse):
    """Post a comment (or, with ``parent``, a reply in that thread). Mentioned people who may
    see the object, its followers and the members of mentioned teams are told; ``warnings``
    names each mention that told nobody."""
    comment = services.comment_create(
        actor=request.auth,
        kind=payload.kind,
        object_id=payload.object_id,
        body=payload.body,
        parent_id=payload.parent,
    )
    check = comment.mention_check
    comment = _fresh(request.auth, comment.pk)
    comment.mention_check = check
    set_etag(response, comment)
    return Status(201, comment)


@router.get(
    "/comments/{comment_id}",
    response={200: CommentOut, **ERRORS},
    url_name="comment-detail",
    summary="One comment",
)
def comment_detail(request, comment_id: Id, response: HttpResponse):
    comment = _fresh(request.auth, comment_id)
    set_etag(response, comment)
    return comment


@router.patch(
    "/comments/{comment_id}",
    response={200: CommentOut, **VERSIONED_ERRORS},
    url_name="comment-update",
    summary="Edit my comment",
)
def comment_update(
    request, comment_id: Id, payload: CommentPatch, response: HttpResponse, if_match: IfMatch = None
):
    """Change the text of your own comment; it shows as edited. A stale ``If-Match`` is 412."""
    comment = selectors.comment_get_for_user(user=request.auth, pk=comment_id)
    saved = services.comment_edit(
        actor=request.auth, comment=comment, body=payload.body, if_version=if_match
    )
    check = saved.mention_check
    comment = _fresh(request.auth, comment_id)
    comment.mention_check = check
    set_etag(response, comment)
    return comment


@router.delete(
    "/comments/{comment_id}",
    response={204: None, **VERSIONED_ERRORS},
    url_name="comment-delete",
    summary="Delete a comment",
)
def comment_delete(request, comment_id: Id, if_match: IfMatch = None):
    """Your own comment (or any, for an administrator): a stub keeps the thread's replies."""
    comment = selectors.comment_get_for_user(user=request.auth, pk=comment_id)
    services.comment_delete(actor=request.auth, comment=comment, if_version=if_match)
    return Status(204, None)


@router.post(
    "/comments/{comment_id}/resolve",
    response={200: CommentOut, **ERRORS},
    url_name="thread-resolve",
    summary="Resolve a thread",
)
def thread_resolve(request, comment_id: Id):
    """Resolve the thread this first comment starts (who started it, an editor or an
    administrator may)."""
    comment = selectors.comment_get_for_user(user=request.auth, pk=comment_id)
    services.thread_resolve(actor=request.auth, comment=comment)
    return _fresh(request.auth, comment_id)


@router.post(
    "/comments/{comment_id}/reopen",
    response={200: CommentOut, **ERRORS},
    url_name="thread-reopen",
    summary="Reopen a thread",
)
def thread_reopen(request, comment_id: Id):
    comment = selectors.comment_get_for_user(user=request.auth, pk=comment_id)
    services.thread_reopen(actor=request.auth, comment=comment)
    return _fresh(request.auth, comment_id)


# Following --------------------------------------------------------------------------------


def _follow_out(user, kind: str, object_id: int) -> dict:
    return {
        "kind": kind,
        "object_id": object_id,
        "following": selectors.is_following(user=user, kind=kind, object_id=object_id),
        "followers": selectors.follower_count(kind=kind, object_id=object_id),
    }


@router.get(
    "/follows",
    response={200: FollowOut, **ERRORS},
    url_name="follow-detail",
    tags=["following"],
    summary="Do I follow an object?",
)
def follow_detail(request, filters: Query[CommentFilter]):
    entry, obj = selectors.target_get(
        user=request.auth, kind=filters.kind, object_id=filters.object_id
    )
    return _follow_out(request.auth, entry.key, obj.pk)


@router.post(
    "/follows",
    response={200: FollowOut, **ERRORS},
    url_name="follow-create",
    tags=["following"],
    summary="Follow an object",
)
def follow_create(request, payload: FollowIn):
    """Hear of the object's new comments, stage changes, shipping, gate changes and edits."""
    follow = services.follow_create(
        actor=request.auth, kind=payload.kind, object_id=payload.object_id
    )
    return _follow_out(request.auth, follow.kind, follow.object_id)


@router.delete(
    "/follows",
    response={200: FollowOut, **ERRORS},
    url_name="follow-delete",
    tags=["following"],
    summary="Unfollow an object",
)
def follow_delete(request, filters: Query[CommentFilter]):
    services.follow_delete(actor=request.auth, kind=filters.kind, object_id=filters.object_id)
    return _follow_out(request.auth, filters.kind, filters.object_id)


# Preferences ------------------------------------------------------------------------------


@router.get(
    "/notification-preferences",
    response={200: PreferencesOut, **ERRORS},
    url_name="preferences-detail",
    tags=["notifications"],
    summary="My notification preferences",
)
def preferences_detail(request):
    """How you hear of each kind of event: ``in_app``, ``email`` (in the app and by e-mail at
    once), ``daily`` or ``weekly`` (in the app and in that digest) or ``off``; and when your
    digests are sent (``digest``: the hour in your time zone, the weekly digest's day)."""
    return _preferences(request.auth)


def _preferences(user) -> dict:
    schedule = services.schedule_of(user)
    digest = {"hour": schedule.hour, "weekday": schedule.weekday, "time_zone": schedule.time_zone}
    return {**selectors.preferences_get(user=user), "digest": digest}


@router.put(
    "/notification-preferences",
    response={200: PreferencesOut, **ERRORS},
    url_name="preferences-update",
    tags=["notifications"],
    summary="Set my notification preferences",
)
def preferences_update(request, payload: PreferencesIn):
    """Set the channels (and digest settings) sent; the others keep theirs. A refused value
    (an hour past 23, an unknown time zone) saves nothing."""
    data = payload.dict()
    digest = {k: v for k, v in (data.pop("digest") or {}).items() if v is not None}
    channels = {k: v for k, v in data.items() if v is not None}
    services.preferences_update(actor=request.auth, channels=channels, digest=digest or None)
    return _preferences(request.auth)


@router.get(
    "/mentions",
    response={200: list[MentionOut], **ERRORS},
    url_name="mention-suggestions",
    tags=["comments"],
    summary="People and teams to mention",
)
def mention_suggestions(request, params: Query[MentionQuery]):
    """People and teams whose handle or name starts with ``q`` (at most 8); with ``kind`` and
    ``object_id``, each person's ``can_see`` says whether a mention there would reach them."""
    return selectors.mention_suggestions(
        user=request.auth, q=params.q, kind=params.kind, object_id=params.object_id
    )
