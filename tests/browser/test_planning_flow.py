"""The roadmap as a product manager uses it: drag a feature from one release to another on the
timeline, move it back with the card's keyboard control, place it on the Now / Next / Later
board, and read the moves in the feature's history."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from wavelength.catalog import services as catalog
from wavelength.catalog.models import ReleaseStatus

pytestmark = pytest.mark.browser


def release_column(page, release):
    return page.locator(f'[data-drop-release="{release.pk}"]')


@pytest.fixture
def plan(editor, product):
    today = dt.date.today()
    feature = catalog.feature_create(actor=editor, product=product, title="Offline mode",
                                     stage="planned")  # fmt: skip
    first = catalog.release_create(actor=editor, product=product, version="2.0",
                                   target_date=today + dt.timedelta(days=20),
                                   features=[feature])  # fmt: skip
    second = catalog.release_create(actor=editor, product=product, version="2.1",
                                    target_date=today + dt.timedelta(days=50),
                                    status=ReleaseStatus.IN_PROGRESS)  # fmt: skip
    return feature, first, second


def test_drag_a_feature_into_another_release_and_back_with_the_keyboard(page, sign_in, editor,
                                                                          plan):  # fmt: skip
    feature, first, second = plan
    sign_in(editor)
    page.goto("/roadmap/")
    card = release_column(page, first).get_by_role("article", name="Offline mode")
    expect(card).to_be_visible()

    card.drag_to(release_column(page, second).locator(".board-column-body"))
    moved = release_column(page, second).get_by_role("article", name="Offline mode")
    expect(moved).to_be_visible()
    expect(release_column(page, first).get_by_role("article", name="Offline mode")).to_have_count(0)
    expect(page.locator("#roadmap-status")).to_have_text("“Offline mode” moved on the roadmap.")
    assert list(second.features.all()) == [feature]

    # The keyboard alternative: the card's own "Move to" control.
    select = moved.get_by_label("Move “Offline mode” to")
    select.focus()
    select.select_option(str(first.pk))
    moved.get_by_role("button", name="Move").press("Enter")
    expect(release_column(page, first).get_by_role("article", name="Offline mode")).to_be_visible()
    assert list(first.features.all()) == [feature]

    # On the Now / Next / Later board, drag it to Later.
    page.goto("/roadmap/now-next-later/")
    board_card = page.locator('[data-drop-column="next"]').get_by_role(
        "article", name="Offline mode"
    )
    board_card.drag_to(page.locator('[data-drop-column="later"] .board-column-body'))
    expect(
        page.locator('[data-drop-column="later"]').get_by_role("article", name="Offline mode")
    ).to_be_visible()

    # The feature's history tells each move.
    page.goto(feature.get_absolute_url())
    history = page.locator("#timeline")
    expect(history).to_contain_text("moved feature Offline mode on the roadmap")
    expect(history.locator(".timeline-item").first).to_contain_text("Later")
    expect(page.locator("#section-planning")).to_contain_text("Later")


def test_phone_width_keeps_the_move_control(page, sign_in, editor, plan):
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(editor)
    page.goto("/roadmap/")
    expect(page.get_by_label("Move “Offline mode” to")).to_be_visible()
