"""The demo's test management, built once after the catalog and feedback demos, through the
services: suites and cases covering most features, plans and runs of recent releases with
results, defects opened from failures (some reported by customers after the release),
inspections, CI imports with one flaky test, and each product's release gate (a strict
one keeps the release in progress from shipping)."""

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from wavelength.accounts.models import User
from wavelength.catalog.models import Product, ReleaseStatus
from wavelength.core import clock
from wavelength.core.exceptions import DomainError

from . import services
from .models import Checklist, Suite

STEP_VERBS = [
    ("Open {title}", "The page loads without errors"),
    ("Use {title} with typical data", "The result matches the specification"),
    ("Repeat with an account that has no access", "The action is refused with a clear message"),
]
SCENARIOS = ["happy path", "empty state", "permissions", "large data set"]
CI_TESTS = 40


def _pick_outcome(rng: random.Random) -> str:
    return rng.choices(["passed", "failed", "blocked", "skipped"], weights=[82, 10, 4, 4])[0]


def _cases(rng, actor, product) -> list:
    """A "Regression" tree with one suite per area, and cases for about three features in four."""
    top = services.suite_create(actor=actor, product=product, name="Regression")
    smoke = services.suite_create(actor=actor, product=product, name="Smoke")
    suites = {}
    cases = []
    for feature in product.features.select_related("area").order_by("pk"):
        if rng.random() < 0.25 or feature.stage in ("idea", "discovery", "retired"):
            continue
        area = feature.area.name if feature.area else "General"
        if area not in suites:
            suites[area] = services.suite_create(
                actor=actor, product=product, name=area, parent=top
            )
        for scenario in rng.sample(SCENARIOS, rng.randint(1, 2)):
            cases.append(
                services.case_create(
                    actor=actor,
                    suite=suites[area] if scenario != "happy path" else smoke,
                    title=f"{feature.title}: {scenario}",
                    preconditions="A workspace with the demo data.",
                    steps_=[
                        {"action": a.format(title=feature.title), "expected": e}
                        for a, e in STEP_VERBS[: rng.randint(1, 3)]
                    ],
                    priority=rng.choice(["critical", "high", "medium", "medium", "low"]),
                    tags_=["smoke"] if scenario == "happy path" else ["regression"],
                    features=[feature],
                )
            )
    return cases


