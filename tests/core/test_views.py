"""Home, search, the language switch and the error pages, as a signed-in person sees them."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from wavelength.catalog import services as catalog
from wavelength.catalog.models import Stage


@pytest.mark.parametrize("name", ["core:home", "core:search"])
def test_anonymous_people_are_sent_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")


def test_home_shows_counts_chart_products_and_changes(viewer_client, editor, product):
    feature = catalog.feature_create(actor=editor, product=product, title="Dark mode", stage="beta")
    catalog.feature_move_stage(actor=editor, feature=feature, stage=Stage.GENERALLY_AVAILABLE)

    response = viewer_client.get(reverse("core:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Good " in html and "Carol Viewer" in html
    assert reverse("catalog:product-detail", args=[product.slug]) in html
    chart = json.loads(re.search(r'id="stage-chart-data"[^>]*>(.*?)</script>', html).group(1))
    assert chart["keys"][chart["values"].index(1)] == "generally_available"
    assert "Bob Editor" in html and "moved feature" in html
    assert re.search(
        r"Stage</span>\s*<span>Beta</span>.*?<span>Generally available</span>", html, re.S
    )


def test_home_without_data_shows_empty_states(viewer_client):
    html = viewer_client.get(reverse("core:home")).content.decode()
    assert "No products yet." in html
    assert "Nothing changed in the last seven days." in html
    assert "stage-chart-data" not in html


def test_changes_are_paginated_and_htmx_gets_only_the_list(viewer_client, editor, product):
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    for n in range(23):  # one a minute: none grouped with another
        with time_machine.travel(start + dt.timedelta(minutes=n), tick=False):
            catalog.feature_create(actor=editor, product=product, title=f"Feature {n}")
    time_machine.travel(start + dt.timedelta(days=1), tick=False).start()

    first = viewer_client.get(reverse("core:home")).content.decode()
    assert "Page 1 of 2" in first and "Feature 22" in first and "Feature 2<" not in first

    second = viewer_client.get(
        reverse("core:home") + "?changes=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="changes"
    )
    html = second.content.decode()
    assert second.status_code == 200
    assert '<div id="changes"' in html and "<html" not in html
    assert "Feature 0<" in html and "Page 2 of 2" in html
    time_machine.travel(start).stop()


@time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC), tick=False)
def test_bulk_changes_are_grouped_and_filtered_by_product_kind_and_person(
    viewer_client, editor, admin, product
):
    other = catalog.product_create(actor=admin, name="Nebula")
    for n in range(30):  # a setup script: thirty features in the same minute
        catalog.feature_create(actor=editor, product=product, title=f"Feature {n}")
    catalog.release_create(actor=admin, product=other, version="1.0")
    home = reverse("core:home")

    html = viewer_client.get(home).content.decode()
    assert "and 29 more changes like it at the same time" in html
    assert html.count("timeline-item") == 3  # the features, Nebula, its release

    def changes(**query) -> str:
        html = viewer_client.get(home, query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="changes")
        return html.content.decode()

    by_product = changes(cp="nebula")
    assert "Feature 29" not in by_product and "Nebula 1.0" in by_product
    by_kind = changes(ck="release")
    assert by_kind.count("timeline-item") == 1 and "Nebula 1.0" in by_kind
    by_person = changes(ca=editor.pk)
    assert "Feature 29" in by_person and "Nebula 1.0" not in by_person
    bad = viewer_client.get(home, {"ca": "x", "ck": "nonsense"})
    assert bad.status_code == 200 and bad.content.decode().count("timeline-item") == 3


def test_search_groups_results_and_highlights_terms(viewer_client, editor, product):
    catalog.feature_create(
        actor=editor, product=product, title="CSV export", description="Export any chart."
    )

    response = viewer_client.get(reverse("core:search"), {"q": "export"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="results-feature"' in html and 'id="results-product"' not in html
    assert "<mark>Export</mark> any chart." in html


def test_search_escapes_html_in_titles_and_snippets(viewer_client, editor, product):
    catalog.feature_create(
        actor=editor,
        product=product,
        title="<script>alert('x')</script> widget",
        description="The <b>widget</b> <script>steal()</script> is bold.",
    )

    html = viewer_client.get(reverse("core:search"), {"q": "widget"}).content.decode()

    assert "<script>alert" not in html and "<script>steal" not in html and "<b>widget" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>widget</mark>" in html
    if connection.vendor == "sqlite":  # PostgreSQL's ts_headline drops the tags itself
        assert "&lt;b&gt;<mark>widget</mark>&lt;/b&gt;" in html
    else:
        assert "The  <mark>widget</mark>" in html


def test_search_kind_tab_narrows_results(viewer_client, editor, product):
    catalog.feature_create(actor=editor, product=product, title="Orbit export")

    html = viewer_client.get(reverse("core:search"), {"q": "orbit", "kind": "feature"})
    html = html.content.decode()

    assert 'id="results-feature"' in html and 'id="results-product"' not in html


def test_search_empty_query_and_no_result(viewer_client, product):
    assert (
        "Search everything in Wavelength"
        in viewer_client.get(reverse("core:search")).content.decode()
    )
    html = viewer_client.get(reverse("core:search"), {"q": "zzzz<i>"}).content.decode()
    assert "Nothing matches “zzzz&lt;i&gt;”" in html


def test_search_htmx_returns_the_results_fragment(viewer_client, product):
    response = viewer_client.get(reverse("core:search"), {"q": "orbit"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results"') and "<html" not in html


def test_layout_has_nav_search_user_menu_and_csrf_header(viewer_client):
    html = viewer_client.get(reverse("core:home")).content.decode()
    for name in ["catalog:product-list", "catalog:feature-list", "catalog:release-list",
                 "catalog:changelog", "accounts:team-list", "accounts:token-list"]:  # fmt: skip
        assert f'href="{reverse(name)}"' in html
    assert f'action="{reverse("core:search")}"' in html
    assert f'action="{reverse("accounts:logout")}" method="post"' in html
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert 'aria-current="page">Home</a>' in html
    # People is in the menu for admins only.
    assert f'href="{reverse("accounts:user-list")}"' not in html


def test_admins_see_people_in_the_user_menu(admin_client):
    html = admin_client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("accounts:user-list")}"' in html


def test_pages_render_in_french_with_the_language_cookie(viewer, french_compiled):
    client = client_for(viewer)
    client.cookies["django_language"] = "fr"

    html = client.get(reverse("core:home")).content.decode()

    assert '<html lang="fr">' in html
    assert "Accueil" in html and "Fonctionnalités" in html and "Se déconnecter" in html


def test_pages_render_in_french_with_accept_language(viewer, french_compiled):
    html = client_for(viewer).get(reverse("core:search"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Rechercher" in html.content.decode()


def test_language_switch_comes_back_to_the_page_in_french(viewer, french_compiled):
    client = client_for(viewer)
    page = reverse("accounts:team-list")

    response = client.post(reverse("set_language"), {"language": "fr", "next": page})

    assert response.status_code == 302 and response.url == page
    assert response.cookies["django_language"].value == "fr"
    assert "Équipes" in client.get(page).content.decode()


def test_unknown_page_uses_the_layout(viewer_client):
    response = viewer_client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This page doesn’t exist" in html and 'class="topbar"' in html


def test_server_error_page_renders_without_a_request():
    from django.template.loader import render_to_string

    assert "Something went wrong on our side" in render_to_string("500.html")


def test_static_assets_are_served(db):
    for path in ["/static/wavelength/app.css", "/static/wavelength/app.js"]:
        response = Client().get(path)
        assert response.status_code == 200
        b"".join(response.streaming_content)


def test_expired_form_page_is_ours(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post(reverse("accounts:token-list"), {"name": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_home_queries_do_not_grow_with_the_data(
    viewer_client, editor, django_assert_max_num_queries, settings
):
    from tests.factories import ProductFactory

    settings.PAGE_CACHE_SECONDS = 0  # the view's own queries (tests/core/test_pagecache.py)
    for n in range(6):
        product = ProductFactory(name=f"P{n}", slug=f"p{n}")
        release = catalog.release_create(actor=editor, product=product, version="1.0")
        feature = catalog.feature_create(actor=editor, product=product, title=f"F{n}")
        catalog.feature_update(actor=editor, feature=feature, tags=["x"], description="d")
        catalog.release_update(actor=editor, release=release, features=[feature])
    # One more than before the changes were grouped: the latest activity of each group.
    with django_assert_max_num_queries(15):
        assert viewer_client.get(reverse("core:home")).status_code == 200
