from tests.conftest import client_for
from tests.factories import FeatureFactory
from wavelength.processes import services
from wavelength.processes.models import RunStatus


def test_pages_render(editor, playbook, product):
    run = services.run_start(actor=editor, playbook=playbook)
    client = client_for(editor)
    for url in [
        "/playbooks/",
        playbook.get_absolute_url(),
        f"/playbooks/{playbook.slug}/versions/1/",
        f"/playbooks/{playbook.slug}/steps/new/",
        f"/playbooks/{playbook.slug}/steps/2/",
        "/playbooks/onboarding/",
        "/runs/",
        "/runs/start/",
        run.get_absolute_url(),
        "/steps/mine/",
        "/steps/overdue/",
        "/runs/team-onboarding/",
        f"/runs/for/{editor.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Write notes" in page and "0 %" in page and "Blocked" in page


def test_step_editor_refuses_a_cycle_on_the_form(editor, playbook):
    response = client_for(editor).post(
        f"/playbooks/{playbook.slug}/steps/1/",
        {"title": "Write notes", "owner_kind": "starter", "due_offset_days": 0, "depends_on": [3]},
    )
    assert response.status_code == 422
    assert "circle" in response.content.decode()
    playbook.refresh_from_db()
    assert playbook.current_version.number == 1


def test_step_editor_saves_a_new_version(editor, playbook):
    response = client_for(editor).post(
        f"/playbooks/{playbook.slug}/steps/new/",
        {"title": "Announce", "owner_kind": "starter", "due_offset_days": 7, "depends_on": [3]},
    )
    assert response.status_code == 302
    playbook.refresh_from_db()
    assert playbook.current_version.number == 2


def test_complete_steps_on_the_run_page_up_to_100(editor, playbook):
    run = services.run_start(actor=editor, playbook=playbook)
    client = client_for(editor)
    for step in run.steps.order_by("position"):
        response = client.post(f"/runs/{run.pk}/steps/{step.pk}/complete/", {"note": "ok"})
        assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert "100 %" in client.get(run.get_absolute_url()).content.decode()


def test_blocked_step_shows_the_refusal(editor, playbook):
    run = services.run_start(actor=editor, playbook=playbook)
    last = run.steps.order_by("position").last()
    response = client_for(editor).post(f"/runs/{run.pk}/steps/{last.pk}/complete/", {})
    assert response.status_code == 422
    assert "waits for “Review notes”" in response.content.decode()


def test_start_a_run_for_a_feature_and_see_it_on_the_feature(editor, playbook, product):
    feature = FeatureFactory(product=product, title="Dark mode")
    client = client_for(editor)
    response = client.post(
        "/runs/start/", {"playbook": playbook.slug, "target": f"feature:{feature.pk}"}
    )
    assert response.status_code == 302
    assert "Launch: Dark mode" in client.get(feature.get_absolute_url()).content.decode()


def test_viewer_cannot_start_runs_or_edit(viewer, playbook):
    client = client_for(viewer)
    assert client.get("/runs/start/").status_code == 403
    assert client.get(f"/playbooks/{playbook.slug}/steps/new/").status_code == 403


def test_step_editor_lists_registered_conditions_and_works_without(editor, playbook, monkeypatch):
    from wavelength.core import conditions
    from wavelength.core.conditions import ConditionResult, register_condition, unregister_condition

    monkeypatch.setattr(conditions, "_registry", {})  # as if no app registered one
    page = client_for(editor).get(f"/playbooks/{playbook.slug}/steps/new/").content.decode()
    assert "No condition is available" in page
    register_condition(
        "test.read", label="Page read", evaluate=lambda **kw: ConditionResult(ok=True),
        params=("page",), choices=lambda *, user: [("7", "Security handbook")],
    )  # fmt: skip
    try:
        page = client_for(editor).get(f"/playbooks/{playbook.slug}/steps/new/").content.decode()
        assert 'value="test.read|7"' in page and "Security handbook" in page
        response = client_for(editor).post(
            f"/playbooks/{playbook.slug}/steps/new/",
            {"title": "Read", "owner_kind": "subject", "due_offset_days": 2,
             "check_kind": "condition", "condition": "test.read|7"},
        )  # fmt: skip
        assert response.status_code == 302
        playbook.refresh_from_db()
        step = playbook.current_version.steps.get(title="Read")
        assert step.condition_params == {"page": "7"}
    finally:
        unregister_condition("test.read")


def test_bad_input_on_pages_is_never_a_500(admin, playbook):
    client = client_for(admin)
    assert client.post("/playbooks/onboarding/", {"team": "abc"}).status_code == 404
    assert (
        client.post("/runs/start/", {"playbook": playbook.slug, "target": "feature:zz"}).status_code
        == 422
    )
    assert (
        client.post("/runs/start/", {"playbook": playbook.slug, "target": "planet:1"}).status_code
        == 422
    )
    assert client.post(f"/playbooks/{playbook.slug}/steps/1/explode/").status_code == 404
    response = client.post(
        f"/playbooks/{playbook.slug}/steps/new/",
        {"title": "X", "owner_kind": "team", "due_offset_days": 99999},
    )
    assert response.status_code == 422


def test_run_page_queries_do_not_grow_with_team_steps(editor, viewer, product_team):
    from wavelength.processes.services import StepSpec

    def run_with(n):
        steps = [
            StepSpec(title=f"S{i}", owner_kind="team", owner_team=product_team) for i in range(n)
        ]
        playbook = services.playbook_create(actor=editor, name=f"Team {n}", steps=steps)
        return services.run_start(actor=editor, playbook=playbook)

    client = client_for(viewer)
    small, large = run_with(2), run_with(12)
    client.get(small.get_absolute_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        assert client.get(large.get_absolute_url()).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
