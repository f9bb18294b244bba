"""Closing the loop as a product manager clicks through it: the feature customers asked for
reaches beta, the drafts are waiting, one is edited in place and all are sent once by the
background job, whose progress the page shows; the feature page then shows who was told."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from wavelength.catalog import services as catalog
from wavelength.feedback import services
from wavelength.outreach.models import LoopMessage, LoopStatus

pytestmark = pytest.mark.browser


def test_edit_and_send_a_close_the_loop_message(page, sign_in, editor, product):
    feature = catalog.feature_create(actor=editor, product=product, title="Offline mode")
    services.company_create(actor=editor, name="Acme", domains=["acme.com"], arr=250000)
    item = services.feedback_create(
        actor=editor, text="We need offline mode.", contact_email="jo@acme.com", contact_name="Jo"
    )
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    for stage in ["planned", "in_development", "beta"]:
        catalog.feature_move_stage(actor=editor, feature=feature, stage=stage)
    assert LoopMessage.objects.get().status == LoopStatus.DRAFT  # prepared after the commit
    sign_in(editor)

    page.goto(feature.get_absolute_url())
    page.locator("#section-loop").get_by_role("link", name="Prepare, edit and send").click()
    expect(page.get_by_role("heading", name="Acme")).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Subject").fill("Offline mode is in beta for Acme")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".loop-message")).to_contain_text("Offline mode is in beta for Acme")
    page.get_by_role("button", name="Send 1 message").click()
    expect(page.locator(".messages")).to_contain_text("1 message is on its way.")
    expect(page.locator("#loop-progress")).to_contain_text("Sent 1 of 1.")
    expect(page.get_by_role("button", name="Send 1 message")).to_have_count(0)

    assert [m.subject for m in mail.outbox] == ["Offline mode is in beta for Acme"]
    assert "/loop/unsubscribe/" in mail.outbox[0].body
    page.goto(feature.get_absolute_url())
    expect(page.locator("#section-loop")).to_contain_text("Jo")
