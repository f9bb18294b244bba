"""A product manager schedules the follow-up survey of a shipped release from its page; the
customer who asked answers it; the feature's page shows the measured outcome beside the
demand that justified the feature."""

import pytest
from playwright.sync_api import expect

from wavelength.catalog import services as catalog
from wavelength.feedback import services as feedback
from wavelength.research import services
from wavelength.research.models import Survey

pytestmark = pytest.mark.browser


def test_schedule_from_the_release_and_see_the_measured_outcome(
    page, sign_in, editor, admin, product
):
    feature = catalog.feature_create(actor=editor, product=product, title="Faster exports")
    feedback.company_create(actor=editor, name="Bigco", domains=["bigco.com"], arr=200000)
    item = feedback.feedback_create(actor=editor, text="Exports are slow.",
                                    contact_email="ann@bigco.com")  # fmt: skip
    feedback.feedback_link(actor=editor, feedback=item, feature=feature)
    release = catalog.release_create(actor=editor, product=product, version="2.4",
                                     features=[feature])  # fmt: skip
    catalog.release_ship(actor=admin, release=release, override_reason="Shipped for the test",
                         features_to="generally_available")  # fmt: skip
    sign_in(editor)

    page.goto(release.get_absolute_url())
    section = page.locator("#section-follow-ups")
    section.get_by_label("Measure").select_option("csat")
    section.get_by_label("days after it ships").fill("0")
    section.get_by_role("button", name="Schedule the follow-ups").click()
    expect(page.get_by_text("1 follow-up surveys scheduled.")).to_be_visible()
    expect(page.locator("#section-follow-ups")).to_contain_text("Faster exports")

    # The hourly job sends it to the customer who asked, who answers.
    assert services.follow_ups_send(send=False) == 1
    survey = Survey.objects.get(release=release)
    invitation = survey.invitations.get()
    csat = survey.questions.get(position=1)
    services.response_submit(survey=survey, invitation=invitation,
                             answers={csat.pk: {"value": 4}})  # fmt: skip

    page.goto(feature.get_absolute_url())
    outcome = page.locator("#section-outcome")
    expect(outcome).to_contain_text("Asked for by 1 company worth")
    expect(outcome).to_contain_text("CSAT 4.0 from 1 responses")
    expect(outcome).to_contain_text("1 from a company that asked")
