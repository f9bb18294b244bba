"""The release-readiness gate as people watch it: an administrator sets the product's gate,
the release page shows it failing, a tester records the missing results in another tab, and
the open release page turns green by itself; the release then ships with its verdict kept."""

import pytest
from playwright.sync_api import expect

from wavelength.catalog import services as catalog
from wavelength.catalog.models import ReleaseStatus
from wavelength.quality import services

pytestmark = pytest.mark.browser


@pytest.fixture
def release_under_test(admin, product):
    feature = catalog.feature_create(actor=admin, product=product, title="Saved filters")
    release = catalog.release_create(
        actor=admin, product=product, version="4.1", features=[feature]
    )
    suite = services.suite_create(actor=admin, product=product, name="Filters")
    cases = [
        services.case_create(actor=admin, suite=suite, title=title, features=[feature])
        for title in ("Save a filter", "Share a filter")
    ]
    plan = services.plan_create(actor=admin, release=release, name="4.1 checks", cases=cases)
    run = services.run_create(actor=admin, plan=plan, build="4.1.0-rc1")
    return release, run


def test_watch_the_gate_turn_green(page, sign_in, admin, product, release_under_test):
    release, run = release_under_test
    sign_in(admin)
    page.goto(f"/quality/products/{product.slug}/gate/")
    page.get_by_label("Minimum pass rate (%)").fill("100")
    page.get_by_label("Every feature in the release covered by at least one test case").check()
    page.get_by_role("button", name="Save the gate").click()
    expect(page.locator(".messages")).to_contain_text("is saved")

    page.goto(release.get_absolute_url())
    gate = page.locator("#release-gate")
    expect(gate).to_contain_text("not passing")
    expect(gate.locator('[data-criterion="quality.pass_rate"]')).to_have_class(
        "release-gate-item is-missing"
    )
    expect(gate.locator('[data-criterion="quality.coverage"]')).to_have_class(
        "release-gate-item is-ok"
    )
    expect(page.get_by_role("link", name="Override and mark released…")).to_be_visible()

    tester = page.context.new_page()
    tester.goto(run.get_absolute_url())
    rows = tester.locator("[data-qa-row]")
    expect(rows).to_have_count(2)
    tester.keyboard.press("j")
    tester.keyboard.press("p")
    expect(rows.nth(0)).to_have_attribute("data-status", "passed")
    tester.keyboard.press("p")
    expect(rows.nth(1)).to_have_attribute("data-status", "passed")
    tester.close()

    # The open release page polls its gate: no reload.
    expect(gate.locator('[data-criterion="quality.pass_rate"]')).to_have_class(
        "release-gate-item is-ok", timeout=60_000
    )
    expect(page.locator("#release-gate")).to_contain_text("passes")
    ship = page.get_by_role("link", name="Mark released…", exact=True)
    expect(ship).to_be_visible()
    ship.click()
    page.get_by_role("button", name=f"Ship {release}").click()
    expect(page.locator(".messages")).to_contain_text("is released")
    expect(page.locator("#release-gate")).to_contain_text("Gate when it shipped")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.RELEASED
