"""Reads of test management: permission-checked, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.shortcuts import get_object_or_404

from wavelength.accounts.permissions import require_editor, require_member
from wavelength.catalog.models import Product, Stage
from wavelength.core import progress

from .models import (
    LINKABLE,
    SEVERITY_RANK,
    CaseVersion,
    Checklist,
    ChecklistVersion,
    Defect,
    DefectLink,
    Evidence,
    ImportStatus,
    Inspection,
    JunitImport,
    ReleaseGate,
    ResultStatus,
    Severity,
    Suite,
    TestCase,
    TestPlan,
    TestResult,
    TestRun,
)

# The order of a run's results (plan order) and of failures across runs (newest first): the
# keys of their keyset pages (core.keyset).
RESULT_ORDER = ("position", "id")
FAILURE_ORDER = ("-executed_at", "-id")
# What the API gives of a result (schemas.ResultOut), and nothing more.
RESULT_FIELDS = [
    "run", "case", "position", "status", "step_statuses", "notes", "duration_ms", "executed_at",
    "case_version__title", "case_version__number", "executed_by__name", "executed_by__email",
]  # fmt: skip


@dataclass
class CaseFilter:
    product: int | None = None
    suite: int | None = None
    tag: str | None = None
    feature: int | None = None
    priority: str | None = None
    automated: bool | None = None
    archived: bool = False
    q: str | None = None


@dataclass
class SuiteNode:
    suite: Suite
    depth: int
    case_count: int


def product_overview(*, user) -> QuerySet[Product]:
    """Products with how many suites and active cases each has."""
    require_member(user)
    return Product.objects.annotate(
        suite_count=Count("test_suites", distinct=True),
        case_count=Count("test_cases", filter=Q(test_cases__archived=False), distinct=True),
    ).order_by("name")


def suite_list(*, user, product: Product | None = None) -> QuerySet[Suite]:
    require_member(user)
    qs = Suite.objects.select_related("product", "parent")
    return qs.filter(product=product) if product is not None else qs


def suite_tree(*, user, product: Product) -> list[SuiteNode]:
    """``product``'s suites depth-first, each with its depth and active case count (one
    query: the tree is built in memory)."""
    suites = list(
        suite_list(user=user, product=product).annotate(
            case_count=Count("cases", filter=Q(cases__archived=False))
        )
    )
    children: dict[int | None, list[Suite]] = {}
    for suite in suites:
        children.setdefault(suite.parent_id, []).append(suite)
    out: list[SuiteNode] = []

    def walk(parent_id, depth):
        for suite in sorted(children.get(parent_id, []), key=lambda s: s.name.lower()):
            out.append(SuiteNode(suite=suite, depth=depth, case_count=suite.case_count))
            walk(suite.pk, depth + 1)

    walk(None, 0)
    return out


def suite_get(*, user, pk: int) -> Suite:
    require_member(user)
    return get_object_or_404(Suite.objects.select_related("product", "parent"), pk=pk)


def descendants(suite: Suite) -> list[int]:
    """The ids of ``suite`` and every suite under it (one query per call)."""
    pairs = list(Suite.objects.filter(product_id=suite.product_id).values_list("pk", "parent_id"))
    ids, frontier = {suite.pk}, {suite.pk}
    while frontier:
        frontier = {pk for pk, parent in pairs if parent in frontier} - ids
        ids |= frontier
    return sorted(ids)


def case_list(*, user, filters: CaseFilter | None = None) -> QuerySet[TestCase]:
    """Cases matching every filter, grouped by suite, with what a row shows prefetched."""
    require_member(user)
    f = filters or CaseFilter()
    qs = TestCase.objects.with_relations().filter(archived=f.archived)
    if f.product:
        qs = qs.filter(product_id=f.product)
    if f.suite:
        qs = qs.filter(suite_id__in=descendants(suite_get(user=user, pk=f.suite)))
    if f.tag:
        qs = qs.filter(tags__name=f.tag.strip().lower())
    if f.feature:
        qs = qs.filter(features__id=f.feature)
    if f.priority:
        qs = qs.filter(priority=f.priority)
    if f.automated is not None:
        qs = qs.exclude(automation_id="") if f.automated else qs.filter(automation_id="")
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(automation_id__icontains=f.q))
    return qs.distinct().order_by("suite__name", "title", "id")


def case_get(*, user, pk: int) -> TestCase:
    require_member(user)
    return get_object_or_404(TestCase.objects.with_relations(), pk=pk)


def case_versions(*, user, case: TestCase) -> QuerySet[CaseVersion]:
    require_member(user)
    return case.versions.select_related("author").order_by("-number")


def case_version_get(*, user, case: TestCase, number: int) -> CaseVersion:
    require_member(user)
    return get_object_or_404(case.versions.select_related("author"), number=number)


# Sections of the catalog's pages ------------------------------------------------------------


def feature_quality(*, user, feature) -> list[TestCase]:
    """The active cases covering ``feature``, with their latest outcome."""
    return feature_cases(user=user, feature=feature)


def release_quality(*, user, release) -> list["RunSummary"]:
    """The release's runs, newest first, each with its progress."""
    runs = list(run_list(user=user, release=release)[:20])
    return [RunSummary(run=r, progress=p) for r, p in zip(runs, progress_of(runs), strict=True)]


