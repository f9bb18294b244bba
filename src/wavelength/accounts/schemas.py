"""API schemas for people, teams and personal tokens."""

import datetime as dt

from ninja import Field, Schema

from wavelength.core.schemas import InputSchema

from .models import Role


class UserRef(Schema):
    id: int
    name: str
    email: str


class TeamRef(Schema):
    id: int
    slug: str
    name: str


class UserOut(Schema):
    id: int
    name: str
    email: str
    role: Role
    language: str
    is_active: bool
    teams: list[TeamRef]
    manager: UserRef | None
    date_joined: dt.datetime


class UserPatch(InputSchema):
    manager: int | str | None = Field(
        None, description="The manager's id or e-mail; null for nobody (administrators only)."
    )
    role: Role = Field(None, description="Administrators only.")


class TeamOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    member_count: int
    feature_count: int
    created_at: dt.datetime

    @staticmethod
    def resolve_member_count(obj) -> int:
        count = getattr(obj, "member_count", None)
        return obj.memberships.count() if count is None else count

    @staticmethod
    def resolve_feature_count(obj) -> int:
        count = getattr(obj, "feature_count", None)
        return obj.features.count() if count is None else count


class TeamDetailOut(TeamOut):
    members: list[UserRef] = Field(description="Active members, by name.")

    @staticmethod
    def resolve_members(obj) -> list:
        return obj.active_members


class TeamIn(InputSchema):
    name: str = Field(max_length=100)
    description: str = ""


class TeamPatch(InputSchema):
    # Omitted fields stay as they are; null is refused.
    name: str = Field(None, max_length=100)
    description: str = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters, to recognise the token by.")
    is_active: bool
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. Shown this once; only its hash is kept.")


class TokenIn(InputSchema):
    name: str
