"""Core API: global search, the helper every router uses to turn client keys into rows, and
the two ways lists are paged."""

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, PaginationBase, paginate

from . import keyset, notifications, search
from .exceptions import DomainError
from .schemas import (
    ERRORS,
    MAX_ID,
    InputSchema,
    MarkedOut,
    NotificationFilter,
    NotificationOut,
    NotificationsReadIn,
    SearchOut,
)

router = Router()


class Pagination(LimitOffsetPagination):
    """Ninja's limit/offset pagination (``{items, count}``), with an offset the databases can
    take: a larger one is a 422 naming ``offset``, not a database error."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=2**53)


class KeysetPagination(PaginationBase):
    """Pages of up to 1,000 rows for lists that grow without bound (:mod:`core.keyset`): no
    offset and no total; a client reads pages until ``next`` is null."""

    items_attribute = "items"

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000, description="Rows per page, 1,000 at most.")
        after: str | None = Field(
            None, max_length=300, description="The ``next`` of the page before; none: the first."
        )

    class Output(Schema):
        items: list[Any]
        next: str | None = Field(description="Send it back as ``after``; null on the last page.")

    def __init__(self, *, ordering: tuple[str, ...], **kwargs) -> None:
        self.ordering = ordering
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request, **params) -> dict:
        found = keyset.page(queryset, self.ordering, limit=pagination.limit, after=pagination.after)
        return {"items": found.rows, "next": found.next}


# What the search index holds; an app that indexes a new kind adds it here.
SEARCH_KINDS = (
    "product", "feature", "release", "changelog", "company", "feedback", "page", "test_case",
    "defect", "decision", "study", "research_note", "persona", "competitor",
)  # fmt: skip


class References:
    """Looks up the rows a request names by id (or slug / e-mail), collecting every unknown one.

    Call :meth:`check` once all are looked up, so one 422 names every bad field.
    """

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def get(self, queryset: QuerySet, key, *, field: str, alt: str | None = None) -> Model | None:
        """The row whose pk (or ``alt`` field, case-insensitively) is ``key``; ``None`` if unset."""
        if key is None:
            return None
        text = str(key).strip()
        if text.isascii() and text.isdigit():
            lookup = {"pk": int(text)} if int(text) <= MAX_ID else None
        else:
            lookup = {f"{alt}__iexact": text} if alt and text else None
        obj = queryset.filter(**lookup).first() if lookup else None
        if obj is None:
            self.unknown(field, queryset.model, key)
        return obj

    def get_many(self, queryset: QuerySet, keys: list[int], *, field: str) -> list[Model]:
        """The rows with these pks, in the order given; every missing one is reported."""
        found = {obj.pk: obj for obj in queryset.filter(pk__in=set(keys))}
        missing = [str(k) for k in keys if k not in found]
        if missing:
            self.unknown(field, queryset.model, ", ".join(missing))
        return [found[k] for k in dict.fromkeys(keys) if k in found]

    def unknown(self, field: str, model: type[Model], key) -> None:
        self.errors[field] = _("No %(thing)s matches “%(key)s”.") % {
            "thing": model._meta.verbose_name,
            "key": key,
        }

    def check(self) -> None:
        if self.errors:
            raise DomainError(_("Some references are unknown."), errors=self.errors)


class SearchQuery(InputSchema):
    q: str = Field(description="Words to find; each matches as a prefix.")
    kind: str | None = Field(
        None, description=f"Comma-separated kinds to keep: {', '.join(SEARCH_KINDS)}."
    )
    limit: int = Field(50, ge=1, le=200)


def _kinds(value: str | None) -> list[str] | None:
    kinds = [k.strip() for k in (value or "").split(",") if k.strip()]
    unknown = [k for k in kinds if k not in SEARCH_KINDS]
    if unknown:
        message = _("Unknown kind “%(kind)s”; choose from %(kinds)s.") % {
            "kind": ", ".join(unknown),
            "kinds": ", ".join(SEARCH_KINDS),
        }
        raise DomainError(message, field="kind")
    return kinds or None


@router.get(
    "/search",
    response={200: SearchOut, **ERRORS},
    url_name="search",
    tags=["search"],
    summary="Search everything",
)
def search_view(request, params: Query[SearchQuery]):
    """Products, features, releases, changelog entries, customers, feedback and pages matching
    every word, best first (pages of team-only spaces only for their teams)."""
    # Anyone signed in may search (core imports no accounts code; the API auth admits only
    # active people).
    hits = search.query(
        params.q,
        kinds=_kinds(params.kind),
        limit=params.limit,
        teams=search.teams_of(request.user),
    )
    return {"items": hits, "count": len(hits)}


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **ERRORS},
    url_name="notification-list",
    tags=["notifications"],
    summary="My notifications",
)
@paginate(Pagination)
def notification_list_view(request, filters: Query[NotificationFilter]):
    """Your own notifications, newest first."""
    return notifications.notification_list(user=request.user, unread_only=filters.unread)


@router.post(
    "/notifications/read",
    response={200: MarkedOut, **ERRORS},
    url_name="notification-read",
    tags=["notifications"],
    summary="Mark notifications read",
)
def notification_read_view(request, payload: NotificationsReadIn):
    """Mark the given notifications read (all of yours when ``ids`` is omitted)."""
    return {"marked": notifications.notifications_mark_read(user=request.user, ids=payload.ids)}
