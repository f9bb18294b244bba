"""Writing and reading the activity log.

Services call :func:`record` inside their transaction, so a change and its history row commit
or roll back together. Payloads hold either a ``snapshot`` (on create) or ``changes``
(``{field: [old, new]}``), which is enough to rebuild an object's state at any past time.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import clock
from .models import Activity


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        items = [_plain(v) for v in value]
        # Lists of ids or names compare as sets; lists of records keep their order.
        if all(isinstance(v, str | int | float) for v in items):
            return sorted(items, key=lambda v: (isinstance(v, str), v))
        return items
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The tracked fields of ``obj`` as plain values (foreign keys as ids)."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            # Named things (tags) are kept by name so a diff reads well; others by id.
            key = (
                "name" if any(f.name == "name" for f in field.related_model._meta.fields) else "pk"
            )
            out[name] = sorted(getattr(obj, name).values_list(key, flat=True)) if obj.pk else []
        elif field.is_relation:
            out[name] = getattr(obj, field.attname)
        else:
            out[name] = _plain(getattr(obj, name))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-level differences between two snapshots: ``{field: [old, new]}``."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(*, actor, verb: str, target: models.Model, scope: str = "", **payload) -> Activity:
    """Append one activity row. Call inside the service's transaction."""
    return Activity.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
        target_repr=str(target)[:300],
        scope=scope,
        payload={k: v for k, v in payload.items() if v is not None},
    )


def record_many(
    *, actor, verb: str, scope: str = "", entries: Iterable[tuple[models.Model, dict]]
) -> None:
    """Append one activity row per ``(target, payload)`` of ``entries``, all of one model, in
    one bulk insert: what :func:`record` does for each, for services that write many rows."""
    entries = list(entries)
    if not entries:
        return
    target_type = ContentType.objects.get_for_model(entries[0][0], for_concrete_model=False)
    now = clock.now()
    Activity.objects.bulk_create(
        [
            Activity(
                actor=actor if getattr(actor, "pk", None) else None,
                verb=verb,
                target_type=target_type,
                target_id=target.pk,
                target_repr=str(target)[:300],
                scope=scope,
                payload={k: v for k, v in payload.items() if v is not None},
                created_at=now,
            )
            for target, payload in entries
        ],
        batch_size=500,
    )


def state_at(obj: models.Model, when: dt.datetime) -> dict[str, Any] | None:
    """The tracked state of ``obj`` as it was at ``when``; ``None`` if it did not exist yet."""
    state: dict[str, Any] | None = None
    for activity in Activity.objects.for_target(obj).filter(created_at__lte=when):
        if "snapshot" in activity.payload:
            state = dict(activity.payload["snapshot"])
        elif state is not None:
            for field, (_old, new) in activity.changes.items():
                state[field] = new
    return state
