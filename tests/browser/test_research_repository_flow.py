"""A researcher runs a study: creates it, adds the notes of an interview, selects a passage
to keep as a highlight linked to a feature, and finds it on the feature's page as evidence."""

import pytest
from playwright.sync_api import expect

from wavelength.catalog import services as catalog
from wavelength.research.models import Highlight

pytestmark = pytest.mark.browser

PASSAGE = "the export takes ten minutes"


def test_highlight_a_passage_and_find_it_on_the_feature_page(page, sign_in, editor, product):
    feature = catalog.feature_create(actor=editor, product=product, title="Faster exports")
    sign_in(editor)

    page.goto("/research/")
    page.get_by_role("link", name="New study").click()
    page.get_by_label("Title").fill("Why exports fail")
    page.get_by_label("Method").select_option("interview")
    page.get_by_label("Participants: their e-mail addresses, one a line").fill("ann@bigco.com")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Why exports fail")).to_be_visible()

    page.get_by_role("link", name="Add notes").click()
    page.get_by_label("Title").fill("Ann, Bigco")
    page.get_by_label("Participant's e-mail address").fill("ann@bigco.com")
    page.get_by_label("Notes (Markdown)").fill(
        f"Ann exports **every Monday**.\n\nShe said {PASSAGE} and often fails."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#note-body strong")).to_have_text("every Monday")
    page.wait_for_load_state()  # the deferred script that reads selections is listening

    # On a phone the note and its highlight form fit the width: no sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Select the passage in the rendered notes, as a mouse would.
    page.evaluate(
        """(passage) => {
          const walker = document.createTreeWalker(document.getElementById('note-body'),
                                                   NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode()) && !node.textContent.includes(passage)) {}
          const start = node.textContent.indexOf(passage);
          const range = document.createRange();
          range.setStart(node, start);
          range.setEnd(node, start + passage.length);
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
        }""",
        PASSAGE,
    )
    page.locator("#note-body").dispatch_event("mouseup")
    expect(page.get_by_label("Passage")).to_have_value(PASSAGE)
    page.get_by_label("Tags, separated by commas").fill("exports, pain")
    page.get_by_label("Link it to the feature").select_option(
        label=f"{product.name} · Faster exports"
    )
    page.get_by_role("button", name="Keep the highlight").click()
    highlights = page.locator("#highlights")
    expect(highlights.locator("blockquote")).to_have_text(f"“{PASSAGE}”")
    expect(highlights.get_by_role("link", name="Faster exports")).to_be_visible()
    assert Highlight.objects.get().feedback.links.get().feature == feature

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(feature.get_absolute_url())
    evidence = page.locator("#section-research")
    expect(evidence).to_contain_text(PASSAGE)
    expect(evidence.get_by_role("link", name="Why exports fail")).to_be_visible()
    expect(page.locator("#section-demand")).to_contain_text(PASSAGE)  # counted as demand
