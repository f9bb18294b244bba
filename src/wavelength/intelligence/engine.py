"""The triage facade: language, type and sentiment for one item, trainable and persistable.

For each of the two labels (type, sentiment) an engine uses either the hand-written rules or a
model, whichever was measured better. A model always learns from the project's own training
items (``seed``) and, in a workspace, from the decisions people took there. Retraining is never
worse than before: the candidate is scored by cross-validation on the workspace's decisions
(each scored by a model that did not see it) against the rules and against the engine in use
(on the decisions it did not learn from), and the best of the three is kept, label by label.
The winner's confidences are calibrated on those same held-out predictions, so a "90 %" is
right about nine times in ten.
"""

import copy
import functools
import hashlib
import pickle
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import sklearn
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from .classifier import TextClassifier
from .language import detect_language
from .rules import (
    SENTIMENTS,
    TYPES,
    lexicon_sentiment,
    rule_type,
    rule_type_cues,
    sentiment_words,
)
from .seed import seed_rows

ENGINE_FORMAT = "wavelength-triage"
ENGINE_VERSION = 2
MIN_EXAMPLES = 30  # below this, or with a single label, the workspace's decisions are not used
MIN_PER_LABEL = 2
MIN_HELD_OUT = 20  # decisions the engine in use never saw, needed to score it
FOLDS = 3
MAX_SCORED = 600  # cross-validation scores at most this many decisions (a fixed sample)
MIN_CALIBRATION = 30
MAX_CONFIDENCE = 0.97  # a few hundred held-out predictions cannot vouch for more
SEED = 0
TASKS = ("type", "sentiment")
RULES, MODEL = "rules", "model"


class IncompatibleEngineError(ValueError):
    """Stored engine bytes that this version of Wavelength cannot load."""


@dataclass(frozen=True)
class Example:
    """One triage decision taken in the workspace; either label may be missing."""

    text: str
    type: str | None = None
    sentiment: str | None = None


@dataclass(frozen=True)
class TriageResult:
    language: str
    type: str
    type_confidence: float
    sentiment: str
    sentiment_score: float
    language_confidence: float = 0.0
    type_source: str = RULES
    sentiment_source: str = RULES
    sentiment_confidence: float = 0.0


@dataclass(frozen=True)
class Reason:
    """Why one label was chosen: by the rules or the model, how sure, and the telling words."""

    label: str
    source: str
    confidence: float
    words: tuple[str, ...]
    examples: int  # the workspace decisions the model learnt from (0: project items only)


@dataclass(frozen=True)
class Explanation:
    type: Reason
    sentiment: Reason


class Calibration:
    """Maps a raw confidence to the share of predictions that were right at that confidence
    (isotonic regression on held-out predictions); the identity until there are enough."""

    def __init__(self, raw: Sequence[float] = (), correct: Sequence[bool] = ()) -> None:
        self.x = self.y = None
        if len(raw) >= MIN_CALIBRATION and 0 < sum(correct) < len(correct):
            fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
                np.asarray(raw, dtype=float), np.asarray(correct, dtype=float)
            )
            self.x, self.y = fitted.X_thresholds_, fitted.y_thresholds_

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        raw = np.asarray(raw, dtype=float)
        sure = raw if self.x is None else np.interp(raw, self.x, self.y)
        return np.minimum(sure, MAX_CONFIDENCE)


@dataclass
class Choice:
    """How an engine sets one label, and the evidence for it."""

    source: str = RULES
    model: TextClassifier | None = None
    calibration: Calibration = field(default_factory=Calibration)
    scores: dict[str, float] = field(default_factory=dict)  # macro-F1 of each contender
    examples: int = 0  # workspace decisions the model learnt from
    trained_on: frozenset[int] = frozenset()  # fingerprints of the texts it learnt from