def _runs(rng, actor, product, now) -> list:
    """A plan and a run per recent release; failures open defects, some linked to feedback."""
    releases = list(
        product.releases.exclude(status=ReleaseStatus.CANCELLED).order_by("-target_date", "-id")[:4]
    )
    feedback_type = ContentType.objects.get_by_natural_key("feedback", "feedback")
    feedback_ids = list(
        feedback_type.model_class()
        ._default_manager.order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    runs = []
    for index, release in enumerate(reversed(releases)):
        when = now - dt.timedelta(days=30 * (len(releases) - index))
        with clock.travel(when):
            plan = services.plan_create(
                actor=actor,
                release=release,
                name=f"{release.version} regression",
                tags_=["smoke", "regression"],
                features=list(release.features.all()),
            )
            try:
                run = services.run_create(
                    actor=actor,
                    plan=plan,
                    build=f"{release.version}.0-rc1",
                    environment="staging",
                    assignees=[actor],
                )
            except DomainError:  # a release whose features have no case yet
                continue
        done = index < len(releases) - 1  # the newest release is still being tested
        for result in run.results.select_related("case_version"):
            if not done and rng.random() < 0.35:
                continue
            status = _pick_outcome(rng)
            with clock.travel(when + dt.timedelta(hours=rng.randint(1, 48))):
                result = services.result_record(
                    actor=actor,
                    result=result,
                    status=status,
                    duration_ms=rng.randint(20, 600) * 1000,
                    notes="Reproduced twice." if status == "failed" else "",
                )
                if status == "failed" and rng.random() < 0.7:
                    defect = services.defect_from_result(
                        actor=actor,
                        result=result,
                        severity=rng.choice(["critical", "major", "major", "minor", "trivial"]),
                    )
                    if rng.random() < 0.5:
                        services.defect_update(actor=actor, defect=defect, status="fixed")
        runs.append(run)
        shipped = release.status == ReleaseStatus.RELEASED and release.released_on
        if shipped and feedback_ids:
            after = dt.datetime.combine(release.released_on, dt.time(10), tzinfo=dt.UTC)
            reported = min(after + dt.timedelta(days=rng.randint(2, 20)), now)
            if reported.date() <= release.released_on:
                continue  # shipped today: nobody has reported anything yet
            with clock.travel(reported):
                defect = services.defect_create(
                    actor=actor,
                    product=product,
                    title=f"Customers report a regression after {release.version}",
                    severity="major",
                    release=release,
                    steps="Reported through customer feedback after the release shipped.",
                )
                for feedback_id in rng.sample(feedback_ids, 2):
                    services.defect_link(
                        actor=actor, defect=defect, kind="feedback", object_id=feedback_id
                    )
    return runs


def _inspections(rng, actor, product) -> None:
    """Inspections of the latest releases: shipped ones signed off, the next one half done."""
    checklists = list(Checklist.objects.filter(archived=False))
    for release in product.releases.order_by("-target_date", "-id")[:2]:
        for checklist in checklists:
            inspection = services.inspection_start(
                actor=actor, release=release, checklist=checklist
            )
            size = len(inspection.checklist_version.items)
            if release.status == ReleaseStatus.RELEASED or rng.random() < 0.4:
                services.inspection_check(actor=actor, inspection=inspection, checked=[True] * size)
                services.inspection_sign(actor=actor, inspection=inspection)
            else:
                ticks = [rng.random() < 0.5 for _ in range(size)]
                services.inspection_check(actor=actor, inspection=inspection, checked=ticks)


def _gates(actor, products) -> None:
    """Every demo product has a release gate; a product with a release in progress gets a
    strict one, which keeps that release from shipping (failures, an unsigned security review,
    uncovered features)."""
    required = list(Checklist.objects.filter(name__in=["Security review", "Accessibility review"]))
    for product in products:
        if product.releases.filter(status=ReleaseStatus.IN_PROGRESS).exists():
            services.gate_update(
                actor=actor,
                product=product,
                min_pass_rate=95,
                blocking_severity="critical",
                required_checklists=required,
                require_coverage=True,
            )
        else:
            services.gate_update(
                actor=actor, product=product, min_pass_rate=80, blocking_severity="critical"
            )


def junit_report(build: int, *, flaky: bool = True, tests: int = CI_TESTS) -> str:
    """A pytest-like JUnit report; ``test_sync_retries`` flips from one build to the next."""
    body = []
    for n in range(tests):
        name = "test_sync_retries" if n == 0 else f"test_api_{n:03d}"
        failed = (n == 0 and flaky and build % 2 == 1) or n == 7 and build == 0
        failure = '<failure message="AssertionError">assert 200 == 503</failure>' if failed else ""
        body.append(
            f'<testcase classname="tests.test_api" name="{name}" time="0.{n % 9 + 1}">'
            f"{failure}</testcase>"
        )
    cases = "".join(body)
    return f'<testsuites><testsuite name="pytest" tests="{tests}">{cases}</testsuite></testsuites>'


def _ci(actor, product, now) -> None:
    release = (
        product.releases.exclude(status=ReleaseStatus.CANCELLED).order_by("-target_date").first()
    )
    if release is None:
        return
    for build in range(4):
        with clock.travel(now - dt.timedelta(days=4 - build)):
            services.junit_import(
                actor=actor,
                release=release,
                build=f"{release.version}.0+ci{build + 1}",
                data=junit_report(build),
                environment="ci",
            )


def build_quality_demo(*, seed: int = 7, now: dt.datetime | None = None) -> dict:
    """Add the demo's test management unless there are suites already."""
    if Suite.objects.exists():
        return {"created": False}
    rng = random.Random(seed)
    now = now or clock.now()
    actor = User.objects.filter(role="admin", is_active=True).order_by("pk").first()
    products = list(Product.objects.order_by("pk")[:3])
    cases = 0
    with clock.travel(now), transaction.atomic():
        for number, product in enumerate(products):
            with clock.travel(now - dt.timedelta(days=150)):
                cases += len(_cases(rng, actor, product))
            _runs(rng, actor, product, now)
            _inspections(rng, actor, product)
            if number == 0:
                _ci(actor, product, now)
        _gates(actor, products)
    return {"created": True, "cases": cases}
