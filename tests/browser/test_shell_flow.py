"""The application shell as people use it: the home chart, "/" to search, a token shown once
and revoked, a refused team name, the French switch and the phone menu."""

import re

import pytest
from playwright.sync_api import expect

from tests.core.conftest import french_compiled  # noqa: F401 - the fixture, shared
from wavelength.catalog import services

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("french_compiled")
def test_home_search_and_tokens(page, sign_in, admin, editor, product):
    services.feature_create(actor=editor, product=product, title="CSV export", stage="beta")
    sign_in(admin)

    # Home: the chart is drawn by app.js from the JSON block (no inline script).
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alice Admin")
    expect(page.locator("canvas[data-chart]")).to_have_attribute("data-chart-ready", "1")
    expect(page.locator("#changes")).to_contain_text("created feature CSV export")

    # "/" jumps to the search box; results highlight the words.
    page.keyboard.press("/")
    page.keyboard.type("expo")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=expo"))
    expect(page.locator(".search-result mark").first).to_have_text("export")

    # A token is shown once, then only its prefix; revoking asks first.
    page.goto("/accounts/tokens/")
    page.get_by_label("Token name").fill("CI")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#raw-token").inner_text()
    assert secret.startswith("wl_")
    page.goto("/accounts/tokens/")
    expect(page.locator("body")).not_to_contain_text(secret)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator(".messages")).to_contain_text("Token “CI” revoked.")

    # The language switch in the user menu comes back to the same page, in French.
    page.locator(".user-menu > summary").click()
    page.get_by_role("button", name="FR").click()
    expect(page).to_have_url(re.compile(r"/accounts/tokens/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Jetons d’API")


def test_duplicate_team_name_is_shown_on_the_field(page, sign_in, admin, product_team):
    sign_in(admin)
    page.goto("/accounts/teams/new/")
    page.get_by_label("Name").fill("product")
    page.get_by_role("button", name="Create team").click()
    name = page.get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_name_error")).to_have_text("A team with this name already exists.")


def test_phone_menu_opens_and_closes_with_the_keyboard(page, sign_in, viewer):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(viewer)
    expect(page.locator(".topnav")).to_be_hidden()
    page.locator(".nav-menu > summary").click()
    expect(page.locator(".nav-menu").get_by_role("link", name="Teams")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".nav-menu").get_by_role("link", name="Teams")).to_be_hidden()
