from tests.factories import FeatureFactory, ReleaseFactory, UserFactory
from wavelength.accounts.models import Membership, Role, Team
from wavelength.catalog import gates
from wavelength.processes.demo import build_processes_demo
from wavelength.processes.models import Playbook, ProductRequirement, Run, RunStatus


def test_demo_has_playbooks_onboarding_and_runs_in_flight(product):
    admin = UserFactory(email="admin@example.com", role=Role.ADMIN)
    engineering = Team.objects.get(slug="engineering")
    Membership.objects.create(team=engineering, user=admin)
    Membership.objects.create(team=engineering, user=UserFactory(email="dev@example.com"))
    release = ReleaseFactory(product=product, version="9.0", status="planned")
    FeatureFactory(product=product, stage="beta")

    assert build_processes_demo()["created"] is True
    assert Playbook.objects.filter(standard_key__gt="").count() == 5
    assert engineering.onboarding.playbook.standard_key == "onboarding"
    runs = {r.playbook.standard_key: r for r in Run.objects.select_related("playbook")}
    assert set(runs) == {"release-readiness", "onboarding", "feature-launch", "incident-review"}
    assert runs["onboarding"].subject.email == "nina.newcomer@example.com"
    assert runs["onboarding"].subject.manager == admin
    readiness = runs["release-readiness"]
    assert readiness.status == RunStatus.ACTIVE and readiness.steps.filter(status="done").exists()
    assert not gates.passes(gates.evaluate(release))
    # Every release of the product requires release readiness, set once on the product.
    required = ProductRequirement.objects.select_related("playbook").get(product=product)
    assert required.playbook.standard_key == "release-readiness"
    later = ReleaseFactory(product=product, version="9.1", status="planned")
    assert not gates.passes(gates.evaluate(later))
    assert build_processes_demo()["created"] is False
    assert ProductRequirement.objects.count() == 1
