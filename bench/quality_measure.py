"""Measurements of test management: a 50,000-test JUnit import beside the bare insert of the
same rows, and the run page of a run with 10,000 results beside its bare SQL.

Everything is written inside a transaction that is rolled back, so the bench data set stays
as generated and every run of the bench measures the same thing.
"""

import statistics
import time

from django.db import transaction
from django.urls import reverse

from wavelength.accounts.models import User
from wavelength.catalog.models import Release
from wavelength.quality import services
from wavelength.quality.models import CaseVersion, Suite, TestCase, TestResult, TestRun

from .data import ADMIN_EMAIL
from .measure import Bench, BenchError, Check, Result, _t

IMPORT_TESTS = 50_000
RUN_RESULTS = 10_000


def junit_xml(tests: int, *, prefix: str = "bench") -> bytes:
    """A pytest-like report: one failure in 20, one skip in 50."""
    rows = []
    for n in range(tests):
        outcome = ""
        if n % 20 == 7:
            outcome = '<failure message="assert 1 == 2">AssertionError</failure>'
        elif n % 50 == 3:
            outcome = '<skipped message="not here"/>'
        rows.append(
            f'<testcase classname="tests.{prefix}.test_mod{n // 100}" name="test_{n}" '
            f'time="0.{n % 97:03d}">{outcome}</testcase>'
        )
    return (
        '<testsuites><testsuite name="pytest">' + "".join(rows) + "</testsuite></testsuites>"
    ).encode()


class _Rollback(Exception):
    pass


class QualityBench:
    def __init__(self, bench: Bench):
        self.bench = bench
        bench.tables.update(result=_t(TestResult), case=_t(TestCase), version=_t(CaseVersion),
                            suite=_t(Suite), run=_t(TestRun))  # fmt: skip
        self.admin = User.objects.get(email=ADMIN_EMAIL)
        self.release = Release.objects.select_related("product").exclude(status="cancelled").first()
        if self.release is None:
            raise BenchError("The bench data has no release to record test runs for.")

    # JUnit import -------------------------------------------------------------------------

    def _import_once(self, data: bytes) -> float:
        with transaction.atomic():
            started = time.perf_counter()
            services.junit_import(actor=self.admin, release=self.release, build="bench", data=data)
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        return elapsed

    def _bare_once(self) -> float:
        """The same rows with three bulk inserts: cases, their versions, the results."""
        product = self.release.product
        with transaction.atomic():
            started = time.perf_counter()
            suite = Suite.objects.create(product=product, name="Bare")
            cases = TestCase.objects.bulk_create(
                [TestCase(product=product, suite=suite, title=f"test_{n}",
                          automation_id=f"bare::test_{n}") for n in range(IMPORT_TESTS)],
                batch_size=1000,
            )  # fmt: skip
            versions = CaseVersion.objects.bulk_create(
                [CaseVersion(case=c, number=1, title=c.title, priority="medium",
                             automation_id=c.automation_id) for c in cases],
                batch_size=1000,
            )  # fmt: skip
            run = TestRun.objects.create(
                product=product, release=self.release, name="bare", build="bare"
            )
            TestResult.objects.bulk_create(
                [TestResult(run=run, case=c, case_version=v, position=i, status="passed")
                 for i, (c, v) in enumerate(zip(cases, versions, strict=True))],
                batch_size=1000,
            )  # fmt: skip
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        return elapsed

    def junit_import(self, runs: int = 2) -> str:
        data = junit_xml(IMPORT_TESTS)
        full = [self._import_once(data) for _ in range(runs)]
        bare = [self._bare_once() for _ in range(runs)]
        rate = IMPORT_TESTS / statistics.median(full)
        bare_rate = IMPORT_TESTS / statistics.median(bare)
        label = f"junit_import, {IMPORT_TESTS:,} new tests ({len(data) / 2**20:.1f} MB)"
        return (
            f"{'junit.import':<13} {label:<44} time={statistics.median(full):.1f}s "
            f"rate={rate:,.0f} tests/s  bare insert={bare_rate:,.0f} rows/s  "
            f"ratio={bare_rate / rate:.1f}"
        )

    # The run page -------------------------------------------------------------------------

    def run_page(self) -> tuple[Result, Check]:
        """GET the run view of a 10,000-result run (first page of 100 and the progress)."""
        b = self.bench
        out: dict = {}
        try:
            with transaction.atomic():
                run = services.junit_import(
                    actor=self.admin, release=self.release, build="bench-run",
                    data=junit_xml(RUN_RESULTS, prefix="run"),
                )  # fmt: skip
                TestRun.objects.filter(pk=run.pk).update(status="open")
                url = reverse("quality:run-detail", args=[run.pk])

                def expect(response):
                    if response.content.decode().count("data-qa-row ") != 100:
                        raise BenchError(f"GET {url} does not show 100 results.")

                def bare():
                    b.sql("SELECT status, COUNT(*) FROM {result} WHERE run_id = %s GROUP BY status",
                          [run.pk])  # fmt: skip
                    b.sql("SELECT COUNT(*) FROM {result} WHERE run_id = %s", [run.pk])
                    return b.sql(
                        "SELECT r.*, c.*, s.*, v.* FROM {result} r "
                        "JOIN {case} c ON c.id = r.case_id JOIN {suite} s ON s.id = c.suite_id "
                        "JOIN {version} v ON v.id = r.case_version_id "
                        "WHERE r.run_id = %s ORDER BY r.position, r.id LIMIT 100",
                        [run.pk],
                    )

                label = f"GET /quality/runs/<id>/ ({RUN_RESULTS:,} results)"
                out["result"] = b.measure("page.run", label, url, expect, bare)
                out["check"] = Check(
                    "run page",
                    {"page 1": out["result"].queries, "page 3": b.queries(url + "?page=3")},
                    tolerance=0,
                )
                raise _Rollback
        except _Rollback:
            pass
        return out["result"], out["check"]
