"""Schemas of the conversations API."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from wavelength.core.schemas import Id, InputSchema, absolute_url

from . import mentions
from .services import MAX_BODY

Channel = Literal["in_app", "email", "daily", "weekly", "off"]


class CommentFilter(InputSchema):
    kind: str = Field(
        description=(
            "What is commented on: feature, release, page, defect, test_run, playbook_run, "
            "feedback, company."
        )
    )
    object_id: Id = Field(description="The id of that object.")


class CommentIn(InputSchema):
    kind: str = Field(
        description="feature, release, page, defect, test_run, playbook_run, feedback or company."
    )
    object_id: Id
    body: str = Field(
        min_length=1,
        max_length=MAX_BODY,
        description="Markdown; @handle mentions a person (their e-mail's part before the @) "
        "or a team (its slug); [[feature:Title]] links.",
    )
    parent: Id | None = Field(None, description="The comment this replies to (same object).")


class CommentPatch(InputSchema):
    body: str = Field(min_length=1, max_length=MAX_BODY)


class PersonOut(Schema):
    id: int
    name: str
    handle: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_handle(obj) -> str:
        return mentions.handle_of(obj)


class MentionTeamOut(Schema):
    id: int
    slug: str
    name: str


class CommentOut(Schema):
    id: int
    kind: str
    object_id: int
    parent: int | None = Field(description="The thread's first comment, for a reply.")
    author: PersonOut | None
    body: str = Field(description='The Markdown as written; "" once deleted.')
    url: str = Field(description="The comment on its object's page.")
    created_at: dt.datetime
    edited_at: dt.datetime | None
    deleted: bool
    resolved_at: dt.datetime | None
    resolved_by: PersonOut | None
    mentioned_people: list[PersonOut]
    mentioned_teams: list[MentionTeamOut]
    warnings: list[str] = Field([], description="On a write: mentions that told nobody (and why).")

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_deleted(obj) -> bool:
        return obj.is_deleted

    @staticmethod
    def resolve_mentioned_people(obj) -> list:
        return list(obj.mentioned_users.all())

    @staticmethod
    def resolve_mentioned_teams(obj) -> list:
        return list(obj.mentioned_teams.all())

    @staticmethod
    def resolve_warnings(obj) -> list[str]:
        check = getattr(obj, "mention_check", None)
        return [str(w) for w in check.warnings] if check else []

    @staticmethod
    def resolve_url(obj, context) -> str:
        url = getattr(obj, "page_url", "")
        return absolute_url(context, url) if url else ""


class FollowIn(InputSchema):
    kind: str
    object_id: Id


class FollowOut(Schema):
    kind: str
    object_id: int
    following: bool
    followers: int


class DigestIn(InputSchema):
    hour: int | None = Field(None, description="The hour digests are sent, 0 to 23.")
    weekday: int | None = Field(None, description="The weekly digest's day, 0 (Monday) to 6.")
    time_zone: str | None = Field(None, description="A time zone name, such as Europe/Paris.")


class DigestOut(Schema):
    hour: int
    weekday: int
    time_zone: str


class PreferencesIn(InputSchema):
    mention: Channel | None = None
    comment: Channel | None = None
    change: Channel | None = Field(None, description="Stage changes.")
    shipped: Channel | None = None
    gate: Channel | None = Field(None, description="Release gate changes.")
    edit: Channel | None = None
    digest: DigestIn | None = None


class PreferencesOut(Schema):
    mention: Channel
    comment: Channel
    change: Channel
    shipped: Channel
    gate: Channel
    edit: Channel
    digest: DigestOut


class MentionOut(Schema):
    handle: str
    label: str
    kind: Literal["person", "team"]
    can_see: bool | None = Field(
        None, description="With kind and object_id: whether this person may see the object."
    )


class MentionQuery(InputSchema):
    q: str = ""
    kind: str | None = Field(None, description="With object_id: check who may see it.")
    object_id: Id | None = None