# Plans ------------------------------------------------------------------------------------


def plan_list(*, user, product: Product | None = None, release=None) -> QuerySet[TestPlan]:
    require_member(user)
    qs = TestPlan.objects.select_related("product", "release").annotate(
        run_count=Count("runs", distinct=True)
    )
    if product is not None:
        qs = qs.filter(product=product)
    if release is not None:
        qs = qs.filter(release=release)
    return qs.order_by("-created_at", "-id")


def plan_get(*, user, pk: int) -> TestPlan:
    require_member(user)
    qs = TestPlan.objects.select_related("product", "release").prefetch_related(
        "suites", "tags", "features", "cases"
    )
    return get_object_or_404(qs, pk=pk)


def plan_cases(*, user, plan: TestPlan) -> QuerySet[TestCase]:
    """The active cases a plan selects: in its suites (and their sub-suites), with one of its
    tags, covering one of its features, or picked by hand."""
    require_member(user)
    suite_ids: set[int] = set()
    for suite in plan.suites.all():
        suite_ids.update(descendants(suite))
    match = (
        Q(suite_id__in=suite_ids)
        | Q(tags__in=plan.tags.all())
        | Q(features__in=plan.features.all())
        | Q(pk__in=plan.cases.values("pk"))
    )
    ids = TestCase.objects.filter(product=plan.product, archived=False).filter(match).values("pk")
    return (
        TestCase.objects.filter(pk__in=ids)
        .select_related("suite")
        .order_by("suite__name", "title", "id")
    )


# Runs -------------------------------------------------------------------------------------


@dataclass
class Progress:
    """How far a run is: counts per status, progress and pass rate (percentages or None)."""

    total: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def executed(self) -> int:
        return self.total - self.counts.get(ResultStatus.UNTESTED, 0)

    @property
    def percent_done(self) -> int:
        return round(100 * self.executed / self.total) if self.total else 0

    @property
    def pass_rate(self) -> float | None:
        """Passed over executed, skipped ones left out (they test nothing)."""
        judged = self.executed - self.counts.get(ResultStatus.SKIPPED, 0)
        if not judged:
            return None
        return round(100 * self.counts.get(ResultStatus.PASSED, 0) / judged, 1)

    def bars(self) -> list[tuple[str, str, int, float]]:
        """``(status, label, count, percent)`` for the progress bar, untested last."""
        order = [s for s in ResultStatus if s != ResultStatus.UNTESTED] + [ResultStatus.UNTESTED]
        return [
            (s.value, s.label, self.counts.get(s, 0), 100 * self.counts.get(s, 0) / self.total)
            for s in order
            if self.total
        ]


@dataclass
class RunSummary:
    run: TestRun
    progress: Progress


