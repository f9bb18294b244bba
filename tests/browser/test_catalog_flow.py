"""The catalog as a product manager clicks through it: create a feature, walk it to beta on
the board with the card's own control, read the move in its history, find it with the search
box, and switch the interface to French."""

import re

import pytest
from playwright.sync_api import expect

from wavelength.catalog import services
from wavelength.settings import PACKAGE_DIR

pytestmark = pytest.mark.browser

FRENCH_MO = PACKAGE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.mo"

PATH_TO_BETA = [
    ("discovery", "Discovery"),
    ("planned", "Planned"),
    ("in_development", "In development"),
    ("beta", "Beta"),
]


def column(page, stage: str):
    return page.locator(f'.board-column[data-stage="{stage}"]')


def test_feature_from_idea_to_beta(page, sign_in, editor, product, product_team):
    services.area_create(actor=editor, product=product, name="Mobile")
    sign_in(editor)

    # Create the feature from the product page.
    page.goto(product.get_absolute_url())
    page.get_by_role("link", name="New feature").click()
    page.get_by_label("Title").fill("Offline mode")
    page.get_by_label("Description").fill("Work **without** a connection.")
    expect(page.locator("#preview-description strong")).to_have_text("without")  # live preview
    page.get_by_label("Area").select_option(label="Mobile")
    page.get_by_label("Owner team").select_option(label="Product")
    page.get_by_label("Tags").fill("mobile, offline")
    page.get_by_role("button", name="Create feature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offline mode")
    feature_url = page.url

    # Walk it along the lifecycle on the board, one allowed step at a time.
    page.goto(product.get_absolute_url())
    expect(column(page, "idea").get_by_role("article", name="Offline mode")).to_be_visible()
    for stage, label in PATH_TO_BETA:
        card = page.get_by_role("article", name="Offline mode")
        card.get_by_label("Move “Offline mode” to").select_option(stage)
        card.get_by_role("button", name="Move").click()
        moved = column(page, stage).get_by_role("article", name="Offline mode")
        expect(moved).to_be_visible()
        expect(page.locator("#board-status")).to_have_text(f"“Offline mode” moved to {label}.")
    expect(column(page, "idea").get_by_role("article", name="Offline mode")).to_have_count(0)

    # Dragged onto a column the lifecycle forbids, the card stays and says why.
    card = page.get_by_role("article", name="Offline mode")
    card.drag_to(column(page, "idea").locator(".board-column-body"))
    expect(page.get_by_role("alert")).to_have_text("A feature cannot move from “Beta” to “Idea”.")
    expect(column(page, "beta").get_by_role("article", name="Offline mode")).to_be_visible()

    # The feature's history tells the moves.
    page.goto(feature_url)
    history = page.locator("#timeline")
    expect(history).to_contain_text("moved feature Offline mode")
    expect(history.locator(".timeline-item").first).to_contain_text("Beta")
    expect(page.locator(".lifecycle-step.is-current")).to_contain_text("Beta")

    # The search box in the top bar finds it.
    search = page.get_by_role("searchbox", name="Search")
    search.fill("offline")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=offline"))
    expect(page.get_by_role("link", name="Offline mode").first).to_be_visible()

    # Switch the interface to French.
    page.locator("details.user-menu > summary").click()
    page.get_by_role("button", name="FR").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    if FRENCH_MO.exists():  # ``make messages`` compiles it; without it only the lang changes
        products_link = page.locator(".topnav a[href='/products/']")
        expect(products_link).not_to_have_text("Products")


def test_drag_a_card_to_the_next_stage(page, sign_in, editor, product):
    services.feature_create(actor=editor, product=product, title="Dark mode")
    sign_in(editor)
    page.goto(product.get_absolute_url())
    card = column(page, "idea").get_by_role("article", name="Dark mode")
    card.drag_to(column(page, "planned").locator(".board-column-body"))
    expect(column(page, "planned").get_by_role("article", name="Dark mode")).to_be_visible()
    expect(page.locator("#board-status")).to_have_text("“Dark mode” moved to Planned.")


def test_viewer_sees_the_board_without_controls(page, sign_in, viewer, editor, product):
    services.feature_create(actor=editor, product=product, title="Dark mode")
    sign_in(viewer)
    page.goto(product.get_absolute_url())
    card = page.get_by_role("article", name="Dark mode")
    expect(card).to_be_visible()
    expect(card.get_by_role("button", name="Move")).to_have_count(0)
    expect(card).not_to_have_attribute("draggable", "true")
    expect(page.get_by_role("link", name="New feature")).to_have_count(0)


def test_two_people_edit_one_feature_and_the_second_save_shows_the_conflict(
    browser, live_server, editor, product
):
    """Maya and Bob open the same edit page; Maya saves a new description; Bob's save of a new
    title is refused, shows both versions and keeps what he typed; saving again keeps both."""
    from tests.conftest import PASSWORD

    feature = services.feature_create(
        actor=editor, product=product, title="Offline mode", description="First draft."
    )
    pages = []
    for _person in ("maya", "bob"):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("E-mail").fill(editor.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
        page.goto(f"/features/{feature.pk}/edit/")
        pages.append(page)
    maya, bob = pages

    maya.get_by_label("Description").fill("Work without a connection, sync when back.")
    maya.get_by_role("button", name="Save").click()
    expect(maya.get_by_role("heading", level=1)).to_have_text("Offline mode")

    bob.get_by_label("Title").fill("Offline mode for mobile")
    bob.get_by_role("button", name="Save").click()
    expect(bob.locator(".form-errors")).to_contain_text("Someone else saved this")
    expect(bob.locator(".conflict-table")).to_contain_text("sync when back")
    expect(bob.get_by_label("Title")).to_have_value("Offline mode for mobile")

    bob.get_by_label("Description").fill("Work without a connection, sync when back.")
    bob.get_by_role("button", name="Save").click()
    expect(bob.get_by_role("heading", level=1)).to_have_text("Offline mode for mobile")
    feature.refresh_from_db()
    assert (feature.title, feature.description) == (
        "Offline mode for mobile",
        "Work without a connection, sync when back.",
    )
    for page in pages:
        page.context.close()
