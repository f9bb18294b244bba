"""The bell as people use it: Maya opens it and finds Bob's mention above a newer comment,
with counts that agree with the bell; she marks everything read from the panel; on a phone
the panel fits the screen and its mention opens the exact comment."""

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory
from wavelength.accounts.models import Membership, Role
from wavelength.catalog import services as catalog
from wavelength.conversations import services as conversations
from wavelength.conversations.models import Comment

pytestmark = pytest.mark.browser


@pytest.fixture
def maya(product_team):
    user = UserFactory(email="maya@example.com", name="Maya Okafor", role=Role.EDITOR)
    Membership.objects.create(team=product_team, user=user)
    return user


def _mention_then_comment(editor, maya, product):
    feature = catalog.feature_create(actor=editor, product=product, title="Export to CSV")
    conversations.follow_create(actor=maya, kind="feature", object_id=feature.pk)
    mention = conversations.comment_create(
        actor=editor, kind="feature", object_id=feature.pk, body="@maya can you check totals?"
    )
    conversations.comment_create(
        actor=editor, kind="feature", object_id=feature.pk, body="Totals look fine now."
    )
    return feature, mention


def test_the_bell_lists_mentions_first_and_marks_all_read(page, sign_in, editor, maya, product):
    _mention_then_comment(editor, maya, product)
    sign_in(maya)
    page.goto("/")
    bell = page.get_by_label("Notifications: 2 unread")
    bell.click()
    panel = page.get_by_role("region", name="Notifications")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("2 unread · 1 mention")
    items = panel.locator(".notification-title")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_text("Bob Editor mentioned you on “Export to CSV”")
    expect(items.nth(1)).to_have_text("Bob Editor commented on “Export to CSV”")

    panel.get_by_role("button", name="Mark all read").click()
    expect(panel).to_contain_text("0 unread")
    expect(panel.get_by_role("button", name="Mark all read")).to_have_count(0)
    bell = page.locator("#bell-summary")
    expect(bell).to_have_attribute("aria-label", "Notifications")  # nothing unread any more
    expect(bell.locator(".topbar-bell-count")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()


def test_on_a_phone_the_panel_fits_and_opens_the_exact_comment(
    browser, live_server, sign_in, editor, maya, product
):
    feature, mention = _mention_then_comment(editor, maya, product)
    page = sign_in(maya)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.get_by_label("Notifications: 2 unread").click()
    panel = page.get_by_role("region", name="Notifications")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    panel.get_by_role("button", name="Bob Editor mentioned you on “Export to CSV”").click()
    comment = Comment.objects.get(pk=mention.pk)
    expect(page).to_have_url(f"{live_server.url}{feature.get_absolute_url()}#{comment.anchor}")
    expect(page.locator(f"#{comment.anchor}")).to_contain_text("can you check totals?")
    expect(page.get_by_label("Notifications: 1 unread")).to_be_visible()
