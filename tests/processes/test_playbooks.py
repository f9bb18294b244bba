import pytest
from django.core.exceptions import PermissionDenied

from wavelength.core.conditions import ConditionResult, register_condition, unregister_condition
from wavelength.core.exceptions import DomainError
from wavelength.processes import services
from wavelength.processes.models import Playbook
from wavelength.processes.services import StepSpec

from .conftest import make_playbook


def test_create_writes_version_one_with_dependencies(editor):
    playbook = make_playbook(editor)
    version = playbook.current_version
    assert version.number == 1
    steps = list(version.steps.order_by("position"))
    assert [s.title for s in steps] == ["Write notes", "Review notes", "Publish"]
    assert [d.title for d in steps[2].depends_on.all()] == ["Review notes"]


def test_viewer_cannot_create_playbook(viewer):
    with pytest.raises(PermissionDenied):
        make_playbook(viewer)


def test_cycle_is_refused_naming_the_steps(editor):
    steps = [
        StepSpec(title="Plan", depends_on=[3]),
        StepSpec(title="Build", depends_on=[1]),
        StepSpec(title="Test", depends_on=[2]),
    ]
    with pytest.raises(DomainError) as exc:
        make_playbook(editor, steps=steps)
    assert exc.value.errors.keys() == {"steps"}
    for title in ("Plan", "Build", "Test"):
        assert f"“{title}”" in exc.value.message
    assert not Playbook.objects.exists()


def test_a_step_depending_on_itself_is_a_cycle(editor):
    with pytest.raises(DomainError, match="circle"):
        make_playbook(editor, steps=[StepSpec(title="Loop", depends_on=[1])])


def test_unknown_dependency_names_its_field(editor):
    with pytest.raises(DomainError) as exc:
        make_playbook(editor, steps=[StepSpec(title="A"), StepSpec(title="B", depends_on=[7])])
    assert "steps.1.depends_on" in exc.value.errors


def test_team_owner_needs_a_team(editor):
    with pytest.raises(DomainError) as exc:
        make_playbook(editor, steps=[StepSpec(title="A", owner_kind="team")])
    assert "steps.0.owner_team" in exc.value.errors


def test_empty_title_names_the_step(editor):
    with pytest.raises(DomainError) as exc:
        make_playbook(editor, steps=[StepSpec(title="ok"), StepSpec(title="  ")])
    assert "steps.1.title" in exc.value.errors


def test_editing_publishes_a_new_version_and_runs_keep_theirs(editor, playbook):
    run = services.run_start(actor=editor, playbook=playbook)
    services.playbook_step_save(
        actor=editor, playbook=playbook, spec=StepSpec(title="Announce", due_offset_days=6)
    )
    playbook.refresh_from_db()
    assert playbook.current_version.number == 2
    assert playbook.current_version.steps.count() == 4
    assert [s.title for s in run.steps.order_by("position")] == [
        "Write notes",
        "Review notes",
        "Publish",
    ]
    assert run.version.number == 1


def test_removing_a_step_renumbers_dependencies(editor, playbook):
    services.playbook_step_remove(actor=editor, playbook=playbook, position=1)
    playbook.refresh_from_db()
    specs = services.specs_of(playbook.current_version)
    assert [s.title for s in specs] == ["Review notes", "Publish"]
    assert specs[0].depends_on == [] and specs[1].depends_on == [1]


def test_moving_a_step_above_its_dependency_is_fine_in_order_but_keeps_links(editor, playbook):
    services.playbook_step_move(actor=editor, playbook=playbook, position=3, by=-1)
    playbook.refresh_from_db()
    specs = services.specs_of(playbook.current_version)
    assert [s.title for s in specs] == ["Write notes", "Publish", "Review notes"]
    assert specs[1].depends_on == [3]


@pytest.fixture
def page_condition():
    def evaluate(*, target, subject=None, params=None):
        ok = params.get("page") == "2"
        return ConditionResult(
            ok=ok, detail="" if ok else "Not read yet:", missing=[("Handbook", "/h")]
        )

    register_condition(
        "test.page_read",
        label="Page read",
        evaluate=evaluate,
        params=("page",),
        choices=lambda *, user: [("1", "Handbook"), ("2", "Security")],
    )
    yield
    unregister_condition("test.page_read")


def test_condition_step_keeps_its_param(editor, page_condition):
    step = StepSpec(
        title="Read", check_kind="condition", condition_key="test.page_read",
        condition_params={"page": "1", "junk": "x"},
    )  # fmt: skip
    playbook = make_playbook(editor, steps=[step])
    saved = playbook.current_version.steps.get()
    assert saved.condition_key == "test.page_read"
    assert saved.condition_params == {"page": "1"}


def test_condition_param_must_be_one_of_the_choices(editor, page_condition):
    step = StepSpec(title="Read", check_kind="condition", condition_key="test.page_read",
                    condition_params={"page": "99"})  # fmt: skip
    with pytest.raises(DomainError) as exc:
        make_playbook(editor, steps=[step])
    assert "steps.0.condition_params.page" in exc.value.errors


def test_unknown_condition_is_refused(editor):
    step = StepSpec(title="Read", check_kind="condition", condition_key="nobody.knows")
    with pytest.raises(DomainError) as exc:
        make_playbook(editor, steps=[step])
    assert "steps.0.condition_key" in exc.value.errors


def test_approver_must_be_an_editor(editor, viewer):
    step = StepSpec(title="Sign", check_kind="approval", approver=viewer)
    with pytest.raises(DomainError) as exc:
        make_playbook(editor, steps=[step])
    assert "steps.0.approver" in exc.value.errors


def test_duplicate_name_is_refused(editor, playbook):
    with pytest.raises(DomainError) as exc:
        make_playbook(editor, name="launch")
    assert "name" in exc.value.errors
