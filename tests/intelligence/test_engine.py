import itertools
import pickle

import numpy as np
import pytest

from wavelength.intelligence import (
    ENGINE_VERSION,
    Example,
    IncompatibleEngineError,
    TextClassifier,
    TriageEngine,
)
from wavelength.intelligence import engine as engine_module

# A workspace's own vocabulary that the default rules know nothing about.
PHRASES = {
    "bug": [
        "{o} totals are off by one cent",
        "{o} shows yesterday's numbers",
        "{o} duplicates rows",
    ],
    "feature_request": ["{o} via okta sso", "{o} in the slack digest", "{o} through a webhook"],
    "question": ["where is {o} documented", "who owns {o}", "which plan includes {o}"],
    "praise": ["{o} saved our quarter", "{o} made the board happy", "kudos team {o} rocks"],
}
OBJECTS = ["invoice", "payroll", "timesheet", "forecast", "ledger", "quota", "budget", "audit"]


def examples(objects):
    return [
        Example(phrase.format(o=obj), label)
        for (label, phrases), obj in itertools.product(PHRASES.items(), objects)
        for phrase in phrases
    ]


def accuracy(engine, items):
    return sum(engine.triage(e.text).type == e.type for e in items) / len(items)


def test_training_on_the_workspace_decisions_beats_the_rules():
    train, test = examples(OBJECTS[:6]), examples(OBJECTS[6:])
    untrained = TriageEngine()
    trained = TriageEngine().fit(train)
    assert trained.trained and not untrained.trained
    assert accuracy(trained, test) >= 0.9
    assert accuracy(trained, test) > accuracy(untrained, test) + 0.3


def test_too_few_examples_keep_the_rules():
    engine = TriageEngine().fit(examples(OBJECTS[:1])[:5])
    assert not engine.trained
    assert engine.triage("Please add a dark mode").type == "feature_request"


def test_trained_type_comes_with_a_probability_as_confidence():
    engine = TriageEngine().fit(examples(OBJECTS))
    result = engine.triage("budget totals are off by one cent")
    assert result.type == "bug"
    assert 0.25 < result.type_confidence <= 1


def test_sentiment_model_trains_when_sentiment_labels_are_given():
    moods = {"bug": "negative", "feature_request": "neutral", "question": "neutral"}
    items = [(e.text, e.type, moods.get(e.type, "positive")) for e in examples(OBJECTS[:6])]
    engine = TriageEngine().fit(items)
    assert engine.sentiment_model is not None
    assert engine.triage("audit saved our quarter").sentiment == "positive"
    assert engine.triage("audit totals are off by one cent").sentiment_score < 0


def test_dumps_and_loads_round_trip():
    engine = TriageEngine().fit(examples(OBJECTS[:6]))
    restored = TriageEngine.loads(engine.dumps())
    for item in examples(OBJECTS[6:]):
        assert restored.triage(item.text) == engine.triage(item.text)


def test_untrained_engine_round_trips_too():
    restored = TriageEngine.loads(TriageEngine().dumps())
    assert not restored.trained


def test_mismatched_version_is_refused(monkeypatch):
    data = TriageEngine().fit(examples(OBJECTS[:6])).dumps()
    monkeypatch.setattr(engine_module, "ENGINE_VERSION", ENGINE_VERSION + 1)
    with pytest.raises(IncompatibleEngineError, match="retrain"):
        TriageEngine.loads(data)


@pytest.mark.parametrize("data", [b"not a pickle", pickle.dumps({"format": "other"})])
def test_foreign_bytes_are_refused(data):
    with pytest.raises(IncompatibleEngineError):
        TriageEngine.loads(data)


def test_same_input_gives_the_same_output():
    first = TriageEngine().fit(examples(OBJECTS[:6]))
    second = TriageEngine().fit(examples(OBJECTS[:6]))
    texts = [e.text for e in examples(OBJECTS[6:])]
    assert first.triage_many(texts) == second.triage_many(texts)
    assert first.triage_many(texts) == [first.triage(t) for t in texts]


def test_classifier_needs_two_labels():
    with pytest.raises(ValueError, match="two distinct labels"):
        TextClassifier().fit(["a b", "c d"], ["bug", "bug"])


def test_empty_batch_gives_no_results():
    assert TriageEngine().fit(examples(OBJECTS[:6])).triage_many([]) == []


@pytest.mark.parametrize("labels", [("bug", "feature_request"), tuple(PHRASES)])
def test_direct_probabilities_match_the_pipeline(labels):
    items = [e for e in examples(OBJECTS) if e.type in labels]
    model = TextClassifier().fit([e.text for e in items], [e.type for e in items])
    texts = ["budget totals are off by one cent", "kudos team", "où est la doc ?", ""]
    texts += ["L'appli plante à chaque fois…", "a", "ab  cd\t\nef", "ﬁle\u00a0Ça"]
    assert np.allclose(model.probabilities(texts), model.pipeline.predict_proba(texts))
    union = model.pipeline.named_steps["features"]
    assert np.array_equal(model.features(texts).toarray(), union.transform(texts).toarray())


def test_one_transform_feeds_both_shipped_models():
    engine = TriageEngine.shipped()
    texts = ["the export crashes", "Merci, c'est parfait !", "how do I add a user?"]
    assert engine.type_model.shares_features(engine.sentiment_model)
    assert not engine.type_model.shares_features(TextClassifier().fit(["a b", "c d"], ["x", "y"]))
    results = engine.triage_many(texts)
    assert engine._one_transform
    for result, text in zip(results, texts, strict=True):
        label, _ = engine.type_model.predict(text)
        assert result.type == label
        assert result.sentiment == engine.sentiment_model.predict(text)[0]
