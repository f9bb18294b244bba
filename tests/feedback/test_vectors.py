"""Stored sentence embeddings: made by the background job as feedback arrives, read by every
process instead of encoding the inbox's recent items again, never written by a request."""

import numpy as np
import pytest

from tests.factories import FeatureFactory
from tests.intelligence.test_engines import FakeEncoder
from wavelength import intelligence
from wavelength.feedback import services, triage
from wavelength.feedback.models import TextVector
from wavelength.intelligence.suggestions import document
from wavelength.intelligence.vectors import digest, vector_store

pytestmark = pytest.mark.django_db

TEXTS = [
    "The export to CSV drops the last column",
    "CSV export loses a column at the end",
    "Please add a dark mode to the dashboard",
    "Login fails with a blank screen since the update",
]


@pytest.fixture
def fake():
    return FakeEncoder()


@pytest.fixture
def embeddings(fake):
    engine = intelligence.EmbeddingEngine(fake, name="embeddings-onnx", model="fake:1")
    intelligence.set_text_engine(engine)
    triage._cache.clear()
    yield engine
    intelligence.set_text_engine(None)
    triage._cache.clear()


def _create(editor, texts, capture):
    with capture(execute=True):
        return services.feedback_bulk_create(actor=editor, items=[{"text": t} for t in texts])


def test_the_database_store_keeps_float32_rows_and_the_first_of_two(db):
    store = triage.DatabaseVectorStore()
    first = np.arange(4, dtype=np.float32) / 7
    store.save("m", {"a" * 64: first})
    store.save("m", {"a" * 64: first + 1, "b" * 64: first})  # "a" is kept as it was
    found = store.load("m", ["a" * 64, "b" * 64, "c" * 64])
    assert sorted(found) == ["a" * 64, "b" * 64]
    assert np.array_equal(found["a" * 64], first) and found["a" * 64].dtype == np.float32
    assert store.load("other", ["a" * 64]) == {}


def test_new_items_get_their_vectors_once_committed(
    editor, embeddings, fake, django_capture_on_commit_callbacks
):
    created = _create(editor, TEXTS, django_capture_on_commit_callbacks)["created"]
    assert TextVector.objects.filter(model="fake:1").count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        one = services.feedback_create(actor=editor, text="Dark mode for the reports, please")
    keys = set(TextVector.objects.values_list("digest", flat=True))
    assert keys == {digest(t) for t in [*TEXTS, one.text]}
    # Another process (a new engine, nothing in memory) finds duplicates without the model.
    reader = intelligence.EmbeddingEngine(fake, name="embeddings-onnx", model="fake:1")
    intelligence.set_text_engine(reader)
    triage._cache.clear()
    calls = len(fake.calls)
    found = triage.likely_duplicates(created[0], threshold=0.0)
    assert found[0].feedback == created[1]
    assert fake.calls[calls:] == []  # the query is one of the stored items too
    assert len(reader._cache) == 5


def test_nothing_is_queued_or_stored_on_the_default_engine(
    editor, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(triage.background, "later", lambda *args: queued.append(args))
    intelligence.set_text_engine(intelligence.DefaultEngine())
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.feedback_bulk_create(actor=editor, items=[{"text": t} for t in TEXTS])
        assert triage.embed_feedback() == 0
    finally:
        intelligence.set_text_engine(None)
    assert queued == [] and not TextVector.objects.exists()


def test_the_job_fills_what_is_missing_and_drops_other_models_and_old_rows(
    editor, embeddings, monkeypatch
):
    services.feedback_bulk_create(actor=editor, items=[{"text": t} for t in TEXTS])  # no commit
    feature = FeatureFactory(title="CSV export", description="Columns and encodings.")
    TextVector.objects.create(model="an-older-model", digest="f" * 64, vector=b"\0" * 16)
    assert triage.embed_feedback() == 5  # the items and the feature the suggestions compare
    assert TextVector.objects.filter(digest=digest(document(feature.title, feature.description)))
    assert triage.embed_feedback() == 0  # all there: nothing encoded again
    assert set(TextVector.objects.values_list("model", flat=True)) == {"fake:1"}
    monkeypatch.setattr(triage, "VECTORS_KEPT", 2)
    triage.embed_feedback()
    assert TextVector.objects.count() == 2


def test_a_late_job_skips_items_newer_ones_pushed_out_of_the_window(
    editor, embeddings, monkeypatch
):
    monkeypatch.setattr(triage, "DUPLICATE_WINDOW", 2)
    first = services.feedback_bulk_create(actor=editor, items=[{"text": t} for t in TEXTS[:2]])
    services.feedback_bulk_create(actor=editor, items=[{"text": t} for t in TEXTS[2:]])
    assert triage.embed_feedback([fb.pk for fb in first["created"]]) == 0  # out of the window
    assert not TextVector.objects.exists()
    assert triage.embed_feedback() == 2  # the two newest
    assert set(TextVector.objects.values_list("digest", flat=True)) == {
        digest(t) for t in TEXTS[2:]
    }


def test_a_job_after_new_items_looks_only_at_features_edited_since_the_last_vectors(
    editor, embeddings
):
    FeatureFactory(title="CSV export", description="Columns and encodings.")
    assert triage.embed_feedback() == 1  # the feature
    later = FeatureFactory(title="Dark mode", description="Night theme.")
    first = services.feedback_bulk_create(actor=editor, items=[{"text": TEXTS[0]}])["created"]
    looked_up = []
    store = vector_store()
    real_load = store.load
    store.load = lambda model, digests: looked_up.extend(digests) or real_load(model, digests)
    try:
        assert triage.embed_feedback([first[0].pk]) == 2  # the item and the new feature
    finally:
        store.load = real_load
    expected = {digest(TEXTS[0]), digest(document(later.title, later.description))}
    assert set(looked_up) == expected  # the first feature's vector was not looked up again
