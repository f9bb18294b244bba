"""Theme discovery: k-means over the text engine's vectors, names from distinctive terms.

The default engine clusters a latent semantic analysis of the TF-IDF; the embedding engine
clusters sentence embeddings. Either way the TF-IDF names the themes.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score

from .engines import Engine, text_engine
from .lexicons import STOPWORDS
from .text import fold

SEED = 0
NAME_TERMS = 3
_STOPWORDS = sorted(STOPWORDS["en"] | STOPWORDS["fr"])


@dataclass(frozen=True)
class Themes:
    """``assignments[i]`` is the theme of text ``i``; ``names[t]`` the name of theme ``t``."""

    assignments: list[int]
    names: list[str]

    @property
    def sizes(self) -> list[int]:
        return np.bincount(self.assignments, minlength=len(self.names)).tolist()


def discover_themes(
    texts: Sequence[str],
    k: int | None = None,
    *,
    dimensions: int | None = 100,
    engine: Engine | None = None,
) -> Themes:
    """Cluster ``texts`` into ``k`` themes (chosen by silhouette when None) and name them.

    ``dimensions`` is the size of the SVD space the default engine clusters in (None: the
    TF-IDF vectors themselves); ``engine`` defaults to ``text_engine()``.
    """
    if len(texts) < 2:
        raise ValueError("theme discovery needs at least two texts")
    vectorizer = TfidfVectorizer(
        preprocessor=fold, stop_words=_STOPWORDS, ngram_range=(1, 2), sublinear_tf=True,
        min_df=2 if len(texts) >= 200 else 1, dtype=np.float32,
    )  # fmt: skip
    tfidf = vectorizer.fit_transform(list(texts))
    points = (engine or text_engine()).theme_points(list(texts), tfidf, dimensions)
    k = min(k or _choose_k(points), len(texts))
    labels = KMeans(n_clusters=k, n_init=3, random_state=SEED).fit_predict(points)
    terms = vectorizer.get_feature_names_out()
    names = [_name(tfidf, labels == theme, terms) for theme in range(k)]
    return Themes(assignments=labels.tolist(), names=names)


def _choose_k(points) -> int:
    """The k among a few candidates with the best silhouette, on a fixed sample."""
    n = points.shape[0]
    candidates = sorted({k for k in (2, 3, 4, 5, 6, 8, 10, 12, 16, 20) if k < n})
    if len(candidates) <= 1:
        return candidates[0] if candidates else 1

    def silhouette(k: int) -> float:
        labels = KMeans(n_clusters=k, n_init=2, random_state=SEED).fit_predict(points)
        if len(set(labels)) < 2:
            return -1.0
        sample = min(n, 2000)
        return silhouette_score(points, labels, sample_size=sample, random_state=SEED)

    return max(candidates, key=silhouette)


def _name(tfidf, members: np.ndarray, terms: np.ndarray) -> str:
    """The terms most over-represented in the theme, skipping ones a chosen term contains."""
    inside = np.asarray(tfidf[members].mean(axis=0)).ravel()
    outside = np.asarray(tfidf[~members].mean(axis=0)).ravel() if (~members).any() else 0.0
    chosen: list[str] = []
    for index in np.argsort(-(inside - outside), kind="stable"):
        term = terms[index]
        if inside[index] <= 0 or len(chosen) == NAME_TERMS:
            break
        if any(term in other or other in term for other in chosen):
            continue
        chosen.append(term)
    return " · ".join(chosen) or "misc"
