"""A trainable text classifier: TF-IDF word and character n-grams, logistic regression.

Character n-grams carry typos, inflections and French elisions that word n-grams miss;
logistic regression gives probabilities, whose maximum is the confidence shown to people.
"""

from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from .text import fold

SEED = 0


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


class TextClassifier:
    """Learns labels from (text, label) pairs; predicts a label and a confidence.

    C=3 and min_df=1 were chosen by 5-fold cross-validation on the training 80 % of the
    Panichella app reviews (docs/triage-evaluation.md), never on its test 20 %.
    """

    def __init__(self, *, C: float = 3.0) -> None:
        self.C = C
        self.pipeline: Pipeline | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.pipeline.classes_) if self.pipeline else ()

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "TextClassifier":
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        if len(Counter(labels)) < 2:
            raise ValueError("training needs at least two distinct labels")
        self.pipeline = Pipeline(
            [
                ("features", text_features()),
                ("model", LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)),
            ]
        )
        self.pipeline.fit(list(texts), list(labels))
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
