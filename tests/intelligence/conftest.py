"""The engine on its own: no vector store (the application's is the database)."""

import pytest

from wavelength.intelligence import vectors


@pytest.fixture(autouse=True)
def _no_vector_store():
    kept = vectors.vector_store()
    vectors.set_vector_store(None)
    yield
    vectors.set_vector_store(kept)
