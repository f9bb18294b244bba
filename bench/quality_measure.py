"""Measurements of test management: a 50,000-test JUnit import beside the bare insert of the
same rows, the run page of a run with 10,000 results beside its bare SQL, and the release
gate's evaluation for a release of 500 features beside the bare SQL of the same reads.

Everything is written inside a transaction that is rolled back, so the bench data set stays
as generated and every run of the bench measures the same thing.
"""

import html
import re
import statistics
import time

from django.db import transaction
from django.urls import reverse

from wavelength.accounts.models import User
from wavelength.catalog import gates
from wavelength.catalog.models import Feature, Release
from wavelength.processes.models import Playbook, ReleaseRequirement
from wavelength.quality import services
from wavelength.quality.models import (
    CaseVersion,
    Checklist,
    Defect,
    Inspection,
    ReleaseGate,
    Suite,
    TestCase,
    TestResult,
    TestRun,
)

from .data import ADMIN_EMAIL
from .measure import Bench, BenchError, Check, Result, _t

IMPORT_TESTS = 50_000
RUN_RESULTS = 10_000
GATE_FEATURES = 500


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

    def run_page(self) -> tuple[list[Result], list[Check]]:
        """GET the run view of a 10,000-result run (first page of 100 and the progress); the
        API's last keyset page of its results (1,000 rows, after 9,000); the product's recent
        failures page (500 failures of that run among the product's)."""
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
                out["api"], out["api_check"] = self._results_api(run)
                out["failures"], out["failures_check"] = self._failures_page(run)
                raise _Rollback
        except _Rollback:
            pass
        return (
            [out["result"], out["api"], out["failures"]],
            [out["check"], out["api_check"], out["failures_check"]],
        )

    def _results_api(self, run: TestRun) -> tuple[Result, Check]:
        """The tenth and last page of 1,000 results, by keyset, beside its bare SQL."""
        b = self.bench
        path = f"/api/v1/quality/runs/{run.pk}/results?limit=1000"
        after = None
        for _ in range(9):
            after = b.get(path + (f"&after={after}" if after else "")).json()["next"]
        url = f"{path}&after={after}"
        last = TestResult.objects.filter(run=run).order_by("position", "id")[8999]

        def expect(response):
            body = response.json()
            if len(body["items"]) != 1000 or body["next"] is not None:
                raise BenchError(f"GET {url} is not the last page of 1,000 results.")

        def bare():
            b.sql("SELECT * FROM {run} WHERE id = %s", [run.pk])
            return b.sql(
                "SELECT r.*, v.* FROM {result} r JOIN {version} v ON v.id = r.case_version_id "
                "WHERE r.run_id = %s AND (r.position > %s OR (r.position = %s AND r.id > %s)) "
                "ORDER BY r.position, r.id LIMIT 1001",
                [run.pk, last.position, last.position, last.pk],
            )

        label = f"GET …/runs/<id>/results, page 10 of {RUN_RESULTS:,} (1,000)"
        result = b.measure("api.results", label, url, expect, bare)
        check = Check("results API", {"page 1": b.queries(path), "page 10": result.queries})
        return result, check

    def _failures_page(self, run: TestRun) -> tuple[Result, Check]:
        """The product's recent failures, first page and a deep one, beside the bare SQL."""
        b = self.bench
        url = reverse("quality:failures", args=[self.release.product.slug])
        rows = 'data-label="When"'

        def expect(response):
            if response.content.decode().count(rows) != 50:
                raise BenchError(f"GET {url} does not show 50 failures.")

        def bare():
            return b.sql(
                "SELECT r.*, c.*, u.*, rel.* FROM {result} r JOIN {run} u ON u.id = r.run_id "
                "JOIN {case} c ON c.id = r.case_id JOIN {release} rel ON rel.id = u.release_id "
                "WHERE r.status = 'failed' AND u.product_id = %s AND r.executed_at IS NOT NULL "
                "ORDER BY r.executed_at DESC, r.id DESC LIMIT 51",
                [run.product_id],
            )

        result = b.measure("page.failures", "GET /quality/products/<slug>/failures/", url,
                           expect, bare)  # fmt: skip
        page, deep = b.get(url), url
        for _ in range(5):  # follow "Older failures" five times
            older = re.search(r'href="([^"]+)" rel="next"', page.content.decode())
            if older is None:
                raise BenchError(f"GET {deep} has no link to older failures.")
            deep = url + html.unescape(older.group(1))
            page = b.get(deep, expect)
        check = Check("failures page", {"page 1": result.queries, "page 6": b.queries(deep)})
        return result, check

    # The release gate ---------------------------------------------------------------------

    def _gate_release(self) -> Release:
        """A release of 500 features with the product's whole gate set: 450 features covered
        by two cases each, a run of those 900 cases (one in 25 failed) re-run for half of them,
        30 open defects and five required inspections, three of them signed."""
        product = self.release.product
        release = Release.objects.create(product=product, version="gate-bench", status="planned")
        features = Feature.objects.bulk_create(
            [Feature(product=product, title=f"Gate bench {n}", stage="beta")
             for n in range(GATE_FEATURES)],
            batch_size=500,
        )  # fmt: skip
        release.features.add(*features)
        suite = Suite.objects.create(product=product, name="Gate bench")
        cases = TestCase.objects.bulk_create(
            [TestCase(product=product, suite=suite, title=f"Gate case {n}")
             for n in range(2 * (GATE_FEATURES - 50))],
            batch_size=1000,
        )  # fmt: skip
        TestCase.features.through.objects.bulk_create(
            [TestCase.features.through(testcase_id=c.pk, feature_id=features[i // 2].pk)
             for i, c in enumerate(cases)],
            batch_size=1000,
        )  # fmt: skip
        versions = CaseVersion.objects.bulk_create(
            [CaseVersion(case=c, number=1, title=c.title, priority="medium") for c in cases],
            batch_size=1000,
        )
        for build, share in (("rc1", 1), ("rc2", 2)):
            run = TestRun.objects.create(product=product, release=release, name=build, build=build)
            TestResult.objects.bulk_create(
                [TestResult(run=run, case=c, case_version=v, position=i,
                            status="failed" if i % 25 == 3 and build == "rc1" else "passed",
                            executed_at=run.created_at)
                 for i, (c, v) in enumerate(zip(cases, versions, strict=True))
                 if i % share == 0],
                batch_size=1000,
            )  # fmt: skip
        Defect.objects.bulk_create(
            [Defect(product=product, release=release, title=f"Gate defect {n}",
                    severity=("critical", "major", "minor")[n % 3]) for n in range(30)]
        )  # fmt: skip
        checklists = list(Checklist.objects.filter(archived=False).order_by("pk")[:5])
        for n, checklist in enumerate(checklists):
            Inspection.objects.create(
                release=release, checklist=checklist,
                checklist_version=checklist.versions.order_by("-number").first(),
                status="signed" if n < 3 else "in_progress", signed_by=self.admin,
            )  # fmt: skip
        gate, _created = ReleaseGate.objects.update_or_create(
            product=product,
            defaults={"min_pass_rate": 99, "blocking_severity": "major", "require_coverage": True},
        )
        gate.required_checklists.set(checklists)
        return release

    def gate(self) -> tuple[Result, Check]:
        """Evaluate every gate criterion of a 500-feature release, beside the bare SQL of the
        same reads; the query count must not move when the release grows."""
        b = self.bench
        out: dict = {}
        t = {"rg": _t(ReleaseGate), "rgc": _t(ReleaseGate, "required_checklists"),
             "checklist": _t(Checklist), "defect": _t(Defect),
             "defect_features": _t(Defect, "features"), "inspection": _t(Inspection),
             "release_features": _t(Release, "features"), "feature": _t(Feature),
             "case_features": _t(TestCase, "features"),
             "requirement": _t(ReleaseRequirement), "playbook": _t(Playbook)}  # fmt: skip
        b.tables.update(t)
        try:
            with transaction.atomic():
                release = self._gate_release()

                def evaluate():
                    fresh = Release.objects.select_related("product").get(pk=release.pk)
                    return gates.evaluate(fresh)

                verdicts = evaluate()
                if len(verdicts) < 4 or gates.passes(verdicts):
                    raise BenchError("The gate bench release does not fail its four criteria.")

                def bare():
                    r, p = release.pk, release.product_id
                    b.sql("SELECT * FROM {release} r WHERE r.id = %s", [r])
                    b.sql("SELECT * FROM {rg} WHERE product_id = %s LIMIT 1", [p])
                    latest = (
                        "FROM {result} r JOIN {run} u ON u.id = r.run_id JOIN {case} c "
                        "ON c.id = r.case_id WHERE u.release_id = %s "
                        "AND r.status NOT IN ('untested', 'skipped') "
                        "AND r.id = (SELECT r2.id FROM {result} r2 JOIN {run} u2 "
                        "ON u2.id = r2.run_id WHERE u2.release_id = %s AND r2.case_id = r.case_id "
                        "AND r2.status NOT IN ('untested', 'skipped') "
                        "ORDER BY r2.executed_at DESC, r2.id DESC LIMIT 1)"
                    )
                    failed = "CASE WHEN r.status <> 'passed' THEN 1 ELSE 0 END"
                    b.sql(f"SELECT r.id, r.status, r.case_id, c.title, {failed}, COUNT(*) OVER (), "
                          f"SUM(1 - {failed}) OVER () {latest} ORDER BY {failed} DESC, r.case_id "
                          "LIMIT 10", [r, r])  # fmt: skip
                    defects = (
                        "FROM {defect} d WHERE d.status IN ('open', 'in_progress') "
                        "AND d.severity IN ('critical', 'major') AND (d.release_id = %s OR d.id "
                        "IN (SELECT df.defect_id FROM {defect_features} df JOIN "
                        "{release_features} rf ON rf.feature_id = df.feature_id "
                        "WHERE rf.release_id = %s))"
                    )
                    b.sql(f"SELECT d.id, d.title, d.severity, COUNT(*) OVER () {defects} "
                          "ORDER BY d.created_at DESC LIMIT 10", [r, r])  # fmt: skip
                    b.sql("SELECT c.* FROM {checklist} c JOIN {rgc} x ON x.checklist_id = c.id "
                          "WHERE NOT c.archived AND x.releasegate_id IN "
                          "(SELECT id FROM {rg} WHERE product_id = %s) ORDER BY c.name",
                          [p])  # fmt: skip
                    b.sql("SELECT * FROM {inspection} WHERE release_id = %s", [r])
                    b.sql("SELECT * FROM {requirement} q JOIN {playbook} p ON p.id = q.playbook_id "
                          "WHERE q.release_id = %s", [r])  # fmt: skip
                    gap = (
                        "CASE WHEN NOT EXISTS (SELECT 1 FROM {case_features} cf JOIN {case} c "
                        "ON c.id = cf.testcase_id WHERE cf.feature_id = f.id AND NOT c.archived) "
                        "THEN 1 ELSE 0 END"
                    )
                    return b.sql(
                        f"SELECT f.id, f.title, {gap}, COUNT(*) OVER (), SUM({gap}) OVER () "
                        "FROM {feature} f JOIN {release_features} rf ON rf.feature_id = f.id "
                        f"WHERE rf.release_id = %s ORDER BY {gap} DESC, f.title, f.id LIMIT 10",
                        [r],
                    )

                def queries() -> int:
                    from django.db import connection
                    from django.test.utils import CaptureQueriesContext

                    with CaptureQueriesContext(connection) as ctx:
                        evaluate()
                    return len(ctx.captured_queries)

                label = f"release gate, {GATE_FEATURES} features, 4 criteria"
                out["result"] = Result("gate.eval", label, *b.paired(evaluate, bare), queries())
                before = out["result"].queries
                more = Feature.objects.bulk_create(
                    [Feature(product=release.product, title=f"More {n}") for n in range(500)]
                )
                release.features.add(*more)
                out["check"] = Check(
                    "release gate", {"500 features": before, "1,000 features": queries()}
                )
                raise _Rollback
        except _Rollback:
            pass
        return out["result"], out["check"]
