"""The triage facade: language, type and sentiment for one item, trainable and persistable."""

import pickle
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sklearn

from .classifier import TextClassifier
from .language import detect_language
from .rules import SENTIMENTS, TYPES, lexicon_sentiment, rule_type, sentiment_label

ENGINE_FORMAT = "wavelength-triage"
ENGINE_VERSION = 1
MIN_EXAMPLES = 30  # below this, or with a single label, the rules stay in charge
MIN_PER_LABEL = 2


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


class TriageEngine:
    """Rules before any training; then the models learnt from the workspace's decisions."""

    def __init__(self) -> None:
        self.type_model: TextClassifier | None = None
        self.sentiment_model: TextClassifier | None = None

    @property
    def trained(self) -> bool:
        return self.type_model is not None

    def triage(self, text: str) -> TriageResult:
        return self.triage_many([text])[0]

    def triage_many(self, texts: Sequence[str]) -> list[TriageResult]:
        """Triage in one batch: the models transform all texts at once (bulk imports)."""
        texts = list(texts)
        if not texts:
            return []
        types = self.type_model.predict_many(texts) if self.type_model else map(rule_type, texts)
        sentiments = self._sentiments(texts)
        results = []
        for text, (kind, confidence), (mood, score) in zip(texts, types, sentiments, strict=True):
            language, language_confidence = detect_language(text)
            results.append(
                TriageResult(language, kind, confidence, mood, score, language_confidence)
            )
        return results

    def _sentiments(self, texts: list[str]) -> list[tuple[str, float]]:
        if self.sentiment_model is None:
            return [lexicon_sentiment(t) for t in texts]
        labels = self.sentiment_model.labels
        probabilities = self.sentiment_model.probabilities(texts)

        def column(label: str):
            return probabilities[:, labels.index(label)] if label in labels else 0.0

        scores = column("positive") - column("negative")
        return [(sentiment_label(float(s)), round(float(s), 3)) for s in scores]

    def fit(self, examples: Iterable[Example | tuple]) -> "TriageEngine":
        """Learn type and sentiment from labelled examples; each model needs enough of them.

        Examples are ``Example`` objects or ``(text, type[, sentiment])`` tuples; a label of
        None leaves the example out of that model's training.
        """
        examples = [e if isinstance(e, Example) else Example(*e) for e in examples]
        self.type_model = _train([(e.text, e.type) for e in examples if e.type in TYPES])
        self.sentiment_model = _train(
            [(e.text, e.sentiment) for e in examples if e.sentiment in SENTIMENTS]
        )
        return self

    def dumps(self) -> bytes:
        state = {
            "format": ENGINE_FORMAT,
            "version": ENGINE_VERSION,
            "sklearn": sklearn.__version__,
            "type_model": self.type_model,
            "sentiment_model": self.sentiment_model,
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
        engine.type_model = state["type_model"]
        engine.sentiment_model = state["sentiment_model"]
        return engine


def _train(pairs: list[tuple[str, str]]) -> TextClassifier | None:
    counts = Counter(label for _, label in pairs)
    usable = {label for label, n in counts.items() if n >= MIN_PER_LABEL}
    pairs = [(text, label) for text, label in pairs if label in usable]
    if len(pairs) < MIN_EXAMPLES or len(usable) < 2:
        return None
    texts, labels = zip(*pairs, strict=True)
    return TextClassifier().fit(texts, labels)
