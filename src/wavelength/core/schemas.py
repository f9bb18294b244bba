"""Shared API schemas: the error body, the activity log, search hits and input types."""

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Schema
from pydantic import AfterValidator, ConfigDict, field_validator, model_validator
from pydantic_core import PydanticCustomError

from . import versioning

# The largest primary key the databases store; a bigger number is bad input, not a crash.
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id, or a slug or e-mail address: a number too large to be an id is read as text (which
# matches nothing), never passed to the database as an integer it cannot hold.
Key = Id | str


def _aware(value: dt.datetime) -> dt.datetime:
    """A naive date-time from a client is read in the server's time zone; the result must be
    one the databases can store (they keep UTC)."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise PydanticCustomError("datetime_range", _("This date-time is out of range.")) from None


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("nul_character", _("Null characters are not allowed."))
    if isinstance(value, list):
        for item in value:
            _no_nul(item)
    return value


class InputSchema(Schema):
    """Base of every request schema: a body must be a JSON object, choices arrive as plain
    values, and text PostgreSQL could not store (NUL characters) is refused."""

    model_config = ConfigDict(use_enum_values=True)

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value):
        # Ninja would read the fields of a list or a string as attributes, all missing.
        value = getattr(value, "_obj", value)  # ninja's DjangoGetter wraps what it validates
        if value is None or isinstance(value, list | tuple | str | bytes | int | float | bool):
            raise PydanticCustomError("object_type", _("Send a JSON object."))
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value):
        return _no_nul(value)


def absolute_url(context: dict | None, path: str) -> str:
    """``path`` as a full URL: from the request when there is one, else from SITE_URL."""
    request = (context or {}).get("request")
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


# Errors -----------------------------------------------------------------------------------


class ErrorItem(Schema):
    field: str = Field(description='Dotted name of the bad field; "" for the whole request.')
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,  # the body is not valid JSON
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,  # the body is over the size limit
    422: ErrorOut,
}

# Writes to an editable object: a stale ``If-Match`` answers 412 (see core.versioning).
VERSIONED_ERRORS: dict[int, type[Schema]] = {**ERRORS, 412: ErrorOut}

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description=(
            "The ETag of the GET the change starts from; 412 and nothing changed when someone "
            "saved in between. Without it the change is not checked."
        ),
    ),
]


def set_etag(response, obj) -> None:
    """Answer ``obj``'s version as the response's ETag."""
    response["ETag"] = versioning.etag(obj)


# Activity log -----------------------------------------------------------------------------


class ActorOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class ActivityOut(Schema):
    id: int
    verb: str
    actor: ActorOut | None
    target_type: str = Field(description='"app_label.model", e.g. "catalog.feature".')
    target_id: int
    target_repr: str
    changes: dict[str, list[Any]] = Field(description="{field: [old, new]} for an update.")
    snapshot: dict[str, Any] | None = Field(description="The tracked fields on creation.")
    created_at: dt.datetime

    @staticmethod
    def resolve_target_type(obj) -> str:
        # get_for_id is served from the content-type cache, so rows cost no query each.
        ct = ContentType.objects.get_for_id(obj.target_type_id)
        return f"{ct.app_label}.{ct.model}"

    @staticmethod
    def resolve_snapshot(obj) -> dict | None:
        return obj.payload.get("snapshot")


# Search -----------------------------------------------------------------------------------


class SearchHitOut(Schema):
    kind: str
    id: int
    title: str
    snippet: str = Field(description="Matched words are wrapped in [[ and ]].")
    url: str

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.object_id

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.url)


class SearchOut(Schema):
    items: list[SearchHitOut]
    count: int


class NotificationOut(Schema):
    id: int
    verb: str
    title: str
    body: str
    url: str
    actor: str | None = None
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class NotificationFilter(InputSchema):
    unread: bool = Field(False, description="Only the unread ones.")


class NotificationsReadIn(InputSchema):
    ids: list[Id] | None = Field(None, description="Which to mark read; all of them when omitted.")


class MarkedOut(Schema):
    marked: int
