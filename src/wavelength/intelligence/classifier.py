"""A trainable text classifier: TF-IDF word and character n-grams plus the rules' cues,
logistic regression.

Character n-grams carry typos, inflections and French elisions that word n-grams miss; the
cues (``rules.cue_vector``: the weight of each type's cue patterns, the lexicon's positive and
negative words, negations, a question mark) carry what the hand-written rules know to text whose
words the training set never saw. Logistic regression gives probabilities, which the engine
calibrates into the confidence shown to people.
"""

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from .lexicons import NEGATORS, STOPWORDS
from .rules import cue_vector
from .text import fold

SEED = 0
CHARS = True  # character n-grams: typos, inflections, French elisions
CUE_WEIGHT = 0.5  # scale of the cue columns against the unit-length TF-IDF rows


def text_features(*, min_df: int = 1) -> FeatureUnion:
    """Word 1–2-grams and within-word character 2–5-grams, sublinear TF-IDF."""
    return FeatureUnion(
        [
            ("words", _tfidf(ngram_range=(1, 2), min_df=min_df, token_pattern=r"(?u)\b\w+\b")),
            ("chars", _tfidf(analyzer="char_wb", ngram_range=(2, 5), min_df=min_df)),
        ]
    )


def _tfidf(**options) -> TfidfVectorizer:
    return TfidfVectorizer(preprocessor=fold, sublinear_tf=True, dtype=np.float32, **options)


class CueFeatures(TransformerMixin, BaseEstimator):
    """The rules' cues as a few dense columns (nothing to learn)."""

    def fit(self, texts, labels=None):
        return self

    def transform(self, texts):
        rows = np.array([cue_vector(t) for t in texts], dtype=np.float32) * CUE_WEIGHT
        return sparse.csr_matrix(rows)


class TextClassifier:
    """Learns labels from (text, label) pairs; predicts a label and a probability.

    C=3 and min_df=1 were chosen by 5-fold cross-validation on the training 80 % of the
    Panichella app reviews (docs/triage-evaluation.md), never on its test 20 %; the cue
    columns by cross-validation on the project's own training items (``data/``).
    """

    def __init__(
        self, *, C: float = 3.0, cues: bool = True, words_only: bool = False, chars: bool = CHARS
    ) -> None:
        self.C = C
        self.cues = cues
        self.words_only = words_only  # plain word TF-IDF: the reference to beat
        self.chars = chars
        self.pipeline: Pipeline | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.pipeline.classes_) if self.pipeline else ()

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        weights: Sequence[float] | None = None,
    ) -> "TextClassifier":
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        if len(Counter(labels)) < 2:
            raise ValueError("training needs at least two distinct labels")
        features = text_features()
        if self.words_only or not getattr(self, "chars", True):
            features.transformer_list = features.transformer_list[:1]
        if self.cues:
            features.transformer_list.append(("cues", CueFeatures()))
        self.pipeline = Pipeline(
            [
                ("features", features),
                ("model", LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)),
            ]
        )
        fit_options = {} if weights is None else {"model__sample_weight": np.asarray(weights)}
        self.pipeline.fit(list(texts), list(labels), **fit_options)
        return self

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per label in ``labels`` order.

        The same numbers as ``pipeline.predict_proba``, computed directly: for one item the
        pipeline's checks and dispatch cost more than the arithmetic (triage on arrival).
        """
        if self.pipeline is None:
            raise RuntimeError("the classifier is not trained")
        texts = list(texts)
        union = self.pipeline.named_steps["features"]
        parts = [
            transformer.transform(texts) * (union.transformer_weights or {}).get(name, 1)
            for name, transformer in union.transformer_list
        ]
        model = self.pipeline.named_steps["model"]
        scores = sparse.hstack(parts, format="csr") @ model.coef_.T + model.intercept_
        if scores.shape[1] == 1:  # two labels: the logistic of the one score
            positive = 1 / (1 + np.exp(-scores[:, 0]))
            return np.column_stack([1 - positive, positive])
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict_many(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        probabilities = self.probabilities(texts)
        best = probabilities.argmax(axis=1)
        labels = self.labels
        return [
            (labels[i], round(float(row[i]), 3)) for i, row in zip(best, probabilities, strict=True)
        ]

    def predict(self, text: str) -> tuple[str, float]:
        return self.predict_many([text])[0]

    def telling_words(self, text: str, label: str, n: int = 3) -> list[str]:
        """The words of ``text`` without which ``label`` loses most probability (the model's
        reasons, found by leaving each word out in turn; stopwords are not reasons)."""
        if self.pipeline is None or label not in self.labels:
            return []
        words = text.split()[:MAX_EXPLAINED_WORDS]
        candidates = [
            i for i, w in enumerate(words) if fold(_bare(w)) and fold(_bare(w)) not in _STOPWORDS
        ]
        if not candidates:
            return []
        variants = [" ".join(words[:i] + words[i + 1 :]) for i in candidates]
        column = self.labels.index(label)
        probabilities = self.probabilities([" ".join(words), *variants])[:, column]
        drops = probabilities[0] - probabilities[1:]
        ranked = sorted(zip(-drops, candidates, strict=True))
        found = [_bare(words[i]) for drop, i in ranked if -drop > 0.01]
        return list(dict.fromkeys(found))[:n]


MAX_EXPLAINED_WORDS = 60
# Filler words are never shown as reasons; question words and negations can be.
_STOPWORDS = (
    (STOPWORDS["en"] | STOPWORDS["fr"])
    - NEGATORS
    - frozenset(
        [
            "how",
            "what",
            "where",
            "when",
            "why",
            "which",
            "who",
            "can",
            "could",
            "should",
            "would",
            "does",
            "do",
            "is",
            "are",
            "comment",
            "pourquoi",
            "quand",
            "quoi",
            "qui",
            "peut",
            "pouvez",
        ]
    )
)


def _bare(word: str) -> str:
    """A word without the punctuation around it."""
    return word.strip(".,;:!?…\"'«»()[]“”‘’-")