class TriageEngine:
    """Rules until fitted; then, per label, whichever of rules and model measured better."""

    def __init__(self) -> None:
        self.choices: dict[str, Choice] = {task: Choice() for task in TASKS}
        self._one_transform: bool | None = None  # both models read the same columns

    @classmethod
    def shipped(cls) -> "TriageEngine":
        """The engine of a fresh install: rules or a model of the project's own training
        items, per label, as cross-validation on those items decided."""
        engine = cls()
        engine.choices = dict(_shipped().choices)
        return engine

    @property
    def type_model(self) -> TextClassifier | None:
        return self.choices["type"].model if self.choices["type"].source == MODEL else None

    @property
    def sentiment_model(self) -> TextClassifier | None:
        choice = self.choices["sentiment"]
        return choice.model if choice.source == MODEL else None

    @property
    def trained(self) -> bool:
        """True when a label is set by a model that learnt from the workspace's decisions."""
        return any(c.source == MODEL and c.examples for c in self.choices.values())

    def triage(self, text: str) -> TriageResult:
        return self.triage_many([text])[0]

    def triage_many(self, texts: Sequence[str]) -> list[TriageResult]:
        """Triage in one batch: the models transform all texts at once (bulk imports)."""
        texts = list(texts)
        if not texts:
            return []
        probabilities = self._model_probabilities(texts)
        types = self._types(texts, probabilities.get("type"))
        moods = self._sentiments(texts, probabilities.get("sentiment"))
        results = []
        for text, (kind, confidence), (mood, score, sure) in zip(texts, types, moods, strict=True):
            language, language_confidence = detect_language(text)
            results.append(
                TriageResult(
                    language,
                    kind,
                    confidence,
                    mood,
                    score,
                    language_confidence,
                    self.choices["type"].source,
                    self.choices["sentiment"].source,
                    sure,
                )  # fmt: skip
            )
        return results

    def _model_probabilities(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Each model's probabilities for the batch. Turning texts into the models' columns is
        most of the cost of triage: when both models read the same columns (the shipped
        engine's), the batch is turned once for both."""
        models = {task: self.choices[task].model for task in TASKS}
        models = {task: m for task, m in models.items() if self.choices[task].source == MODEL}
        if self._one_transform is None:
            type_model, sentiment_model = models.get("type"), models.get("sentiment")
            self._one_transform = bool(type_model and type_model.shares_features(sentiment_model))
        features = models["type"].features(texts) if self._one_transform else None
        return {
            task: model.probabilities(texts, features=features) for task, model in models.items()
        }

    def _types(self, texts: list[str], probabilities: np.ndarray | None) -> list[tuple[str, float]]:
        choice = self.choices["type"]
        if choice.source == MODEL:
            labels, raw = _best(choice.model, texts, probabilities)
        else:
            labels, raw = zip(*map(rule_type, texts), strict=True)
        sure = choice.calibration(np.asarray(raw))
        return [(label, round(float(s), 3)) for label, s in zip(labels, sure, strict=True)]

    def _sentiments(
        self, texts: list[str], probabilities: np.ndarray | None
    ) -> list[tuple[str, float, float]]:
        choice = self.choices["sentiment"]
        if choice.source == MODEL:
            model = choice.model

            def column(label: str):
                i = model.labels.index(label) if label in model.labels else None
                return probabilities[:, i] if i is not None else np.zeros(len(texts))

            scores = column("positive") - column("negative")
            labels, raw = _best(model, texts, probabilities)
        else:
            labels, scores = zip(*map(lexicon_sentiment, texts), strict=True)
            raw = [_lexicon_confidence(s) for s in scores]
        sure = choice.calibration(np.asarray(raw))
        return [
            (label, round(float(score), 3), round(float(s), 3))
            for label, score, s in zip(labels, scores, sure, strict=True)
        ]

    def explain(self, text: str) -> Explanation:
        """The labels this engine gives ``text`` and why."""
        result = self.triage(text)
        return Explanation(
            type=self._reason("type", text, result.type, result.type_confidence),
            sentiment=self._reason(
                "sentiment", text, result.sentiment, result.sentiment_confidence
            ),
        )

    def _reason(self, task: str, text: str, label: str, confidence: float) -> Reason:
        choice = self.choices[task]
        if choice.source == MODEL:
            words = choice.model.telling_words(text, label)
        elif task == "type":
            words = rule_type_cues(text, label)[:3]
        else:
            words = sentiment_words(text)[:3]
        return Reason(label, choice.source, confidence, tuple(words), choice.examples)

    def fit(
        self,
        examples: Iterable[Example | tuple],
        *,
        current: "TriageEngine | None" = None,
        prior: Sequence[tuple[str, str, str]] | None = None,
    ) -> "TriageEngine":
        """Learn type and sentiment from the workspace's decisions, keeping per label the
        better of the rules, a new model and ``current`` (the engine in use).

        Examples are ``Example`` objects or ``(text, type[, sentiment])`` tuples; a label of
        None leaves the example out for that label. ``prior`` is what every model also learns
        from, the project's own items by default. A label with too few decisions keeps what
        ``current`` (else the shipped engine) does.
        """
        examples = [e if isinstance(e, Example) else Example(*e) for e in examples]
        prior = seed_rows() if prior is None else prior
        # Many small fits: one thread each is faster than threads that wait on one another.
        with threadpool_limits(1):
            return self._fit(examples, current, prior)

    def _fit(self, examples, current, prior) -> "TriageEngine":
        fallback = current or (TriageEngine.shipped() if prior else TriageEngine())
        for index, (task, allowed) in enumerate(zip(TASKS, (TYPES, SENTIMENTS), strict=True)):
            decided = _usable([(e.text, getattr(e, task)) for e in examples], allowed)
            known = [(row[0], row[1 + index]) for row in prior if row[1 + index] in allowed]
            if decided is None:
                self.choices[task] = fallback.choices[task]
                continue
            self.choices[task] = _choose(task, decided, known, current)
        self._one_transform = None
        return self

    def dumps(self) -> bytes:
        state = {
            "format": ENGINE_FORMAT,
            "version": ENGINE_VERSION,
            "sklearn": sklearn.__version__,
            "choices": self.choices,
        }
        return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def loads(cls, data: bytes) -> "TriageEngine":
        """Rebuild an engine from ``dumps`` output; only ever load bytes Wavelength stored."""
        try:
            state = pickle.loads(data)  # noqa: S301 - bytes written by dumps into our own DB
        except Exception as error:
            raise IncompatibleEngineError(f"unreadable triage engine: {error}") from error
        if not isinstance(state, dict) or state.get("format") != ENGINE_FORMAT:
            raise IncompatibleEngineError("these bytes are not a Wavelength triage engine")
        if state.get("version") != ENGINE_VERSION or state.get("sklearn") != sklearn.__version__:
            raise IncompatibleEngineError(
                f"triage engine version {state.get('version')} (scikit-learn "
                f"{state.get('sklearn')}) cannot be loaded by version {ENGINE_VERSION} "
                f"(scikit-learn {sklearn.__version__}); retrain it"
            )
        engine = cls()
        engine.choices = state["choices"]
        return engine


@functools.cache
def _shipped() -> TriageEngine:
    return TriageEngine().fit(
        [Example(text, kind, mood) for text, kind, mood in seed_rows()], prior=()
    )


def fingerprint(text: str) -> int:
    """A stable 64-bit fingerprint of a text (Python's own hash changes between processes)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def _best(
    model: TextClassifier, texts: Sequence[str], probabilities: np.ndarray | None = None
) -> tuple[list[str], np.ndarray]:
    """Each text's likeliest label and its probability (``probabilities``: already computed)."""
    if probabilities is None:
        probabilities = model.probabilities(texts)
    labels = model.labels
    return [str(labels[i]) for i in probabilities.argmax(axis=1)], probabilities.max(axis=1)


def _lexicon_confidence(score: float) -> float:
    """How far the lexicon's score sits from the neutral band's edge, as a raw confidence."""
    return 0.5 + 0.5 * abs(score) if abs(score) >= 0.15 else 1.0 - abs(score) / 0.3


def _usable(pairs: list[tuple[str, str | None]], allowed) -> list[tuple[str, str]] | None:
    """The decisions a model can learn from, or None when there are too few."""
    pairs = [(text, label) for text, label in pairs if label in allowed]
    counts = Counter(label for _, label in pairs)
    pairs = [(text, label) for text, label in pairs if counts[label] >= MIN_PER_LABEL]
    if len(pairs) < MIN_EXAMPLES or len({label for _, label in pairs}) < 2:
        return None
    return pairs


def _rules(task: str, texts: Sequence[str]) -> tuple[list[str], list[float]]:
    if task == "type":
        labels, raw = zip(*map(rule_type, texts), strict=True)
        return list(labels), list(raw)
    labels, scores = zip(*map(lexicon_sentiment, texts), strict=True)
    return list(labels), [_lexicon_confidence(s) for s in scores]


def _held_out_predictions(decided, known) -> tuple[list[int], list[str], list[float]]:
    """Cross-validation: each scored decision predicted by a model trained on the prior and
    the other folds' decisions. Returns the scored rows, their labels and confidences."""
    labels = [label for _, label in decided]
    folds = min(FOLDS, min(Counter(labels).values()))
    rows = np.arange(len(decided))
    scored = set(rows.tolist())
    if len(decided) > MAX_SCORED:
        scored = set(np.random.default_rng(SEED).choice(rows, MAX_SCORED, replace=False).tolist())
    predicted: dict[int, tuple[str, float]] = {}
    splitter = StratifiedKFold(n_splits=max(folds, 2), shuffle=True, random_state=SEED)
    for train, test in splitter.split(rows, labels):
        test = [i for i in test if i in scored]
        train_pairs = list(known) + [decided[i] for i in train]
        if not test or len({label for _, label in train_pairs}) < 2:
            continue
        model = TextClassifier().fit(*zip(*train_pairs, strict=True))
        found, raw = _best(model, [decided[i][0] for i in test])
        predicted.update(zip(test, zip(found, raw, strict=True), strict=True))
    order = sorted(predicted)
    return order, [predicted[i][0] for i in order], [float(predicted[i][1]) for i in order]


def _macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    labels = sorted(set(truth))
    return float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0))


