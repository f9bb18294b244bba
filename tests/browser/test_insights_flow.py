"""The decision dashboard as a product lead uses it: filter it by product, open the list behind
a number, save the view for the team, and follow a feature's trace from its page; on a phone
too."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import FeatureFactory, ReleaseFactory
from wavelength.catalog.models import ReleaseStatus, Stage
from wavelength.feedback.models import Company, Feedback, FeedbackLink
from wavelength.insights.models import SavedView

pytestmark = pytest.mark.browser


@pytest.fixture
def story(product, product_team):
    today = timezone.localdate()
    feature = FeatureFactory(product=product, title="Offline mode", owner_team=product_team,
                             stage=Stage.GENERALLY_AVAILABLE)  # fmt: skip
    acme = Company.objects.create(name="Acme", segment="enterprise", arr=250_000)
    for days, source in [(3, "portal"), (12, "portal"), (20, "support")]:
        item = Feedback.objects.create(
            text=f"Offline please ({days})",
            source=source,
            company=acme,
            received_at=timezone.now() - dt.timedelta(days=days),
        )
        FeedbackLink.objects.create(feedback=item, feature=feature)
    Feedback.objects.create(text="Unrelated", source="web")
    release = ReleaseFactory(product=product, version="3.0", status=ReleaseStatus.RELEASED,
                             target_date=today - dt.timedelta(days=10),
                             released_on=today - dt.timedelta(days=12))  # fmt: skip
    release.features.add(feature)
    return feature


def test_filter_the_dashboard_save_the_view_and_open_a_trace(page, sign_in, editor, story,
                                                             product_team):  # fmt: skip
    sign_in(editor)
    page.goto("/insights/")
    expect(page.get_by_role("heading", name="Decision dashboard")).to_be_visible()
    page.locator("#f-product").select_option("orbit")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#f-product")).to_have_value("orbit")
    assert "product=orbit" in page.url  # the address carries the filters
    channel = page.locator("#figure-feedback-channel")
    expect(channel.get_by_test_id("count-feedback-channel-1")).to_have_text("2")  # Portal
    expect(channel.locator("canvas")).to_be_visible()

    # The number opens the list it counts.
    channel.get_by_test_id("count-feedback-channel-1").click()
    rows = page.get_by_test_id("figure-rows").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("figure-rows")).not_to_contain_text("Unrelated")
    page.go_back()

    # Keep the view for the team.
    page.get_by_text("Save this view").click()
    page.get_by_label("Name of the view").fill("Orbit this quarter")
    page.get_by_label("Share with").select_option(label=product_team.name)
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("View “Orbit this quarter” saved.")).to_be_visible()
    expect(page.locator("#f-product")).to_have_value("orbit")
    view = SavedView.objects.get()
    assert (view.team, view.filters) == (product_team, {"product": "orbit"})
    expect(page.get_by_role("link", name="Orbit this quarter · Product")).to_be_visible()

    # From the feature's page to its trace.
    page.goto(story.get_absolute_url())
    page.get_by_role("link", name="Open the trace", exact=False).click()
    expect(page.get_by_role("heading", name="Trace of Offline mode")).to_be_visible()
    expect(page.get_by_test_id("trace-demand")).to_contain_text("Asked by 1 company worth 250,000")
    expect(page.get_by_test_id("trace")).to_contain_text("Orbit 3.0")


def test_the_dashboard_fits_a_phone(page, sign_in, viewer, story):
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(viewer)
    page.goto("/insights/?period=30")
    expect(page.locator("#figure-surveys")).to_be_attached()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    expect(page.locator("#figure-feedback-channel canvas")).to_be_visible()


def test_a_chart_opens_the_list_behind_a_bar_from_the_keyboard(page, sign_in, editor, story):
    sign_in(editor)
    page.goto("/insights/?product=orbit")
    chart = page.get_by_test_id("chart-feedback-segment")
    expect(chart).to_have_attribute("title", "Click to open the list")
    expect(chart).to_have_attribute("tabindex", "0")
    chart.focus()  # the first bar is chosen: Enterprise, the segment of Acme's three items
    expect(page.locator("#figure-feedback-segment [aria-live]")).to_have_text(
        "Feedback items, Enterprise: 3"
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/insights/lists/feedback/**")
    assert "segment=enterprise" in page.url and "product=orbit" in page.url
    expect(page.get_by_test_id("figure-rows").locator("tbody tr")).to_have_count(3)
