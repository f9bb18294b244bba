"""Where embedding engines keep vectors between processes.

A sentence embedding costs milliseconds of CPU per text; a vector store keeps it once made, by
the model that made it and the SHA-256 of the text. The application sets one
(``set_vector_store``: the workspace's database); an engine without one encodes every text
it has not seen lately. This module imports nothing heavy, so that setting the store at start
does not load the engines.
"""

import hashlib
from typing import Protocol


class VectorStore(Protocol):
    """Vectors kept between processes, by model and by the SHA-256 of the text."""

    def load(self, model: str, digests: list[str]) -> dict:
        """``{digest: vector}`` for the digests it has (numpy float32 rows)."""
        ...

    def save(self, model: str, vectors: dict) -> None:
        """Keep ``{digest: vector}``; a digest already kept stays as it is."""
        ...


_store: VectorStore | None = None


def set_vector_store(store: VectorStore | None) -> None:
    """Where embedding engines of this process keep and find vectors (None: nowhere)."""
    global _store
    _store = store


def vector_store() -> VectorStore | None:
    return _store


def digest(text: str) -> str:
    """The key of a text's vector in a store."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
