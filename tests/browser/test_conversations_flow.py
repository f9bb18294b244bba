"""Conversations as people click through them: Bob mentions Maya in a comment on a feature,
picking her from the editor's suggestions, and Maya finds it in the bell and opens the
comment; Carol follows a feature, asks for a daily digest, and finds its stage change in the
next one."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from wavelength.accounts.models import Membership, Role
from wavelength.catalog import services as catalog
from wavelength.conversations import services as conversations
from wavelength.conversations.models import Comment
from wavelength.core import clock

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
        bell = other.get_by_label("Notifications: 1 unread")
        expect(bell).to_be_visible()
        bell.click()  # opens the bell's panel
        mention = other.get_by_role("button", name="Bob Editor mentioned you on “Export to CSV”")
        expect(mention).to_be_visible()
        mention.click()
        expect(other).to_have_url(
            f"{live_server.url}{feature.get_absolute_url()}#comment-{comment.pk}"
        )
        expect(other.locator(f"#comment-{comment.pk}")).to_contain_text("Can you check the totals")
        expect(other.locator("#bell-summary")).to_have_attribute("aria-label", "Notifications")
    finally:
        context.close()


def test_follow_a_feature_and_find_its_stage_change_in_the_next_digest(
    page, sign_in, viewer, editor, product
):
    feature = catalog.feature_create(actor=editor, product=product, title="Dark mode")
    sign_in(viewer)
    page.goto(feature.get_absolute_url())
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("button", name="Following")).to_be_visible()

    page.goto("/notifications/preferences/")
    stage = page.get_by_role("group", name="Something I follow changes stage")
    stage.get_by_label("In the app and in a daily e-mail digest").check()
    hour = clock.now().astimezone(ZoneInfo("Europe/Paris")).hour
    page.get_by_label("Send my digests at").select_option(str(hour))
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Notification preferences saved.")).to_be_visible()

    catalog.feature_move_stage(actor=editor, feature=feature, stage="discovery")
    assert conversations.digests_send_due() == 0  # not before tomorrow's hour
    assert conversations.digests_send_due(now=clock.now() + dt.timedelta(days=1)) == 1
    (digest,) = mail.outbox
    assert digest.to == [viewer.email]
    assert "== Feature “Dark mode” ==" in digest.body
    assert "“Dark mode” moved to a new stage" in digest.body

    # The link at the end of the digest stops that kind, without signing in.
    link = next(line for line in digest.body.splitlines() if line.startswith("Stop hearing of"))
    page.context.clear_cookies()
    page.goto(link.split(": ", 1)[1].removeprefix(settings.SITE_URL.rstrip("/")))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("status")).to_contain_text("no longer hears of")
