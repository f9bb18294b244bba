"""Keyset pages: a page of a list follows on from the last row of the page before, by the
values of the list's ordering, instead of skipping an offset the database counts again on
every deeper page. Lists that grow without bound use it (a run's results, failures across
runs), in the API (``core.api.KeysetPagination``) and on pages alike.

The ordering ends with ``id`` so no two rows tie. The cursor handed out as ``next`` is
opaque (base64 of the last row's values); one that was altered is a 422 naming ``after``.
"""

import base64
import binascii
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from .exceptions import DomainError


@dataclass
class Page:
    rows: list
    next: str | None  # the cursor of the page after this one; None on the last


def page(queryset: QuerySet, ordering: tuple[str, ...], *, limit: int, after: str | None) -> Page:
    """Up to ``limit`` rows of ``queryset`` in ``ordering``, after the cursor ``after``: one
    query, which reads one row more to know whether a page follows."""
    if ordering[-1].lstrip("-") != "id":
        raise ValueError("a keyset ordering ends with id")
    queryset = queryset.order_by(*ordering)
    if after:
        queryset = queryset.filter(_after(queryset.model, ordering, after))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, _cursor(rows[-1], ordering) if more else None)


def _cursor(row, ordering: tuple[str, ...]) -> str:
    values = [getattr(row, name.lstrip("-")) for name in ordering]
    text = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _after(model: type[Model], ordering: tuple[str, ...], cursor: str) -> Q:
    """Rows after the cursor's: ``(a, b, id) > (x, y, z)`` spelled out per direction."""
    names = [name.lstrip("-") for name in ordering]
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(names):
            raise ValueError(cursor)
        fields = [model._meta.get_field(name) for name in names]
        # clean: the field's type and the database's range (a 20-digit "id" is no id)
        values = [field.clean(value, None) for field, value in zip(fields, values, strict=True)]
        if None in values:
            raise ValueError(cursor)
    except (ValueError, ValidationError, binascii.Error, TypeError, OverflowError):
        raise DomainError(_("This is not a “next” the list gave."), field="after") from None
    condition, equal = Q(), Q()
    for order, name, value in zip(ordering, names, values, strict=True):
        beyond = "lt" if order.startswith("-") else "gt"
        condition |= equal & Q(**{f"{name}__{beyond}": value})
        equal &= Q(**{name: value})
    return condition
