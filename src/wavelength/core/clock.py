"""The time services stamp changes with. Demo data and imports can replay the past."""

import contextlib
import contextvars
import datetime as dt

from django.utils import timezone

_frozen: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("frozen", default=None)


def now() -> dt.datetime:
    return _frozen.get() or timezone.now()


@contextlib.contextmanager
def travel(when: dt.datetime):
    """Within the block, :func:`now` returns ``when`` (used to build a believable history)."""
    token = _frozen.set(when)
    try:
        yield
    finally:
        _frozen.reset(token)
