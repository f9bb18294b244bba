"""Each measurement: a request through the whole stack, and the bare SQL for the same rows.

A request goes through Django's test ``Client`` (URL routing, middleware, session, the view or
API endpoint, serialisation or template rendering) as a signed-in admin; it has no network or
gunicorn cost. The bare SQL is the handful of hand-written SELECTs that fetch the same rows.
``ratio`` = p50 of the request / p50 of the SQL: what the framework and our code add on top of
the database work that cannot be avoided.
"""

import html
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wavelength.accounts.models import Team, User
from wavelength.catalog.models import Area, Feature, Product, Release, Stage, StageEntry, Tag
from wavelength.core.models import Activity

from .data import ADMIN_EMAIL


class BenchError(Exception):
    """A measurement that would be meaningless (an error page, missing rows)."""


# Speed targets missed in this run. Timings are noisy on a shared machine, so a missed target is
# reported (a MISSED line and the summary at the end) but never decides the exit status: only
# correctness does (wrong answers, queries that grow with the rows).
MISSED: list[str] = []


def speed_target(key: str, *, met: bool, detail: str) -> str:
    """Record a speed target's outcome; returns the verdict to print beside the figures."""
    if met:
        return "OK"
    MISSED.append(f"{key}: {detail}")
    return f"MISSED: {detail}"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Result:
    key: str
    label: str
    request_ms: list[float]
    sql_ms: list[float]
    queries: int

    @property
    def ratio(self) -> float:
        return statistics.median(self.request_ms) / statistics.median(self.sql_ms)

    def line(self) -> str:
        req, sql = self.request_ms, self.sql_ms
        return (
            f"{self.key:<13} {self.label:<44} "
            f"request p50={statistics.median(req):.2f}ms p95={percentile(req, 95):.2f}ms  "
            f"sql p50={statistics.median(sql):.2f}ms p95={percentile(sql, 95):.2f}ms  "
            f"queries={self.queries}  ratio={self.ratio:.1f}"
        )


@dataclass
class Check:
    """Queries per request must not grow with the rows shown.

    A list page of 10 and of 50 rows runs exactly the same queries. Pages about different
    objects may differ by a lookup or two that only runs when the data calls for it (say, the
    releases named in a history); a query per row would add tens or hundreds.
    """

    label: str
    counts: dict[str, int]
    tolerance: int = 0

    @property
    def spread(self) -> int:
        return max(self.counts.values()) - min(self.counts.values())

    @property
    def ok(self) -> bool:
        return self.spread <= self.tolerance

    def line(self) -> str:
        detail = ", ".join(f"{k}: {v}" for k, v in self.counts.items())
        if self.spread == 0:
            verdict = "same: OK"
        elif self.ok:
            verdict = f"within {self.tolerance} (lookups that depend on the data): OK"
        else:
            verdict = "GROWS WITH THE ROWS (a query per row?): FAILED"
        return f"{'check':<13} queries per request, {self.label}: {detail} -> {verdict}"


def _t(model, field: str | None = None) -> str:
    """A quoted table (or column) name, so the SQL below follows the models."""
    meta = model._meta
    name = meta.db_table if field is None else meta.get_field(field).m2m_db_table()
    return connection.ops.quote_name(name)


def _in(ids) -> str:
    return ", ".join(["%s"] * len(ids)) or "NULL"


FEATURE_ROW = (
    "SELECT f.*, p.name, p.slug, a.name, t.name, t.slug, u.name, u.email "
    "FROM {feature} f JOIN {product} p ON p.id = f.product_id "
    "LEFT JOIN {area} a ON a.id = f.area_id LEFT JOIN {team} t ON t.id = f.owner_team_id "
    "LEFT JOIN {user} u ON u.id = f.owner_id "
)


