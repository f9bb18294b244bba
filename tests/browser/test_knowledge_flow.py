"""The knowledge base as people click through it: two people edit the same page and the second
save shows both texts instead of overwriting; a [[link]] written in one page shows on the other
as a backlink."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS
from tests.conftest import PASSWORD
from wavelength.knowledge import services
from wavelength.knowledge.models import Page

pytestmark = pytest.mark.browser


def _second_person(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    other.goto("/accounts/login/")
    other.get_by_label("E-mail").fill(user.email)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("button", name="Sign in")).to_have_count(0)
    return context, other


def test_second_save_shows_the_conflict_with_both_texts(
    page, sign_in, browser, live_server, editor, admin
):
    space = services.space_create(actor=admin, name="Runbooks")
    doc = services.page_create(actor=editor, space=space, title="Runbook", body="Step one.")
    sign_in(editor)
    context, other = _second_person(browser, live_server, admin)
    try:
        edit_url = f"/docs/pages/{doc.pk}/edit/"
        page.goto(edit_url)
        other.goto(edit_url)
        other.get_by_label("Text").fill("Step one, by the admin.")
        other.get_by_role("button", name="Save page").click()
        expect(other.get_by_text("Page saved as version 2.")).to_be_visible()

        page.get_by_label("Text").fill("Step one, by the editor.")
        page.get_by_role("button", name="Save page").click()
        expect(
            page.get_by_text("Not saved: this page changed while you were editing")
        ).to_be_visible()
        expect(page.get_by_test_id("theirs")).to_have_value("Step one, by the admin.")
        expect(page.get_by_test_id("yours")).to_have_value("Step one, by the editor.")
        expect(page.locator(".kb-diff ins").first).to_be_visible()
        # Nothing is lost: the editor's text is still in the box, and saving now goes through.
        expect(page.get_by_label("Text", exact=True)).to_have_value("Step one, by the editor.")
        page.get_by_role("button", name="Save page").click()
        expect(page.get_by_text("Page saved as version 3.")).to_be_visible()
    finally:
        context.close()
    doc.refresh_from_db()
    assert doc.body == "Step one, by the editor."


def test_a_link_written_in_one_page_shows_as_a_backlink(page, sign_in, editor):
    space = services.space_create(actor=editor, name="Runbooks")
    target = services.page_create(actor=editor, space=space, title="Escalation", body="Call.")
    sign_in(editor)
    page.goto(f"/docs/new/?space={space.slug}")
    page.get_by_label("Title").fill("On-call guide")
    page.get_by_label("Text").fill("When stuck, follow [[Escalation]].")
    expect(page.locator("#preview-body a.wikilink")).to_have_text("Escalation")  # live preview
    page.get_by_role("button", name="Create page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("On-call guide")
    page.locator("article a.wikilink", has_text="Escalation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalation")
    backlinks = page.locator("section", has=page.get_by_role("heading", name="Linked from"))
    expect(backlinks.get_by_role("link", name="On-call guide")).to_be_visible()
    assert Page.objects.get(title="On-call guide").links.get().target_id == target.pk
