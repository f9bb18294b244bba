import pytest

from tests.conftest import client_for
from wavelength.processes import services
from wavelength.processes.models import Playbook

from .conftest import make_playbook

STEPS = [
    {"title": "Draft", "due_offset_days": 1},
    {"title": "Review", "depends_on": [1], "check_kind": "approval"},
    {"title": "Evidence", "depends_on": [1], "check_kind": "link"},
]


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def _fields(response):
    return [d["field"] for d in response.json()["detail"]]


def test_create_get_and_version_playbook(editor):
    client = client_for(editor)
    created = _post(client, "/api/v1/playbooks", {"name": "Launch", "steps": STEPS})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["version"] == 1 and [s["depends_on"] for s in body["steps"]] == [[], [1], [1]]
    new = _post(
        client, "/api/v1/playbooks/launch/versions", {"steps": STEPS[:1], "note": "Shorter"}
    )
    assert new.status_code == 201 and new.json()["number"] == 2
    versions = client.get("/api/v1/playbooks/launch/versions").json()
    assert [v["number"] for v in versions["items"]] == [2, 1]
    old = client.get("/api/v1/playbooks/launch/versions/1").json()
    assert len(old["steps"]) == 3


def test_cycle_is_a_422(editor):
    steps = [{"title": "A", "depends_on": [2]}, {"title": "B", "depends_on": [1]}]
    response = _post(client_for(editor), "/api/v1/playbooks", {"name": "Loop", "steps": steps})
    assert response.status_code == 422
    assert _fields(response) == ["steps"] and "“A”" in response.json()["detail"][0]["message"]
    assert not Playbook.objects.exists()


def test_unknown_team_names_the_step_field(editor):
    steps = [{"title": "A", "owner_kind": "team", "owner_team": "nope"}]
    response = _post(client_for(editor), "/api/v1/playbooks", {"name": "X", "steps": steps})
    assert response.status_code == 422 and _fields(response) == ["steps.0.owner_team"]


def test_viewer_cannot_create(viewer):
    response = _post(client_for(viewer), "/api/v1/playbooks", {"name": "X", "steps": STEPS})
    assert response.status_code == 403


def test_start_run_and_complete_steps(editor, playbook, product):
    client = client_for(editor)
    unknown = _post(client, "/api/v1/runs", {"playbook": "nope"})
    assert unknown.status_code == 422 and _fields(unknown) == ["playbook"]
    bad_target = _post(client, "/api/v1/runs", {"playbook": "launch", "target_kind": "planet",
                                                 "target_id": 1})  # fmt: skip
    assert bad_target.status_code == 422 and _fields(bad_target) == ["target_kind"]
    started = _post(client, "/api/v1/runs", {"playbook": "launch", "started_on": "2026-01-05"})
    assert started.status_code == 201, started.content
    run = started.json()
    assert run["steps_total"] == 3 and run["steps"][0]["due_on"] == "2026-01-06"
    first, _second, third = (s["id"] for s in run["steps"])
    blocked = _post(client, f"/api/v1/runs/{run['id']}/steps/{third}/complete")
    assert blocked.status_code == 422 and "Review notes" in blocked.json()["detail"][0]["message"]
    done = _post(client, f"/api/v1/runs/{run['id']}/steps/{first}/complete", {"note": "Fine"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert done.json()["completed_by"]["email"] == editor.email
    reopened = _post(client, f"/api/v1/runs/{run['id']}/steps/{first}/reopen")
    assert reopened.json()["status"] == "open"
    skip = _post(client, f"/api/v1/runs/{run['id']}/steps/{first}/skip", {"reason": ""})
    assert skip.status_code == 422 and _fields(skip) == ["reason"]


def test_step_of_another_run_is_refused(editor, playbook):
    one = services.run_start(actor=editor, playbook=playbook)
    two = services.run_start(actor=editor, playbook=playbook)
    step = two.steps.first()
    response = _post(client_for(editor), f"/api/v1/runs/{one.pk}/steps/{step.pk}/complete")
    assert response.status_code == 422 and _fields(response) == ["step_id"]


@pytest.mark.parametrize("url", ["", "notalink", "ftp://example.com/x"])
def test_missing_or_bad_evidence_link(editor, url):
    playbook = make_playbook(editor, name="Proof", steps=[
        services.StepSpec(title="Attach", check_kind="link")])  # fmt: skip
    run = services.run_start(actor=editor, playbook=playbook)
    step = run.steps.get()
    response = _post(client_for(editor), f"/api/v1/runs/{run.pk}/steps/{step.pk}/complete",
                     {"evidence_url": url})  # fmt: skip
    assert response.status_code == 422 and _fields(response) == ["evidence_url"]


def test_my_steps_and_overdue(editor, playbook):
    services.run_start(
        actor=editor, playbook=playbook, started_on=__import__("datetime").date(2025, 1, 1)
    )
    client = client_for(editor)
    mine = client.get("/api/v1/steps/mine").json()
    assert mine["count"] == 3 and [s["blocked"] for s in mine["items"]] == [False, True, True]
    overdue = client.get("/api/v1/steps/overdue").json()
    assert overdue["count"] == 3
    bad = client.get("/api/v1/steps/mine?status=whatever")
    assert bad.status_code == 422 and _fields(bad) == ["status"]


def test_run_list_filters(editor, playbook, viewer):
    services.run_start(actor=editor, playbook=playbook, target=viewer)
    services.run_start(actor=editor, playbook=playbook)
    client = client_for(editor)
    assert client.get("/api/v1/runs").json()["count"] == 2
    people = client.get("/api/v1/runs?target_kind=person").json()
    assert people["count"] == 1 and people["items"][0]["target"]["kind"] == "person"
    assert client.get(f"/api/v1/runs?subject={viewer.email}").json()["count"] == 1


def test_viewer_cannot_start_a_run_but_reads_them(viewer, editor, playbook):
    client = client_for(viewer)
    assert _post(client, "/api/v1/runs", {"playbook": "launch"}).status_code == 403
    services.run_start(actor=editor, playbook=playbook)
    assert client.get("/api/v1/runs").json()["count"] == 1


def test_unknown_run_is_404(editor):
    assert client_for(editor).get("/api/v1/runs/999999").status_code == 404
    assert _post(client_for(editor), "/api/v1/runs/999999/steps/1/complete").status_code == 404
