"""Background jobs run in-process when no broker is configured."""

import pytest

from wavelength.catalog import services
from wavelength.celery import app as celery_app
from wavelength.core import pagecache, search
from wavelength.core.models import SearchEntry
from wavelength.core.tasks import queue_reindex_search, reindex_search


@pytest.fixture
def no_broker(settings):
    """The embedded install: CELERY_BROKER_URL unset, so tasks run eagerly."""
    settings.CELERY_BROKER_URL = ""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def catalog(editor, product):
    feature = services.feature_create(actor=editor, product=product, title="Offline sync")
    release = services.release_create(
        actor=editor, product=product, version="2.0", features=[feature]
    )
    services.changelog_entry_create(actor=editor, release=release, title="Sync without signal")
    return feature


def test_reindex_runs_in_process_without_a_broker(no_broker, catalog):
    SearchEntry.objects.all().delete()
    SearchEntry.objects.create(kind="feature", object_id=999_999, title="Ghost", url="/x/")

    result = reindex_search.delay()

    assert result.successful()
    assert result.get() == {
        "product": 1,
        "feature": 1,
        "release": 1,
        "changelog": 1,
        "company": 0,
        "feedback": 0,
        "page": 0,
        "test_case": 0,
        "defect": 0,
        "decision": 0,
        "study": 0,
        "research_note": 0,
        "persona": 0,
        "competitor": 0,
    }
    assert [h.title for h in search.query("offline", kinds=["feature"])] == ["Offline sync"]
    assert not search.query("ghost")
    assert SearchEntry.objects.count() == 4


def test_reindex_picks_up_changes_made_outside_the_services(no_broker, catalog):
    type(catalog).objects.filter(pk=catalog.pk).update(title="Offline mode")  # e.g. a restore

    reindex_search.delay()

    assert [h.title for h in search.query("mode", kinds=["feature"])] == ["Offline mode"]


def test_queued_reindex_waits_for_the_commit(
    no_broker, catalog, django_capture_on_commit_callbacks
):
    SearchEntry.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue_reindex_search()
        assert SearchEntry.objects.count() == 0

    queued = [c for c in callbacks if getattr(c, "func", None) is not pagecache.flush]
    assert len(queued) == 1  # beside the renewal of the kept pages' generations
    assert SearchEntry.objects.count() == 4
