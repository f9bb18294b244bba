import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import FeatureFactory, ReleaseFactory, UserFactory
from wavelength.accounts.models import Role
from wavelength.core.conditions import ConditionResult, register_condition, unregister_condition
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity, Notification
from wavelength.processes import selectors, services
from wavelength.processes.models import RunStatus, StepStatus
from wavelength.processes.services import StepSpec

from .conftest import make_playbook

START = dt.date(2026, 3, 2)


def _steps(run):
    return list(run.steps.order_by("position"))


def test_due_dates_count_from_the_start(editor, playbook):
    run = services.run_start(actor=editor, playbook=playbook, started_on=START)
    assert [s.due_on for s in _steps(run)] == [
        START + dt.timedelta(days=1),
        START + dt.timedelta(days=3),
        START + dt.timedelta(days=5),
    ]


def test_owners_are_resolved_and_told(editor, admin, product_team, viewer):
    newcomer = UserFactory(email="eve@example.com", name="Eve", manager=admin)
    playbook = make_playbook(
        editor,
        steps=[
            StepSpec(title="Team", owner_kind="team", owner_team=product_team),
            StepSpec(title="Me", owner_kind="subject"),
            StepSpec(title="Boss", owner_kind="manager"),
            StepSpec(title="Starter", owner_kind="starter"),
        ],
    )
    run = services.run_start(actor=editor, playbook=playbook, target=newcomer)
    team, me, boss, starter = _steps(run)
    assert run.subject == newcomer
    assert team.assignee is None and team.assignee_team == product_team
    assert me.assignee == newcomer and boss.assignee == admin and starter.assignee == editor
    told = set(Notification.objects.values_list("recipient__email", flat=True))
    # The starter is not told of their own step; team members (viewer) are.
    assert told == {"eve@example.com", "alice@example.com", "carol@example.com"}


def test_feature_owner_gets_the_owner_step(editor, product, viewer):
    feature = FeatureFactory(product=product, owner=viewer)
    playbook = make_playbook(editor, steps=[StepSpec(title="Go", owner_kind="target_owner")])
    run = services.run_start(actor=editor, playbook=playbook, target=feature)
    assert _steps(run)[0].assignee == viewer
    assert list(selectors.runs_for(user=viewer, obj=feature)) == [run]


def test_release_without_owner_falls_to_the_starter(editor, product):
    release = ReleaseFactory(product=product)
    playbook = make_playbook(editor, steps=[StepSpec(title="Go", owner_kind="target_owner")])
    run = services.run_start(actor=editor, playbook=playbook, target=release)
    assert _steps(run)[0].assignee == editor


def test_blocked_step_is_refused_naming_the_blockers(editor, playbook):
    run = services.run_start(actor=editor, playbook=playbook)
    with pytest.raises(DomainError) as exc:
        services.runstep_complete(actor=editor, step=_steps(run)[2])
    assert "“Review notes”" in exc.value.message
    assert exc.value.errors.keys() == {"step"}


def test_completing_every_step_completes_the_run(editor, playbook):
    run = services.run_start(actor=editor, playbook=playbook)
    for step in _steps(run):
        services.runstep_complete(actor=editor, step=step, note="ok")
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.completed_at
    done = _steps(run)[0]
    assert done.completed_by == editor and done.note == "ok"
    verbs = list(Activity.objects.in_scope(run.scope).values_list("verb", flat=True))
    assert verbs.count("step_completed") == 3 and "completed" in verbs


def test_skip_needs_a_reason_and_unblocks(editor, playbook):
    run = services.run_start(actor=editor, playbook=playbook)
    first, second, _third = _steps(run)
    with pytest.raises(DomainError) as exc:
        services.runstep_skip(actor=editor, step=first, reason=" ")
    assert "reason" in exc.value.errors
    services.runstep_skip(actor=editor, step=first, reason="Done elsewhere")
    services.runstep_complete(actor=editor, step=second)  # no longer blocked
    first.refresh_from_db()
    assert first.status == StepStatus.SKIPPED and first.skip_reason == "Done elsewhere"


def test_reopen_brings_the_run_back(editor):
    playbook = make_playbook(editor, steps=[StepSpec(title="Only")])
    run = services.run_start(actor=editor, playbook=playbook)
    step = _steps(run)[0]
    services.runstep_complete(actor=editor, step=step)
    services.runstep_reopen(actor=editor, step=step)
    run.refresh_from_db()
    step.refresh_from_db()
    assert run.status == RunStatus.ACTIVE and step.status == StepStatus.OPEN
    assert step.completed_by is None


@pytest.mark.parametrize("url", ["", "ftp://x.example/a", "not a link", "javascript:alert(1)"])
def test_link_check_needs_a_valid_http_link(editor, url):
    playbook = make_playbook(editor, steps=[StepSpec(title="Proof", check_kind="link")])
    step = _steps(services.run_start(actor=editor, playbook=playbook))[0]
    with pytest.raises(DomainError) as exc:
        services.runstep_complete(actor=editor, step=step, evidence_url=url)
    assert "evidence_url" in exc.value.errors
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN


def test_link_check_keeps_the_evidence(editor):
    playbook = make_playbook(editor, steps=[StepSpec(title="Proof", check_kind="link")])
    step = _steps(services.run_start(actor=editor, playbook=playbook))[0]
    services.runstep_complete(actor=editor, step=step, evidence_url="https://ci.example/run/1")
    step.refresh_from_db()
    assert step.status == StepStatus.DONE and step.evidence_url == "https://ci.example/run/1"


