"""Processes as people click through them: an administrator adds a new colleague to a team and
their onboarding run appears; the colleague and their manager complete it step by step to
100 %. A release refused by its gate ships once its readiness run is complete."""

import pytest
from playwright.sync_api import expect

from tests.factories import ReleaseFactory, UserFactory
from wavelength.accounts import services as accounts
from wavelength.accounts.models import Role
from wavelength.catalog.models import ReleaseStatus
from wavelength.processes import services
from wavelength.processes.services import StepSpec

pytestmark = pytest.mark.browser


def _complete_open_steps(page, count):
    for _i in range(count):
        button = page.locator("#run-body").get_by_role("button", name="Mark done").first
        button.click()
        expect(page.locator("#run-body")).to_be_visible()


def test_onboarding_run_completed_step_by_step(page, sign_in, admin, product_team):
    steps = [
        StepSpec(title="Welcome meeting", owner_kind="manager"),
        StepSpec(title="Read the team handbook", owner_kind="subject", depends_on=[1]),
        StepSpec(title="Ship a first task", owner_kind="subject", depends_on=[2],
                 check_kind="link"),
    ]  # fmt: skip
    playbook = services.playbook_create(actor=admin, name="Onboarding", steps=steps)
    services.team_onboarding_set(actor=admin, team=product_team, playbook=playbook)
    newcomer = UserFactory(email="nina@example.com", name="Nina New", role=Role.VIEWER)
    accounts.user_set_manager(actor=admin, user=newcomer, manager=admin)

    sign_in(admin)
    page.goto(f"/accounts/teams/{product_team.slug}/")
    page.get_by_label("Person").select_option(label="Nina New")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".messages")).to_be_visible()

    page.goto("/runs/team-onboarding/")
    page.get_by_role("link", name="Onboarding: Nina New").click()
    expect(page.get_by_test_id("run-percent")).to_have_text("0 %")
    expect(page.get_by_test_id("step-2")).to_contain_text("Blocked")
    _complete_open_steps(page, 1)  # the manager's welcome meeting
    expect(page.get_by_test_id("run-percent")).to_have_text("33 %")
    run_url = page.url

    page.context.clear_cookies()
    sign_in(newcomer)
    page.goto("/steps/mine/")
    page.get_by_role("link", name="Read the team handbook").click()
    page.goto(run_url)
    _complete_open_steps(page, 1)
    expect(page.get_by_test_id("run-percent")).to_have_text("67 %")
    last = page.get_by_test_id("step-3")
    last.get_by_role("button", name="Mark done").click()
    expect(page.get_by_test_id("step-3")).to_contain_text("needs a link")
    page.get_by_test_id("step-3").get_by_placeholder("Link to the evidence (required)").fill(
        "https://git.example.com/merge/12"
    )
    page.get_by_test_id("step-3").get_by_role("button", name="Mark done").click()
    expect(page.get_by_test_id("run-percent")).to_have_text("100 %")
    expect(page.locator("#run-body")).to_contain_text("Completed")


def test_release_refused_by_its_gate_ships_once_the_run_completes(page, sign_in, editor, product):
    playbook = services.playbook_create(
        actor=editor, name="Release readiness", steps=[StepSpec(title="QA sign-off")]
    )
    release = ReleaseFactory(product=product, version="7.0")
    services.release_playbooks_require(actor=editor, release=release, playbooks=[playbook])
    sign_in(editor)

    page.goto(release.get_absolute_url())
    gate = page.locator("#release-gate")
    expect(gate).to_contain_text("not passing")
    page.get_by_role("link", name="Mark released…").click()
    expect(page.locator("#ship-confirm")).to_contain_text("only an administrator can ship it")
    page.goto(release.get_absolute_url())

    gate.get_by_role("link", name="Release readiness: not started").click()
    page.get_by_role("button", name="Start").click()
    _complete_open_steps(page, 1)
    expect(page.get_by_test_id("run-percent")).to_have_text("100 %")

    page.goto(release.get_absolute_url())
    expect(page.locator("#release-gate")).to_contain_text("passes")
    page.get_by_role("link", name="Mark released…").click()
    page.get_by_role("button", name=f"Ship {release}").click()
    expect(page.locator(".messages")).to_contain_text("is released")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.RELEASED
