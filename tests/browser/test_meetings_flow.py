"""A meeting as people click through it: the owner builds next week's agenda from live data,
records a decision and an action item; the decision shows on the feature's page and the action
item in its owner's "my work"; at phone width the agenda's buttons stay usable."""

import datetime as dt

import pytest
from django.urls import reverse
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
    page.locator("main ul").first.get_by_role("link").first.click()
    page.get_by_role("button", name="Build the agenda from live data").click()
    agenda = page.locator("#agenda")
    expect(agenda).to_contain_text("Dark mode moved to Discovery")

    decision = page.locator("form#decision")
    decision.get_by_label("Decision").fill("Dark mode goes to beta next sprint")
    decision.get_by_label("Filter: Features").fill("dark")
    decision.get_by_label("Dark mode", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#decisions")).to_contain_text("Dark mode goes to beta next sprint")

    action = page.locator("form#action")
    action.get_by_label("Action").fill("Tell support about dark mode")
    action.get_by_label("Owner").select_option(label=str(viewer))
    page.get_by_role("button", name="Add the action item").click()
    expect(page.locator("#actions")).to_contain_text("Tell support about dark mode")

    page.goto(feature.get_absolute_url())
    expect(page.get_by_role("link", name="Dark mode goes to beta next sprint")).to_be_visible()

    page.context.clear_cookies()  # the action item's owner signs in
    sign_in(viewer)
    page.goto(reverse("processes:my-steps"))
    mine = page.locator("main")
    expect(mine).to_contain_text("My action items")
    expect(mine.get_by_role("link", name="Tell support about dark mode")).to_be_visible()


def test_the_agenda_at_phone_width(page, sign_in, editor, product):
    tomorrow = clock.now().date() + dt.timedelta(days=1)
    series = services.series_create(actor=editor, data=services.SeriesData(
        name="Go/no-go", owner=editor, start_date=tomorrow, start_time=dt.time(16, 0),
        rrule=recurrence.weekly(weekday=tomorrow.weekday()), products=[product],
    ))  # fmt: skip
    occurrence = series.occurrences.order_by("starts_at").first()
    for title in ("Gate review", "Open defects"):
        services.agenda_item_add(actor=editor, occurrence=occurrence, title=title)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(editor)
    page.goto(occurrence.get_absolute_url())
    page.get_by_role("button", name="Move “Open defects” up").click()
    expect(page.locator("#agenda ol li").first).to_contain_text("Open defects")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
