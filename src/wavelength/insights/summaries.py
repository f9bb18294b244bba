"""Pre-aggregated figures, so the dashboard reads as much whatever the amount of feedback.

Two summaries: feedback received per day by source, sentiment and customer segment, for
everyone and among the items asking for a feature of each product, team, or both
(``FeedbackDaily``); and each arrival of a feature in general availability with its lead
time and the days it spent in each stage before (``LeadTime``). The revenue of the companies
asking for each feature is the feedback app's ``FeatureDemand``, kept with the links and
votes. The summaries are never edited in place: a change to an item, a link, a company, a
feature or a stage entry marks the days or features it touches as stale (``receivers.py``,
in the writer's transaction), and ``refresh`` recounts exactly those from the live rows. The
dashboard refreshes before it reads, so its figures always equal the lists they link to; a
job queued when the change commits usually did it already. ``rebuild`` recounts everything
(the ``insights_summaries`` command and a nightly job, for repair).
"""

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from wavelength.catalog.models import Stage, StageEntry
from wavelength.feedback.models import Feedback, FeedbackLink
from wavelength.feedback.services import demand

from .models import FeedbackDaily, LeadTime, StaleDay, StaleFeature

DIMENSIONS = {"source": "source", "sentiment": "sentiment", "segment": "company__segment"}
CHUNK = 500
logger = logging.getLogger(__name__)
REBUILD_DAYS = 31  # a full rebuild reads the items a month at a time


def local_day(value: dt.datetime) -> dt.date:
    """The day of the dashboard's periods (the site's time zone) an instant falls on."""
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min),
                               timezone.get_default_timezone())  # fmt: skip


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


# Marking what changed (called by receivers.py inside the writer's transaction) ---------------


def mark_days(days: Iterable[dt.date]) -> None:
    rows = [StaleDay(day=d) for d in set(days)]
    if rows:
        StaleDay.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CHUNK)
        _queue_refresh()


def mark_instants(instants: Iterable[dt.datetime]) -> None:
    mark_days(local_day(at) for at in instants if at)


def mark_features(ids: Iterable[int | None]) -> None:
    rows = [StaleFeature(feature_id=pk) for pk in set(ids) if pk is not None]
    if rows:
        StaleFeature.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CHUNK)
        _queue_refresh()


def mark_feedback(feedback_ids: Iterable[int]) -> None:
    """The days of these items and the features they ask for."""
    ids = list(feedback_ids)
    for chunk in _chunks(ids):
        mark_instants(Feedback.objects.filter(pk__in=chunk).values_list("received_at", flat=True))
        mark_features(
            FeedbackLink.objects.filter(feedback_id__in=chunk).values_list("feature_id", flat=True)
        )


def mark_company(company_id: int) -> None:
    """The days of a company's items: its segment is one of their dimensions."""
    mark_instants(Feedback.objects.filter(company_id=company_id).values_list("received_at",
                                                                            flat=True))  # fmt: skip


def _refresh_later() -> None:
    from .tasks import refresh_summaries

    try:
        refresh_summaries.delay()
    except Exception:  # the change is committed; the next read recounts what is stale
        logger.exception("Queueing the recount of the dashboard's summaries failed")


def _queue_refresh() -> None:
    transaction.on_commit(_refresh_later)


# Counting -------------------------------------------------------------------------------


def _windows(days: Iterable[dt.date]) -> Q:
    """The instants of ``days``, consecutive days joined into one range."""
    q, ordered = Q(pk__in=[]), sorted(set(days))
    start = prev = None
    for day in [*ordered, None]:
        if start is not None and (day is None or day != prev + dt.timedelta(days=1)):
            q |= Q(received_at__gte=_day_start(start),
                   received_at__lt=_day_start(prev + dt.timedelta(days=1)))  # fmt: skip
            start = None
        if day is not None and start is None:
            start = day
        prev = day
    return q


def _day_counts(window: Q) -> Counter:
    """``(day, product, team, dimension, value) -> items`` for the items in ``window``."""
    items = Feedback.objects.filter(window)
    links: dict[int, set[tuple[int, int]]] = {}
    for feedback_id, product_id, team_id in (
        FeedbackLink.objects.filter(feedback__in=items.values("pk"))
        .values_list("feedback_id", "feature__product_id", "feature__owner_team_id")
        .distinct()
        .iterator(chunk_size=5000)
    ):
        links.setdefault(feedback_id, set()).add((product_id, team_id or 0))
    counts: Counter = Counter()
    rows = items.values_list("pk", "received_at", *DIMENSIONS.values())
    for pk, received_at, *values in rows.iterator(chunk_size=5000):
        scopes = {(0, 0)}
        for product_id, team_id in links.get(pk, ()):
            scopes.add((product_id, 0))
            if team_id:
                scopes |= {(0, team_id), (product_id, team_id)}
        day = local_day(received_at)
        for dimension, value in zip(DIMENSIONS, values, strict=True):
            for product_id, team_id in scopes:
                counts[(day, product_id, team_id, dimension, value or "")] += 1
    return counts


