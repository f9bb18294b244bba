"""Shared personas: an admin, an editor of the owning team, a viewer and an outsider.

``PASSWORD`` signs any of them in. ``product`` is owned by the product team, of which the
editor is a member; the outsider is an editor of another team.
"""

import os

import pytest
from django.db import connections
from django.test import Client
from django.utils import translation

from tests.factories import ProductFactory, TeamFactory, UserFactory
from wavelength.accounts.models import Membership, Role

PASSWORD = "correct-horse-battery"

# The suite runs on the default text engine even where the embeddings extra is installed (CI
# has no torch); tests of the embedding engine choose it themselves. Set it to run all on it.
os.environ.setdefault("WAVELENGTH_TEXT_ENGINE", "default")


# Tests that share something costly go to one worker together: the tests of ``tests/demo``
# share one build of the demo, those of ``tests/test_stack.py`` one running stack.
TOGETHER = ("tests/demo/", "tests/test_stack.py")


def pytest_xdist_make_scheduler(config, log):
    """Under ``-n``, tests are handed out one by one as workers free up, except those of each
    ``TOGETHER`` prefix, which go to one worker together."""
    from xdist.scheduler import LoadScopeScheduling

    class Together(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((p for p in TOGETHER if nodeid.startswith(p)), nodeid)

    return Together(config, log)


def pytest_collection_modifyitems(items):
    """A test that commits (``transaction=True``, a live server) empties every table when it
    ends. Each one puts back the rows migrations made (content types, permissions, default
    teams, scoring formulas) for the tests after it: on PostgreSQL, content types recreated
    after a plain flush get new ids, and a later restore would collide with them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        fixtures = getattr(item, "fixturenames", ())
        commits = kwargs.get("transaction") or {"transactional_db", "live_server"} & set(fixtures)
        if commits and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


# Quick hashing, no mail sent, and background jobs (fan-outs, webhook deliveries) run at commit,
# in the test; ``MEDIA_ROOT`` is a folder of the test's own.
FAST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "BACKGROUND_JOBS_IN_THREAD": False,
}


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    for name, value in FAST_SETTINGS.items():
        setattr(settings, name, value)
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    # A request in French leaves French active in this thread; the next test starts in English.
    translation.activate("en")
    # Tables a rolled-back test wrote are not renewed by the next test's first request (which
    # may have no database access at all).
    for connection in connections.all(initialized_only=True):
        pending = getattr(connection, "pagecache_pending", None)
        if pending:
            pending.clear()


@pytest.fixture
def product_team(db):
    return TeamFactory(name="Product", slug="product")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Sales", slug="sales")


@pytest.fixture
def admin(db):
    return UserFactory(email="alice@example.com", name="Alice Admin", role=Role.ADMIN)


@pytest.fixture
def editor(db, product_team):
    user = UserFactory(email="bob@example.com", name="Bob Editor", role=Role.EDITOR)
    Membership.objects.create(team=product_team, user=user)
    return user


@pytest.fixture
def viewer(db, product_team):
    user = UserFactory(email="carol@example.com", name="Carol Viewer", role=Role.VIEWER)
    Membership.objects.create(team=product_team, user=user)
    return user


@pytest.fixture
def outsider(db, other_team):
    user = UserFactory(email="dave@example.com", name="Dave Outsider", role=Role.EDITOR)
    Membership.objects.create(team=other_team, user=user)
    return user


@pytest.fixture
def product(db):
    return ProductFactory(name="Orbit", slug="orbit", description="Analytics for teams.")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin):
    return client_for(admin)


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


@pytest.fixture
def viewer_client(viewer):
    return client_for(viewer)
