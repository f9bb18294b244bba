"""A customer answers an NPS survey from its public link on a phone, the follow-up question
and the logic included; then the product manager sees the answer in the results."""

import pytest
from playwright.sync_api import expect

from wavelength.portal import guard
from wavelength.research import services

pytestmark = pytest.mark.browser


def test_answer_an_nps_on_a_phone_then_read_the_results(page, sign_in, editor, monkeypatch):
    monkeypatch.setattr(guard, "MIN_SECONDS", 0)
    survey = services.survey_create(actor=editor, title="How are we doing?")
    nps = services.question_add(actor=editor, survey=survey, kind="nps", required=True,
                                text="How likely are you to recommend us?")  # fmt: skip
    services.question_add(actor=editor, survey=survey, kind="single", text="What went wrong?",
                          choices=["Speed", "Price"], show_if=nps,
                          show_if_values=[str(n) for n in range(7)])  # fmt: skip
    services.survey_update(actor=editor, survey=survey, status="open")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/s/{survey.public_token}/")
    expect(page.get_by_role("heading", name="How are we doing?")).to_be_visible()
    wrong = page.get_by_role("group", name="What went wrong?")
    expect(wrong).to_be_hidden()  # shown only to detractors
    page.get_by_role("radio", name="3", exact=True).check()
    expect(wrong).to_be_visible()
    page.get_by_role("radio", name="9", exact=True).check()
    expect(wrong).to_be_hidden()
    # The 0–10 scale fits the phone's width: no sideways scrolling.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.get_by_label("What is the main reason for your score?").fill("Fast and friendly")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(editor)
    page.goto(f"/research/surveys/{survey.pk}/results/")
    expect(page.get_by_test_id("responses")).to_have_text("1")
    expect(page.get_by_test_id("nps")).to_have_text("100")
    expect(page.get_by_text("Fast and friendly")).to_be_visible()
    expect(page.locator("canvas[data-chart='distribution-data']")).to_have_attribute(
        "data-chart-ready", "1"
    )
