"""Triage intelligence wired to the workspace: predictions, retraining, suggestions.

The engine itself (``wavelength.intelligence``) knows nothing of Django. This module feeds it
the workspace's decisions, keeps the newest trained engine in ``TriageModel`` and caches, per
process, what is costly to build (the engine, the feature suggester, the duplicate index),
keyed by a cheap fingerprint of the data so a change is picked up on the next request.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Subquery
from django.db.models.functions import Coalesce

from wavelength import intelligence  # its models load on first use (intelligence/__init__.py)
from wavelength.catalog.models import Feature, Stage
from wavelength.core import background, clock, jobs

from .models import Feedback, FeedbackLink, FeedbackType, TextVector, TriageModel

LINKED_TEXTS_PER_FEATURE = 20
DUPLICATE_WINDOW = 5_000  # the most recent items a new one is compared with
VECTORS_KEPT = 4 * DUPLICATE_WINDOW  # stored embeddings (1.5 kB each)
RETRAIN_AFTER = dt.timedelta(minutes=10)  # a correction retrains at most this often

_cache: dict[str, tuple[object, object]] = {}
_lock = threading.Lock()


def _cached(key: str, fingerprint, build):
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == fingerprint:
            return hit[1]
    value = build()
    with _lock:
        _cache[key] = (fingerprint, value)
    return value


# The engine -------------------------------------------------------------------------------


def engine() -> intelligence.TriageEngine:
    """The newest trained engine, or the untrained default (rules in English and French)."""
    latest = TriageModel.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
    pk = latest.first()
    return _cached("engine", pk, lambda: _load(pk))


def _load(pk) -> intelligence.TriageEngine:
    if pk is None:
        return intelligence.TriageEngine.shipped()
    try:
        return intelligence.TriageEngine.loads(bytes(TriageModel.objects.get(pk=pk).data))
    except intelligence.IncompatibleEngineError:
        # Written by another version: the shipped engine until the next retraining.
        return intelligence.TriageEngine.shipped()


def predict(texts: list[str]) -> list[intelligence.TriageResult]:
    return engine().triage_many(texts)


@dataclass(frozen=True)
class Why:
    """Why the engine in use gives an item its labels, with the labels' display names."""

    type: intelligence.Reason
    sentiment: intelligence.Reason

    @property
    def type_display(self) -> str:
        return FeedbackType(self.type.label).label


def explain(item: Feedback) -> Why | None:
    """Why the engine in use gives ``item`` its suggested labels (None once a person set the
    type: then the reason is that person)."""
    if item.type_confidence is None or not item.text:
        return None
    explanation = engine().explain(item.text)
    return Why(explanation.type, explanation.sentiment)


def fill_predictions(items: list[dict]) -> None:
    """Fill language, type and sentiment the sender left blank; note the type's confidence."""
    todo = [i for i in items if not (i["language"] and i["type"] and i["sentiment"])]
    for item, result in zip(todo, predict([i["text"] for i in todo]), strict=True):
        item["language"] = item["language"] or result.language.replace("und", "")
        item["sentiment"] = item["sentiment"] or result.sentiment
        if not item["type"]:
            item["type"], item["type_confidence"] = result.type, round(result.type_confidence, 3)


def retrain() -> TriageModel:
    """Learn from every type and sentiment a person set and make the result the engine in use;
    per label, the new model only replaces the rules or the model in use when it scores better
    on the decisions neither learnt from (``intelligence.TriageEngine.fit``)."""
    rows = Feedback.objects.filter(type_confidence__isnull=True).exclude(type="")
    examples = [
        intelligence.Example(text, type or None, sentiment or None)
        for text, type, sentiment in rows.values_list("text", "type", "sentiment").iterator()
    ]
    trained = intelligence.TriageEngine().fit(examples, current=engine())
    return TriageModel.objects.create(
        data=trained.dumps(), examples=len(examples), trained=trained.trained
    )


def retrain_due() -> bool:
    last = TriageModel.objects.aggregate(at=Max("created_at"))["at"]
    return last is None or clock.now() - last >= RETRAIN_AFTER


def queue_retrain() -> None:
    """After a person's correction: retrain once the transaction commits, at most every
    ``RETRAIN_AFTER`` (in-process without a broker, on a worker with one)."""
    if retrain_due():
        transaction.on_commit(
            lambda: jobs.queue("wavelength.feedback.retrain_triage", only_if_due=True)
        )


# Suggestions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggested:
    feature: Feature
    score: float


@dataclass(frozen=True)
class LikelyDuplicate:
    feedback: Feedback
    score: float


def _suggester() -> intelligence.FeatureSuggester | None:
    features = Feature.objects.exclude(stage=Stage.RETIRED)
    links = FeedbackLink.objects.all()
    fingerprint = (
        features.aggregate(n=Count("id"), at=Max("updated_at")).values(),
        links.aggregate(n=Count("id"), last=Max("id")).values(),
    )
    fingerprint = tuple(tuple(v) for v in fingerprint)
    return _cached("suggester", fingerprint, lambda: _build_suggester(features))


def _build_suggester(features) -> intelligence.FeatureSuggester | None:
    linked: dict[int, list[str]] = {}
    for feature_id, text in (
        FeedbackLink.objects.order_by("-id").values_list("feature_id", "feedback__text").iterator()
    ):
        texts = linked.setdefault(feature_id, [])
        if len(texts) < LINKED_TEXTS_PER_FEATURE:
            texts.append(text)
    docs = [
        intelligence.FeatureDoc(pk, title, description, tuple(linked.get(pk, ())))
        for pk, title, description in features.values_list("pk", "title", "description")
    ]
    return intelligence.FeatureSuggester(docs) if docs else None


