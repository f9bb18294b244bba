"""Background jobs without a broker run in a thread of the process, never in the request:
the request that queues them returns while they wait, they run in the order queued, a failing
one does not stop the next, and with the thread turned off (the tests) they run at once."""

import datetime as dt
import threading

import pytest

from wavelength.core import background, clock
from wavelength.core.tasks import reindex_search


@pytest.fixture
def in_thread(settings):
    settings.BACKGROUND_JOBS_IN_THREAD = True
    yield
    assert background.wait(timeout=120)


def test_jobs_run_in_the_background_thread_in_order(in_thread):
    gate, seen = threading.Event(), []

    def job(n):
        gate.wait(timeout=120)
        seen.append((n, threading.current_thread().name))

    background.submit(job, 1)
    background.submit(job, 2)
    assert seen == []  # queued, not run here: the caller goes on at once
    gate.set()
    assert background.wait(timeout=120)
    assert seen == [(1, "wavelength-background"), (2, "wavelength-background")]


def test_a_failing_job_does_not_stop_the_next(in_thread, caplog):
    seen = []

    def broken():
        raise RuntimeError("boom")

    background.submit(broken)
    background.submit(seen.append, "after")
    assert background.wait(timeout=120)
    assert seen == ["after"]
    assert "Background job" in caplog.text


def test_later_uses_the_thread_without_a_broker(in_thread, monkeypatch):
    queued = []
    monkeypatch.setattr(background, "submit", lambda job, *args: queued.append((job, args)))
    background.later("wavelength.core.reindex_search")
    assert queued == [(reindex_search, ())]


def test_later_runs_at_once_when_the_thread_is_off(settings, monkeypatch):
    settings.BACKGROUND_JOBS_IN_THREAD = False
    ran = []
    monkeypatch.setattr(reindex_search, "delay", lambda *args: ran.append(args))
    background.later(reindex_search)
    assert ran == [()]
    assert not background.in_thread()


def test_jobs_queued_inside_at_once_run_where_they_are_queued(in_thread, monkeypatch):
    """A one-off build (the demo) runs its jobs as it goes, not in the thread, whose writes
    would wait on the build's long transactions."""
    ran = []
    monkeypatch.setattr(reindex_search, "delay", lambda *args: ran.append(args))
    assert background.in_thread()
    with background.at_once():
        assert not background.in_thread()
        background.later(reindex_search)
        assert ran == [()]
    assert background.in_thread()


def test_a_job_reads_the_clock_it_was_queued_under(in_thread):
    seen = []
    when = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    with clock.travel(when):
        background.submit(lambda: seen.append(clock.now()))
    assert background.wait(timeout=120)
    assert seen == [when]
