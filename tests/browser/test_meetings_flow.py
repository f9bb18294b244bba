"""A meeting as people click through it: the owner builds next week's agenda from live data,
records a decision and an action item, and the decision shows on the feature's page."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.factories import FeatureFactory
from wavelength.catalog import services as catalog
from wavelength.core import clock
from wavelength.meetings import recurrence, services

pytestmark = pytest.mark.browser


def test_build_the_agenda_record_a_decision_and_find_it_on_the_feature(
    page, sign_in, editor, viewer, product
):
    feature = FeatureFactory(product=product, title="Dark mode", stage="idea")
    catalog.feature_move_stage(actor=editor, feature=feature, stage="discovery")
    tomorrow = clock.now().date() + dt.timedelta(days=1)
    series = services.series_create(
        actor=editor,
        data=services.SeriesData(
            name="Weekly product sync",
            owner=editor,
            start_date=tomorrow,
            start_time=dt.time(10, 0),
            rrule=recurrence.weekly(weekday=tomorrow.weekday()),
            time_zone="Europe/Paris",
            products=[product],
            attendees=[viewer],
        ),
    )

    sign_in(editor)
    page.goto(series.get_absolute_url())
    page.get_by_role("heading", name="Next meetings").wait_for()
    page.locator("main ul").filter(has_text="10:00").get_by_role("link").first.click()
    page.get_by_role("button", name="Build the agenda from live data").click()
    agenda = page.locator("#agenda")
    expect(agenda).to_contain_text("Dark mode moved to Discovery")

    decision = page.locator("form#decision")
    decision.get_by_label("Decision").fill("Dark mode goes to beta next sprint")
    decision.get_by_label("Features").select_option(label=str(feature))
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#decisions")).to_contain_text("Dark mode goes to beta next sprint")

    action = page.locator("form#action")
    action.get_by_label("Action").fill("Tell support about dark mode")
    action.get_by_label("Owner").select_option(label=str(viewer))
    page.get_by_role("button", name="Add the action item").click()
    expect(page.locator("#actions")).to_contain_text("Tell support about dark mode")

    page.goto(feature.get_absolute_url())
    expect(page.get_by_role("link", name="Dark mode goes to beta next sprint")).to_be_visible()
