"""Each feature's demand figures (``FeatureDemand``), kept up to date in the writer's
transaction.

``recount`` counts the figures of some features again from the live rows and stores them.
The receivers (``receivers.py``) call it for the features that a saved or deleted row
touches, whichever door wrote it; the services that write in bulk (a feedback merge's copied
links, a company merge's moved rows) call it themselves. A recount first locks its features'
rows, so two writers to one feature count one after the other and the second sees the
first's write. ``rebuild`` counts everything again (a backfill, or a repair).
"""

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Q, Value

from wavelength.catalog.models import Feature

from ..models import FeatureDemand, FeedbackLink, Source
from ..votes import votes as registered_votes

CHUNK = 500
_deferred = threading.local()  # ``ids``: the features a ``deferred()`` block will recount


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _counts(feature_ids: list[int]) -> Iterable[tuple[int, int, int, str]]:
    """``(feature, n, support, kind)``: the items (and those from support) linked to each
    feature, and its counted votes, in one statement."""
    v = registered_votes()
    items = (
        FeedbackLink.objects.filter(feature_id__in=feature_ids)
        .order_by()
        .values("feature_id")
        .annotate(
            n=Count("feedback_id", distinct=True),
            s=Count("feedback_id", distinct=True, filter=Q(feedback__source=Source.SUPPORT)),
            kind=Value("items"),
        )
        .values_list("feature_id", "n", "s", "kind")
    )
    voted = (
        v.counted()
        .filter(**{f"{v.feature}_id__in": feature_ids})
        .order_by()
        .values(f"{v.feature}_id")
        .annotate(n=Count("pk"), s=Value(0, output_field=IntegerField()), kind=Value("votes"))
        .values_list(f"{v.feature}_id", "n", "s", "kind")
    )
    return items.union(voted, all=True)


def _companies(feature_ids: list[int]) -> list[tuple[int, object, int]]:
    """``(feature, revenue, companies)``: each company asking counted once per feature,
    whether it wrote, voted or both (a ``UNION`` of the pairs found both ways)."""
    v = registered_votes()
    wrote = (
        FeedbackLink.objects.filter(feature_id__in=feature_ids)
        .exclude(feedback__company=None)
        .order_by()
        .annotate(f_id=F("feature_id"), c_id=F("feedback__company_id"),
                  c_arr=F("feedback__company__arr"))
        .values_list("f_id", "c_id", "c_arr")
    )  # fmt: skip
    voted = (
        v.counted()
        .filter(**{f"{v.feature}_id__in": feature_ids})
        .exclude(**{v.company: None})
        .order_by()
        .annotate(f_id=F(f"{v.feature}_id"), c_id=F(f"{v.company}_id"),
                  c_arr=F(f"{v.company}__arr"))
        .values_list("f_id", "c_id", "c_arr")
    )  # fmt: skip
    sql, params = wrote.union(voted).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f_id, SUM(c_arr), COUNT(*) FROM ({sql}) pairs "  # noqa: S608 - Django's SQL
            "GROUP BY f_id",
            params,
        )
        return cursor.fetchall()


def live(feature_ids: Iterable[int]) -> dict[int, FeatureDemand]:
    """The figures of these features counted from the live rows, as unsaved rows (zeros for a
    feature nobody asks for): two statements per 500 features."""
    ids = sorted(set(feature_ids))
    figures = {pk: FeatureDemand(feature_id=pk) for pk in ids}
    for chunk in _chunks(ids):
        for feature_id, n, support, kind in _counts(chunk):
            row = figures[feature_id]
            if kind == "items":
                row.items, row.support_items = n, support
            else:
                row.votes = n
        for feature_id, revenue, companies in _companies(chunk):
            row = figures[feature_id]
            row.revenue, row.companies = revenue or 0, companies
    return figures


def recount(feature_ids: Iterable[int | None]) -> None:
    """Count these features' figures again and store them, in the caller's transaction (at
    the end of the enclosing ``deferred()`` block, when there is one)."""
    ids = sorted({pk for pk in feature_ids if pk is not None})
    pending = getattr(_deferred, "ids", None)
    if pending is not None:
        pending.update(ids)
        return
    if not ids:
        return
    with transaction.atomic():
        for chunk in _chunks(ids):
            # Locked in one order, so that writers to the same features queue, not deadlock.
            present = Feature.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
            rows = live(present.values_list("pk", flat=True)).values()
            FeatureDemand.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["feature"],
                update_fields=FeatureDemand.FIGURES,
            )


@contextmanager
def deferred():
    """Recount once, when the block ends, every feature the writes inside it touch, instead of
    after each write: for services that write many rows one by one (a bulk link, the demo).
    The block runs inside the transaction of those writes, so the recount joins it."""
    if not connection.in_atomic_block:
        raise RuntimeError("demand.deferred() must run inside the writes' transaction")
    if getattr(_deferred, "ids", None) is not None:  # nested: the outer block recounts
        yield
        return
    _deferred.ids = set()
    try:
        yield
    finally:
        ids, _deferred.ids = _deferred.ids, None
        if not connection.needs_rollback:
            recount(ids)


def asked_by(company_ids: Iterable[int]) -> set[int]:
    """The features these companies ask for, in feedback or by a counted vote."""
    ids = list(company_ids)
    v = registered_votes()
    wrote = FeedbackLink.objects.filter(feedback__company_id__in=ids).values_list(
        "feature_id", flat=True
    )
    voted = v.counted().filter(**{f"{v.company}_id__in": ids}).values_list(v.feature, flat=True)
    return set(wrote.distinct()) | set(voted.distinct())


@transaction.atomic
def rebuild() -> int:
    """Count every feature's figures again from the live rows; how many features have
    demand."""
    FeatureDemand.objects.all().delete()
    v = registered_votes()
    asked = set(FeedbackLink.objects.values_list("feature_id", flat=True).distinct())
    asked |= set(v.counted().values_list(v.feature, flat=True).distinct())
    for chunk in _chunks(sorted(asked - {None})):
        FeatureDemand.objects.bulk_create(live(chunk).values(), batch_size=CHUNK)
    return len(asked - {None})
