"""Triage as a product manager clicks through it: find an item with the keyboard, open it,
select a sentence, link exactly that quote to a feature, then read the demand on the
feature's page."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wavelength.catalog import services as catalog
from wavelength.feedback import services
from wavelength.feedback.models import FeedbackLink, Status

pytestmark = pytest.mark.browser

TEXT = "Hello team. We need offline mode for our field crews. Everything else is great."
QUOTE = "We need offline mode for our field crews."


def test_link_a_selected_quote_and_see_the_demand(page, sign_in, editor, product):
    feature = catalog.feature_create(actor=editor, product=product, title="Offline mode")
    services.company_create(actor=editor, name="Acme", domains=["acme.com"], arr=250000)
    item = services.feedback_create(actor=editor, text=TEXT, contact_email="jo@acme.com")
    yesterday = timezone.now() - dt.timedelta(days=1)
    services.feedback_create(actor=editor, text="Older item", received_at=yesterday)
    sign_in(editor)

    page.goto("/feedback/")
    page.keyboard.press("j")
    expect(page.locator(".fb-row.is-focused")).to_have_id(f"fb-{item.pk}")
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(rf"/feedback/{item.pk}/"))
    page.wait_for_load_state()  # the deferred script that reads selections is listening

    # Select the sentence in the text, as a mouse would.
    page.evaluate(
        """(quote) => {
          const node = document.getElementById('fb-text').firstChild;
          const start = node.textContent.indexOf(quote);
          const range = document.createRange();
          range.setStart(node, start);
          range.setEnd(node, start + quote.length);
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
        }""",
        QUOTE,
    )
    page.locator("#fb-text").dispatch_event("mouseup")
    expect(page.get_by_label("Quote")).to_have_value(QUOTE)
    page.locator("#id_feature").select_option(label=f"{product.name} · Offline mode")
    page.get_by_label("Importance").select_option("critical")
    page.get_by_role("button", name="Link to feature").click()
    expect(page.locator(".fb-links blockquote")).to_have_text(f"“{QUOTE}”")

    link = FeedbackLink.objects.get()
    assert (link.quote, link.quote_start) == (QUOTE, TEXT.index(QUOTE))
    item.refresh_from_db()
    assert item.status == Status.LINKED

    page.goto(feature.get_absolute_url())
    demand = page.locator("#section-demand")
    expect(demand).to_contain_text("250,000")
    expect(demand).to_contain_text(QUOTE)
    expect(demand.get_by_role("link", name="Acme")).to_have_count(2)  # quote and company list


def test_bulk_archive_from_the_inbox(page, sign_in, editor):
    first = services.feedback_create(actor=editor, text="First")
    second = services.feedback_create(actor=editor, text="Second")
    sign_in(editor)
    page.goto("/feedback/?status=new")
    page.get_by_label("Select all on this page").check()
    page.locator("#bulk-action").select_option("archive")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator("#feedback-results")).to_contain_text("2 items updated.")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Status.ARCHIVED


def test_bulk_link_from_the_inbox(page, sign_in, editor, product):
    catalog.feature_create(actor=editor, product=product, title="Offline mode")
    wanted = catalog.feature_create(actor=editor, product=product, title="Dark theme")
    first = services.feedback_create(actor=editor, text="A dark theme please")
    second = services.feedback_create(actor=editor, text="My eyes hurt at night")
    sign_in(editor)
    page.goto("/feedback/?status=new")
    expect(page.locator("#bulk-feature")).to_be_hidden()  # only for "Link to a feature"
    page.get_by_label("Select all on this page").check()
    page.locator("#bulk-action").select_option("link")
    page.get_by_placeholder("Find a feature…").fill("dark")
    expect(page.locator("#bulk-feature option")).to_have_count(2)  # the prompt and the match
    page.locator("#bulk-feature").select_option(label=f"{product.name} · Dark theme")
    page.locator("#bulk-importance").select_option("critical")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator("#feedback-results")).to_contain_text("2 items linked to “Dark theme”.")
    links = FeedbackLink.objects.filter(feature=wanted)
    assert sorted(links.values_list("feedback_id", "importance")) == [
        (first.pk, "critical"),
        (second.pk, "critical"),
    ]
    expect(page.locator("#feedback-results")).to_contain_text("2 items")
    page.goto("/feedback/?status=linked")
    expect(page.locator("[data-fb-row]")).to_have_count(2)