def test_approval_needs_someone_else(editor, admin):
    playbook = make_playbook(editor, steps=[StepSpec(title="Sign-off", check_kind="approval")])
    step = _steps(services.run_start(actor=editor, playbook=playbook))[0]
    services.runstep_complete(actor=editor, step=step)
    step.refresh_from_db()
    assert step.status == StepStatus.AWAITING_APPROVAL
    with pytest.raises(PermissionDenied):
        services.runstep_approve(actor=editor, step=step)
    services.runstep_approve(actor=admin, step=step)
    step.refresh_from_db()
    assert step.status == StepStatus.DONE and step.approved_by == admin
    assert step.run.__class__.objects.get(pk=step.run_id).status == RunStatus.COMPLETED


def test_named_approver_only(editor, admin, outsider):
    step_spec = StepSpec(title="Legal", check_kind="approval", approver=outsider)
    playbook = make_playbook(editor, steps=[step_spec])
    step = _steps(services.run_start(actor=editor, playbook=playbook))[0]
    services.runstep_complete(actor=editor, step=step)
    assert Notification.objects.filter(recipient=outsider, verb="step_approval").exists()
    with pytest.raises(PermissionDenied):
        services.runstep_approve(actor=admin, step=step)
    services.runstep_approve(actor=outsider, step=step)


@pytest.fixture
def flag_condition():
    state = {"ok": False}

    def evaluate(*, target, subject=None, params=None):
        return ConditionResult(ok=state["ok"], detail="Pages not published:",
                               missing=[("Runbook", "/pages/1")])  # fmt: skip

    register_condition("test.flag", label="Flag", evaluate=evaluate)
    yield state
    unregister_condition("test.flag")


def test_condition_check_is_evaluated(editor, flag_condition):
    spec = StepSpec(title="Docs", check_kind="condition", condition_key="test.flag")
    step = _steps(services.run_start(actor=editor, playbook=make_playbook(editor, steps=[spec])))[0]
    with pytest.raises(DomainError) as exc:
        services.runstep_complete(actor=editor, step=step)
    assert "Runbook" in exc.value.message and "check" in exc.value.errors
    flag_condition["ok"] = True
    services.runstep_complete(actor=editor, step=step)


def test_a_viewer_completes_their_own_step_but_not_others(editor, viewer, outsider):
    playbook = make_playbook(
        editor, steps=[StepSpec(title="Mine", owner_kind="subject"), StepSpec(title="Theirs")]
    )
    run = services.run_start(actor=editor, playbook=playbook, target=viewer)
    mine, theirs = _steps(run)
    services.runstep_complete(actor=viewer, step=mine)
    with pytest.raises(PermissionDenied):
        services.runstep_complete(actor=viewer, step=theirs)


def test_team_member_takes_a_team_step(editor, viewer, product_team, outsider):
    outsider.role = Role.VIEWER
    outsider.save()
    playbook = make_playbook(
        editor, steps=[StepSpec(title="QA", owner_kind="team", owner_team=product_team)]
    )
    step = _steps(services.run_start(actor=editor, playbook=playbook))[0]
    with pytest.raises(PermissionDenied):
        services.runstep_assign(actor=outsider, step=step, assignee=outsider)
    services.runstep_assign(actor=viewer, step=step, assignee=viewer)
    step.refresh_from_db()
    assert step.assignee == viewer


def test_my_steps_include_team_steps_and_blocked_flag(editor, viewer, product_team):
    playbook = make_playbook(
        editor,
        steps=[
            StepSpec(title="Team", owner_kind="team", owner_team=product_team),
            StepSpec(title="After", owner_kind="team", owner_team=product_team, depends_on=[1]),
        ],
    )
    services.run_start(actor=editor, playbook=playbook)
    rows = list(selectors.my_steps(user=viewer))
    assert [r.title for r in rows] == ["Team", "After"]
    assert [r.blocked for r in rows] == [False, True]
    blocked = selectors.my_steps(user=viewer, filters=selectors.StepFilter(status="blocked"))
    assert [r.title for r in blocked] == ["After"]


def test_overdue_steps_across_runs(editor, playbook):
    old = services.run_start(actor=editor, playbook=playbook, started_on=START)
    services.run_start(actor=editor, playbook=playbook)  # starts today: nothing overdue
    overdue = list(selectors.overdue_steps(user=editor))
    assert {s.run_id for s in overdue} == {old.pk}
    assert len(overdue) == 3


def test_step_lists_need_no_query_per_row(editor, playbook, django_assert_max_num_queries):
    for _i in range(6):
        services.run_start(actor=editor, playbook=playbook, started_on=START)
    with django_assert_max_num_queries(2):
        rows = list(selectors.my_steps(user=editor))
        [(r.run.title, r.assignee, r.blocked) for r in rows]
    with django_assert_max_num_queries(2):
        rows = list(selectors.overdue_steps(user=editor))
        [(r.run.title, r.assignee_team) for r in rows]
    with django_assert_max_num_queries(1):
        runs = list(selectors.run_list(user=editor))
        [(r.playbook.name, r.version.number, r.step_done, r.step_total) for r in runs]
    assert len(rows) == 18 and len(runs) == 6


def test_cancelled_run_steps_cannot_be_completed(editor, playbook):
    run = services.run_start(actor=editor, playbook=playbook)
    services.run_cancel(actor=editor, run=run)
    with pytest.raises(DomainError):
        services.runstep_complete(actor=editor, step=_steps(run)[0])
