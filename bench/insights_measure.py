"""The decision dashboard: every figure for a year (``selectors.dashboard``, what the page and
the API both read), then the page and the API through the whole stack, each against the bare
SQL of the same aggregates.

The dashboard reads the summaries of ``insights.summaries`` (feedback per day, revenue per
feature, arrivals in general availability); the data set is made with bulk inserts, so they
are counted once first (as the upgrade that adds them does) and the time it took is printed.

The bare SQL is exactly the statements the dashboard's selectors send (recorded once with
their parameters through ``connection.execute_wrapper``, then replayed on the same
connection), so the ratio is what the application adds on top of the database work: the
session, the selectors' Python, the template and the charts' JSON.
"""

import statistics
import time

from django.db import connection
from django.urls import reverse

from wavelength.accounts.models import User
from wavelength.catalog.models import Product
from wavelength.insights import selectors, summaries
from wavelength.insights.models import FeedbackDaily
from wavelength.insights.scopes import DashboardFilter

from .data import ADMIN_EMAIL
from .measure import Bench, BenchError, Check, Result, speed_target

TARGET_RATIO = 3
PERIOD = 365


def _recorded(user, filters: DashboardFilter) -> list[tuple[str, tuple]]:
    statements: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        selectors.dashboard(user=user, filters=filters)
    return statements


class InsightsBench:
    def __init__(self, bench: Bench):
        self.bench = bench
        self.admin = User.objects.get(email=ADMIN_EMAIL)
        self.filters = DashboardFilter(period=PERIOD)
        started = time.perf_counter()
        if not FeedbackDaily.objects.exists():
            summaries.rebuild()
        summaries.refresh()
        self.summaries_s = time.perf_counter() - started
        self.statements = _recorded(self.admin, self.filters)
        board = selectors.dashboard(user=self.admin, filters=self.filters)
        self.feedback = sum(c.value for c in board.figure("feedback-channel").counters)

    def _bare(self):
        statements = self.statements

        def run():
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        return run

    def data(self) -> Result:
        """Every figure of the dashboard (what the page and the API both read), against the
        bare SQL of the same aggregates."""
        b = self.bench

        def build():
            selectors.dashboard(user=self.admin, filters=self.filters)

        label = f"dashboard() ({len(self.statements)} aggregates, a year)"
        return Result("insights.data", label, *b.paired(build, self._bare()),
                      len(self.statements))  # fmt: skip

    def page(self) -> tuple[Result, Check]:
        url = reverse("insights:dashboard") + f"?period={PERIOD}"

        def expect(response):
            html = response.content.decode()
            missing = [k for k in selectors.FIGURES if f'id="figure-{k}"' not in html]
            if missing:
                raise BenchError(f"GET {url} does not show {', '.join(missing)}.")

        label = f"GET /insights/ ({len(self.statements)} aggregates, a year)"
        result = self.bench.measure("page.insights", label, url, expect, self._bare())
        product = Product.objects.order_by("pk").first()
        check = Check(
            "decision dashboard",
            {"all": result.queries,
             "a product": self.bench.queries(f"{url}&product={product.slug}"),
             "30 days": self.bench.queries(reverse("insights:dashboard") + "?period=30")},
            tolerance=2,
        )  # fmt: skip
        return result, check

    def api(self) -> Result:
        url = reverse("api:insights-dashboard") + f"?period={PERIOD}"

        def expect(response):
            if len(response.json().get("figures", [])) != len(selectors.FIGURES):
                raise BenchError(f"GET {url} did not answer every figure.")

        return self.bench.measure("api.insights", f"GET {url}", url, expect, self._bare())

    @staticmethod
    def verdict(result: Result) -> str:
        ratio = statistics.median(result.request_ms) / statistics.median(result.sql_ms)
        return speed_target(
            result.key,
            met=ratio <= TARGET_RATIO,
            detail=f"ratio {ratio:.2f} above the target of {TARGET_RATIO}",
        )