def suggested_features(item: Feedback, k: int = 5) -> list[Suggested]:
    """Features this item may belong to, best first, leaving out those it is linked to."""
    suggester = _suggester()
    if suggester is None:
        return []
    linked = set(item.links.values_list("feature_id", flat=True))
    found = [s for s in suggester.suggest(item.text, k + len(linked)) if s.id not in linked]
    found = [s for s in found if s.score > 0][:k]
    features = Feature.objects.select_related("product").in_bulk([s.id for s in found])
    return [Suggested(features[s.id], s.score) for s in found if s.id in features]


def _duplicate_index() -> intelligence.DuplicateIndex | None:
    last = Feedback.objects.aggregate(n=Count("id"), last=Max("id"))
    # Rebuilt every 50 new items: the newest few are only compared once it is.
    fingerprint = (last["n"] // 50, (last["last"] or 0) // 50)
    return _cached("duplicates", fingerprint, _build_duplicate_index)


def _build_duplicate_index() -> intelligence.DuplicateIndex | None:
    rows = list(Feedback.objects.order_by("-id").values_list("pk", "text")[:DUPLICATE_WINDOW])
    if len(rows) < 2:
        return None
    return intelligence.DuplicateIndex([pk for pk, _ in rows], [text for _, text in rows])


# Stored vectors ---------------------------------------------------------------------------


class DatabaseVectorStore:
    """``intelligence.VectorStore`` on the ``TextVector`` table: every process reads the vectors
    the background job made, so no request encodes the inbox's recent items again."""

    CHUNK = 500  # digests per query

    def load(self, model: str, digests: list[str]) -> dict:
        import numpy as np  # loaded with the engine, not when Django starts

        found = {}
        for start in range(0, len(digests), self.CHUNK):
            rows = TextVector.objects.filter(
                model=model, digest__in=digests[start : start + self.CHUNK]
            ).values_list("digest", "vector")
            found.update((key, np.frombuffer(bytes(blob), dtype="<f4")) for key, blob in rows)
        return found

    def save(self, model: str, vectors: dict) -> None:
        import numpy as np

        now = clock.now()
        TextVector.objects.bulk_create(
            [
                TextVector(
                    model=model, digest=key, vector=np.asarray(v, "<f4").tobytes(), created_at=now
                )
                for key, v in vectors.items()
            ],
            batch_size=self.CHUNK,
            ignore_conflicts=True,
        )


def queue_embedding(ids: list[int]) -> None:
    """Once the transaction commits, have the background job make the vectors of these new
    items (the newest ``DUPLICATE_WINDOW`` of them: older ones leave the index anyway)."""
    if ids and intelligence.embeddings_wanted():
        newest = sorted(ids)[-DUPLICATE_WINDOW:]
        job = "wavelength.feedback.embed_feedback"
        transaction.on_commit(lambda: background.later(job, newest))


def embed_feedback(ids: list[int] | None = None) -> int:
    """Store the vectors of the items ``ids`` (None: the recent items the inbox compares and
    groups) and of the features' descriptions that the store lacks; how many were made.
    Nothing when the process runs the default engine. Vectors of another model are removed:
    they can never be read again."""
    from wavelength.intelligence.suggestions import document

    engine = intelligence.text_engine()
    if not isinstance(engine, intelligence.EmbeddingEngine):
        return 0
    items = Feedback.objects.order_by("-id")
    if ids is not None:
        # Items newer ones have pushed out of the window are not compared any more: a job
        # that waited behind busy ingest skips them.
        window = items.values_list("id", flat=True)[DUPLICATE_WINDOW - 1 : DUPLICATE_WINDOW]
        items = items.filter(pk__in=ids, pk__gte=Coalesce(Subquery(window), 0))
    texts = list(items.values_list("text", flat=True)[:DUPLICATE_WINDOW])
    features = Feature.objects.exclude(stage=Stage.RETIRED)
    last = TextVector.objects.filter(model=engine.model).aggregate(at=Max("created_at"))["at"]
    if ids is not None and last is not None:  # after new items: only features edited since
        features = features.filter(updated_at__gte=last)
    rows = features.values_list("title", "description")
    texts += [document(title, description) for title, description in rows]
    made = engine.store(texts)
    TextVector.objects.exclude(model=engine.model).delete()
    # The newest vectors are the recent items': beyond a few windows, the oldest go.
    newest = TextVector.objects.order_by("-id").values_list("id", flat=True)
    TextVector.objects.filter(id__lte=newest[VECTORS_KEPT : VECTORS_KEPT + 1]).delete()
    return made


def likely_duplicates(item: Feedback, k: int = 5, threshold: float = 0.35) -> list[LikelyDuplicate]:
    """Recent items that say nearly the same thing, best first."""
    index = _duplicate_index()
    if index is None:
        return []
    matches = [m for m in index.query(item.text, k, exclude=item.pk) if m.score >= threshold]
    found = Feedback.objects.select_related("company", "contact").in_bulk([m.id for m in matches])
    return [LikelyDuplicate(found[m.id], m.score) for m in matches if m.id in found]