def _recount_days(days: set[dt.date]) -> None:
    counts = _day_counts(_windows(days))
    for chunk in _chunks(sorted(days)):
        FeedbackDaily.objects.filter(day__in=chunk).delete()
    FeedbackDaily.objects.bulk_create(
        [FeedbackDaily(day=day, product_id=p, team_id=t, dimension=dim, value=value, count=n)
         for (day, p, t, dim, value), n in counts.items()],
        batch_size=CHUNK,
    )  # fmt: skip


def _lead_times(feature_ids: list[int] | None) -> list[LeadTime]:
    """A row for each time one of these features (every feature: ``None``) entered general
    availability: the days since its first request, when that came before, and the days it
    had spent in each stage by then (every stay that ended by then, added up per stage)."""
    reached = StageEntry.objects.filter(stage=Stage.GENERALLY_AVAILABLE)
    if feature_ids is not None:
        reached = reached.filter(feature_id__in=feature_ids)
    reached = reached.values("feature_id")
    first_asked = dict(
        FeedbackLink.objects.filter(feature_id__in=reached)
        .order_by()
        .values_list("feature_id")
        .annotate(first=Min("feedback__received_at"))
        .iterator(chunk_size=5000)
    )
    entries = (
        StageEntry.objects.filter(feature_id__in=reached)
        .order_by("feature_id", "entered_at", "pk")
        .values_list("feature_id", "stage", "entered_at")
    )
    moves: dict[int, list[tuple[str, dt.datetime]]] = {}
    for feature_id, stage, at in entries.iterator(chunk_size=5000):
        moves.setdefault(feature_id, []).append((stage, at))
    rows = []
    for feature_id, path in moves.items():
        previous_at = None
        for stage, reached_at in path:
            if stage != Stage.GENERALLY_AVAILABLE:
                continue
            days: dict[str, float] = {}
            for (was, at), (_next, left) in zip(path, path[1:], strict=False):
                if left <= reached_at and was in LeadTime.STAGES:
                    days[was] = days.get(was, 0) + (left - at).total_seconds() / 86400
            asked = first_asked.get(feature_id)
            lead = None
            if asked is not None and asked <= reached_at:
                lead = (reached_at - asked).total_seconds() / 86400
            rows.append(LeadTime(feature_id=feature_id, reached_at=reached_at,
                                 previous_at=previous_at, lead_days=lead,
                                 **{LeadTime.days_in(k): v for k, v in days.items()}))  # fmt: skip
            previous_at = reached_at
    return rows


def _recount_features(feature_ids: list[int] | None) -> None:
    if feature_ids is None:
        LeadTime.objects.all().delete()
    else:
        for chunk in _chunks(feature_ids):
            LeadTime.objects.filter(feature_id__in=chunk).delete()
    chunks = [None] if feature_ids is None else list(_chunks(feature_ids))
    for chunk in chunks:
        LeadTime.objects.bulk_create(_lead_times(chunk), batch_size=CHUNK)


# Refreshing -------------------------------------------------------------------------------


def refresh() -> None:
    """Recount the stale days and features (nothing when none is: two small reads)."""
    if not StaleDay.objects.exists() and not StaleFeature.objects.exists():
        return
    with transaction.atomic():
        days = set(StaleDay.objects.select_for_update().values_list("day", flat=True))
        features = set(StaleFeature.objects.select_for_update().values_list("feature_id",
                                                                            flat=True))  # fmt: skip
        if StaleDay.ALL in days:
            _rebuild_days()
        elif days:
            _recount_days(days)
        if StaleFeature.ALL in features:
            _recount_features(None)
        elif features:
            _recount_features(sorted(features))
        for chunk in _chunks(sorted(days)):
            StaleDay.objects.filter(day__in=chunk).delete()
        for chunk in _chunks(sorted(features)):
            StaleFeature.objects.filter(feature_id__in=chunk).delete()


def _rebuild_days() -> None:
    FeedbackDaily.objects.all().delete()
    bounds = Feedback.objects.order_by("received_at").values_list("received_at", flat=True)
    first, last = bounds.first(), bounds.last()
    if first is None:
        return
    day, end = local_day(first), local_day(last)
    while day <= end:
        stop = min(day + dt.timedelta(days=REBUILD_DAYS - 1), end)
        days = {day + dt.timedelta(days=i) for i in range((stop - day).days + 1)}
        FeedbackDaily.objects.bulk_create(
            [FeedbackDaily(day=d, product_id=p, team_id=t, dimension=dim, value=value, count=n)
             for (d, p, t, dim, value), n in _day_counts(_windows(days)).items()],
            batch_size=CHUNK,
        )  # fmt: skip
        day = stop + dt.timedelta(days=1)


@transaction.atomic
def rebuild() -> dict[str, int]:
    """Recount every summary from the live rows (a backfill, or a repair)."""
    StaleDay.objects.all().delete()
    StaleFeature.objects.all().delete()
    _rebuild_days()
    _recount_features(None)
    asked = demand.rebuild()
    return {"days": FeedbackDaily.objects.count(), "features": asked,
            "arrivals": LeadTime.objects.count()}  # fmt: skip
