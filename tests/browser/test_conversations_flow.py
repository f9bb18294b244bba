"""Conversations as people click through them: Bob mentions Maya in a comment on a feature,
picking her from the editor's suggestions, and Maya finds it in the bell and opens the
comment."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from wavelength.accounts.models import Membership, Role
from wavelength.catalog import services as catalog
from wavelength.conversations.models import Comment

pytestmark = pytest.mark.browser


def _sign_in_elsewhere(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    other.goto("/accounts/login/")
    other.get_by_label("E-mail").fill(user.email)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("button", name="Sign in")).to_have_count(0)
    return context, other


def test_a_mention_reaches_the_colleagues_bell(
    page, sign_in, browser, live_server, editor, product, product_team
):
    maya = UserFactory(email="maya@example.com", name="Maya Okafor", role=Role.EDITOR)
    Membership.objects.create(team=product_team, user=maya)
    feature = catalog.feature_create(actor=editor, product=product, title="Export to CSV")

    sign_in(editor)
    page.goto(feature.get_absolute_url())
    box = page.get_by_label("New comment")
    box.click()
    box.press_sequentially("Can you check the totals, @may")
    suggestion = page.get_by_role("option", name="@maya")
    expect(suggestion).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("Can you check the totals, @maya ")
    box.press_sequentially("before Friday?")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Comment posted.")).to_be_visible()
    comment = Comment.objects.get()
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("before Friday?")

    context, other = _sign_in_elsewhere(browser, live_server, maya)
    try:
        bell = other.get_by_role("link", name="Notifications: 1 unread")
        expect(bell).to_be_visible()
        bell.click()
        mention = other.get_by_role("button", name="Bob Editor mentioned you on “Export to CSV”")
        expect(mention).to_be_visible()
        mention.click()
        expect(other).to_have_url(
            f"{live_server.url}{feature.get_absolute_url()}#comment-{comment.pk}"
        )
        expect(other.locator(f"#comment-{comment.pk}")).to_contain_text("Can you check the totals")
        expect(other.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    finally:
        context.close()