def progress_of(runs: list[TestRun]) -> list[Progress]:
    """The progress of each run, in one query."""
    rows = (
        TestResult.objects.filter(run__in=runs)
        .values("run_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_run: dict[int, Progress] = {r.pk: Progress() for r in runs}
    for row in rows:
        p = by_run[row["run_id"]]
        p.counts[row["status"]] = row["n"]
        p.total += row["n"]
    return [by_run[r.pk] for r in runs]


def run_list(*, user, product: Product | None = None, release=None, plan=None) -> QuerySet[TestRun]:
    require_member(user)
    qs = TestRun.objects.select_related("product", "release", "plan").prefetch_related("assignees")
    for name, value in (("product", product), ("release", release), ("plan", plan)):
        if value is not None:
            qs = qs.filter(**{name: value})
    return qs.order_by("-created_at", "-id")


def run_get(*, user, pk: int) -> TestRun:
    require_member(user)
    qs = TestRun.objects.select_related("product", "release__product", "plan", "created_by")
    return get_object_or_404(qs.prefetch_related("assignees"), pk=pk)


def run_results(*, user, run: TestRun, status: str | None = None) -> QuerySet[TestResult]:
    """A run's results in plan order, each with the version of its case that ran (title and
    number) and who recorded it: what the API gives, 1,000 rows a page."""
    require_member(user)
    qs = run.results.select_related("case_version", "executed_by").only(*RESULT_FIELDS)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(*RESULT_ORDER)


# What a row of the run view shows, and nothing more: plain values, no model instances (the
# view lists 100 of the 10,000 results a run may have, and building rows was most of its time).
RESULT_ROW_FIELDS = [
    "id", "status", "duration_ms", "executed_by_id", "case_id", "case__version",
    "case__suite__name", "case_version__title", "case_version__number", "executed_by__name",
    "executed_by__email",
]  # fmt: skip


def result_rows(*, user, run: TestRun, status: str | None = None) -> QuerySet:
    """:func:`run_results` as dicts of :data:`RESULT_ROW_FIELDS`, in the same order."""
    return run_results(user=user, run=run, status=status).values(*RESULT_ROW_FIELDS)


def result_defects(*, user, result_ids: list[int]) -> dict[int, list[dict]]:
    """``{result id: [{id, severity, title}, …]}`` for a page of results, in one query."""
    require_member(user)
    out: dict[int, list[dict]] = {}
    rows = Defect.objects.filter(result_id__in=result_ids).values(
        "id", "result_id", "severity", "title"
    )
    for row in rows:
        out.setdefault(row["result_id"], []).append(row)
    return out


def result_get(*, user, pk: int) -> TestResult:
    require_member(user)
    qs = TestResult.objects.select_related(
        "run__product",
        "run__release",
        "case__suite",
        "case__product",
        "case_version",
        "executed_by",
    ).prefetch_related("evidence", "defects")
    return get_object_or_404(qs, pk=pk)


def evidence_get(*, user, pk: int) -> Evidence:
    """An attachment, for the signed-in people who may read quality records."""
    require_member(user)
    return get_object_or_404(Evidence.objects.select_related("result__run"), pk=pk)


def case_results(*, user, case: TestCase, limit: int = 10) -> list[TestResult]:
    """The case's latest recorded results, newest first, with their run and version."""
    require_member(user)
    qs = case.results.exclude(executed_at=None).select_related(
        "run__release", "case_version", "executed_by"
    )
    return list(qs.order_by("-executed_at", "-id")[:limit])


# Defects ----------------------------------------------------------------------------------


@dataclass
class DefectFilter:
    product: int | None = None
    release: int | None = None
    feature: int | None = None
    case: int | None = None
    severity: str | None = None
    status: str | None = None
    unresolved: bool = False
    q: str | None = None


def defect_list(*, user, filters: DefectFilter | None = None) -> QuerySet[Defect]:
    """Defects matching every filter, most severe and newest first."""
    require_member(user)
    f = filters or DefectFilter()
    qs = Defect.objects.select_related("product", "release", "case").prefetch_related("features")
    exact = {
        "product_id": f.product,
        "release_id": f.release,
        "case_id": f.case,
        "severity": f.severity,
        "status": f.status,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v})
    if f.feature:
        qs = qs.filter(features__id=f.feature)
    if f.unresolved:
        qs = qs.unresolved()
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(external_key__iexact=f.q))
    rank = Case(*(When(severity=s, then=r) for s, r in SEVERITY_RANK.items()), default=0)
    return qs.annotate(rank=rank).order_by("-rank", "-created_at", "-id")


