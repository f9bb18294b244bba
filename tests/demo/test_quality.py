"""The demo's test management: built with the catalog demo, through the services."""

import pytest

from wavelength.core.models import SearchEntry
from wavelength.quality.demo import build_quality_demo
from wavelength.quality.models import Defect, DefectLink, Inspection, TestCase, TestRun

pytestmark = pytest.mark.django_db


def test_demo_covers_suites_cases_runs_defects_inspections_and_ci(demo):
    assert TestCase.objects.filter(archived=False).count() > 50
    assert TestCase.objects.filter(features__isnull=False).exists()
    assert TestRun.objects.filter(source="manual").exists()
    assert TestRun.objects.filter(source="junit").count() == 4
    statuses = set(TestRun.objects.values_list("results__status", flat=True))
    assert {"passed", "failed", "untested"} <= statuses
    assert Defect.objects.filter(result__isnull=False).exists()
    assert DefectLink.objects.exists()  # customers reported some after a release
    assert Inspection.objects.filter(status="signed").exists()
    assert Inspection.objects.filter(status="in_progress").exists()
    indexed = SearchEntry.objects.values_list("object_id", flat=True)
    assert set(indexed.filter(kind="test_case")) == set(
        TestCase.objects.filter(archived=False).values_list("pk", flat=True)
    )  # the hand-written cases and the CI imports' ones
    assert set(indexed.filter(kind="defect")) == set(Defect.objects.values_list("pk", flat=True))
    assert build_quality_demo() == {"created": False}


def test_every_activity_of_the_demo_reads_as_a_sentence(demo):
    from wavelength.core import timeline
    from wavelength.core.models import Activity

    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert verbs - set(timeline.VERBS) == set()
    kinds = set(Activity.objects.values_list("target_type__model", flat=True))
    assert kinds - set(timeline.KINDS) == set()


def test_demo_has_a_flaky_ci_test(demo):
    from wavelength.accounts.models import User
    from wavelength.catalog.models import Product
    from wavelength.quality import selectors

    viewer = User.objects.filter(role="admin").first()
    product = Product.objects.order_by("pk").first()
    flaky = [f.case.automation_id for f in selectors.flaky_tests(user=viewer, product=product)]
    assert "tests.test_api::test_sync_retries" in flaky


def test_demo_has_a_release_blocked_by_its_quality_gate(demo):
    from wavelength.catalog import gates
    from wavelength.catalog.models import Product, ReleaseStatus

    product = Product.objects.get(quality_gate__min_pass_rate=95)
    testing = product.releases.exclude(status__in=[ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED])
    blocked = {}
    for release in testing.select_related("product"):
        verdicts = gates.evaluate(release)
        blocked[release.version] = [v.criterion.key for v in verdicts if not v.result.ok]
    assert any(
        {"quality.pass_rate", "quality.inspections"} & set(keys) for keys in blocked.values()
    ), blocked
