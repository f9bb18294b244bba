"""Refusing stale writes: every edit carries the version of the object it was built from.

An object's *version* is a short fingerprint of what an edit can change on it: the model's
``VERSION_FIELDS``, or else its ``TRACKED`` fields (those its history records). Edit forms carry
it in a hidden ``edit_version`` field; the API answers it as the ``ETag`` of every GET of an
editable object and reads it back from ``If-Match``. The service that writes compares it with
the locked row and raises :class:`StaleVersion` when someone saved in between, so the second
save changes nothing: a page shows both versions, the API answers 412.

A write without a version (a form from an older page, a PATCH without ``If-Match``) is not
refused: a PATCH changes only the fields it sends.
"""

import hashlib
import json
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from .exceptions import Conflict


class StaleVersion(Conflict):
    """Someone saved the object after the version this write was built from."""

    status_code = 412

    def __init__(self, *, current: str):
        super().__init__(
            _(
                "Someone else saved this since you opened it, so nothing was saved. Their "
                "version is shown beside yours: check it, then save again to keep yours."
            ),
            field="edit_version",
        )
        self.current = current


def fields_of(model: type[models.Model]) -> list[str]:
    """The fields whose values make ``model``'s version."""
    fields = getattr(model, "VERSION_FIELDS", None) or getattr(model, "TRACKED", None)
    if not fields:
        raise TypeError(f"{model.__name__} declares neither VERSION_FIELDS nor TRACKED.")
    return list(fields)


def fingerprint(values: Any) -> str:
    """16 hex digits that change whenever ``values`` (anything JSON can hold, with dates and
    decimals as text) changes. The order of lists counts; the order of a dict's keys does not."""
    raw = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _value(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    if field.many_to_many:  # a set: its order means nothing
        return sorted(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
    return field.value_from_object(obj)  # a foreign key as its id; stored lists keep order


def version_of(obj: models.Model) -> str:
    """The fingerprint of ``obj`` as it is now."""
    return fingerprint({name: _value(obj, name) for name in fields_of(type(obj))})


def etag(obj: models.Model) -> str:
    """``obj``'s version as an HTTP entity tag."""
    return f'"{version_of(obj)}"'


def _candidates(expected: str) -> set[str]:
    """The versions an ``If-Match`` value or a form's ``edit_version`` accepts."""
    out = set()
    for part in expected.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        out.add(part.strip('"'))
    return out - {""}


def check(obj: models.Model, expected: Any) -> None:
    """Refuse the write unless ``expected`` (None, ``*``, one version or an ``If-Match`` list)
    names ``obj``'s current version. Call it on the row the service locked."""
    if not _unchecked(expected):
        check_version(version_of(obj), expected)


def _unchecked(expected: Any) -> bool:
    return expected is None or str(expected).strip() in ("", "*")


def check_version(current: str, expected: Any) -> None:
    """:func:`check` for what is not one row (a set of rows, say): ``current`` is the
    :func:`fingerprint` of what the write would change, read under a lock."""
    if not _unchecked(expected) and current not in _candidates(str(expected)):
        raise StaleVersion(current=current)
