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

from .rules import cue_vector
from .text import fold

SEED = 0
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

    def __init__(self, *, C: float = 3.0, cues: bool = True) -> None:
        self.C = C
        self.cues = cues
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
        """One row per text, one column per label in ``labels`` order."""
        if self.pipeline is None:
            raise RuntimeError("the classifier is not trained")
        return self.pipeline.predict_proba(list(texts))

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
        """The words of ``text`` that pushed most towards ``label`` (the model's reasons)."""
        if self.pipeline is None or label not in self.labels:
            return []
        words = self.pipeline.named_steps["features"].transformer_list[0][1]
        model = self.pipeline.named_steps["model"]
        row = words.transform([text])
        coef = model.coef_
        if coef.shape[0] == 1:  # two labels: one row, positive for the second
            weights = coef[0] if self.labels.index(label) == 1 else -coef[0]
        else:
            weights = coef[self.labels.index(label)]
        weights = weights[: row.shape[1]]
        present = row.indices
        pushes = sorted(
            ((weights[i] * row[0, i], i) for i in present if weights[i] > 0), reverse=True
        )
        names = words.get_feature_names_out()
        chosen: list[str] = []
        for _, i in pushes:
            term = names[i]
            if not any(term in other or other in term for other in chosen):
                chosen.append(term)
            if len(chosen) == n:
                break
        return chosen
