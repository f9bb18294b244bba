import datetime as dt

import pytest
from django.utils import timezone

from tests.api.utils import errors, nothing_written, patch, post, url
from tests.factories import ProductFactory, TeamFactory
from wavelength.catalog import services
from wavelength.catalog.models import Feature, Stage, StageEntry, Tag
from wavelength.core import clock

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


# Reading ----------------------------------------------------------------------------------


def test_feature_detail_shows_everything_a_client_needs(viewer_api, feature, editor, area):
    response = viewer_api.get(url("feature-detail", feature.pk))

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": feature.pk,
        "product": {"id": feature.product_id, "slug": "orbit", "name": "Orbit"},
        "area": {"id": area.pk, "name": "Dashboards"},
        "title": "Export to CSV",
        "description": "Download any *chart* as a spreadsheet.",
        "description_html": "<p>Download any <em>chart</em> as a spreadsheet.</p>\n",
        "stage": "idea",
        "stage_entered_at": body["stage_entered_at"],
        "owner_team": {"id": feature.owner_team_id, "slug": "product", "name": "Product"},
        "owner": {"id": editor.pk, "name": "Bob Editor", "email": "bob@example.com"},
        "tags": ["export", "reporting"],
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "url": f"http://testserver/features/{feature.pk}/",
    }


def test_description_html_is_sanitised(editor_api, editor, product):
    feature = services.feature_create(
        actor=editor, product=product, title="XSS", description="<script>alert(1)</script>"
    )
    html = editor_api.get(url("feature-detail", feature.pk)).json()["description_html"]
    assert "<script>" not in html


def test_unknown_feature_is_404(viewer_api):
    response = viewer_api.get(url("feature-detail", 999999))
    assert response.status_code == 404
    assert errors(response) == {"": "Not found."}


@pytest.mark.parametrize("bad_id", ["abc", "99999999999999999999999"])
def test_malformed_feature_id_is_422_naming_it(viewer_api, bad_id):
    response = viewer_api.get(f"/api/v1/features/{bad_id}")
    assert response.status_code == 422
    assert list(errors(response)) == ["feature_id"]


def test_list_is_paginated_newest_change_first(viewer_api, editor, product):
    for n in range(3):
        with clock.travel(timezone.now() - dt.timedelta(days=10 - n)):
            services.feature_create(actor=editor, product=product, title=f"F{n}")

    response = viewer_api.get(url("feature-list", limit=2, offset=1))

    assert response.json()["count"] == 3
    assert _titles(response) == ["F1", "F0"]


def test_limit_above_the_maximum_is_422(viewer_api):
    response = viewer_api.get(url("feature-list", limit=201))
    assert response.status_code == 422
    assert list(errors(response)) == ["limit"]


# Filters ----------------------------------------------------------------------------------


@pytest.fixture
def catalogue(editor, product, product_team, other_team, admin):
    """Four features that each filter tells apart."""
    other = ProductFactory(name="Nebula", slug="nebula")
    with clock.travel(timezone.now() - dt.timedelta(days=30)):
        old = services.feature_create(
            actor=editor, product=other, title="Old idea", tags=["legacy"], owner=admin
        )
    beta = services.feature_create(
        actor=editor,
        product=product,
        title="Beta thing",
        stage=Stage.BETA,
        owner_team=product_team,
        tags=["mobile"],
        description="Works offline on trains.",
    )
    sales = services.feature_create(
        actor=editor, product=product, title="Sales thing", owner_team=other_team, owner=editor
    )
    return {"old": old, "beta": beta, "sales": sales, "other": other}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stage": "beta"}, ["Beta thing"]),
        ({"stage": "idea"}, ["Sales thing", "Old idea"]),
        ({"team": "sales"}, ["Sales thing"]),
        ({"tag": "mobile"}, ["Beta thing"]),
        ({"tag": "LEGACY"}, ["Old idea"]),
        ({"product": "nebula"}, ["Old idea"]),
        ({"owner": "bob@example.com"}, ["Sales thing"]),
        ({"q": "offline"}, ["Beta thing"]),
        ({"product": "orbit", "stage": "idea"}, ["Sales thing"]),
    ],
)
def test_filters(viewer_api, catalogue, query, expected):
    assert _titles(viewer_api.get(url("feature-list", **query))) == expected


def test_filters_take_ids_as_well_as_slugs(viewer_api, catalogue, other_team, admin):
    other = catalogue["other"]
    assert _titles(viewer_api.get(url("feature-list", team=other_team.pk))) == ["Sales thing"]
    assert _titles(viewer_api.get(url("feature-list", product=other.pk))) == ["Old idea"]
    assert _titles(viewer_api.get(url("feature-list", owner=admin.pk))) == ["Old idea"]


def test_updated_since_keeps_recent_changes(viewer_api, catalogue):
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert _titles(viewer_api.get(url("feature-list", updated_since=since))) == [
        "Sales thing",
        "Beta thing",
    ]


