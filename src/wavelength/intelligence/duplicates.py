"""Near-duplicate search: cosine in the text engine's space, fuzzy re-ranking of the head.

The default engine's space is TF-IDF over word and character n-grams, the embedding
engine's sentence embeddings. The index is built once over a corpus; a query costs one
encoding, one matrix product and a few dozen rapidfuzz comparisons.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from .engines import Engine, text_engine
from .text import fold

RERANK_HEAD = 30
FUZZY_WEIGHT = 0.1
FUZZY_CHARS = 100  # the head of a report: its title and first words


@dataclass(frozen=True)
class Match:
    id: Hashable
    score: float


class DuplicateIndex:
    """Ranks the documents of a corpus by their likeness to a query text."""

    def __init__(
        self,
        ids: Sequence[Hashable],
        texts: Sequence[str],
        *,
        fuzzy_weight: float = FUZZY_WEIGHT,
        engine: Engine | None = None,
    ) -> None:
        if len(ids) != len(texts):
            raise ValueError("ids and texts differ in length")
        if not ids:
            raise ValueError("the corpus is empty")
        self.ids = list(ids)
        self.fuzzy_weight = fuzzy_weight
        self.engine = engine or text_engine()
        self.space = self.engine.space("duplicates")
        self.matrix = self.space.fit_transform(texts)
        self._rows: dict[str, int] = {}  # a text of the corpus is not encoded a second time
        for row, text in enumerate(texts):
            self._rows.setdefault(text, row)
        self._folded = [fold(t)[:FUZZY_CHARS] for t in texts]

    def __len__(self) -> int:
        return len(self.ids)

    def query(self, text: str, k: int = 10, *, exclude: Hashable | None = None) -> list[Match]:
        """The ``k`` likeliest duplicates, best first, scored in [0, 1]."""
        row = self._rows.get(text)
        vector = self.matrix[row : row + 1] if row is not None else self.space.transform([text])
        scores = self.space.similarity(self.matrix, vector).ravel()
        head = _top(scores, max(k, RERANK_HEAD) + 1)
        folded = fold(text)[:FUZZY_CHARS]
        scored = [
            (i, (1 - self.fuzzy_weight) * scores[i]
             + self.fuzzy_weight * fuzz.token_set_ratio(folded, self._folded[i]) / 100)
            for i in head
            if exclude is None or self.ids[i] != exclude
        ]  # fmt: skip
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        return [Match(self.ids[i], round(float(score), 4)) for i, score in scored[:k]]


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` highest scores, best first, ties broken by position."""
    n = min(n, len(scores))
    candidates = np.argpartition(-scores, n - 1)[:n]
    return candidates[np.lexsort((candidates, -scores[candidates]))]
