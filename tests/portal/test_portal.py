"""The public portal: settings and branding, ideas, votes verified by e-mail, sign-in links,
comments, rate limits and the spam guard, what a visitor may see, staff proxy votes, the
roadmap and the changelog."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wavelength.catalog import services as catalog
from wavelength.catalog.models import Release
from wavelength.core.exceptions import DomainError
from wavelength.feedback.models import Company, Contact, Feedback
from wavelength.portal import guard
from wavelength.portal import services as portal_services
from wavelength.portal.models import PortalComment, PortalVote, mailbox_of

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def _portal_guards(monkeypatch):
    cache.clear()
    monkeypatch.setattr(guard, "MIN_SECONDS", 0)
    yield
    cache.clear()


@pytest.fixture
def portal(admin):
    return portal_services.portal_settings_update(
        actor=admin, enabled=True, name="Orbit Ideas", accent_colour="#0E7490", intro="Hi!"
    )


@pytest.fixture
def idea(editor, feature, portal):
    return portal_services.portal_idea_open(
        actor=editor,
        feature=feature,
        title="Export your charts",
        description="Download **every** chart as CSV.",
    )


@pytest.fixture
def visitor():
    return Client()


def _form(client, url) -> dict:
    """The spam-guard fields of the form on ``url``, as a browser would send them."""
    html = client.get(url).content.decode()
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    return {"started": started, "website": ""}


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/portal/\S+)", message.body).group(1)


def _signed_in(client, email) -> Client:
    token = signing.TimestampSigner(salt=portal_services.SIGNIN_SALT).sign(email)
    client.get(reverse("portal:signin-confirm", args=[token]))
    return client


# Settings and branding --------------------------------------------------------------------


def test_every_portal_url_is_404_when_the_portal_is_off(visitor, editor, feature, admin):
    idea = portal_services.portal_idea_open(actor=editor, feature=feature, title="Export")
    portal_services.portal_settings_update(
        actor=admin, enabled=False, name="P", accent_colour="#000000"
    )
    for name, args in [
        ("portal:idea-list", []),
        ("portal:idea-detail", [idea.pk]),
        ("portal:idea-submit", []),
        ("portal:signin", []),
        ("portal:roadmap", []),
        ("portal:changelog", []),
        ("portal:logo", []),
        ("portal:vote-confirm", ["x"]),
    ]:
        assert visitor.get(reverse(name, args=args)).status_code == 404, name
    assert visitor.post(reverse("portal:idea-vote", args=[idea.pk])).status_code == 404
    assert not PortalVote.objects.exists()


def test_branding_shows_name_colour_and_logo(visitor, admin, portal):
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    portal_services.portal_settings_update(
        actor=admin, enabled=True, name="Orbit Ideas", accent_colour="#0e7490", logo=logo
    )
    html = visitor.get(reverse("portal:idea-list")).content.decode()
    assert "Orbit Ideas" in html
    assert 'style="--accent: #0e7490;"' in html
    assert reverse("portal:logo") in html
    response = visitor.get(reverse("portal:logo"))
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "topbar" not in html  # no staff navigation


def test_settings_refuse_a_bad_colour_and_a_fake_logo(admin_client, portal):
    url = reverse("portal:settings")
    response = admin_client.post(url, {"enabled": "on", "name": "X", "accent_colour": "red"})
    assert response.status_code == 422
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    data = {"enabled": "on", "name": "X", "accent_colour": "#123456", "logo": fake}
    response = admin_client.post(url, data)
    assert response.status_code == 422
    assert "PNG, JPEG, GIF or WebP" in response.content.decode()
    portal.refresh_from_db()
    assert (portal.name, portal.accent_colour, portal.logo.name) == ("Orbit Ideas", "#0e7490", "")


def test_only_an_admin_edits_the_portal_settings(editor_client, admin_client, portal):
    url = reverse("portal:settings")
    assert editor_client.get(url).status_code == 403
    data = {"name": "New name", "accent_colour": "#112233"}  # enabled unticked: portal off
    assert admin_client.post(url, data).status_code == 302
    assert Client().get(reverse("portal:idea-list")).status_code == 404


# Ideas ------------------------------------------------------------------------------------


def test_idea_list_searches_sorts_and_filters(visitor, editor, idea, other_feature, product):
    portal_services.portal_idea_open(actor=editor, feature=other_feature, title="Sign in with Okta")
    html = visitor.get(reverse("portal:idea-list")).content.decode()
    assert "Export your charts" in html and "Sign in with Okta" in html
    html = visitor.get(reverse("portal:idea-list"), {"q": "okta"}).content.decode()
    assert "Sign in with Okta" in html and "Export your charts" not in html
    html = visitor.get(reverse("portal:idea-list"), {"sort": "newest"}).content.decode()
    assert html.index("Sign in with Okta") < html.index("Export your charts")
    response = visitor.get(reverse("portal:idea-list"), {"product": product.slug})
    assert "Export your charts" in response.content.decode()


def test_idea_page_renders_the_public_markdown(visitor, idea):
    html = visitor.get(reverse("portal:idea-detail", args=[idea.pk])).content.decode()
    assert "<strong>every</strong>" in html
    assert "Export to CSV" not in html  # the internal title stays inside


def test_new_idea_becomes_portal_feedback_in_the_inbox(visitor, portal):
    url = reverse("portal:idea-submit")
    data = {**_form(visitor, url), "title": "Dark mode", "text": "Please.", "email": "ann@x.io"}
    response = visitor.post(url, data)
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert (item.source, item.title, item.contact.email) == ("portal", "Dark mode", "ann@x.io")


# Votes and identity -----------------------------------------------------------------------


def test_anonymous_vote_counts_once_the_emailed_link_is_opened(visitor, idea, acme):
    url = reverse("portal:idea-detail", args=[idea.pk])
    data = {**_form(visitor, url), "email": "Jane@Acme.com"}
    response = visitor.post(reverse("portal:idea-vote", args=[idea.pk]), data)
    assert response.status_code == 302
    vote = PortalVote.objects.get()
    assert vote.verified_at is None and vote.contact.company == acme
    idea.refresh_from_db()
    assert idea.vote_count == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jane@acme.com"]

    response = visitor.get(_link(mail.outbox[0]), follow=True)
    assert "Your vote is confirmed" in response.content.decode()
    idea.refresh_from_db()
    assert idea.vote_count == 1


def test_voting_twice_counts_once(visitor, idea):
    _signed_in(visitor, "jane@acme.com")
    url = reverse("portal:idea-detail", args=[idea.pk])
    for _ in range(2):
        visitor.post(reverse("portal:idea-vote", args=[idea.pk]), _form(visitor, url))
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert PortalVote.objects.count() == 1
    assert Contact.objects.filter(email="jane@acme.com").count() == 1


@pytest.mark.parametrize(
    ("email", "mailbox"),
    [
        ("Voter@Example.com", "voter@example.com"),
        ("voter+1@example.com", "voter@example.com"),
        ("voter+a+b@example.com", "voter@example.com"),
        ("v.o.t.e.r@gmail.com", "voter@gmail.com"),
        ("V.oter+x@googlemail.com", "voter@gmail.com"),
        ("j.doe@example.com", "j.doe@example.com"),  # other providers keep their dots
    ],
)
def test_the_mailbox_an_address_delivers_to(email, mailbox):
    assert mailbox_of(email) == mailbox


def test_votes_from_one_mailbox_count_once_however_the_address_is_spelled(idea):
    spellings = ["voter@gmail.com", "voter+1@gmail.com", "VOTER+2@gmail.com", "v.o.t.e.r@gmail.com"]
    for email in spellings:
        portal_services.portal_vote_cast(idea=idea, email=email, verified=True)
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert PortalVote.objects.get().contact.email == "voter@gmail.com"


def test_one_pending_confirmation_per_mailbox_until_its_link_expires(idea):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        for email in ["voter@example.com", "voter+1@example.com", "Voter@example.com"]:
            portal_services.portal_vote_cast(
                idea=idea, email=email, verified=False, base_url="http://t"
            )
        assert len(mail.outbox) == 1 and PortalVote.objects.count() == 1
        traveller.shift(timedelta(seconds=portal_services.VOTE_MAX_AGE + 1))
        portal_services.portal_vote_cast(
            idea=idea, email="voter+2@example.com", verified=False, base_url="http://t"
        )
        assert len(mail.outbox) == 2 and mail.outbox[1].to == ["voter@example.com"]
    idea.refresh_from_db()
    assert idea.vote_count == 0


def test_the_vote_rate_limit_counts_plus_tags_as_one_address(idea):
    url = reverse("portal:idea-vote", args=[idea.pk])
    for n in range(guard.RATE_LIMIT + 1):
        client = Client(REMOTE_ADDR=f"10.0.1.{n}")
        form = _form(client, reverse("portal:idea-detail", args=[idea.pk]))
        response = client.post(url, {**form, "email": f"a+{n}@x.io"})
    assert response.status_code == 429


def test_a_proxy_vote_for_another_spelling_of_a_counted_voter_is_refused(editor, idea):
    portal_services.portal_vote_cast(idea=idea, email="jane@acme.com", verified=True)
    with pytest.raises(DomainError, match="already voted"):
        portal_services.portal_vote_proxy(actor=editor, idea=idea, email="jane+crm@acme.com")
    idea.refresh_from_db()
    assert idea.vote_count == 1


def test_signin_by_emailed_link(visitor, portal):
    url = reverse("portal:signin")
    response = visitor.post(url, {**_form(visitor, url), "email": "ann@x.io"})
    assert "Check your inbox" in response.content.decode()
    response = visitor.get(_link(mail.outbox[0]), follow=True)
    assert "You are signed in as ann@x.io" in response.content.decode()
    assert visitor.session["portal_email"] == "ann@x.io"
    assert "_auth_user_id" not in visitor.session  # not a staff sign-in


def test_forged_and_expired_links_are_refused(visitor, idea, monkeypatch):
    forged = signing.TimestampSigner(salt="something else").sign("ann@x.io")
    response = visitor.get(reverse("portal:signin-confirm", args=[forged]))
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert "portal_email" not in visitor.session

    monkeypatch.setattr(portal_services, "SIGNIN_MAX_AGE", -1)
    token = signing.TimestampSigner(salt=portal_services.SIGNIN_SALT).sign("ann@x.io")
    response = visitor.get(reverse("portal:signin-confirm", args=[token]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()

    vote = PortalVote.objects.create(idea=idea, contact=Contact.objects.create(email="b@x.io"))
    monkeypatch.setattr(portal_services, "VOTE_MAX_AGE", -1)
    token = signing.TimestampSigner(salt=portal_services.VOTE_SALT).sign(str(vote.pk))
    assert visitor.get(reverse("portal:vote-confirm", args=[token])).status_code == 400
    forged = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert visitor.get(reverse("portal:vote-confirm", args=[forged])).status_code == 400
    vote.refresh_from_db()
    assert vote.verified_at is None


def test_subscribe_needs_a_signed_in_visitor(visitor, idea):
    url = reverse("portal:idea-subscribe", args=[idea.pk])
    assert visitor.post(url)["Location"] == reverse("portal:signin")
    _signed_in(visitor, "ann@x.io")
    visitor.post(url, {"action": "subscribe"})
    assert idea.subscriptions.get().contact.email == "ann@x.io"


# Comments and abuse -----------------------------------------------------------------------


def test_comments_are_shown_inert(visitor, idea):
    url = reverse("portal:idea-detail", args=[idea.pk])
    data = {**_form(visitor, url), "name": "<b>Eve</b>", "text": "<script>alert(1)</script>"}
    visitor.post(reverse("portal:idea-comment", args=[idea.pk]), data)
    html = visitor.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<b>Eve</b>" not in html


def test_rate_limit_answers_429_and_writes_nothing(visitor, idea):
    url = reverse("portal:idea-detail", args=[idea.pk])
    data = {**_form(visitor, url), "name": "Eve", "text": "Hello"}
    comment_url = reverse("portal:idea-comment", args=[idea.pk])
    for _ in range(guard.RATE_LIMIT):
        assert visitor.post(comment_url, data).status_code == 302
    response = visitor.post(comment_url, data)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert PortalComment.objects.count() == guard.RATE_LIMIT


def test_rate_limit_per_email_across_addresses(idea):
    url = reverse("portal:idea-vote", args=[idea.pk])
    for n in range(guard.RATE_LIMIT + 1):
        client = Client(REMOTE_ADDR=f"10.0.0.{n}")
        data = {**_form(client, reverse("portal:idea-detail", args=[idea.pk])), "email": "a@x.io"}
        response = client.post(url, data)
    assert response.status_code == 429


def test_honeypot_and_too_fast_submissions_are_refused(visitor, idea, monkeypatch):
    url = reverse("portal:idea-submit")
    data = {"title": "Buy pills", "text": "Cheap", "email": "bot@spam.io"}
    response = visitor.post(url, {**_form(visitor, url), **data, "website": "http://spam"})
    assert response.status_code == 400
    assert "looks automated" in response.content.decode()
    monkeypatch.setattr(guard, "MIN_SECONDS", 30)
    response = visitor.post(url, {**_form(visitor, url), **data})
    assert response.status_code == 400
    response = visitor.post(url, {**data, "started": "forged"})
    assert response.status_code == 400
    assert not Feedback.objects.exists() and not Contact.objects.exists()


def test_forms_need_the_csrf_token(idea):
    client = Client(enforce_csrf_checks=True)
    form = _form(client, reverse("portal:idea-detail", args=[idea.pk]))
    response = client.post(reverse("portal:idea-vote", args=[idea.pk]), {**form, "email": "a@b.io"})
    assert response.status_code == 403
    assert not PortalVote.objects.exists()


# What a visitor may see -------------------------------------------------------------------


def test_a_visitor_sees_only_portal_content(visitor, editor, idea, other_feature, product):
    hidden = portal_services.portal_idea_open(
        actor=editor, feature=other_feature, title="Secret plan", is_listed=False
    )
    assert visitor.get(reverse("portal:idea-detail", args=[hidden.pk])).status_code == 404
    assert "Secret plan" not in visitor.get(reverse("portal:roadmap")).content.decode()
    assert "Secret plan" not in visitor.get(reverse("portal:idea-list")).content.decode()
    _signed_in(visitor, "ann@x.io")
    for url in [
        reverse("catalog:feature-detail", args=[other_feature.pk]),
        reverse("feedback:feedback-list"),
        reverse("portal:settings"),
    ]:
        response = visitor.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_public_changelog_shows_only_public_entries_of_released_releases(
    visitor, editor, idea, product
):
    shipped = catalog.release_create(actor=editor, product=product, version="2.0")
    catalog.changelog_entry_create(
        actor=editor, release=shipped, title="Charts export", body="Now *CSV*", visibility="public"
    )
    catalog.changelog_entry_create(
        actor=editor, release=shipped, title="Refactored the db", visibility="internal"
    )
    upcoming = catalog.release_create(actor=editor, product=product, version="3.0")
    catalog.changelog_entry_create(
        actor=editor, release=upcoming, title="Not out yet", visibility="public"
    )
    catalog.release_ship(actor=editor, release=shipped)
    html = visitor.get(reverse("portal:changelog")).content.decode()
    assert "Charts export" in html and "<em>CSV</em>" in html
    assert "Refactored the db" not in html and "Not out yet" not in html
    assert Release.objects.count() == 2


def test_roadmap_buckets_ideas_by_stage(visitor, editor, product, portal):
    stages = {"beta": "now", "planned": "next", "discovery": "later", "generally_available": None}
    for stage in stages:
        feature = catalog.feature_create(actor=editor, product=product, title=stage)
        feature.stage = stage  # a test shortcut past the lifecycle's transitions
        feature.save(update_fields=["stage"])
        portal_services.portal_idea_open(actor=editor, feature=feature, title=f"Idea {stage}")
    html = visitor.get(reverse("portal:roadmap")).content.decode()
    for stage, column in stages.items():
        if column is None:
            assert f"Idea {stage}" not in html
            continue
        section = html.split(f'id="col-{column}"')[1].split("</section>")[0]
        assert f"Idea {stage}" in section, stage


# Staff ------------------------------------------------------------------------------------


def test_editor_adds_a_proxy_vote(editor_client, editor, idea, acme):
    url = reverse("portal:vote-proxy", args=[idea.feature_id])
    response = editor_client.post(url, {"email": "ceo@acme.com"})
    assert response.status_code == 302
    vote = PortalVote.objects.get()
    assert vote.proxy_by == editor and vote.verified_at and vote.contact.company == acme
    idea.refresh_from_db()
    assert idea.vote_count == 1
    page = editor_client.get(idea.feature.get_absolute_url()).content.decode()
    assert "ceo@acme.com" in page and "added by" in page
    editor_client.post(url, {"email": "ceo@acme.com"})
    assert PortalVote.objects.count() == 1


def test_viewer_cannot_add_a_proxy_vote_or_open_a_feature(viewer_client, idea, other_feature):
    url = reverse("portal:vote-proxy", args=[idea.feature_id])
    assert viewer_client.post(url, {"email": "ceo@acme.com"}).status_code == 403
    url = reverse("portal:idea-edit", args=[other_feature.pk])
    assert viewer_client.post(url, {"title": "x", "is_listed": "on"}).status_code == 403
    assert not PortalVote.objects.exists()


def test_editor_opens_a_feature_to_the_portal(editor_client, other_feature, portal):
    url = reverse("portal:idea-edit", args=[other_feature.pk])
    data = {"title": "Log in with your company account", "is_listed": "on", "voting_open": "on"}
    assert editor_client.post(url, data).status_code == 302
    html = Client().get(reverse("portal:idea-list")).content.decode()
    assert "Log in with your company account" in html


# Languages --------------------------------------------------------------------------------


def test_portal_renders_in_french(visitor, idea):
    response = visitor.get(reverse("portal:idea-list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="fr">' in response.content.decode()


# Services ---------------------------------------------------------------------------------


def test_only_editors_open_features_and_only_admins_change_settings(viewer, editor, feature):
    with pytest.raises(PermissionDenied):
        portal_services.portal_idea_open(actor=viewer, feature=feature, title="X")
    with pytest.raises(PermissionDenied):
        portal_services.portal_settings_update(
            actor=editor, enabled=True, name="X", accent_colour="#000000"
        )
    assert not feature.__class__.objects.filter(portal_idea__isnull=False).exists()


def test_a_visitor_never_creates_a_company(idea, acme):
    portal_services.portal_vote_cast(idea=idea, email="ann@newco.io", verified=True)
    portal_services.portal_vote_cast(idea=idea, email="bo@acme.com", verified=True)
    assert Company.objects.count() == 1
    companies = {v.contact.email: v.contact.company for v in PortalVote.objects.all()}
    assert companies == {"ann@newco.io": None, "bo@acme.com": acme}


def test_a_closed_idea_refuses_votes(editor, idea):
    portal_services.portal_idea_open(
        actor=editor, feature=idea.feature, title="X", voting_open=False
    )
    with pytest.raises(DomainError):
        portal_services.portal_vote_cast(idea=idea, email="a@b.io", verified=True)
    assert not PortalVote.objects.exists()


def test_a_pending_vote_becomes_counted_when_the_voter_signs_in_and_votes(idea):
    portal_services.portal_vote_cast(idea=idea, email="a@b.io", verified=False, base_url="http://t")
    portal_services.portal_vote_cast(idea=idea, email="a@b.io", verified=True)
    idea.refresh_from_db()
    assert idea.vote_count == 1 and PortalVote.objects.count() == 1
