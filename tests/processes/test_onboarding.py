from tests.conftest import client_for
from tests.factories import UserFactory
from wavelength.accounts import services as accounts
from wavelength.core.models import Notification
from wavelength.processes import services
from wavelength.processes.models import Run
from wavelength.processes.services import StepSpec

from .conftest import make_playbook


def _add(admin, team, person, capture):
    with capture(execute=True):
        accounts.membership_add(actor=admin, team=team, user=person)


def test_adding_a_member_starts_the_team_onboarding(
    admin, editor, product_team, django_capture_on_commit_callbacks
):
    steps = [StepSpec(title="Read the handbook", owner_kind="subject")]
    playbook = make_playbook(editor, name="Onboarding", steps=steps)
    services.team_onboarding_set(actor=admin, team=product_team, playbook=playbook)
    newcomer = UserFactory(email="eve@example.com", name="Eve", manager=editor)
    _add(admin, product_team, newcomer, django_capture_on_commit_callbacks)
    run = Run.objects.get()
    assert run.subject == newcomer and run.playbook == playbook
    assert run.title == "Onboarding: Eve"
    assert Notification.objects.filter(recipient=newcomer, verb="step_assigned").exists()


def test_no_onboarding_when_off(admin, editor, product_team, django_capture_on_commit_callbacks):
    playbook = make_playbook(editor, name="Onboarding")
    services.team_onboarding_set(actor=admin, team=product_team, playbook=playbook)
    services.team_onboarding_set(actor=admin, team=product_team, playbook=None)
    _add(admin, product_team, UserFactory(), django_capture_on_commit_callbacks)
    assert not Run.objects.exists()


def test_a_person_gets_one_onboarding_run(
    admin, editor, product_team, other_team, django_capture_on_commit_callbacks
):
    playbook = make_playbook(editor, name="Onboarding")
    services.team_onboarding_set(actor=admin, team=product_team, playbook=playbook)
    services.team_onboarding_set(actor=admin, team=other_team, playbook=playbook)
    person = UserFactory()
    _add(admin, product_team, person, django_capture_on_commit_callbacks)
    _add(admin, other_team, person, django_capture_on_commit_callbacks)
    assert Run.objects.count() == 1


def test_only_admins_choose_the_onboarding(editor, product_team):
    import pytest
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.team_onboarding_set(actor=editor, team=product_team, playbook=None)


def test_onboarding_settings_page_saves(admin, editor, product_team):
    playbook = make_playbook(editor, name="Onboarding")
    client = client_for(admin)
    response = client.post(
        "/playbooks/onboarding/", {"team": product_team.pk, "playbook": playbook.pk}
    )
    assert response.status_code == 302
    assert product_team.onboarding.playbook == playbook
    assert (
        client_for(editor).post("/playbooks/onboarding/", {"team": product_team.pk}).status_code
        == 403
    )


def test_manager_sees_their_reports_onboarding(admin, editor, viewer):
    playbook = make_playbook(editor, name="Onboarding")
    accounts.user_set_manager(actor=admin, user=viewer, manager=editor)
    services.run_start(actor=admin, playbook=playbook, target=viewer)
    page = client_for(editor).get("/runs/team-onboarding/").content.decode()
    assert "Onboarding: Carol Viewer" in page
    assert (
        "Onboarding: Carol Viewer"
        not in client_for(admin).get("/runs/team-onboarding/").content.decode()
    )
    assert (
        "Onboarding: Carol Viewer"
        in client_for(viewer).get(f"/runs/for/{viewer.pk}/").content.decode()
    )


def test_admin_sets_the_manager_on_the_people_page(admin, editor, viewer):
    response = client_for(admin).post(
        f"/accounts/people/{viewer.pk}/manager/", {"manager": editor.pk}
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.manager == editor
    assert 'id="manager-' in client_for(admin).get("/accounts/people/").content.decode()