def test_updated_since_accepts_a_naive_date_time(viewer_api, catalogue):
    since = (timezone.now() - dt.timedelta(days=1)).replace(tzinfo=None).isoformat()
    assert len(_titles(viewer_api.get(url("feature-list", updated_since=since)))) == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"stage": "bogus"}, "stage"),
        ({"team": "nope"}, "team"),
        ({"team": 424242}, "team"),
        ({"tag": "never-used"}, "tag"),
        ({"product": "nope"}, "product"),
        ({"owner": "nobody@example.com"}, "owner"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "0001-01-01T00:00:00+01:00"}, "updated_since"),
        ({"updated_since": "9999-12-31T23:59:59-01:00"}, "updated_since"),
        ({"owner": "99999999999999999999999"}, "owner"),
        ({"product": "²"}, "product"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**20}, "offset"),
    ],
)
def test_unknown_filter_values_are_422_naming_the_field(viewer_api, catalogue, query, field):
    response = viewer_api.get(url("feature-list", **query))
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_every_unknown_filter_is_named_at_once(viewer_api, catalogue):
    response = viewer_api.get(url("feature-list", team="nope", product="nope", owner="x@y.z"))
    assert response.status_code == 422
    assert set(errors(response)) == {"team", "product", "owner"}


# Creating ---------------------------------------------------------------------------------