def defect_get(*, user, pk: int) -> Defect:
    require_member(user)
    qs = Defect.objects.select_related(
        "product", "release", "case", "result__run", "reported_by"
    ).prefetch_related("features", "links")
    return get_object_or_404(qs, pk=pk)


def defect_link_get(*, user, pk: int) -> DefectLink:
    require_member(user)
    return get_object_or_404(DefectLink.objects.select_related("defect__product"), pk=pk)


# Reports recorded in the background ------------------------------------------------------


def junit_job_get(*, user, pk: int) -> JunitImport:
    """A JUnit report accepted for a background job, for editors (who send reports). While a
    worker records it, it reads as running, with the counts the worker publishes."""
    require_editor(user)
    job = get_object_or_404(JunitImport.objects.select_related("run"), pk=pk)
    if job.status == ImportStatus.QUEUED:
        counts = progress.read(job.progress_name)
        if counts:
            job.status = ImportStatus.RUNNING
            job.processed, job.total = counts.get("processed", 0), counts.get("total", 0)
    return job


# Failures across runs --------------------------------------------------------------------


def recent_failures(*, user, product: Product, build: str = "") -> QuerySet[TestResult]:
    """The failed results of ``product`` in every run, newest first, with their case, run and
    release: one query per page, found through the index on (status, executed_at)."""
    require_member(user)
    qs = TestResult.objects.filter(
        status=ResultStatus.FAILED, run__product=product, executed_at__isnull=False
    )
    if build:
        qs = qs.filter(run__build=build)
    return qs.select_related("case", "run__release").order_by(*FAILURE_ORDER)


# Flaky tests ------------------------------------------------------------------------------

FLAKY_WINDOW = 20  # the latest runs of a product looked at


@dataclass
class FlakyTest:
    """A test whose outcome flipped: within one build, or back and forth across builds."""

    case: TestCase
    flips: int
    same_build: bool
    history: list[tuple[str, str]]  # (build, status), oldest first


def flaky_tests(*, user, product: Product, window: int = FLAKY_WINDOW) -> list[FlakyTest]:
    """Tests of ``product`` that pass and fail on the same build, or flip at least twice
    (pass → fail → pass, or fail → pass → fail) over its latest ``window`` runs. A single flip
    is a regression or a fix, not flakiness. Two queries, whatever the number of results."""
    require_member(user)
    runs = list(
        TestRun.objects.filter(product=product)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[:window]
    )
    rows = (
        TestResult.objects.filter(
            run_id__in=runs, status__in=[ResultStatus.PASSED, ResultStatus.FAILED]
        )
        .order_by("case_id", "run__created_at", "run_id")
        .values_list("case_id", "run__build", "status")
    )
    history: dict[int, list[tuple[str, str]]] = {}
    for case_id, build, status in rows:
        history.setdefault(case_id, []).append((build, status))
    found = {}
    for case_id, seen in history.items():
        flips = sum(1 for a, b in zip(seen, seen[1:], strict=False) if a[1] != b[1])
        by_build: dict[str, set[str]] = {}
        for build, status in seen:
            by_build.setdefault(build, set()).add(status)
        same_build = any(len(statuses) > 1 for statuses in by_build.values())
        if same_build or flips >= 2:
            found[case_id] = (flips, same_build, seen)
    cases = TestCase.objects.select_related("suite").in_bulk(list(found))
    out = [FlakyTest(cases[k], *v) for k, v in found.items() if k in cases]
    return sorted(out, key=lambda f: (-f.flips, f.case.title))