class Bench:
    def __init__(self, *, runs: int, warmup: int):
        self.runs, self.warmup = runs, warmup
        self.client = Client()
        self.client.force_login(User.objects.get(email=ADMIN_EMAIL))
        self.tables = {
            "feature": _t(Feature), "product": _t(Product), "area": _t(Area), "team": _t(Team),
            "user": _t(User), "tag": _t(Tag), "feature_tags": _t(Feature, "tags"),
            "stageentry": _t(StageEntry), "activity": _t(Activity), "release": _t(Release),
            "release_features": _t(Release, "features"),
        }  # fmt: skip
        self.feature_row = FEATURE_ROW.format(**self.tables)

    # Plumbing -----------------------------------------------------------------------------

    def get(self, url: str, expect: Callable | None = None):
        response = self.client.get(url)
        if response.status_code != 200:
            raise BenchError(
                f"GET {url} answered {response.status_code}, not 200: the endpoint or page "
                "is missing or broken, so there is nothing meaningful to measure."
            )
        if expect is not None:
            expect(response)
        return response

    def timed(self, fn: Callable[[], object]) -> list[float]:
        for _ in range(self.warmup):
            fn()
        samples = []
        for _ in range(self.runs):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    def paired(self, fn: Callable[[], object], bare: Callable[[], object]):
        """``fn`` and its bare SQL timed in turn, run after run, so that whatever else the
        machine does at a given moment weighs on both sides of the ratio alike; returns the
        two lists of milliseconds."""
        for _ in range(self.warmup):
            fn()
            bare()
        full, sql = [], []
        for _ in range(self.runs):
            for side, call in ((full, fn), (sql, bare)):
                started = time.perf_counter()
                call()
                side.append((time.perf_counter() - started) * 1000)
        return full, sql

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            self.get(url)
        return len(ctx.captured_queries)

    def sql(self, statement: str, params) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(statement.format(**self.tables), list(params))
            return cursor.fetchall()

    def measure(self, key: str, label: str, url: str, expect, bare: Callable) -> Result:
        self.get(url, expect)  # fail before timing anything
        return Result(key, label, *self.paired(lambda: self.get(url), bare), self.queries(url))

    # (a) the filtered feature list API ----------------------------------------------------

    def feature_list_api(self, limit: int = 50) -> tuple[Result, Check]:
        stage = Stage.BETA
        total = Feature.objects.filter(stage=stage).count()

        def url(n):
            return f"/api/v1/features?stage={stage}&limit={n}"

        def expect(response):
            body = response.json()
            if body.get("count") != total or len(body.get("items", [])) != min(limit, total):
                raise BenchError(f"GET {url(limit)}: expected {total} beta features in all, "
                                 f"{min(limit, total)} in the page; got {body.get('count')} "
                                 f"and {len(body.get('items', []))}.")  # fmt: skip

        def bare():
            self.sql("SELECT COUNT(*) FROM {feature} WHERE stage = %s", [stage])
            rows = self.sql(
                self.feature_row + "WHERE f.stage = %s ORDER BY f.updated_at DESC, f.id DESC "
                "LIMIT %s",
                [stage, limit],
            )
            ids = [row[0] for row in rows]
            self.sql(
                "SELECT ft.feature_id, g.id, g.name FROM {feature_tags} ft "
                f"JOIN {{tag}} g ON g.id = ft.tag_id WHERE ft.feature_id IN ({_in(ids)})",
                ids,
            )
            return rows

        if len(bare()) != min(limit, total):
            raise BenchError("The bare SQL for the feature list returned the wrong rows.")
        result = self.measure("api.features", f"GET {url(limit)}", url(limit), expect, bare)
        check = Check(
            "feature list API", {"limit=10": self.queries(url(10)), "limit=50": result.queries}
        )
        return result, check

    # (b) the feature page -----------------------------------------------------------------

    def feature_page(self) -> tuple[Result, Check]:
        feature_type = ContentType.objects.get_for_model(Feature).pk
        busy = list(
            self.sql(
                "SELECT target_id, COUNT(*) FROM {activity} WHERE target_type_id = %s "
                "GROUP BY target_id ORDER BY COUNT(*), target_id",
                [feature_type],
            )
        )
        if not busy:
            raise BenchError("No feature has any activity: the data set is empty.")
        quiet_id, quiet_n = busy[0]
        typical_id, typical_n = busy[len(busy) // 2]
        busiest_id, busiest_n = busy[-1]
        feature = Feature.objects.get(pk=typical_id)

        def url(pk):
            return reverse("catalog:feature-detail", args=[pk])

        def expect(response):
            if html.escape(feature.title) not in response.content.decode():
                raise BenchError(f"GET {url(feature.pk)} does not show the feature's title.")

        def bare():
            row = self.sql(self.feature_row + "WHERE f.id = %s", [feature.pk])
            self.sql(
                "SELECT g.id, g.name FROM {feature_tags} ft JOIN {tag} g ON g.id = ft.tag_id "
                "WHERE ft.feature_id = %s",
                [feature.pk],
            )
            self.sql(
                "SELECT * FROM {stageentry} WHERE feature_id = %s ORDER BY entered_at", [feature.pk]
            )
            self.sql(
                "SELECT r.id, r.version, r.status FROM {release} r "
                "JOIN {release_features} rf ON rf.release_id = r.id WHERE rf.feature_id = %s",
                [feature.pk],
            )
            history = self.sql(
                "SELECT a.*, u.name, u.email FROM {activity} a "
                "LEFT JOIN {user} u ON u.id = a.actor_id "
                "WHERE a.target_type_id = %s AND a.target_id = %s "
                "ORDER BY a.created_at DESC, a.id DESC",
                [feature_type, feature.pk],
            )
            return row, history

        if len(bare()[1]) != typical_n:
            raise BenchError("The bare SQL for the feature page returned the wrong history.")
        label = f"GET /features/<id>/ ({typical_n} activities)"
        result = self.measure("page.feature", label, url(feature.pk), expect, bare)
        check = Check(
            "feature page",
            {f"{quiet_n} activities": self.queries(url(quiet_id)),
             f"{typical_n} activities": result.queries,
             f"{busiest_n} activities": self.queries(url(busiest_id))},
            tolerance=2,
        )  # fmt: skip
        return result, check

    # (c) the product board ----------------------------------------------------------------

    def product_board(self) -> tuple[Result, Check]:
        products = list(Product.objects.annotate(n=Count("features")).order_by("n", "id"))
        smallest, typical, largest = products[0], products[len(products) // 2], products[-1]

        def url(product):
            return reverse("catalog:product-detail", args=[product.slug])

        def expect(response):
            if html.escape(typical.name) not in response.content.decode():
                raise BenchError(f"GET {url(typical)} does not show the product's name.")

        def bare():
            product = self.sql("SELECT * FROM {product} WHERE slug = %s", [typical.slug])
            rows = self.sql(
                self.feature_row + "WHERE f.product_id = %s "
                "ORDER BY f.stage_entered_at DESC, f.id DESC",
                [product[0][0]],
            )
            ids = [row[0] for row in rows]
            self.sql(
                "SELECT ft.feature_id, g.id, g.name FROM {feature_tags} ft "
                f"JOIN {{tag}} g ON g.id = ft.tag_id WHERE ft.feature_id IN ({_in(ids)})",
                ids,
            )
            return rows

        if len(bare()) != typical.n:
            raise BenchError("The bare SQL for the board returned the wrong features.")
        label = f"GET /products/<slug>/ ({typical.n} features)"
        result = self.measure("page.board", label, url(typical), expect, bare)
        check = Check(
            "product board",
            {f"{smallest.n} features": self.queries(url(smallest)),
             f"{largest.n} features": self.queries(url(largest))},
            tolerance=2,
        )  # fmt: skip
        return result, check
