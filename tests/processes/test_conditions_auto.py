"""Condition steps complete themselves once their dependencies are done and their condition
holds: after a step of the run finishes, every ten minutes (Celery beat) and from the CLI."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import client_for
from tests.factories import ReleaseFactory
from wavelength.core.conditions import ConditionResult, register_condition, unregister_condition
from wavelength.core.models import Activity
from wavelength.core.timeline import describe
from wavelength.processes import services, tasks
from wavelength.processes.models import RunStatus, StepStatus
from wavelength.processes.services import StepSpec

from .conftest import make_playbook


@pytest.fixture
def flag():
    state = {"ok": False, "calls": 0}

    def evaluate(*, target, subject=None, params=None):
        state["calls"] += 1
        return ConditionResult(ok=state["ok"], detail="Not yet")

    register_condition("test.auto", label="Auto", evaluate=evaluate)
    yield state
    unregister_condition("test.auto")


def _run(editor, *specs, target=None, name="Auto"):
    playbook = make_playbook(editor, name=name, steps=list(specs))
    return services.run_start(actor=editor, playbook=playbook, target=target)


def _steps(run):
    return list(run.steps.order_by("position"))


COND = {"check_kind": "condition", "condition_key": "test.auto"}


def test_a_condition_step_completes_itself_once_its_condition_holds(editor, flag):
    run = _run(editor, StepSpec(title="Docs", **COND), StepSpec(title="Other"))
    assert services.runsteps_check_conditions(run=run) == []
    assert _steps(run)[0].status == StepStatus.OPEN
    flag["ok"] = True
    done = services.runsteps_check_conditions()
    assert [s.title for s in done] == ["Docs"]
    docs = _steps(run)[0]
    assert docs.status == StepStatus.DONE and docs.completed_by is None
    row = Activity.objects.in_scope(run.scope).get(verb="step_completed")
    assert row.actor is None
    # The run's timeline says Wavelength completed it; the run page says it completed itself.
    sentence = str(describe([row])[0].sentence)
    assert "Wavelength" in sentence and "Docs" in sentence
    page = client_for(editor).get(run.get_absolute_url()).content.decode()
    assert "Completed by itself" in page


def test_not_before_its_dependencies_are_done_then_at_once(editor, flag):
    flag["ok"] = True
    run = _run(editor, StepSpec(title="Write"), StepSpec(title="Docs", depends_on=[1], **COND),
               StepSpec(title="Later"))  # fmt: skip
    write, docs, _later = _steps(run)
    assert services.runsteps_check_conditions(run=run) == []
    assert flag["calls"] == 0  # a blocked step is not even evaluated
    # Completing the step it waits for completes it straight away.
    services.runstep_complete(actor=editor, step=write)
    docs.refresh_from_db()
    assert docs.status == StepStatus.DONE and docs.completed_by is None


def test_a_chain_of_condition_steps_completes_in_one_check(editor, flag):
    run = _run(editor, StepSpec(title="A", **COND), StepSpec(title="B", depends_on=[1], **COND),
               StepSpec(title="Manual"))  # fmt: skip
    flag["ok"] = True
    assert [s.title for s in services.runsteps_check_conditions(run=run)] == ["A", "B"]


def test_checking_twice_records_once(editor, flag):
    run = _run(editor, StepSpec(title="Docs", **COND), StepSpec(title="Other"))
    flag["ok"] = True
    assert len(services.runsteps_check_conditions()) == 1
    assert services.runsteps_check_conditions() == []
    assert services.runsteps_check_conditions(run=run) == []
    assert Activity.objects.in_scope(run.scope).filter(verb="step_completed").count() == 1


def test_the_run_completes_with_its_last_step(editor, flag):
    run = _run(editor, StepSpec(title="Write"), StepSpec(title="Docs", depends_on=[1], **COND))
    services.runstep_complete(actor=editor, step=_steps(run)[0])
    run.refresh_from_db()
    assert run.status == RunStatus.ACTIVE
    flag["ok"] = True
    services.runsteps_check_conditions()
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    completed = Activity.objects.in_scope(run.scope).get(verb="completed")
    assert completed.actor is None


def test_cancelled_runs_and_failing_evaluators_are_left_alone(editor, flag):
    cancelled = _run(editor, StepSpec(title="Docs", **COND))
    services.run_cancel(actor=editor, run=cancelled)
    flag["ok"] = True
    assert services.runsteps_check_conditions() == []

    def broken(**kwargs):
        raise RuntimeError("boom")

    register_condition("test.broken", label="Broken", evaluate=broken)
    try:
        bad = StepSpec(title="Bad", check_kind="condition", condition_key="test.broken")
        run = _run(editor, bad, StepSpec(title="Docs", **COND), name="Mixed")
        assert [s.title for s in services.runsteps_check_conditions()] == ["Docs"]
        assert _steps(run)[0].status == StepStatus.OPEN
    finally:
        unregister_condition("test.broken")


def test_a_fixed_number_of_queries_per_run(editor, flag, django_assert_num_queries):
    release = ReleaseFactory()
    run = _run(editor, *[StepSpec(title=f"C{i}", **COND) for i in range(5)], target=release)
    # Steps (locked) + their dependencies + the run + its target; each condition is the
    # evaluator's own business (this one reads nothing). Plus the savepoint and its release.
    with django_assert_num_queries(6):
        assert services.runsteps_check_conditions(run=run) == []
    assert flag["calls"] == 5


def test_the_periodic_task_is_scheduled_and_completes_steps(editor, flag):
    schedule = settings.CELERY_BEAT_SCHEDULE["playbook-step-conditions"]
    assert schedule == {"task": "wavelength.processes.check_conditions", "schedule": 600}
    _run(editor, StepSpec(title="Docs", **COND), StepSpec(title="Other"))
    assert tasks.check_conditions.delay().get() == 0
    flag["ok"] = True
    assert tasks.check_conditions.delay().get() == 1


def test_the_cli(editor, flag):
    run = _run(editor, StepSpec(title="Docs", **COND), StepSpec(title="Other"))
    out = StringIO()
    call_command("playbooks", "check-conditions", stdout=out)
    assert "No condition step is ready" in out.getvalue()
    flag["ok"] = True
    out = StringIO()
    call_command("playbooks", "check-conditions", stdout=out)
    assert "Completed “Docs”" in out.getvalue() and f"run {run.pk}" in out.getvalue()
    assert "1 step(s) completed in 1 run(s)." in out.getvalue()


def test_the_whole_workspace_is_checked_in_a_fixed_number_of_queries_per_run(
    editor, flag, django_assert_max_num_queries
):
    for i in range(3):
        _run(editor, StepSpec(title="Docs", **COND), StepSpec(title="Other"), name=f"P{i}")
    # One query finds the runs waiting on a condition; then each run as above.
    with django_assert_max_num_queries(1 + 3 * 6):
        assert services.runsteps_check_conditions() == []
