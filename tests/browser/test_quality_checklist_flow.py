"""Editing an inspection checklist's items as an administrator does it: moving rows with their
arrows, removing one, adding one, then reading the new version on the checklist's page."""

import pytest
from playwright.sync_api import expect

from wavelength.quality import services

pytestmark = pytest.mark.browser


@pytest.fixture
def privacy(admin):
    return services.checklist_create(
        actor=admin, name="Privacy review", items=["Data map updated", "DPO consulted", "Retention"]
    )


def test_reorder_remove_and_add_items_with_the_row_editor(page, sign_in, admin, privacy):
    sign_in(admin)
    page.goto(privacy.get_absolute_url())
    page.get_by_role("link", name="Edit checklist").click()
    rows = page.locator("[data-qa-item]:visible")
    expect(rows).to_have_count(6)  # three items and three empty rows
    expect(page.get_by_label("Position of item 1")).to_be_hidden()  # the arrows replace it

    rows.nth(2).get_by_role("button", name="Move up").click()  # Retention above DPO consulted
    rows.nth(0).get_by_role("button", name="Remove").click()  # Data map updated
    expect(rows).to_have_count(5)
    page.get_by_role("button", name="Add an item").click()
    expect(rows).to_have_count(6)
    expect(page.get_by_label("Item 6", exact=True)).to_be_focused()
    page.get_by_label("Item 6", exact=True).fill("Consent recorded")
    page.get_by_role("button", name="Save checklist").click()

    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    privacy.refresh_from_db()
    assert privacy.items == ["Retention", "DPO consulted", "Consent recorded"]
    versions = page.locator(".qa-versions")
    expect(versions).to_contain_text("+ Consent recorded")
    expect(versions).to_contain_text("Data map updated")
    expect(versions).to_contain_text("Items reordered")