def test_editor_creates_a_feature_by_readable_keys(editor_api, editor, product, area):
    response = post(
        editor_api,
        url("feature-create"),
        {
            "product": "orbit",
            "area": area.pk,
            "title": "Dark mode",
            "description": "Easy on the eyes.",
            "stage": "planned",
            "owner_team": "product",
            "owner": "BOB@example.com",
            "tags": ["UI", "ui", " theme "],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["product"]["slug"] == "orbit"
    assert body["area"]["id"] == area.pk
    assert body["stage"] == "planned"
    assert body["owner_team"]["slug"] == "product"
    assert body["owner"]["id"] == editor.pk
    assert body["tags"] == ["theme", "ui"]
    feature = Feature.objects.get(pk=body["id"])
    history = editor_api.get(url("feature-history", feature.pk)).json()["items"]
    assert [(h["verb"], h["actor"]["id"]) for h in history] == [("created", editor.pk)]
    assert history[0]["snapshot"]["title"] == "Dark mode"


def test_create_needs_only_product_and_title(editor_api, product):
    response = post(editor_api, url("feature-create"), {"product": product.pk, "title": "Bare"})

    assert response.status_code == 201
    body = response.json()
    assert (body["stage"], body["area"], body["owner"], body["tags"]) == ("idea", None, None, [])


def test_viewer_cannot_create_a_feature(viewer_api, product):
    with nothing_written(Feature, Tag, StageEntry):
        response = post(
            viewer_api, url("feature-create"), {"product": "orbit", "title": "X", "tags": ["new"]}
        )
    assert response.status_code == 403
    assert errors(response) == {"": "Your role does not allow changes here."}


def test_bad_fields_are_422_naming_each(editor_api, product):
    with nothing_written(Feature):
        response = post(
            editor_api,
            url("feature-create"),
            {"product": "orbit", "stage": "someday", "tags": ["ok", 3], "area": "x"},
        )
    assert response.status_code == 422
    assert set(errors(response)) == {"title", "stage", "tags.1", "area"}


def test_unknown_references_are_422_naming_each(editor_api, product):
    with nothing_written(Feature):
        response = post(
            editor_api,
            url("feature-create"),
            {
                "product": "nope",
                "title": "X",
                "area": 999,
                "owner_team": "nope",
                "owner": "nobody@example.com",
            },
        )
    assert response.status_code == 422
    assert set(errors(response)) == {"product", "area", "owner_team", "owner"}
    assert "nope" in errors(response)["product"]


def test_blank_title_is_422(editor_api, product):
    with nothing_written(Feature):
        response = post(editor_api, url("feature-create"), {"product": "orbit", "title": "  "})
    assert response.status_code == 422
    assert list(errors(response)) == ["title"]


def test_area_of_another_product_is_422(editor_api, editor, product):
    other = ProductFactory(name="Nebula", slug="nebula")
    foreign = services.area_create(actor=editor, product=other, name="Elsewhere")
    with nothing_written(Feature):
        response = post(
            editor_api,
            url("feature-create"),
            {"product": "orbit", "title": "X", "area": foreign.pk},
        )
    assert response.status_code == 422
    assert list(errors(response)) == ["area"]


def test_nul_characters_are_refused(editor_api, product):
    with nothing_written(Feature):
        response = post(editor_api, url("feature-create"), {"product": "orbit", "title": "a\x00b"})
    assert response.status_code == 422
    assert errors(response) == {"title": "Null characters are not allowed."}


# Editing ----------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(editor_api, feature):
    response = patch(editor_api, url("feature-update", feature.pk), {"title": "Export anything"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Export anything"
    assert body["description"] == "Download any *chart* as a spreadsheet."
    assert body["tags"] == ["export", "reporting"]
    assert body["owner"] is not None


def test_history_after_patch_shows_the_field_diff(editor_api, editor, feature):
    patch(editor_api, url("feature-update", feature.pk), {"title": "Export anything"})

    history = editor_api.get(url("feature-history", feature.pk)).json()
    assert history["count"] == 2
    latest = history["items"][0]
    assert latest["verb"] == "updated"
    assert latest["actor"] == {"id": editor.pk, "name": "Bob Editor"}
    assert latest["target_type"] == "catalog.feature"
    assert latest["target_id"] == feature.pk
    assert latest["changes"] == {"title": ["Export to CSV", "Export anything"]}
    assert latest["snapshot"] is None


def test_patch_null_clears_optional_references(editor_api, feature):
    response = patch(
        editor_api, url("feature-update", feature.pk), {"owner": None, "area": None, "tags": []}
    )
    body = response.json()
    assert (body["owner"], body["area"], body["tags"]) == (None, None, [])


def test_patch_moves_stage_along_the_lifecycle(editor_api, feature):
    response = patch(editor_api, url("feature-update", feature.pk), {"stage": "discovery"})

    assert response.json()["stage"] == "discovery"
    verbs = [h["verb"] for h in editor_api.get(url("feature-history", feature.pk)).json()["items"]]
    assert verbs[0] == "stage_changed"


def test_illegal_stage_move_is_422_and_nothing_changes(editor_api, feature):
    with nothing_written(Feature, StageEntry):
        response = patch(
            editor_api, url("feature-update", feature.pk), {"title": "Renamed", "stage": "beta"}
        )
    assert response.status_code == 422
    assert list(errors(response)) == ["stage"]
    assert "cannot move" in errors(response)["stage"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"stage": None}, "stage"),
        ({"stage": "shipped"}, "stage"),
        ({"owner": "nobody@example.com"}, "owner"),
        ({"owner_team": "nope"}, "owner_team"),
        ({"area": 999}, "area"),
        ({"tags": "export"}, "tags"),
    ],
)
def test_patch_bad_fields_are_422(editor_api, feature, data, field):
    with nothing_written(Feature, Tag):
        response = patch(editor_api, url("feature-update", feature.pk), data)
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_viewer_cannot_patch(viewer_api, feature):
    with nothing_written(Feature):
        response = patch(viewer_api, url("feature-update", feature.pk), {"title": "Mine"})
    assert response.status_code == 403


def test_patch_unknown_feature_is_404(editor_api):
    assert patch(editor_api, url("feature-update", 999999), {"title": "X"}).status_code == 404


def test_team_owner_can_be_set_by_id(editor_api, feature):
    team = TeamFactory(name="Platform", slug="platform")
    response = patch(editor_api, url("feature-update", feature.pk), {"owner_team": team.pk})
    assert response.json()["owner_team"]["slug"] == "platform"


# History and past states ------------------------------------------------------------------


def test_state_at_returns_the_title_before_an_edit(viewer_api, editor, product):
    created = timezone.now() - dt.timedelta(days=3)
    with clock.travel(created):
        feature = services.feature_create(actor=editor, product=product, title="Old title")
    services.feature_update(actor=editor, feature=feature, title="New title")

    before_edit = (created + dt.timedelta(days=1)).isoformat()
    response = viewer_api.get(url("feature-state", feature.pk, at=before_edit))

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["title"], body["stage"]) == (feature.pk, "Old title", "idea")
    assert body["product"] == product.pk
    now = viewer_api.get(url("feature-state", feature.pk, at=timezone.now().isoformat()))
    assert now.json()["title"] == "New title"


def test_state_before_the_feature_existed_is_404(viewer_api, feature):
    long_ago = (timezone.now() - dt.timedelta(days=365)).isoformat()
    response = viewer_api.get(url("feature-state", feature.pk, at=long_ago))
    assert response.status_code == 404
    assert list(errors(response)) == ["at"]


@pytest.mark.parametrize("query", [{}, {"at": "last tuesday"}, {"at": "0001-01-01T00:00:00+01:00"}])
def test_state_needs_a_valid_date_time(viewer_api, feature, query):
    response = viewer_api.get(url("feature-state", feature.pk, **query))
    assert response.status_code == 422
    assert list(errors(response)) == ["at"]


def test_history_of_unknown_feature_is_404(viewer_api):
    assert viewer_api.get(url("feature-history", 999999)).status_code == 404
    assert (
        viewer_api.get(url("feature-state", 999999, at="2024-01-01T00:00:00Z")).status_code == 404
    )
