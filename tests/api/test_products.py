import pytest

from tests.api.utils import errors, nothing_written, patch, post, url
from wavelength.catalog import services
from wavelength.catalog.models import Area, Product

pytestmark = pytest.mark.django_db


def test_list_shows_products_with_their_counts(viewer_api, feature, release):
    response = viewer_api.get(url("product-list"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["slug"], item["feature_count"], item["release_count"]) == ("orbit", 1, 1)
    assert item["description_html"] == "<p>Analytics for teams.</p>\n"
    assert item["url"] == "http://testserver/products/orbit/"


@pytest.mark.parametrize("key", ["id", "slug"])
def test_detail_by_id_or_slug_lists_areas(viewer_api, product, area, key):
    response = viewer_api.get(url("product-detail", getattr(product, key)))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == product.pk
    assert body["areas"] == [{"id": area.pk, "name": "Dashboards", "position": 0}]


@pytest.mark.parametrize("key", ["999999", "nope", "99999999999999999999999", "a\x00b", "²"])
def test_unknown_product_is_404(viewer_api, key):
    assert viewer_api.get(url("product-detail", key)).status_code == 404


def test_editor_creates_a_product(editor_api, editor):
    response = post(editor_api, url("product-create"), {"name": "Comet", "description": "Fast."})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["name"], body["areas"], body["feature_count"]) == (
        "comet",
        "Comet",
        [],
        0,
    )
    history = editor_api.get(url("product-history", "comet")).json()["items"]
    assert [(h["verb"], h["target_type"]) for h in history] == [("created", "catalog.product")]


def test_viewer_cannot_create_a_product(viewer_api):
    with nothing_written(Product):
        response = post(viewer_api, url("product-create"), {"name": "Comet"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "Orbit"}, "name"),
        ({"name": "!!!"}, "name"),
        ({"name": "Comet", "description": 5}, "description"),
    ],
)
def test_bad_product_is_422(editor_api, product, data, field):
    with nothing_written(Product):
        response = post(editor_api, url("product-create"), data)
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_patch_changes_only_what_was_sent(editor_api, product):
    response = patch(editor_api, url("product-update", "orbit"), {"description": "New words."})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["description"]) == ("Orbit", "New words.")
    latest = editor_api.get(url("product-history", product.pk)).json()["items"][0]
    assert latest["changes"] == {"description": ["Analytics for teams.", "New words."]}


def test_patch_name_clash_is_422(editor_api, editor, product):
    services.product_create(actor=editor, name="Comet")
    with nothing_written(Product):
        response = patch(editor_api, url("product-update", product.pk), {"name": "comet"})
    assert response.status_code == 422
    assert list(errors(response)) == ["name"]


def test_patch_null_name_is_422(editor_api, product):
    response = patch(editor_api, url("product-update", product.pk), {"name": None})
    assert response.status_code == 422
    assert list(errors(response)) == ["name"]


def test_viewer_cannot_patch_a_product(viewer_api, product):
    with nothing_written(Product):
        response = patch(viewer_api, url("product-update", product.pk), {"name": "Mine"})
    assert response.status_code == 403


def test_patch_unknown_product_is_404(editor_api):
    assert patch(editor_api, url("product-update", "nope"), {"name": "X"}).status_code == 404


def test_history_is_the_product_timeline_newest_first(viewer_api, product, area, feature):
    response = viewer_api.get(url("product-history", "orbit"))

    assert response.status_code == 200
    kinds = [(h["verb"], h["target_type"]) for h in response.json()["items"]]
    assert kinds == [("created", "catalog.feature"), ("created", "catalog.area")]


def test_history_of_unknown_product_is_404(viewer_api):
    assert viewer_api.get(url("product-history", "nope")).status_code == 404


# Areas ------------------------------------------------------------------------------------


def test_editor_adds_an_area(editor_api, product):
    response = post(editor_api, url("area-create", "orbit"), {"name": "Alerts"})

    assert response.status_code == 201
    assert response.json()["name"] == "Alerts"
    areas = editor_api.get(url("product-detail", "orbit")).json()["areas"]
    assert [a["name"] for a in areas] == ["Alerts"]


def test_viewer_cannot_add_an_area(viewer_api, product):
    with nothing_written(Area):
        response = post(viewer_api, url("area-create", "orbit"), {"name": "Alerts"})
    assert response.status_code == 403


@pytest.mark.parametrize(("data", "field"), [({}, "name"), ({"name": "dashboards"}, "name")])
def test_bad_area_is_422(editor_api, area, data, field):
    with nothing_written(Area):
        response = post(editor_api, url("area-create", "orbit"), data)
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_area_of_unknown_product_is_404(editor_api):
    assert post(editor_api, url("area-create", "nope"), {"name": "X"}).status_code == 404
