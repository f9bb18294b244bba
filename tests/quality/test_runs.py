"""Plans, runs and results through the services: selection, pinned versions, statuses,
progress, evidence and permissions."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.utils import nothing_written
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.quality import selectors, services
from wavelength.quality.models import Evidence, TestPlan, TestResult, TestRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(editor, suite, child_suite, feature, other_feature):
    make = services.case_create
    return {
        "in_suite": make(actor=editor, suite=child_suite, title="Nested in the suite"),
        "tagged": make(actor=editor, suite=suite, title="Tagged", tags_=["smoke"]),
        "covering": make(actor=editor, suite=suite, title="Covers", features=[other_feature]),
        "picked": make(actor=editor, suite=suite, title="Picked"),
        "left_out": make(actor=editor, suite=suite, title="Left out"),
    }


@pytest.fixture
def plan(editor, release, suite, child_suite, other_feature, cases):
    return services.plan_create(
        actor=editor,
        release=release,
        name="Release 2.0 regression",
        suites=[child_suite],
        tags_=["smoke"],
        features=[other_feature],
        cases=[cases["picked"]],
    )


@pytest.fixture
def run(editor, plan):
    return services.run_create(actor=editor, plan=plan, build="2.0.0-rc1", environment="staging")


def test_a_plan_selects_by_suite_tag_feature_and_by_hand(viewer, plan):
    titles = {c.title for c in selectors.plan_cases(user=viewer, plan=plan)}
    assert titles == {"Nested in the suite", "Tagged", "Covers", "Picked"}


def test_a_plan_selects_sub_suites_of_a_chosen_suite(editor, viewer, release, suite, cases):
    plan = services.plan_create(actor=editor, release=release, name="All", suites=[suite])
    assert selectors.plan_cases(user=viewer, plan=plan).count() == 5


def test_a_run_has_one_untested_result_per_case_at_its_version(editor, viewer, run, cases):
    results = list(selectors.run_results(user=viewer, run=run))
    assert len(results) == 4 and {r.status for r in results} == {"untested"}
    assert all(r.case_version.number == 1 for r in results)
    assert run.release.version == "2.0" and run.build == "2.0.0-rc1"
    assert Activity.objects.for_target(run).get().verb == "created"


def test_results_remember_the_version_they_executed(editor, viewer, run, cases):
    case = cases["tagged"]
    services.case_update(actor=editor, case=case, title="Tagged, reworded")
    result = run.results.get(case=case)
    assert result.case_version.number == 1 and result.case_version.title == "Tagged"
    services.result_record(actor=editor, result=result, status="passed")
    result.refresh_from_db()
    assert result.case_version.title == "Tagged"
    later = services.run_create(actor=editor, plan=run.plan, build="rc2")
    assert later.results.get(case=case).case_version.number == 2


def test_recording_results_moves_progress_and_pass_rate(editor, viewer, run):
    results = list(run.results.all())
    for result, status in zip(results, ["passed", "passed", "failed", "skipped"], strict=True):
        services.result_record(actor=editor, result=result, status=status, notes="ok")
    progress = selectors.progress_of([run])[0]
    assert progress.total == 4 and progress.executed == 4 and progress.percent_done == 100
    # Skipped cases are left out: 2 passed of 3 judged.
    assert progress.pass_rate == pytest.approx(66.7)
    recorded = run.results.get(pk=results[0].pk)
    assert recorded.executed_by == editor and recorded.executed_at is not None


def test_a_result_per_step_derives_the_whole(editor, suite, release):
    case = services.case_create(
        actor=editor,
        suite=suite,
        title="Two steps",
        steps_=[{"action": "A", "expected": "a"}, {"action": "B", "expected": "b"}],
    )
    plan = services.plan_create(actor=editor, release=release, name="P", cases=[case])
    run = services.run_create(actor=editor, plan=plan, build="1")
    result = run.results.get()
    services.result_record(actor=editor, result=result, step_statuses=["passed", "failed"])
    result.refresh_from_db()
    assert result.status == "failed" and result.step_statuses == ["passed", "failed"]
    services.result_record(actor=editor, result=result, step_statuses=["passed", "passed"])
    result.refresh_from_db()
    assert result.status == "passed"
    services.result_record(actor=editor, result=result, step_statuses=["passed", "untested"])
    result.refresh_from_db()
    assert result.status == "retest"
    with pytest.raises(DomainError) as exc:
        services.result_record(actor=editor, result=result, step_statuses=["passed"])
    assert "step_statuses" in exc.value.errors


def test_unknown_status_is_refused_naming_the_field(editor, run):
    result = run.results.first()
    with pytest.raises(DomainError) as exc:
        services.result_record(actor=editor, result=result, status="great")
    assert "status" in exc.value.errors
    result.refresh_from_db()
    assert result.status == "untested" and result.executed_by is None


def test_a_closed_run_takes_no_more_results(editor, run):
    services.run_close(actor=editor, run=run, confirm_untested=True)
    with pytest.raises(DomainError) as exc:
        services.result_record(actor=editor, result=run.results.first(), status="passed")
    assert "closed" in exc.value.errors["run"]


def test_a_run_needs_a_build_and_cases(editor, release, plan):
    with pytest.raises(DomainError) as exc, nothing_written(TestRun, TestResult):
        services.run_create(actor=editor, plan=plan, build=" ")
    assert "build" in exc.value.errors
    empty = services.plan_create(actor=editor, release=release, name="Empty")
    with pytest.raises(DomainError) as exc, nothing_written(TestRun, TestResult):
        services.run_create(actor=editor, plan=empty, build="1")
    assert "plan" in exc.value.errors


def test_only_editors_can_be_assigned(editor, viewer, plan):
    with pytest.raises(DomainError) as exc, nothing_written(TestRun, TestResult):
        services.run_create(actor=editor, plan=plan, build="1", assignees=[viewer])
    assert "assignees" in exc.value.errors
    run = services.run_create(actor=editor, plan=plan, build="1", assignees=[editor])
    assert list(run.assignees.all()) == [editor]


def test_plan_items_must_belong_to_the_release_product(editor, release):
    from tests.factories import FeatureFactory

    with pytest.raises(DomainError) as exc, nothing_written(TestPlan):
        services.plan_create(actor=editor, release=release, name="P", features=[FeatureFactory()])
    assert "features" in exc.value.errors


def test_evidence_is_stored_under_media_root(editor, run, settings):
    result = run.results.first()
    upload = SimpleUploadedFile("screen.png", b"\x89PNG fake", content_type="image/png")
    evidence = services.evidence_add(actor=editor, result=result, upload=upload)
    assert evidence.size == 9 and evidence.content_type == "image/png"
    assert str(settings.MEDIA_ROOT) in evidence.file.path
    too_big = SimpleUploadedFile("big.log", b"x" * (services.EVIDENCE_MAX_BYTES + 1))
    with pytest.raises(DomainError) as exc:
        services.evidence_add(actor=editor, result=result, upload=too_big)
    assert "file" in exc.value.errors and Evidence.objects.count() == 1


def test_viewer_cannot_plan_run_or_record(viewer, release, plan, run):
    result = run.results.first()
    with nothing_written(TestPlan, TestRun, TestResult, Evidence):
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=viewer, release=release, name="P")
        with pytest.raises(PermissionDenied):
            services.run_create(actor=viewer, plan=plan, build="1")
        with pytest.raises(PermissionDenied):
            services.result_record(actor=viewer, result=result, status="passed")
        with pytest.raises(PermissionDenied):
            services.run_close(actor=viewer, run=run)
        with pytest.raises(PermissionDenied):
            services.evidence_add(
                actor=viewer, result=result, upload=SimpleUploadedFile("a.txt", b"a")
            )


def test_run_results_read_in_a_fixed_number_of_queries(
    editor, viewer, suite, release, django_assert_max_num_queries
):
    cases = [services.case_create(actor=editor, suite=suite, title=f"C{n}") for n in range(30)]
    plan = services.plan_create(actor=editor, release=release, name="P", cases=cases)
    run = services.run_create(actor=editor, plan=plan, build="1")
    with django_assert_max_num_queries(3):
        rows = list(selectors.run_results(user=viewer, run=run))
        assert len({(r.case_version.title, r.case_version.number) for r in rows}) == 30
        assert {r.executed_by for r in rows} == {None}
