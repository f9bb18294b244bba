"""Feature suggestions: which features a feedback item likely belongs to.

Likeness is cosine in the text engine's space (TF-IDF by default, sentence embeddings with
the embedding engine), plus a fuzzy match of the feature's title words.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from .engines import Engine, text_engine
from .lexicons import STOPWORDS
from .text import tokens

DOC_WEIGHT, FEEDBACK_WEIGHT, TITLE_WEIGHT = 0.6, 0.25, 0.15
_STOPWORDS = STOPWORDS["en"] | STOPWORDS["fr"]


@dataclass(frozen=True)
class FeatureDoc:
    """A feature as the suggester sees it; ``feedback`` holds texts already linked to it."""

    id: Hashable
    title: str
    description: str = ""
    feedback: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class Suggestion:
    id: Hashable
    score: float


class FeatureSuggester:
    """Built once over the features; ``suggest`` scores them against a feedback text.

    The score mixes the likeness to the feature's title and description, to the closest
    feedback already linked to it, and a fuzzy match of the title's words.
    """

    def __init__(self, features: Sequence[FeatureDoc], *, engine: Engine | None = None) -> None:
        if not features:
            raise ValueError("there are no features to suggest")
        self.features = list(features)
        self.engine = engine or text_engine()
        docs = [document(f.title, f.description) for f in self.features]
        linked = [text for f in self.features for text in f.feedback]
        self.space = self.engine.space("suggestions")
        vectors = self.space.fit_transform(docs + linked)
        self.docs, self.linked = vectors[: len(docs)], vectors[len(docs) :] if linked else None
        self.owner = np.array([i for i, f in enumerate(self.features) for _ in f.feedback])
        self.titles = [_content(f.title) for f in self.features]

    def suggest(self, text: str, k: int = 5) -> list[Suggestion]:
        query = self.space.transform([text])
        scores = DOC_WEIGHT * self.space.similarity(self.docs, query).ravel()
        scores += FEEDBACK_WEIGHT * self._closest_feedback(query)
        content = _content(text)
        scores += TITLE_WEIGHT * np.array(
            [fuzz.token_set_ratio(content, title) / 100 if title else 0.0 for title in self.titles]
        )
        order = np.lexsort((np.arange(len(scores)), -scores))[:k]
        return [Suggestion(self.features[i].id, round(float(scores[i]), 4)) for i in order]

    def _closest_feedback(self, query) -> np.ndarray:
        best = np.zeros(len(self.features))
        if self.linked is not None:
            np.maximum.at(best, self.owner, self.space.similarity(self.linked, query).ravel())
        return best


def document(title: str, description: str) -> str:
    """The text a feature is known by: its title weighs twice, then its description."""
    return f"{title}. {title}. {description}"


def _content(text: str) -> str:
    return " ".join(w for w in tokens(text) if w not in _STOPWORDS)


def suggest_features(
    text: str, features: Sequence[FeatureDoc], k: int = 5, *, engine: Engine | None = None
) -> list[Suggestion]:
    """One-off convenience; build a ``FeatureSuggester`` to score many texts."""
    return FeatureSuggester(features, engine=engine).suggest(text, k)
