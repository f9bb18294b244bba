"""Catalog pages: status codes, permissions, forms with bad input, the board's moves over htmx,
escaping, and a fixed number of queries per list whatever its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.utils import nothing_written
from tests.conftest import client_for
from tests.factories import FeatureFactory, ProductFactory, TeamFactory
from wavelength.catalog import sections, services
from wavelength.catalog.models import (
    ChangelogEntry,
    Feature,
    Product,
    Release,
    ReleaseStatus,
    Stage,
    Tag,
    Visibility,
)
from wavelength.core.models import Activity

HTMX = {"HTTP_HX_REQUEST": "true"}


def htmx(target: str) -> dict:
    return {**HTMX, "HTTP_HX_TARGET": target}


@pytest.fixture
def area(editor, product):
    return services.area_create(actor=editor, product=product, name="Dashboards")


@pytest.fixture
def feature(editor, product, area, product_team):
    return services.feature_create(
        actor=editor,
        product=product,
        area=area,
        title="Export to CSV",
        description="Download any *chart* as a spreadsheet.",
        owner_team=product_team,
        owner=editor,
        tags=["export", "reporting"],
    )


@pytest.fixture
def release(editor, product, feature):
    return services.release_create(
        actor=editor, product=product, version="2.4", name="Exports", features=[feature]
    )


@pytest.fixture
def entry(editor, release):
    return services.changelog_entry_create(
        actor=editor, release=release, title="CSV export", body="Any chart.", visibility="public"
    )


@pytest.fixture
def urls(product, feature, release, entry):
    """Every catalog page, by URL name."""
    return {
        "product-list": reverse("catalog:product-list"),
        "product-create": reverse("catalog:product-create"),
        "product-detail": reverse("catalog:product-detail", args=[product.slug]),
        "product-edit": reverse("catalog:product-edit", args=[product.slug]),
        "feature-list": reverse("catalog:feature-list"),
        "feature-create": reverse("catalog:feature-create") + f"?product={product.slug}",
        "feature-detail": reverse("catalog:feature-detail", args=[feature.pk]),
        "feature-edit": reverse("catalog:feature-edit", args=[feature.pk]),
        "release-list": reverse("catalog:release-list"),
        "release-create": reverse("catalog:release-create") + f"?product={product.slug}",
        "release-detail": reverse("catalog:release-detail", args=[release.pk]),
        "release-edit": reverse("catalog:release-edit", args=[release.pk]),
        "changelog-create": reverse("catalog:changelog-create", args=[release.pk]),
        "changelog": reverse("catalog:changelog"),
        "changelog-edit": reverse("catalog:changelog-edit", args=[entry.pk]),
    }


READ_PAGES = [
    "product-list",
    "product-detail",
    "feature-list",
    "feature-detail",
    "release-list",
    "release-detail",
    "changelog",
]
EDIT_PAGES = [
    "product-create",
    "product-edit",
    "feature-create",
    "feature-edit",
    "release-create",
    "release-edit",
    "changelog-create",
    "changelog-edit",
]


def stage_changes(feature) -> int:
    return Activity.objects.for_target(feature).filter(verb="stage_changed").count()


# Pages and permissions ----------------------------------------------------------------------


@pytest.mark.parametrize("name", READ_PAGES + EDIT_PAGES)
def test_every_page_renders_for_an_editor(editor_client, urls, name):
    response = editor_client.get(urls[name])
    assert response.status_code == 200
    assert b"<html" in response.content


@pytest.mark.parametrize("name", READ_PAGES + EDIT_PAGES)
def test_anonymous_is_sent_to_sign_in(client, urls, name):
    response = client.get(urls[name])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", READ_PAGES)
def test_viewer_reads_pages_without_edit_controls(viewer_client, urls, name):
    response = viewer_client.get(urls[name])
    assert response.status_code == 200
    html = response.content.decode()
    for edit_url in ("product-edit", "feature-edit", "release-edit", "changelog-create"):
        assert f'href="{urls[edit_url].split("?")[0]}"' not in html
    assert "Mark released" not in html
    assert 'class="card-move"' not in html  # no move control on the board


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_viewer_cannot_open_forms(viewer_client, urls, name):
    assert viewer_client.get(urls[name]).status_code == 403


def test_viewer_posts_are_refused_and_write_nothing(viewer_client, urls, feature, release):
    before = Activity.objects.count()
    posts = [
        (urls["product-create"], {"name": "Nebula"}),
        (urls["product-edit"], {"name": "Renamed"}),
        (urls["feature-create"], {"product": "orbit", "title": "New", "stage": "idea"}),
        (urls["feature-edit"], {"title": "Renamed", "stage": "idea"}),
        (reverse("catalog:feature-move", args=[feature.pk]), {"stage": "discovery"}),
        (urls["release-create"], {"product": "orbit", "version": "9", "status": "planned"}),
        (urls["release-edit"], {"version": "9", "status": "planned"}),
        (reverse("catalog:release-ship", args=[release.pk]), {}),
        (urls["changelog-create"], {"title": "Hi", "visibility": "internal"}),
        (urls["changelog-edit"], {"title": "Hi", "visibility": "internal"}),
    ]
    for url, data in posts:
        assert viewer_client.post(url, data).status_code == 403, url
    assert (
        viewer_client.post(
            reverse("catalog:feature-move", args=[feature.pk]), {}, **htmx("board")
        ).status_code
        == 403
    )
    assert Activity.objects.count() == before
    feature.refresh_from_db()
    release.refresh_from_db()
    assert (feature.title, feature.stage) == ("Export to CSV", Stage.IDEA)
    assert release.status == ReleaseStatus.PLANNED


# Products ---------------------------------------------------------------------------------


def test_product_list_shows_counts_per_stage(editor_client, product, feature, editor):
    FeatureFactory(product=product, stage=Stage.BETA)
    html = editor_client.get(reverse("catalog:product-list")).content.decode()
    assert "Orbit" in html
    assert "2 features" in html
    assert f"?product=orbit&amp;stage={Stage.BETA}" in html


def test_create_product(editor_client):
    response = editor_client.post(
        reverse("catalog:product-create"), {"name": "Nebula", "description": "**Big**"}
    )
    product = Product.objects.get(name="Nebula")
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
    assert Activity.objects.for_target(product).filter(verb="created").exists()


def test_duplicate_product_name_is_shown_on_the_field(editor_client, product):
    response = editor_client.post(reverse("catalog:product-create"), {"name": "Orbit"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="field-name"' in html
    assert "A product with this name already exists." in html
    assert Product.objects.count() == 1


def test_blank_product_name_is_refused(editor_client):
    response = editor_client.post(reverse("catalog:product-create"), {"name": "  "})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Product.objects.exists()


def test_edit_product(editor_client, product):
    url = reverse("catalog:product-edit", args=[product.slug])
    response = editor_client.post(url, {"name": "Orbit Pro", "description": "New"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.description) == ("Orbit Pro", "New")


def test_add_an_area_from_the_product_form(editor_client, product, area):
    url = reverse("catalog:product-edit", args=[product.slug])
    assert editor_client.post(url, {"action": "add-area", "area-name": "Mobile"}).status_code == 302
    assert list(product.areas.values_list("name", flat=True)) == ["Dashboards", "Mobile"]
    response = editor_client.post(url, {"action": "add-area", "area-name": "dashboards"})
    assert response.status_code == 422
    assert "already has an area with this name" in response.content.decode()
    assert product.areas.count() == 2


# The board --------------------------------------------------------------------------------


def test_board_groups_features_by_stage(editor_client, product, feature):
    FeatureFactory(product=product, title="Dark mode", stage=Stage.BETA)
    html = editor_client.get(product.get_absolute_url()).content.decode()
    idea = html.index('data-stage="idea"')
    beta = html.index('data-stage="beta"')
    assert idea < html.index("Export to CSV") < html.index('data-stage="discovery"')
    assert beta < html.index("Dark mode") < html.index('data-stage="generally_available"')


def test_board_filters_by_team_tag_and_text(editor_client, product, feature, other_team):
    FeatureFactory(product=product, title="Dark mode", owner_team=other_team)
    url = product.get_absolute_url()
    by_team = editor_client.get(url, {"team": "sales"}, **htmx("board")).content.decode()
    assert "Dark mode" in by_team and "Export to CSV" not in by_team
    assert "<html" not in by_team  # the board alone, for htmx
    by_tag = editor_client.get(url, {"tag": "export"}, **htmx("board")).content.decode()
    assert "Export to CSV" in by_tag and "Dark mode" not in by_tag
    by_text = editor_client.get(url, {"q": "dark"}, **htmx("board")).content.decode()
    assert "Dark mode" in by_text and "Export to CSV" not in by_text


def test_board_move_over_htmx_records_the_stage_change(editor_client, feature):
    url = reverse("catalog:feature-move", args=[feature.pk])
    response = editor_client.post(url, {"stage": "discovery"}, **htmx("board"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="board"' in html and "<html" not in html
    assert "moved to Discovery" in html  # the status line, swapped out of band
    timeline = html[html.index('<div id="timeline"') :]
    assert 'hx-swap-oob="true"' in timeline[:80] and "moved" in timeline  # and the timeline
    feature.refresh_from_db()
    assert feature.stage == Stage.DISCOVERY
    activity = Activity.objects.for_target(feature).get(verb="stage_changed")
    assert activity.changes == {"stage": ["idea", "discovery"]}
    assert list(feature.stage_entries.values_list("stage", flat=True)) == ["idea", "discovery"]


def test_illegal_move_shows_the_error_and_changes_nothing(editor_client, feature):
    url = reverse("catalog:feature-move", args=[feature.pk])
    response = editor_client.post(url, {"stage": "beta"}, **htmx("board"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "A feature cannot move from “Idea” to “Beta”." in html
    assert f'id="card-{feature.pk}"' in html
    feature.refresh_from_db()
    assert feature.stage == Stage.IDEA
    assert stage_changes(feature) == 0


def test_move_keeps_the_board_filters(editor_client, product, feature, other_team):
    FeatureFactory(product=product, title="Dark mode", owner_team=other_team)
    url = reverse("catalog:feature-move", args=[feature.pk])
    html = editor_client.post(
        url, {"stage": "planned", "team": "product"}, **htmx("board")
    ).content.decode()
    assert "Export to CSV" in html and "Dark mode" not in html


def test_move_without_javascript_redirects_back(editor_client, product, feature):
    url = reverse("catalog:feature-move", args=[feature.pk])
    back = product.get_absolute_url() + "?team=product"
    response = editor_client.post(url, {"stage": "planned", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    response = editor_client.post(url, {"stage": "discovery", "next": "https://evil.example/"})
    assert response["Location"] == product.get_absolute_url()


def test_refused_move_without_javascript_shows_the_board_with_the_error(editor_client, feature):
    url = reverse("catalog:feature-move", args=[feature.pk])
    response = editor_client.post(url, {"stage": "retired-ish"})
    assert response.status_code == 422
    assert "Choose a stage to move this feature to." in response.content.decode()


def test_board_offers_only_allowed_moves(editor_client, product, feature):
    html = editor_client.get(product.get_absolute_url()).content.decode()
    card = html[html.index(f'id="card-{feature.pk}"') :]
    card = card[: card.index("</article>")]
    assert '<option value="discovery">' in card
    assert '<option value="planned">' in card
    assert '<option value="beta">' not in card
    assert 'data-allowed="discovery planned retired"' in card


def test_product_timeline_tells_the_move_and_pages(editor_client, editor, product, feature):
    services.feature_move_stage(actor=editor, feature=feature, stage="discovery")
    html = editor_client.get(product.get_absolute_url()).content.decode()
    assert "moved" in html and "Export to CSV" in html
    for i in range(25):
        services.feature_update(actor=editor, feature=feature, title=f"Export v{i}")
    page2 = editor_client.get(product.get_absolute_url(), {"tl": 2}, **htmx("timeline"))
    assert page2.status_code == 200
    assert 'id="timeline"' in page2.content.decode()
    assert 'id="board"' not in page2.content.decode()


# Features ---------------------------------------------------------------------------------


def test_feature_list_filters(editor_client, product, feature, other_team):
    FeatureFactory(product=product, title="Dark mode", stage=Stage.BETA, owner_team=other_team)
    other = ProductFactory(name="Nebula")
    FeatureFactory(product=other, title="Nebula search")
    url = reverse("catalog:feature-list")

    def titles(**params):
        html = editor_client.get(url, params).content.decode()
        return {t for t in ("Export to CSV", "Dark mode", "Nebula search") if t in html}

    assert titles() == {"Export to CSV", "Dark mode", "Nebula search"}
    assert titles(product="orbit") == {"Export to CSV", "Dark mode"}
    assert titles(stage="beta") == {"Dark mode"}
    assert titles(team="sales") == {"Dark mode"}
    assert titles(tag="reporting") == {"Export to CSV"}
    assert titles(q="spreadsheet") == {"Export to CSV"}
    assert titles(stage="nonsense") == {"Export to CSV", "Dark mode", "Nebula search"}


def test_feature_list_is_paginated_by_fifty(editor_client, product):
    FeatureFactory.create_batch(55, product=product)
    html = editor_client.get(reverse("catalog:feature-list")).content.decode()
    assert html.count('class="cell-main"') == 50
    assert "Page 1 of 2" in html
    page2 = editor_client.get(
        reverse("catalog:feature-list"), {"page": 2}, **htmx("feature-results")
    )
    assert page2.content.decode().count('class="cell-main"') == 5
    assert "<html" not in page2.content.decode()


def test_create_feature(editor_client, product, area, product_team, editor):
    response = editor_client.post(
        reverse("catalog:feature-create"),
        {
            "product": product.slug,
            "title": "Scheduled reports",
            "description": "Weekly *PDF*",
            "stage": "idea",
            "area": area.pk,
            "owner_team": product_team.pk,
            "owner": editor.pk,
            "tags": "Reporting, e-mail , ",
        },
    )
    feature = Feature.objects.get(title="Scheduled reports")
    assert response.status_code == 302
    assert response["Location"] == feature.get_absolute_url()
    assert (feature.area, feature.owner_team, feature.owner) == (area, product_team, editor)
    assert sorted(feature.tags.values_list("name", flat=True)) == ["e-mail", "reporting"]
    assert Activity.objects.for_target(feature).filter(verb="created").exists()


def test_feature_form_refuses_an_area_of_another_product(editor_client, product):
    other = ProductFactory(name="Nebula")
    foreign = other.areas.create(name="Search")
    response = editor_client.post(
        reverse("catalog:feature-create"),
        {"product": product.slug, "title": "Oops", "stage": "idea", "area": foreign.pk},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_area_error"' in html
    assert not Feature.objects.filter(title="Oops").exists()


def test_feature_form_needs_a_title(editor_client, product):
    response = editor_client.post(
        reverse("catalog:feature-create"), {"product": product.slug, "title": "", "stage": "idea"}
    )
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Feature.objects.exists()


def test_edit_feature_and_move_it(editor_client, feature):
    url = reverse("catalog:feature-edit", args=[feature.pk])
    response = editor_client.post(
        url,
        {"title": "Export to Excel", "description": "xlsx", "stage": "discovery", "tags": "excel"},
    )
    assert response.status_code == 302
    feature.refresh_from_db()
    assert (feature.title, feature.stage, feature.area) == ("Export to Excel", "discovery", None)
    assert list(feature.tags.values_list("name", flat=True)) == ["excel"]
    verbs = set(Activity.objects.for_target(feature).values_list("verb", flat=True))
    assert {"created", "updated", "stage_changed"} <= verbs


def test_edit_form_offers_only_allowed_stages(editor_client, feature):
    html = editor_client.get(reverse("catalog:feature-edit", args=[feature.pk])).content.decode()
    select = html[html.index('name="stage"') : html.index("</select>", html.index('name="stage"'))]
    assert "discovery" in select and "planned" in select and "beta" not in select
    response = editor_client.post(
        reverse("catalog:feature-edit", args=[feature.pk]), {"title": "Renamed", "stage": "beta"}
    )
    assert response.status_code == 422
    feature.refresh_from_db()
    assert (feature.title, feature.stage) == ("Export to CSV", "idea")


def test_markdown_preview_is_rendered_by_the_form_view(editor_client, feature):
    url = reverse("catalog:feature-edit", args=[feature.pk]) + "?preview=description"
    response = editor_client.post(url, {"description": "**bold** <script>x</script>"}, **HTMX)
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    feature.refresh_from_db()
    assert feature.description == "Download any *chart* as a spreadsheet."


def test_feature_page_shows_its_facts(editor_client, editor, feature, release):
    services.feature_move_stage(actor=editor, feature=feature, stage="discovery")
    html = editor_client.get(feature.get_absolute_url()).content.decode()
    for text in ("Export to CSV", "Dashboards", "Product", "Bob Editor", "#export", "Orbit"):
        assert text in html
    assert "<em>chart</em>" in html  # Markdown rendered
    assert 'aria-current="step"' in html  # lifecycle with the current stage
    assert release.get_absolute_url() in html  # the releases section
    assert "moved" in html  # the timeline


def test_feature_page_escapes_script_in_text(editor_client, editor, product):
    feature = services.feature_create(
        actor=editor,
        product=product,
        title="<script>alert('t')</script>",
        description="Hello <script>alert('d')</script> <img src=x onerror=alert(1)>",
    )
    html = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "<script>alert(" not in html
    assert "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(" in html


def test_feature_sections_come_from_the_registry(editor_client, feature):
    sections.register_feature_section(
        "test-feedback",
        title="Customer feedback",
        template="catalog/sections/_releases.html",
        loader=lambda *, user, feature: [],
        empty_text="No feedback is linked to this feature yet.",
        order=50,
    )
    try:
        html = editor_client.get(feature.get_absolute_url()).content.decode()
    finally:
        sections.unregister_feature_section("test-feedback")
    assert "Customer feedback" in html
    assert "No feedback is linked to this feature yet." in html
    assert html.index("Releases") < html.index("Customer feedback")


def test_feature_without_release_shows_an_empty_state(editor_client, feature):
    html = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "No release ships this feature yet." in html


# Releases and changelog -------------------------------------------------------------------


def test_release_list_filters(editor_client, product, release, editor):
    other = ProductFactory(name="Nebula")
    services.release_create(actor=editor, product=other, version="1.0", status="in_progress")
    url = reverse("catalog:release-list")
    assert "Nebula 1.0" in editor_client.get(url).content.decode()
    assert "Nebula 1.0" not in editor_client.get(url, {"product": "orbit"}).content.decode()
    html = editor_client.get(url, {"status": "in_progress"}).content.decode()
    assert "Nebula 1.0" in html and "Orbit 2.4" not in html


def test_create_release_with_features(editor_client, product, feature):
    response = editor_client.post(
        reverse("catalog:release-create"),
        {
            "product": product.slug,
            "version": "3.0",
            "name": "Big one",
            "status": "planned",
            "target_date": "2030-01-15",
            "features": [feature.pk],
        },
    )
    release = Release.objects.get(version="3.0")
    assert response.status_code == 302
    assert list(release.features.all()) == [feature]
    assert str(release.target_date) == "2030-01-15"


def test_release_form_lists_only_the_products_features(editor_client, product, feature):
    other = ProductFactory(name="Nebula")
    foreign = FeatureFactory(product=other, title="Nebula search")
    url = reverse("catalog:release-create")
    html = editor_client.get(url, {"product": product.slug}).content.decode()
    assert "Export to CSV" in html and "Nebula search" not in html
    response = editor_client.post(
        url,
        {"product": product.slug, "version": "3.0", "status": "planned", "features": [foreign.pk]},
    )
    assert response.status_code == 422
    assert not Release.objects.filter(version="3.0").exists()


def test_duplicate_release_version_is_shown_on_the_field(editor_client, product, release):
    response = editor_client.post(
        reverse("catalog:release-create"),
        {"product": product.slug, "version": "2.4", "status": "planned"},
    )
    assert response.status_code == 422
    assert "This product already has a release 2.4." in response.content.decode()
    assert Release.objects.count() == 1


def test_edit_release(editor_client, release, feature):
    url = reverse("catalog:release-edit", args=[release.pk])
    response = editor_client.post(
        url, {"version": "2.5", "name": "", "status": "in_progress", "features": []}
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.version, release.status) == ("2.5", "in_progress")
    assert not release.features.exists()


def test_mark_released_asks_for_confirmation_first(editor_client, release):
    url = reverse("catalog:release-ship", args=[release.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert "Nothing has shipped yet" in page.content.decode()
    with nothing_written(Release):
        unconfirmed = editor_client.post(url, {"features_to": "beta"})
    assert unconfirmed.status_code == 422
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PLANNED


def test_mark_released(editor_client, release):
    url = reverse("catalog:release-ship", args=[release.pk])
    response = editor_client.post(url, {"confirm": "on"}, follow=True)
    assert response.status_code == 200
    assert "is released" in response.content.decode()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.RELEASED and release.released_on
    assert Activity.objects.for_target(release).filter(verb="released").exists()


def test_a_cancelled_release_has_no_confirmation(editor_client, editor, release):
    services.release_update(actor=editor, release=release, status="cancelled")
    url = reverse("catalog:release-ship", args=[release.pk])
    response = editor_client.post(url, {"confirm": "on"}, follow=True)
    assert "cannot ship again" in response.content.decode()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.CANCELLED


def test_release_page_shows_features_and_changelog(editor_client, release, entry):
    html = editor_client.get(release.get_absolute_url()).content.decode()
    assert "Export to CSV" in html
    assert f'id="entry-{entry.pk}"' in html and "Public" in html
    assert "Mark released" in html


def test_create_and_edit_a_changelog_entry(editor_client, release):
    url = reverse("catalog:changelog-create", args=[release.pk])
    response = editor_client.post(url, {"title": "Faster", "body": "x", "visibility": "internal"})
    entry = ChangelogEntry.objects.get(title="Faster")
    assert response["Location"] == entry.get_absolute_url()
    edit = reverse("catalog:changelog-edit", args=[entry.pk])
    editor_client.post(edit, {"title": "Much faster", "body": "y", "visibility": "public"})
    entry.refresh_from_db()
    assert (entry.title, entry.visibility) == ("Much faster", Visibility.PUBLIC)


def test_changelog_entry_needs_a_title_and_a_known_visibility(editor_client, release):
    url = reverse("catalog:changelog-create", args=[release.pk])
    response = editor_client.post(url, {"title": "", "visibility": "secret"})
    assert response.status_code == 422
    assert not ChangelogEntry.objects.exists()


def test_changelog_groups_by_release_and_filters(editor_client, editor, release, entry):
    services.changelog_entry_create(actor=editor, release=release, title="Internal note")
    url = reverse("catalog:changelog")
    html = editor_client.get(url).content.decode()
    assert html.count('class="card changelog-release"') == 1
    assert "CSV export" in html and "Internal note" in html
    public = editor_client.get(url, {"visibility": "public"}).content.decode()
    assert "CSV export" in public and "Internal note" not in public
    nebula = ProductFactory(name="Nebula")
    none = editor_client.get(url, {"product": nebula.slug}).content.decode()
    assert "CSV export" not in none


# Queries ----------------------------------------------------------------------------------


def _features(product, n, team, tags):
    for i in range(n):
        feature = FeatureFactory(product=product, title=f"F{i}", owner_team=team)
        feature.tags.set(tags)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["feature-list", "product-detail"])
def test_lists_do_not_query_per_row(editor, product, page):
    client = client_for(editor)
    team = TeamFactory(name="Platform")
    tags = [Tag.objects.create(name="a"), Tag.objects.create(name="b")]
    url = (
        reverse("catalog:feature-list")
        if page == "feature-list"
        else reverse("catalog:product-detail", args=[product.slug])
    )
    _features(product, 5, team, tags)
    few = _queries(client, url)
    _features(product, 25, team, tags)
    many = _queries(client, url)
    assert few == many


def test_release_and_product_pages_show_registered_sections(editor_client, product):
    from tests.factories import ReleaseFactory
    from wavelength.catalog.sections import register_section, unregister_section

    release = ReleaseFactory(product=product)
    for page in ("release", "product"):
        register_section(
            page,
            "test-links",
            title=f"Linked to this {page}",
            template="catalog/sections/_releases.html",
            loader=lambda user, **obj: [],
            empty_text=f"Nothing links to this {page}.",
        )
    try:
        assert (
            "Nothing links to this release."
            in editor_client.get(release.get_absolute_url()).content.decode()
        )
        assert (
            "Nothing links to this product."
            in editor_client.get(product.get_absolute_url()).content.decode()
        )
    finally:
        unregister_section("release", "test-links")
        unregister_section("product", "test-links")
