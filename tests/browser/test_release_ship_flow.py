"""Shipping a release as people do it: "Mark released" opens a confirmation that sums up the
gate, the untested cases and the features it ships; confirming ships it and its features
become generally available, which their pages and histories then say."""

import pytest
from playwright.sync_api import expect

from wavelength.catalog import services as catalog
from wavelength.catalog.models import Feature, ReleaseStatus, Stage
from wavelength.quality import services

pytestmark = pytest.mark.browser


def test_ship_through_the_confirmation_and_see_features_generally_available(
    page, sign_in, editor, product
):
    planned = catalog.feature_create(
        actor=editor, product=product, title="Saved filters", stage=Stage.PLANNED
    )
    beta = catalog.feature_create(actor=editor, product=product, title="Dark mode", stage="beta")
    release = catalog.release_create(
        actor=editor, product=product, version="4.2", features=[planned, beta]
    )
    suite = services.suite_create(actor=editor, product=product, name="Filters")
    case = services.case_create(actor=editor, suite=suite, title="Save a filter")
    plan = services.plan_create(actor=editor, release=release, name="4.2 checks", cases=[case])
    services.run_create(actor=editor, plan=plan, build="4.2.0")
    sign_in(editor)

    page.goto(release.get_absolute_url())
    page.get_by_role("link", name="Mark released…").click()
    confirm = page.locator("#ship-confirm")
    expect(page.locator("h1")).to_contain_text("Ship Orbit 4.2?")
    expect(confirm.locator('[data-part="quality.untested"]')).to_contain_text("1 of 1 planned")
    expect(confirm).to_contain_text("(2 features move)")
    expect(page.get_by_role("radio", name="Generally available (2 features move)")).to_be_checked()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PLANNED  # opening the confirmation ships nothing

    page.get_by_role("button", name="Ship Orbit 4.2").click()
    expect(page.locator(".messages")).to_contain_text("Orbit 4.2 is released.")
    assert set(Feature.objects.values_list("stage", flat=True)) == {Stage.GENERALLY_AVAILABLE}

    page.get_by_role("link", name="Saved filters").first.click()
    expect(page.locator(".badge.stage-generally_available").first).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("when Orbit 4.2 shipped")
