"""The demo, built once for every test in this folder.

Building the demo takes tens of seconds; the tests here only read it (or change it inside
their own transaction), so they share one build. It is made inside a transaction that is
rolled back when the last test of the folder ends, and each test runs in a savepoint within
it, so nothing leaks to the tests after. The folder's tests run on one worker, one after the
other (``pytest_xdist_make_scheduler`` in ``tests/conftest.py``), so the demo is built once
per run.

The build runs the work queued for after the commit (notifications, webhook deliveries) as
``make demo`` does, and any web request it would send is recorded and refused.
"""

from dataclasses import dataclass
from unittest import mock

import pytest
from django.db import transaction
from django.test import TestCase, override_settings

from tests.conftest import FAST_SETTINGS
from wavelength.accounts.models import User
from wavelength.catalog.demo import DEMO_EMAIL, build_demo
from wavelength.integrations import webhooks


@dataclass
class Demo:
    summary: dict  # what ``build_demo`` answered
    user: User  # the demo's admin
    requests: list  # web requests the build tried to send


@pytest.fixture(scope="package")
def _demo_built(django_db_setup, django_db_blocker, tmp_path_factory):
    requests = []
    fast = override_settings(**FAST_SETTINGS, MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"))

    def refuse(*args, **kwargs):
        requests.append((args, kwargs))
        raise ConnectionRefusedError("the demo sends no request")

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with (
                fast,
                mock.patch.object(webhooks, "_post", refuse),
                TestCase.captureOnCommitCallbacks(execute=True),
            ):
                summary = build_demo()
            user = User.objects.get(email=DEMO_EMAIL)
            demo = Demo(summary=summary, user=user, requests=requests)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield demo
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_built, db):
    """The shared demo; what a test changes is undone when it ends."""
    demo = _demo_built
    demo.user.refresh_from_db()
    return demo