def _choose(task, decided, known, current: TriageEngine | None) -> Choice:
    rows, model_labels, model_raw = _held_out_predictions(decided, known)
    truth = [decided[i][1] for i in rows]
    texts = [decided[i][0] for i in rows]
    rule_labels, rule_raw = _rules(task, texts)
    scores = {RULES: _macro_f1(truth, rule_labels), MODEL: _macro_f1(truth, model_labels)}
    in_use = current.choices[task] if current else None
    if in_use is not None and in_use.source == MODEL:
        unseen = [i for i, text in enumerate(texts) if fingerprint(text) not in in_use.trained_on]
        if len(unseen) >= MIN_HELD_OUT:
            theirs, _ = _best(in_use.model, [texts[i] for i in unseen])
            sub_truth = [truth[i] for i in unseen]
            current_score = _macro_f1(sub_truth, theirs)
            # The new model on the very same decisions: the fair comparison.
            rivals = (
                _macro_f1(sub_truth, [model_labels[i] for i in unseen]),
                _macro_f1(sub_truth, [rule_labels[i] for i in unseen]),
            )
            if current_score > max(rivals):
                kept = copy.copy(in_use)
                kept.scores = {**scores, "current": current_score}
                return kept
            scores["current"] = current_score
    if scores[MODEL] <= scores[RULES]:
        correct = [a == b for a, b in zip(rule_labels, truth, strict=True)]
        return Choice(RULES, None, Calibration(rule_raw, correct), scores)
    correct = [a == b for a, b in zip(model_labels, truth, strict=True)]
    everything = list(known) + list(decided)
    model = TextClassifier().fit(*zip(*everything, strict=True))
    learnt = len(decided) if known else 0  # with no prior, the decisions are the project's own
    trained_on = frozenset(fingerprint(text) for text, _ in decided)
    return Choice(MODEL, model, Calibration(model_raw, correct), scores, learnt, trained_on)
