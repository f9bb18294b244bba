"""Voting on the portal as a customer does it: open an idea, leave an e-mail, vote, open the
link from the e-mail, and see the vote counted."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from wavelength.catalog import services as catalog
from wavelength.portal import guard
from wavelength.portal import services as portal_services

pytestmark = pytest.mark.browser


def test_vote_with_a_verified_email(page, admin, editor, product, monkeypatch):
    monkeypatch.setattr(guard, "MIN_SECONDS", 0)
    portal_services.portal_settings_update(
        actor=admin, enabled=True, name="Orbit", accent_colour="#0e7490"
    )
    feature = catalog.feature_create(actor=editor, product=product, title="Offline mode")
    idea = portal_services.portal_idea_open(actor=editor, feature=feature, title="Work offline")

    page.goto("/portal/")
    page.get_by_role("link", name="Work offline").click()
    page.get_by_label("Your e-mail").fill("jo@acme.com")
    page.get_by_role("button", name="Vote for this idea").click()
    expect(page.get_by_text("Almost there")).to_be_visible()
    expect(page.locator(".p-vote-count")).to_have_text("0")

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_text("Your vote is confirmed")).to_be_visible()
    expect(page.get_by_text("You voted for this idea")).to_be_visible()
    expect(page.locator(".p-vote-count")).to_have_text("1")
    idea.refresh_from_db()
    assert idea.vote_count == 1
