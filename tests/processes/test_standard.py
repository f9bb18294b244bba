from django.core.management import call_command

from tests.factories import TeamFactory
from wavelength.accounts.models import Team
from wavelength.core import conditions
from wavelength.core.conditions import (
    ConditionResult,
    get_condition,
    register_condition,
    unregister_condition,
)
from wavelength.processes import services, standard
from wavelength.processes.models import Playbook


def test_install_twice_adds_nothing(db, capsys):
    TeamFactory(name="QA", slug="qa")
    call_command("playbooks", "install")
    assert Playbook.objects.count() == 5
    call_command("playbooks", "install")
    assert Playbook.objects.count() == 5
    assert "already installed" in capsys.readouterr().out
    readiness = Playbook.objects.get(standard_key="release-readiness")
    regression = readiness.current_version.steps.get(position=2)
    assert regression.owner_kind == "team" and regression.owner_team.slug == "qa"
    assert [d.position for d in regression.depends_on.all()] == [1]


def test_install_never_overwrites_an_edited_playbook(editor):
    standard.install()
    onboarding = Playbook.objects.get(standard_key="onboarding")
    services.playbook_step_remove(actor=editor, playbook=onboarding, position=6)
    standard.install()
    onboarding.refresh_from_db()
    assert onboarding.current_version.number == 2
    assert onboarding.current_version.steps.count() == 5


def test_missing_teams_fall_back_to_the_starter(db):
    Team.objects.filter(slug="engineering").delete()
    standard.install()
    step = Playbook.objects.get(standard_key="incident-review").current_version.steps.get(
        position=2
    )
    assert step.owner_kind == "starter"


def test_onboarding_reads_pages_when_knowledge_offers_them(db):
    knowledge_own = get_condition(standard.PAGE_READ)  # put back afterwards: other tests use it
    register_condition(
        standard.PAGE_READ, label="Page read", params=("page",),
        evaluate=lambda **kw: ConditionResult(ok=True),
        choices=lambda *, user: [("3", "Onboarding: our product"), ("4", "Expenses policy")],
    )  # fmt: skip
    try:
        standard.install()
    finally:
        unregister_condition(standard.PAGE_READ)
        if knowledge_own is not None:
            conditions._registry[knowledge_own.key] = knowledge_own
    onboarding = Playbook.objects.get(standard_key="onboarding")
    read = onboarding.current_version.steps.get(condition_key=standard.PAGE_READ)
    assert read.title == "Read “Onboarding: our product”" and read.condition_params == {"page": "3"}
