"""Customer and feedback pages: sign-in, permissions, forms with bad input, the inbox's
filters and bulk actions over htmx, quoting, the feature page section, French, escaping."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import client_for
from wavelength.feedback import services
from wavelength.feedback.models import Company, Contact, Feedback, FeedbackLink, Status, Theme

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def htmx(target: str) -> dict:
    return {**HTMX, "HTTP_HX_TARGET": target}


def test_anonymous_is_sent_to_sign_in(item, acme):
    for path in [
        reverse("feedback:company-list"),
        reverse("feedback:company-detail", args=[acme.pk]),
        reverse("feedback:feedback-list"),
        reverse("feedback:feedback-detail", args=[item.pk]),
        reverse("feedback:feedback-create"),
    ]:
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_pages_render_for_a_viewer(viewer_client, item, acme, feature):
    for path in [
        reverse("feedback:company-list"),
        reverse("feedback:company-detail", args=[acme.pk]),
        reverse("feedback:feedback-list"),
        reverse("feedback:feedback-detail", args=[item.pk]),
    ]:
        response = viewer_client.get(path)
        assert response.status_code == 200, path
    page = viewer_client.get(reverse("feedback:feedback-list")).content.decode()
    assert "We love the charts" in page
    assert 'name="action"' not in page  # no bulk bar for a viewer


def test_viewer_is_refused_every_write(viewer_client, item, acme, feature):
    posts = [
        (reverse("feedback:company-create"), {"name": "X", "arr": "1", "health": "good"}),
        (reverse("feedback:company-edit", args=[acme.pk]), {"name": "Y"}),
        (reverse("feedback:company-detail", args=[acme.pk]), {"email": "v@acme.com"}),
        (reverse("feedback:feedback-create"), {"text": "x", "source": "web"}),
        (reverse("feedback:feedback-bulk"), {"ids": [item.pk], "action": "archive"}),
        (reverse("feedback:theme-create"), {"name": "T"}),
        (reverse("feedback:feedback-detail", args=[item.pk]), {"status": "triaged"}),
        (reverse("feedback:feedback-link", args=[item.pk]), {"feature": feature.pk}),
    ]
    for path, data in posts:
        assert viewer_client.post(path, data).status_code == 403, path
    assert viewer_client.get(reverse("feedback:feedback-create")).status_code == 403
    item.refresh_from_db()
    assert item.status == Status.NEW and not FeedbackLink.objects.exists()
    assert not Theme.objects.exists() and Company.objects.count() == 1


def test_customer_list_sorted_by_revenue_and_filtered(editor_client, acme, globex):
    page = editor_client.get(reverse("feedback:company-list")).content.decode()
    assert page.index("Acme") < page.index("Globex")
    assert "120,000" in page
    response = editor_client.get(
        reverse("feedback:company-list") + "?segment=smb", **htmx("company-results")
    )
    body = response.content.decode()
    assert "Globex" in body and "Acme" not in body and "<html" not in body


def test_create_customer_and_bad_input(editor_client, acme):
    url = reverse("feedback:company-create")
    data = {"name": "Initech", "domains": "initech.com, initech.fr", "arr": "5000",
            "health": "good", "segment": "smb"}  # fmt: skip
    response = editor_client.post(url, data)
    company = Company.objects.get(name="Initech")
    assert response.status_code == 302 and response["Location"] == company.get_absolute_url()
    assert company.domains == ["initech.com", "initech.fr"]
    response = editor_client.post(url, {**data, "name": "Acme2", "domains": "acme.com"})
    assert response.status_code == 422
    assert "already belongs to Acme" in response.content.decode()
    assert not Company.objects.filter(name="Acme2").exists()


def test_customer_page_shows_contacts_feedback_and_features(
    editor, editor_client, item, acme, feature
):
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    page = editor_client.get(acme.get_absolute_url()).content.decode()
    assert "jane@acme.com" in page and "We love the charts" in page
    assert "Export to CSV" in page
    response = editor_client.post(acme.get_absolute_url(), {"email": "new@acme.com", "name": "N"})
    assert response.status_code == 302
    assert Contact.objects.get(email="new@acme.com").company == acme
    response = editor_client.post(acme.get_absolute_url(), {"email": "bad"})
    assert response.status_code == 422


def test_new_feedback_form_finds_or_creates_the_company(editor_client):
    response = editor_client.post(
        reverse("feedback:feedback-create"),
        {"title": "Call", "text": "Wants SSO", "source": "sales", "contact_email": "k@hooli.com"},
    )
    item = Feedback.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.company.name == "Hooli" and item.source == "sales"
    response = editor_client.post(
        reverse("feedback:feedback-create"), {"text": "", "source": "web"}
    )
    assert response.status_code == 422 and Feedback.objects.count() == 1


def test_inbox_filters_as_get_form(editor, editor_client, item, globex):
    other = services.feedback_create(
        actor=editor, text="Bonjour, c'est lent", contact_email="a@globex.fr", source="email"
    )
    url = reverse("feedback:feedback-list")
    body = editor_client.get(url + "?source=email").content.decode()
    assert other.get_absolute_url() in body and item.get_absolute_url() not in body
    body = editor_client.get(url + "?segment=enterprise").content.decode()
    assert item.get_absolute_url() in body and other.get_absolute_url() not in body
    body = editor_client.get(url + "?q=charts", **htmx("feedback-results")).content.decode()
    assert item.get_absolute_url() in body and "<html" not in body
    body = editor_client.get(url + "?min_revenue=100000").content.decode()
    assert item.get_absolute_url() in body and other.get_absolute_url() not in body


def test_inbox_bulk_actions_over_htmx(editor, editor_client, item, theme):
    other = services.feedback_create(actor=editor, text="Second")
    url = reverse("feedback:feedback-bulk")
    ids = [item.pk, other.pk]
    response = editor_client.post(
        url, {"ids": ids, "action": "type", "type": "bug"}, **htmx("feedback-results")
    )
    assert response.status_code == 200 and "2 items updated." in response.content.decode()
    editor_client.post(url, {"ids": ids, "action": "theme", "theme": theme.pk}, **HTMX)
    editor_client.post(url, {"ids": ids, "action": "status", "status": "triaged"}, **HTMX)
    assert set(Feedback.objects.values_list("type", "theme", "status")) == {
        ("bug", theme.pk, "triaged")
    }
    response = editor_client.post(url + "?status=triaged", {"ids": [item.pk], "action": "archive"})
    assert response.status_code == 302 and response["Location"].endswith("?status=triaged")
    item.refresh_from_db()
    assert item.status == Status.ARCHIVED


def test_bulk_without_selection_says_so(editor_client, item):
    response = editor_client.post(reverse("feedback:feedback-bulk"), {"action": "archive"}, **HTMX)
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.NEW


def test_triage_an_item(editor_client, item, theme):
    response = editor_client.post(
        item.get_absolute_url(),
        {
            "status": "triaged",
            "type": "feature_request",
            "sentiment": "positive",
            "theme": theme.pk,
            "language": "en",
            "tags": "csv, weekly",
        },  # fmt: skip
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.type, item.theme) == ("triaged", "feature_request", theme)
    assert sorted(t.name for t in item.tags.all()) == ["csv", "weekly"]
    response = editor_client.post(item.get_absolute_url(), {"status": "nope"})
    assert response.status_code == 422


def test_link_a_selected_quote_to_a_feature(editor_client, item, feature):
    quote = "Please let us export them to CSV every week."
    start = item.text.index(quote)
    response = editor_client.post(
        reverse("feedback:feedback-link", args=[item.pk]),
        {
            "feature": feature.pk,
            "importance": "critical",
            "quote": quote,
            "quote_start": start,
            "quote_end": start + len(quote),
        },  # fmt: skip
    )
    assert response.status_code == 302
    link = FeedbackLink.objects.get()
    assert (link.quote, link.quote_start, link.importance) == (quote, start, "critical")
    page = editor_client.get(item.get_absolute_url()).content.decode()
    assert f"“{quote}”" in page and "data-quote-source" in page
    response = editor_client.post(
        reverse("feedback:feedback-link", args=[item.pk]),
        {"feature": feature.pk, "importance": "important", "quote": "never said"},
    )
    assert response.status_code == 422 and FeedbackLink.objects.count() == 1
    editor_client.post(reverse("feedback:feedback-unlink", args=[item.pk, link.pk]))
    assert not FeedbackLink.objects.exists()


def test_feature_page_shows_customer_demand(editor, editor_client, item, globex, feature):
    other = services.feedback_create(
        actor=editor, text="Export needed", contact_email="g@globex.fr"
    )
    services.feedback_link(
        actor=editor, feedback=item, feature=feature, quote="We love the charts."
    )
    services.feedback_link(actor=editor, feedback=other, feature=feature)
    page = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "Customer demand" in page
    assert "150,000" in page  # Acme 120,000 + Globex 30,000
    assert "“We love the charts.”" in page and "Acme" in page
    assert f"{reverse('feedback:feedback-list')}?feature={feature.pk}" in page


def test_feedback_html_is_shown_inert(editor, editor_client):
    item = services.feedback_create(
        actor=editor, title="<b>x</b>", text='<script>alert("x")</script><img src=x onerror=1>'
    )
    for path in [reverse("feedback:feedback-list"), item.get_absolute_url()]:
        body = editor_client.get(path).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body


def test_pages_in_french(editor, item, acme, feature):
    editor.language = "fr"
    client = client_for(editor)
    client.cookies["django_language"] = "fr"
    body = client.get(reverse("feedback:feedback-list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Boîte de réception" in body and "Raccourcis clavier" in body
    body = client.get(reverse("feedback:company-list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Clients" in body and "Nouveau client" in body
    body = client.get(item.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Lier à la fonctionnalité" in body


def test_inbox_queries_do_not_grow_with_rows(editor, editor_client, feature, theme, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the view's own queries (tests/core/test_pagecache.py)
    services.feedback_bulk_create(
        actor=editor,
        items=[
            {
                "text": f"Item {i}",
                "contact_email": f"p{i}@co{i % 4}.com",
                "tags": ["a"],
                "theme": theme.pk,
            }  # fmt: skip
            for i in range(30)
        ],
    )
    for fb in Feedback.objects.all()[:10]:
        services.feedback_link(actor=editor, feedback=fb, feature=feature)
    url = reverse("feedback:feedback-list")
    editor_client.get(url)
    counts = []
    for status in ("linked", ""):
        with CaptureQueriesContext(connection) as ctx:
            editor_client.get(f"{url}?status={status}")
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_inbox_counts_up_to_a_bound_then_says_more_than(
    editor, editor_client, monkeypatch, settings
):
    """Past ``COUNT_CAP`` matches the inbox stops counting: "More than N items", pages
    without a last one, and the count's SQL reads at most one row past the bound."""
    from wavelength.core import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 60)
    settings.PAGE_CACHE_SECONDS = 0  # the page as built each time
    services.feedback_bulk_create(
        actor=editor, items=[{"text": f"Item {i}", "type": "bug"} for i in range(61)]
    )
    url = reverse("feedback:feedback-list")
    with CaptureQueriesContext(connection) as ctx:
        html = editor_client.get(f"{url}?type=bug").content.decode()
    assert "More than 60 items: narrow the filters to count them" in html
    assert "1–50 of more than 60" in html and "Page 1</span>" in html and 'rel="next"' in html
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(*) FROM (SELECT" in q["sql"]]
    assert len(counts) == 1 and "LIMIT 61" in counts[0] and "feedback_feedback" in counts[0]
    second = editor_client.get(f"{url}?type=bug&page=2").content.decode()
    assert "51–60 of more than 60" in second and 'rel="next"' not in second

    Feedback.objects.filter(text="Item 0").delete()  # exactly the bound: counted exactly
    html = editor_client.get(f"{url}?type=bug").content.decode()
    assert "60 items" in html and "More than" not in html and "1–50 of 60" in html
    assert "Page 1 of 2" in html

    services.feedback_bulk_create(actor=editor, items=[{"text": "One more", "type": "bug"}])
    editor_client.cookies["django_language"] = "fr"
    french = editor_client.get(f"{url}?type=bug").content.decode()
    assert "Plus de 60 éléments : affinez les filtres pour les compter" in french
    assert "1–50 sur plus de 60" in french
