"""A trainable text classifier: TF-IDF word and character n-grams plus the rules' cues,
logistic regression.

Character n-grams carry typos, inflections and French elisions that word n-grams miss; the
cues (``rules.cue_vector``: the weight of each type's cue patterns, the lexicon's positive and
negative words, negations, a question mark) carry what the hand-written rules know to text whose
words the training set never saw. Logistic regression gives probabilities, which the engine
calibrates into the confidence shown to people.
"""

import weakref
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import normalize

from .lexicons import NEGATORS, STOPWORDS
from .rules import cue_vector
from .text import fold

SEED = 0
CHARS = True  # character n-grams: typos, inflections, French elisions
CUE_WEIGHT = 0.5  # scale of the cue columns against the unit-length TF-IDF rows
REMEMBERED_WORDS = 20_000  # per character vectorizer, the columns of the words last seen


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

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The rows the model reads for ``texts``: TF-IDF and cue columns side by side."""
        if self.pipeline is None:
            raise RuntimeError("the classifier is not trained")
        texts = list(texts)
        union = self.pipeline.named_steps["features"]
        parts = [
            _transform(transformer, texts) * (union.transformer_weights or {}).get(name, 1)
            for name, transformer in union.transformer_list
        ]
        return sparse.hstack(parts, format="csr")

    def shares_features(self, other: "TextClassifier | None") -> bool:
        """True when ``other`` turns texts into the very same rows (models fitted on the same
        texts: the shipped engine's two), so one ``features`` call can feed both."""
        if other is None or self.pipeline is None or other.pipeline is None:
            return False
        mine = self.pipeline.named_steps["features"]
        theirs = other.pipeline.named_steps["features"]
        return (
            mine.transformer_weights == theirs.transformer_weights
            and len(mine.transformer_list) == len(theirs.transformer_list)
            and all(
                name == other_name and _same_transformer(a, b)
                for (name, a), (other_name, b) in zip(
                    mine.transformer_list, theirs.transformer_list, strict=True
                )
            )
        )

    def probabilities(
        self, texts: Sequence[str], *, features: sparse.csr_matrix | None = None
    ) -> np.ndarray:
        """One row per text, one column per label in ``labels`` order; ``features``, when
        given, are ``self.features(texts)`` computed once for several models.

        The same numbers as ``pipeline.predict_proba``, computed directly: for one item the
        pipeline's checks and dispatch cost more than the arithmetic (triage on arrival).
        """
        if features is None:
            features = self.features(texts)
        model = self.pipeline.named_steps["model"]
        scores = features @ model.coef_.T + model.intercept_
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


def _transform(transformer, texts: list[str]):
    if _char_grams_by_word(transformer):
        return _char_tfidf(transformer, texts)
    return transformer.transform(texts)


def _char_grams_by_word(vectorizer) -> bool:
    """A character vectorizer set up as ``text_features`` sets it up (the arithmetic that
    ``_char_tfidf`` repeats)."""
    return (
        isinstance(vectorizer, TfidfVectorizer)
        and vectorizer.analyzer == "char_wb"
        and vectorizer.preprocessor is fold
        and vectorizer.sublinear_tf
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
        and not vectorizer.binary
        and vectorizer.input == "content"
    )


# Per fitted vectorizer: word -> the columns of its character n-grams.
_word_columns: "weakref.WeakKeyDictionary[TfidfVectorizer, dict[str, list[int]]]" = (
    weakref.WeakKeyDictionary()
)


def _char_tfidf(vectorizer: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    """``vectorizer.transform(texts)`` for within-word character n-grams, a few times faster.

    A text's n-grams are those of its words, and the same words come back in every batch, so
    each word's columns are looked up once and remembered. Then the same arithmetic as the
    vectorizer: counts, sublinear TF, IDF, unit length.
    """
    columns = _word_columns.setdefault(vectorizer, {})
    if len(columns) > REMEMBERED_WORDS:
        columns.clear()
    vocabulary, (low, high) = vectorizer.vocabulary_, vectorizer.ngram_range
    indices, counts, starts = [], [], [0]
    for text in texts:
        found = []
        for word in fold(text).split():
            known = columns.get(word)
            if known is None:
                grams = _char_wb_grams(word, low, high)
                known = columns[word] = [vocabulary[g] for g in grams if g in vocabulary]
            found += known
        tally = Counter(found)
        indices += tally.keys()
        counts += tally.values()
        starts.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.asarray(counts, dtype=vectorizer.dtype), indices, starts),
        shape=(len(texts), len(vocabulary)),
    )
    matrix.sort_indices()
    np.log(matrix.data, matrix.data)
    matrix.data += 1
    matrix.data *= vectorizer.idf_[matrix.indices]
    return normalize(matrix, norm="l2", copy=False)


def _char_wb_grams(word: str, low: int, high: int) -> list[str]:
    """The n-grams scikit-learn's ``char_wb`` analyzer takes from one word: padded with a
    space each side, a word shorter than n counted once whole."""
    padded = f" {word} "
    grams = []
    for n in range(low, high + 1):
        grams += [padded[i : i + n] for i in range(max(1, len(padded) - n + 1))]
        if n >= len(padded):
            break
    return grams


def _same_transformer(a, b) -> bool:
    """Two fitted feature transformers that give the same columns for any text."""
    if type(a) is not type(b) or a.get_params() != b.get_params():
        return False
    if not isinstance(a, TfidfVectorizer):
        return True  # the cue columns: nothing learnt
    return a.vocabulary_ == b.vocabulary_ and np.array_equal(a.idf_, b.idf_)


def _bare(word: str) -> str:
    """A word without the punctuation around it."""
    return word.strip(".,;:!?…\"'«»()[]“”‘’-")
