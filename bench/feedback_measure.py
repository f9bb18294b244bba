"""Measurements of the voice-of-the-customer side: inbox, demand, ingest with triage."""

import statistics
import time
from collections.abc import Callable
from unittest import mock

from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature
from wavelength.feedback import selectors, services, triage
from wavelength.feedback.models import (
    Company,
    Contact,
    FeatureDemand,
    Feedback,
    FeedbackLink,
    Theme,
)
from wavelength.intelligence import TriageEngine
from wavelength.portal.models import PortalIdea, PortalVote

from .data import ADMIN_EMAIL
from .measure import Bench, BenchError, Check, Result, _in, _t, percentile, speed_target

INGEST_BATCH = 1_000
INGEST_TARGET = 1_000  # items per second, on SQLite, on two cores


def _rolled_back(fn: Callable[[], object], clock: Callable[[], float] = time.perf_counter) -> float:
    """Run ``fn`` in a transaction that is rolled back; returns the seconds it took."""
    with transaction.atomic():
        started = clock()
        fn()
        elapsed = clock() - started
        transaction.set_rollback(True)
    return elapsed


class FeedbackBench:
    def __init__(self, bench: Bench):
        self.bench = bench
        bench.tables.update(
            feedback=_t(Feedback), contact=_t(Contact), company=_t(Company), theme=_t(Theme),
            link=_t(FeedbackLink), feedback_tags=_t(Feedback, "tags"), idea=_t(PortalIdea),
            vote=_t(PortalVote), demand=_t(FeatureDemand),
        )  # fmt: skip
        self.admin = User.objects.get(email=ADMIN_EMAIL)

    # (d) the triage inbox, filtered -------------------------------------------------------

    def inbox(self) -> tuple[Result, Check]:
        b = self.bench
        total = Feedback.objects.filter(status="new", type="bug").count()

        def url(page: int = 1) -> str:
            return reverse("feedback:feedback-list") + f"?status=new&type=bug&page={page}"

        def expect(response):
            if response.content.decode().count("data-fb-row") != min(50, total):
                raise BenchError(f"GET {url()} does not show {min(50, total)} items.")

        def bare():
            b.sql("SELECT COUNT(*) FROM {feedback} WHERE status = %s AND type = %s", ["new", "bug"])
            rows = b.sql(
                "SELECT f.*, c.*, k.*, t.* FROM {feedback} f "
                "LEFT JOIN {contact} c ON c.id = f.contact_id "
                "LEFT JOIN {company} k ON k.id = f.company_id "
                "LEFT JOIN {theme} t ON t.id = f.theme_id "
                "WHERE f.status = %s AND f.type = %s "
                "ORDER BY f.received_at DESC, f.id DESC LIMIT 50",
                ["new", "bug"],
            )
            ids = [row[0] for row in rows]
            b.sql(
                "SELECT l.*, x.id, x.title FROM {link} l JOIN {feature} x ON x.id = l.feature_id "
                f"WHERE l.feedback_id IN ({_in(ids)})",
                ids,
            )
            b.sql(f"SELECT * FROM {{feedback_tags}} WHERE feedback_id IN ({_in(ids)})", ids)
            return rows

        label = f"GET /feedback/?status=new&type=bug ({total:,} match)"
        result = b.measure("page.inbox", label, url(), expect, bare)
        check = Check(
            "triage inbox", {"page 1": result.queries, "page 3": b.queries(url(3))}, tolerance=0
        )
        return result, check

    # (d2) the prioritisation table -------------------------------------------------------

    def prioritisation(self) -> tuple[Result, Check]:
        from wavelength.prioritisation import selectors as scoring

        b = self.bench
        qs = scoring.prioritisation_list(user=self.admin, filters=scoring.PrioritisationFilter())
        count_sql, count_params = qs.order_by().values("pk").query.sql_with_params()
        page_sql, page_params = qs[:50].query.sql_with_params()

        def url(page: int = 1) -> str:
            return reverse("prioritisation:prioritisation") + f"?page={page}"

        def expect(response):
            if response.status_code != 200 or b"<table" not in response.content:
                raise BenchError(f"GET {url()} does not show the table.")

        def bare():
            # The very statements the ORM sends for the rows shown (and their count).
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({count_sql}) x", count_params)
                cursor.fetchall()
                cursor.execute(page_sql, page_params)
                return cursor.fetchall()

        label = f"GET /prioritisation/ (RICE order, {qs.count():,} features)"
        result = b.measure("page.priorities", label, url(), expect, bare)
        check = Check(
            "prioritisation", {"page 1": result.queries, "page 3": b.queries(url(3))}, tolerance=0
        )
        return result, check

    # (e) demand of the 100 most asked-for features ----------------------------------------

    def demand(self) -> Result:
        top = list(Feature.objects.annotate(n=Count("feedback_links")).order_by("-n", "id")[:100])
        votes = PortalVote.objects.counted().filter(idea__feature__in=top).count()

        def full():
            selectors.demand_for_features(user=self.admin, feature_ids=[f.pk for f in top])

        def bare():
            # The figures kept per feature, read by their key.
            ids = [f.pk for f in top]
            self.bench.sql(
                "SELECT feature_id, items, support_items, votes, companies, revenue "
                f"FROM {{demand}} WHERE feature_id IN ({_in(ids)})",
                ids,
            )

        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            full()
        runs = max(3, self.bench.runs // 5)
        timed = [_ms(full) for _ in range(runs)]
        bare_timed = [_ms(bare) for _ in range(runs)]
        asked = top[0].n if top else 0
        label = f"demand_for_features, top 100 (busiest: {asked:,} items; {votes:,} votes)"
        return Result("demand.top100", label, timed, bare_timed, len(ctx.captured_queries))

    # (f) bulk ingest with triage, beside the bare insert ----------------------------------

    def ingest(self, batches: int = 3) -> list[str]:
        texts = [f"Batch item {n}: the export page crashes with an error" for n in range(1000)]
        items = [
            {"text": t, "source": "api", "contact_email": f"ingest{n % 200}@company1.example"}
            for n, t in enumerate(texts)
        ]
        triage._cache.clear()
        full = [_rolled_back(lambda: services.feedback_bulk_create(actor=self.admin, items=items))
                for _ in range(batches)]  # fmt: skip
        bare = [
            _rolled_back(
                lambda: Feedback.objects.bulk_create(
                    [Feedback(text=t, source="api") for t in texts], batch_size=1000
                )
            )
            for _ in range(batches)
        ]
        rate = INGEST_BATCH / statistics.median(full)
        bare_rate = INGEST_BATCH / statistics.median(bare)
        engine = triage.engine()
        per_item = [_ms(lambda t=t: engine.triage(t)) for t in texts[:300]]
        verdict = speed_target(
            "ingest.bulk",
            met=rate >= INGEST_TARGET,
            detail=f"{rate:,.0f} items/s, below the target of {INGEST_TARGET:,}/s",
        )
        engine_rate, rules_rate = self._ingest_cpu(engine)
        return [
            f"{'ingest.bulk':<13} {'POST-equivalent feedback_bulk_create, 1,000 items':<44} "
            f"rate={rate:,.0f} items/s  bare insert={bare_rate:,.0f} items/s  "
            f"ratio={bare_rate / rate:.1f}  ({verdict})",
            f"{'triage.item':<13} {'engine.triage(text), one item, one core':<44} "
            f"p50={statistics.median(per_item):.3f}ms p95={percentile(per_item, 95):.3f}ms  "
            f"({_engine_name(engine)})",
            f"{'ingest.cpu':<13} {'the same, 1,000 new texts each time, CPU time':<44} "
            f"engine in use={engine_rate:,.0f} items/CPU-s  rules only={rules_rate:,.0f} "
            f"items/CPU-s  (best of 5, alternating)",
        ]

    def _ingest_cpu(self, engine: TriageEngine, rounds: int = 5) -> tuple[float, float]:
        """Items per CPU second of the bulk ingest with ``engine`` and with the rules alone,
        measured alternately; the best round of each, the one other jobs disturbed least.
        Every batch has new texts: nothing is remembered from an earlier one."""
        spent: dict[str, list[float]] = {"engine": [], "rules": []}
        for n in range(rounds):
            for name, used in (("engine", engine), ("rules", TriageEngine())):
                items = [
                    {"text": f"Round {n} {name} item {i}: the export page crashes with an error",
                     "source": "api", "contact_email": f"ingest{i % 200}@company1.example"}
                    for i in range(INGEST_BATCH)
                ]  # fmt: skip
                with mock.patch.object(triage, "engine", lambda used=used: used):
                    create = lambda items=items: services.feedback_bulk_create(  # noqa: E731
                        actor=self.admin, items=items
                    )
                    spent[name].append(_rolled_back(create, clock=time.process_time))
        return INGEST_BATCH / min(spent["engine"]), INGEST_BATCH / min(spent["rules"])


def _engine_name(engine: TriageEngine) -> str:
    if engine.trained:
        return "trained engine"
    return "shipped model" if engine.type_model or engine.sentiment_model else "rules"


def _ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000
