"""Background jobs that never run in the request, with or without a broker.

With a broker (``CELERY_BROKER_URL``) a job goes to Celery's queue and ``wavelength worker``
runs it. Without one Celery runs tasks in-process at once, so a job queued when a request's
transaction commits would run inside that request: the person who comments would wait while
a thousand followers are told, or while a slow webhook endpoint answers. :func:`later` hands
such jobs to one background thread of the process instead, which runs them one after the
other in the order they were queued, each with its own database connection, and ends when
there is nothing left to do (a command such as ``wavelength demo`` waits for it before it
exits). Jobs queued by a job (the e-mails of a fan-out) join the same line. A job runs in a
copy of the context it was queued from, so it reads the clock and the language the request
had (the demo builds a year of history under ``clock.travel``).

``BACKGROUND_JOBS_IN_THREAD = False`` runs them at once instead, where they were queued: the
tests do, so that what a job does is there to check when the request returns. Inside
:func:`at_once` they do too: a one-off build such as the demo writes in long transactions,
which would keep the thread's writes waiting on SQLite past their timeout.
"""

import contextlib
import contextvars
import logging
import os
import threading
from collections import deque
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

_line: deque[tuple[contextvars.Context, Callable, tuple]] = deque()
_lock = threading.Condition()
_state: dict = {"worker": None}


_at_once: contextvars.ContextVar[bool] = contextvars.ContextVar("jobs_at_once", default=False)


def in_thread() -> bool:
    """Whether jobs run in this process's background thread (no broker, not turned off, not
    inside :func:`at_once`)."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER and settings.BACKGROUND_JOBS_IN_THREAD
                and not _at_once.get())  # fmt: skip


@contextlib.contextmanager
def at_once():
    """Without a broker, run the jobs queued inside this block where they are queued."""
    token = _at_once.set(True)
    try:
        yield
    finally:
        _at_once.reset(token)


def later(task, *args) -> None:
    """Run the Celery ``task`` (or its registered name) with ``args`` off the request: on a
    worker with a broker, in the background thread without one. Call it once the
    transaction has committed (``transaction.on_commit``): the job reads what it wrote."""
    if isinstance(task, str):
        task = current_app.tasks[task]
    if in_thread():
        submit(task, *args)
    else:
        task.delay(*args)


def submit(job: Callable, *args) -> None:
    """Queue ``job(*args)`` for the background thread, starting it when it is not running."""
    with _lock:
        _line.append((contextvars.copy_context(), job, args))
        worker = _state["worker"]
        if worker is None or not worker.is_alive():
            worker = threading.Thread(target=_work, name="wavelength-background", daemon=False)
            _state["worker"] = worker
            worker.start()


def _work() -> None:
    try:
        while True:
            with _lock:
                if not _line:
                    _state["worker"] = None
                    _lock.notify_all()
                    return
                context, job, args = _line.popleft()
            _run(context, job, args)
    finally:
        connections.close_all()


def _run(context: contextvars.Context, job: Callable, args: tuple) -> None:
    try:
        context.run(job, *args)
    except Exception:  # noqa: BLE001 - one failing job must not stop the ones behind it
        log.exception("Background job %s failed", getattr(job, "name", job))
        connections.close_all()  # a connection left mid-transaction is not reused


def wait(timeout: float = 60.0) -> bool:
    """Wait until every queued job has run (``timeout`` seconds at most); whether they have.
    For commands and measurements that must see the jobs' work before they go on."""
    with _lock:
        return _lock.wait_for(lambda: _state["worker"] is None and not _line, timeout)


def _forget_after_fork() -> None:
    # A forked web worker starts with an empty line and no thread of its parent's.
    global _lock
    _line.clear()
    _lock = threading.Condition()
    _state["worker"] = None


os.register_at_fork(after_in_child=_forget_after_fork)
