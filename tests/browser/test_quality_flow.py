"""Executing a test run as a tester does it: from the keyboard, row after row, watching the
progress and pass rate move without reloading the page."""

import pytest
from playwright.sync_api import expect

from wavelength.catalog import services as catalog
from wavelength.quality import services
from wavelength.quality.models import TestResult

pytestmark = pytest.mark.browser


@pytest.fixture
def run(editor, product):
    release = catalog.release_create(actor=editor, product=product, version="3.0")
    suite = services.suite_create(actor=editor, product=product, name="Checkout")
    cases = [
        services.case_create(actor=editor, suite=suite, title=title)
        for title in ("Pay by card", "Pay by invoice", "Apply a coupon", "Refund an order")
    ]
    plan = services.plan_create(actor=editor, release=release, name="Checkout", cases=cases)
    return services.run_create(actor=editor, plan=plan, build="3.0.0-rc1")


def test_execute_a_run_from_the_keyboard(page, sign_in, editor, run):
    sign_in(editor)
    page.goto(run.get_absolute_url())
    rows = page.locator("[data-qa-row]")
    expect(rows).to_have_count(4)

    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class("qa-result is-focused")
    page.keyboard.press("p")  # passed; the focus moves on to the next case
    expect(rows.nth(0)).to_have_attribute("data-status", "passed")
    expect(rows.nth(1)).to_have_class("qa-result is-focused")
    page.keyboard.press("f")
    expect(rows.nth(1)).to_have_attribute("data-status", "failed")
    expect(page.locator("[data-qa-pass-rate]")).to_have_text("50.0 %")
    page.keyboard.press("b")
    page.keyboard.press("k")
    page.keyboard.press("k")  # back to the failure, which turns out to be fine
    expect(rows.nth(1)).to_have_class("qa-result is-focused")
    page.keyboard.press("p")
    expect(rows.nth(1)).to_have_attribute("data-status", "passed")
    expect(page.locator("[data-qa-done]")).to_have_text("75 %")
    page.keyboard.press("j")  # past the blocked one
    page.keyboard.press("s")
    expect(rows.nth(3)).to_have_attribute("data-status", "skipped")
    expect(page.locator("[data-qa-done]")).to_have_text("100 %")
    expect(page.locator("[data-qa-pass-rate]")).to_have_text("66.7 %")

    statuses = list(TestResult.objects.filter(run=run).values_list("status", flat=True))
    assert statuses == ["passed", "passed", "blocked", "skipped"]

    # The last row keeps the focus; k goes back one and o opens that result.
    page.keyboard.press("k")
    page.keyboard.press("o")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay by invoice")


def test_open_a_defect_from_a_failure(page, sign_in, editor, run):
    sign_in(editor)
    page.goto(run.get_absolute_url())
    row = page.locator("[data-qa-row]").first
    row.get_by_role("button", name="Failed").click()
    expect(row).to_have_attribute("data-status", "failed")
    row = page.locator("[data-qa-row]").first
    row.get_by_role("button", name="Open a defect").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fails: Apply a coupon")
    defect_key = page.locator("h1 .mono").inner_text()
    page.go_back()
    page.reload()
    expect(page.locator("[data-qa-row]").first.get_by_role("link", name=defect_key)).to_be_visible()
