import datetime as dt

import pytest
from django.utils import timezone

from tests.api.utils import errors, nothing_written, patch, post, url
from tests.factories import ProductFactory
from wavelength.catalog import services
from wavelength.catalog.models import Release, ReleaseStatus

pytestmark = pytest.mark.django_db


def _versions(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["version"] for item in response.json()["items"]}


@pytest.fixture
def releases(editor, product, release):
    """2.0 planned (with a feature), 2.1 in progress, 1.0 shipped, and Nebula 0.1."""
    services.release_create(
        actor=editor, product=product, version="2.1", status=ReleaseStatus.IN_PROGRESS
    )
    shipped = services.release_create(actor=editor, product=product, version="1.0")
    services.release_ship(actor=editor, release=shipped)
    nebula = ProductFactory(name="Nebula", slug="nebula")
    services.release_create(actor=editor, product=nebula, version="0.1")


def test_release_detail(viewer_api, release, feature):
    response = viewer_api.get(url("release-detail", release.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["product"] == {"id": release.product_id, "slug": "orbit", "name": "Orbit"}
    assert (body["version"], body["name"], body["status"]) == ("2.0", "Spring", "planned")
    assert body["features"] == [{"id": feature.pk, "title": "Export to CSV", "stage": "idea"}]
    assert (body["target_date"], body["released_on"]) == (None, None)
    assert body["url"] == f"http://testserver/releases/{release.pk}/"


def test_unknown_release_is_404(viewer_api):
    assert viewer_api.get(url("release-detail", 999999)).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"2.0", "2.1", "1.0", "0.1"}),
        ({"product": "nebula"}, {"0.1"}),
        ({"status": "released"}, {"1.0"}),
        ({"status": "in_progress", "product": "orbit"}, {"2.1"}),
    ],
)
def test_list_filters_by_product_and_status(viewer_api, releases, query, expected):
    assert _versions(viewer_api.get(url("release-list", **query))) == expected


@pytest.mark.parametrize(
    ("query", "field"), [({"status": "gone"}, "status"), ({"product": "nope"}, "product")]
)
def test_unknown_filter_values_are_422(viewer_api, releases, query, field):
    response = viewer_api.get(url("release-list", **query))
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_editor_creates_a_release_with_features(editor_api, feature):
    response = post(
        editor_api,
        url("release-create"),
        {
            "product": "orbit",
            "version": "3.0",
            "description": "The **big** one.",
            "status": "in_progress",
            "target_date": "2030-05-01",
            "features": [feature.pk],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["status"], body["target_date"]) == (
        "3.0",
        "in_progress",
        "2030-05-01",
    )
    assert body["description_html"] == "<p>The <strong>big</strong> one.</p>\n"
    assert [f["id"] for f in body["features"]] == [feature.pk]
    history = editor_api.get(url("release-history", body["id"])).json()["items"]
    assert [h["verb"] for h in history] == ["created"]


def test_viewer_cannot_create_a_release(viewer_api, product):
    with nothing_written(Release):
        response = post(viewer_api, url("release-create"), {"product": "orbit", "version": "9"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"product": "orbit"}, "version"),
        ({"product": "orbit", "version": "2.0"}, "version"),
        ({"product": "nope", "version": "9"}, "product"),
        ({"product": "orbit", "version": "9", "status": "released"}, "status"),
        ({"product": "orbit", "version": "9", "status": "done"}, "status"),
        ({"product": "orbit", "version": "9", "target_date": "soon"}, "target_date"),
        ({"product": "orbit", "version": "9", "features": [999999]}, "features"),
        ({"product": "orbit", "version": "9", "features": ["x"]}, "features.0"),
    ],
)
def test_bad_release_is_422(editor_api, release, data, field):
    with nothing_written(Release):
        response = post(editor_api, url("release-create"), data)
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_features_of_another_product_are_refused(editor_api, editor, product):
    nebula = ProductFactory(name="Nebula", slug="nebula")
    foreign = services.feature_create(actor=editor, product=nebula, title="Elsewhere")
    with nothing_written(Release):
        response = post(
            editor_api,
            url("release-create"),
            {"product": "orbit", "version": "9", "features": [foreign.pk]},
        )
    assert response.status_code == 422
    assert list(errors(response)) == ["features"]


def test_patch_changes_only_what_was_sent(editor_api, release):
    response = patch(editor_api, url("release-update", release.pk), {"target_date": "2031-01-02"})

    assert response.status_code == 200
    body = response.json()
    assert (body["target_date"], body["name"], len(body["features"])) == ("2031-01-02", "Spring", 1)
    latest = editor_api.get(url("release-history", release.pk)).json()["items"][0]
    assert latest["changes"] == {"target_date": [None, "2031-01-02"]}


def test_patch_replaces_features(editor_api, release):
    response = patch(editor_api, url("release-update", release.pk), {"features": []})
    assert response.json()["features"] == []


def test_patch_status_released_ships_it(editor_api, release):
    response = patch(
        editor_api, url("release-update", release.pk), {"status": "released", "confirm": True}
    )

    body = response.json()
    assert body["status"] == "released"
    assert body["released_on"] == timezone.now().date().isoformat()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"version": ""}, "version"),
        ({"version": None}, "version"),
        ({"status": "done"}, "status"),
        ({"features": [999999]}, "features"),
    ],
)
def test_patch_bad_fields_are_422(editor_api, release, data, field):
    with nothing_written(Release):
        response = patch(editor_api, url("release-update", release.pk), data)
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_viewer_cannot_patch_a_release(viewer_api, release):
    with nothing_written(Release):
        response = patch(viewer_api, url("release-update", release.pk), {"name": "Mine"})
    assert response.status_code == 403


def test_patch_unknown_release_is_404(editor_api):
    assert patch(editor_api, url("release-update", 999999), {"name": "X"}).status_code == 404


# Shipping ---------------------------------------------------------------------------------


def test_ship_marks_it_released_today(editor_api, release):
    response = post(editor_api, url("release-ship", release.pk), {"confirm": True})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "released"
    assert response.json()["released_on"] == timezone.now().date().isoformat()
    history = editor_api.get(url("release-history", release.pk)).json()["items"]
    assert history[0]["verb"] == "released"
    assert history[0]["changes"]["status"] == ["planned", "released"]


def test_ship_on_a_given_day(editor_api, release):
    day = (timezone.now() - dt.timedelta(days=2)).date().isoformat()
    response = post(
        editor_api, url("release-ship", release.pk), {"released_on": day, "confirm": True}
    )
    assert response.json()["released_on"] == day


def test_ship_twice_is_422(editor_api, editor, release):
    services.release_ship(actor=editor, release=release)
    with nothing_written(Release):
        response = post(editor_api, url("release-ship", release.pk), {"confirm": True})
    assert response.status_code == 422
    assert list(errors(response)) == ["status"]


def test_ship_bad_date_is_422(editor_api, release):
    with nothing_written(Release):
        response = post(editor_api, url("release-ship", release.pk), {"released_on": "2030-13-01"})
    assert response.status_code == 422
    assert list(errors(response)) == ["released_on"]


def test_viewer_cannot_ship(viewer_api, release):
    with nothing_written(Release):
        response = post(viewer_api, url("release-ship", release.pk))
    assert response.status_code == 403


def test_ship_unknown_release_is_404(editor_api):
    assert post(editor_api, url("release-ship", 999999)).status_code == 404


def test_history_of_unknown_release_is_404(viewer_api):
    assert viewer_api.get(url("release-history", 999999)).status_code == 404