# Inspections ------------------------------------------------------------------------------


@dataclass
class ReleaseInspection:
    checklist: Checklist
    inspection: Inspection | None

    @property
    def signed(self) -> bool:
        return self.inspection is not None and self.inspection.is_signed


def checklist_list(*, user, archived: bool = False) -> QuerySet[Checklist]:
    """The checklists in use (or, with ``archived``, those retired from new releases)."""
    require_member(user)
    qs = Checklist.objects.filter(archived=archived).select_related("signoff_team")
    return qs.order_by("name")


def checklist_get(*, user, pk: int) -> Checklist:
    require_member(user)
    versions = ChecklistVersion.objects.select_related("author", "signoff_team")
    qs = Checklist.objects.select_related("signoff_team").prefetch_related(
        Prefetch("versions", queryset=versions.order_by("-number"))
    )
    return get_object_or_404(qs, pk=pk)


@dataclass
class ChecklistChange:
    """A version of a checklist and what it changed from the one before."""

    version: ChecklistVersion
    first: bool = False
    renamed_from: str = ""
    team_changed: bool = False
    previous_team: object = None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reordered: bool = False


def checklist_versions(*, user, checklist: Checklist) -> list[ChecklistChange]:
    """The versions of ``checklist`` (fetched by :func:`checklist_get`), newest first, each
    with its changes: no query of its own."""
    require_member(user)
    versions = list(checklist.versions.all())
    out = []
    for version, older in zip(versions, [*versions[1:], None], strict=True):
        if older is None:
            out.append(ChecklistChange(version, first=True))
            continue
        kept = [i for i in version.items if i in older.items]
        out.append(
            ChecklistChange(
                version,
                renamed_from=older.name if older.name != version.name else "",
                team_changed=older.signoff_team_id != version.signoff_team_id,
                previous_team=older.signoff_team,
                added=[i for i in version.items if i not in older.items],
                removed=[i for i in older.items if i not in version.items],
                reordered=kept != [i for i in older.items if i in version.items],
            )
        )
    return out


def release_inspections(*, user, release) -> list[ReleaseInspection]:
    """Every active checklist, and every archived one the release had started, with the
    release's inspection of it (if started): two queries."""
    require_member(user)
    checklists = (
        Checklist.objects.filter(Q(archived=False) | Q(inspections__release=release))
        .distinct()
        .select_related("signoff_team")
        .order_by("name")
    )
    started = {
        i.checklist_id: i
        for i in release.inspections.select_related("checklist_version__signoff_team", "signed_by")
    }
    return [ReleaseInspection(c, started.get(c.pk)) for c in checklists]


# The feature page and the dashboard -------------------------------------------------------


def feature_cases(*, user, feature) -> list[TestCase]:
    """The active cases covering ``feature``, each with its latest outcome (one query)."""
    require_member(user)
    latest = TestResult.objects.filter(case=OuterRef("pk")).exclude(executed_at=None)
    latest = latest.order_by("-executed_at", "-id")
    qs = (
        TestCase.objects.filter(features=feature, archived=False)
        .select_related("suite")
        .annotate(
            last_status=Subquery(latest.values("status")[:1]),
            last_run=Subquery(latest.values("run__name")[:1]),
            last_result=Subquery(latest.values("pk")[:1]),
        )
        .order_by("suite__name", "title")
    )
    cases = list(qs[:50])
    for case in cases:
        case.last_status_label = ResultStatus(case.last_status).label if case.last_status else ""
    return cases


def feature_defects(*, user, feature) -> list[Defect]:
    """Unresolved defects concerning ``feature``, most severe first."""
    return list(
        defect_list(user=user, filters=DefectFilter(feature=feature.pk, unresolved=True))[:20]
    )


@dataclass
class Dashboard:
    product: Product
    pass_rates: dict
    coverage: dict
    severity: dict
    after_release: dict
    uncovered: list
    flaky: list
    customer_defects: list


