"""Theme discovery: groups of texts that say the same kind of thing, named by their words.

The text engine turns texts into points (the default engine: a latent semantic analysis of
the TF-IDF; the embedding engine: sentence embeddings). Told how many themes to find, k-means
groups the points. Left to choose, the engine finds the number itself: average-linkage
agglomerative clustering of a fixed sample, cut where groups stop being alike (a cosine
distance threshold of the engine's), then every text joins the nearest group (k-means started
from the groups' centres, so no text is left out as noise). Either way the names are the
group's most distinctive words and phrases by class-based TF-IDF, without English and French
filler words and without the words every group shares.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from .engines import Engine, text_engine
from .lexicons import STOPWORDS, THEME_FILLER
from .text import fold

SEED = 0
NAME_TERMS = 3
AUTO_SAMPLE = 4_000  # texts the number of themes is decided on (the rest join the nearest)
MIN_GROUP = 3  # a smaller group in that sample is noise: its texts join the nearest theme
SHARED = 0.8  # a term found in this share of the themes (or all of them) names none
DEFAULT_THRESHOLD = 0.75  # chosen on half of CLINC150's intents (docs/triage-evaluation.md)
_STOPWORDS = sorted(STOPWORDS["en"] | STOPWORDS["fr"])
_NAME_FILLER = STOPWORDS["en"] | STOPWORDS["fr"] | THEME_FILLER


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
    """Group ``texts`` into ``k`` themes, or as many as they hold when ``k`` is None, and name
    them. ``dimensions`` is the size of the SVD space the default engine clusters in (None:
    the TF-IDF vectors themselves); ``engine`` defaults to ``text_engine()``."""
    if len(texts) < 2:
        raise ValueError("theme discovery needs at least two texts")
    texts = list(texts)
    engine = engine or text_engine()
    vectorizer = TfidfVectorizer(
        preprocessor=fold, stop_words=_STOPWORDS, ngram_range=(1, 2), sublinear_tf=True,
        min_df=2 if len(texts) >= 200 else 1, dtype=np.float32,
    )  # fmt: skip
    tfidf = vectorizer.fit_transform(texts)
    points = engine.theme_points(texts, tfidf, dimensions)
    if k is None:
        threshold = getattr(engine, "theme_threshold", DEFAULT_THRESHOLD)
        labels = _auto_labels(points, threshold)
    else:
        labels = KMeans(n_clusters=min(k, len(texts)), n_init=3, random_state=SEED).fit_predict(
            points
        )
    labels = _renumber(labels)
    return Themes(assignments=labels.tolist(), names=theme_names(texts, labels))


def _auto_labels(points, threshold: float) -> np.ndarray:
    """As many groups as the texts hold: see the module's docstring."""
    dense = points.toarray() if sparse.issparse(points) else np.asarray(points)
    filled = np.flatnonzero(np.abs(dense).sum(axis=1) > 0)  # a text with no word has no angle
    if len(filled) < 2:
        return np.zeros(len(dense), dtype=int)
    rng = np.random.default_rng(SEED)
    sample = np.sort(rng.choice(filled, min(len(filled), AUTO_SAMPLE), replace=False))
    tree = linkage(dense[sample], method="average", metric="cosine")
    groups = fcluster(tree, threshold, criterion="distance") - 1
    sizes = np.bincount(groups)
    kept = np.flatnonzero(sizes >= min(MIN_GROUP, sizes.max()))
    centres = np.vstack([dense[sample][groups == g].mean(axis=0) for g in kept])
    if len(kept) == 1:
        return np.zeros(len(dense), dtype=int)
    return KMeans(n_clusters=len(kept), init=centres, n_init=1, random_state=SEED).fit_predict(
        dense
    )


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Themes numbered 0..k-1 with none empty (k-means can leave a centre alone)."""
    _, renumbered = np.unique(labels, return_inverse=True)
    return renumbered


def theme_names(texts: Sequence[str], labels: np.ndarray) -> list[str]:
    """Each theme's most distinctive words and phrases, by class-based TF-IDF: a term's share
    of the theme's words, weighted by how rare it is across all themes. Filler words and
    terms that (nearly) every theme uses are left out."""
    k = int(labels.max()) + 1
    # Phrases are the words as written: filler is dropped at a phrase's ends, never from its
    # middle, so "need to know" does not become "need know".
    counter = CountVectorizer(
        preprocessor=fold, ngram_range=(1, 2), token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
        min_df=2 if len(texts) >= 200 else 1,
    )  # fmt: skip
    try:
        counts = counter.fit_transform(texts)
    except ValueError:  # no word at all
        return ["misc"] * k
    terms = counter.get_feature_names_out()
    useful = np.flatnonzero([not _filler(term) for term in terms])
    counts, terms = counts[:, useful], terms[useful]
    membership = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))))
    per_theme = np.asarray((membership @ counts).todense(), dtype=float)
    totals = per_theme.sum(axis=0)
    average = per_theme.sum() / k
    scores = per_theme / np.maximum(per_theme.sum(axis=1, keepdims=True), 1)
    scores *= np.log1p(average / np.maximum(totals, 1))
    if k >= 2:
        shared = (per_theme > 0).sum(axis=0) >= max(2, SHARED * k if k >= 5 else k)
        scores[:, shared] = 0
    return [_name(row, terms) for row in scores]


def _name(scores: np.ndarray, terms: np.ndarray) -> str:
    """The best terms; a phrase replaces the words it contains when it scores nearly as well
    as the best of them ("csv export", not "csv · export")."""
    chosen: dict[str, float] = {}
    for index in np.argsort(-scores, kind="stable")[:50]:
        term, score = str(terms[index]), float(scores[index])
        if score <= 0 or len(chosen) == NAME_TERMS:
            break
        if any(_contains(other, term) for other in chosen):
            continue
        words = [other for other in chosen if _contains(term, other)]
        if words and score < 0.5 * max(chosen[w] for w in words):
            continue
        for word in words:
            del chosen[word]
        chosen[term] = score
    return " · ".join(chosen) or "misc"


def _filler(term: str) -> bool:
    words = term.split()
    return words[0] in _NAME_FILLER or words[-1] in _NAME_FILLER


def _contains(phrase: str, word: str) -> bool:
    return phrase != word and word in phrase.split()