def _chart(label, labels, values, keys=None, kind="bar", axis="y") -> dict:
    return {"type": kind, "label": str(label), "labels": labels, "values": values,
            "keys": keys or [], "axis": axis}  # fmt: skip


def dashboard(*, user, product: Product) -> Dashboard:
    """Quality figures of a product, each ready for app.js to chart, in a fixed number of
    queries: pass rate per release, coverage, open defects by severity, flaky tests and the
    defects customers reported after a release shipped."""
    from django.utils.translation import gettext as _

    require_member(user)
    judged = TestResult.objects.filter(run__product=product).exclude(
        status__in=[ResultStatus.UNTESTED, ResultStatus.SKIPPED]
    )
    per_release = (
        judged.values("run__release_id", "run__release__version")
        .annotate(total=Count("id"), passed=Count("id", filter=Q(status=ResultStatus.PASSED)))
        .order_by()
    )
    release_order = {
        r.pk: i
        for i, r in enumerate(
            product.releases.order_by(F("released_on").asc(nulls_last=True), "target_date", "id")
        )
    }
    rows = sorted(per_release, key=lambda r: release_order.get(r["run__release_id"], 0))[-12:]
    pass_rates = _chart(
        _("Pass rate (%)"),
        [r["run__release__version"] for r in rows],
        [round(100 * r["passed"] / r["total"], 1) for r in rows],
        kind="line",
        axis="x",
    )
    features = product.features.exclude(stage=Stage.RETIRED)
    covered_ids = set(
        TestCase.objects.filter(product=product, archived=False)
        .values_list("features", flat=True)
        .exclude(features=None)
    )
    total = features.count()
    covered = features.filter(pk__in=covered_ids).count()
    coverage = _chart(
        _("Features"),
        [str(_("With test cases")), str(_("Without test cases"))],
        [covered, total - covered],
        keys=["qa-covered", "qa-uncovered"],
    )
    open_defects = dict(
        Defect.objects.unresolved()
        .filter(product=product)
        .values_list("severity")
        .annotate(n=Count("id"))
        .order_by()
    )
    severity = _chart(
        _("Open defects"),
        [str(s.label) for s in Severity],
        [open_defects.get(s, 0) for s in Severity],
        keys=[f"sev-{s}" for s in Severity],
    )
    feedback_type = ContentType.objects.get_by_natural_key(*LINKABLE["feedback"])
    reported = list(
        Defect.objects.filter(
            product=product,
            release__released_on__isnull=False,
            created_at__date__gt=F("release__released_on"),
            links__target_type=feedback_type,
        )
        .select_related("release")
        .annotate(reports=Count("links", filter=Q(links__target_type=feedback_type)))
        .order_by("-created_at")
    )
    by_release: dict[str, int] = {}
    for defect in reported:
        by_release[defect.release.version] = by_release.get(defect.release.version, 0) + 1
    after_release = _chart(
        _("Defects customers reported after release"),
        list(by_release),
        list(by_release.values()),
        axis="x",
    )
    uncovered = list(features.exclude(pk__in=covered_ids).order_by("title")[:10])
    return Dashboard(
        product=product,
        pass_rates=pass_rates,
        coverage=coverage,
        severity=severity,
        after_release=after_release,
        uncovered=uncovered,
        flaky=flaky_tests(user=user, product=product)[:10],
        customer_defects=reported[:10],
    )


# The release-readiness gate ---------------------------------------------------------------


def gate_get(*, user, product: Product) -> ReleaseGate:
    """``product``'s gate settings; an unsaved, empty gate when none were set."""
    require_member(user)
    gate = (
        ReleaseGate.objects.filter(product=product).prefetch_related("required_checklists").first()
    )
    return gate or ReleaseGate(product=product)


def product_gate(*, user, product: Product) -> list[ReleaseGate]:
    """The product page's "Release gate" section: its one gate (set or not)."""
    return [gate_get(user=user, product=product)]
