import pytest

from tests.api.utils import errors, nothing_written, patch, post, url
from tests.factories import ProductFactory
from wavelength.catalog import services
from wavelength.catalog.models import ChangelogEntry, Visibility

pytestmark = pytest.mark.django_db


def _titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


@pytest.fixture
def entries(editor, release, entry):
    """CSV export (2.0, internal), Public note (2.0, public), Nebula note (Nebula 0.1)."""
    services.changelog_entry_create(
        actor=editor, release=release, title="Public note", visibility=Visibility.PUBLIC
    )
    nebula = ProductFactory(name="Nebula", slug="nebula")
    other = services.release_create(actor=editor, product=nebula, version="0.1")
    services.changelog_entry_create(actor=editor, release=other, title="Nebula note")
    return other


def test_entry_detail(viewer_api, editor, release, entry):
    response = viewer_api.get(url("changelog-detail", entry.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["release"] == {
        "id": release.pk,
        "version": "2.0",
        "product": {"id": release.product_id, "slug": "orbit", "name": "Orbit"},
    }
    assert (body["title"], body["visibility"]) == ("CSV export", "internal")
    assert body["body_html"] == "<p>Charts export to <strong>CSV</strong>.</p>\n"
    assert body["author"] == {"id": editor.pk, "name": "Bob Editor"}
    assert body["url"] == f"http://testserver/releases/{release.pk}/#entry-{entry.pk}"


def test_unknown_entry_is_404(viewer_api):
    assert viewer_api.get(url("changelog-detail", 999999)).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"CSV export", "Public note", "Nebula note"}),
        ({"product": "nebula"}, {"Nebula note"}),
        ({"visibility": "public"}, {"Public note"}),
        ({"product": "orbit", "visibility": "internal"}, {"CSV export"}),
    ],
)
def test_list_filters(viewer_api, entries, query, expected):
    assert _titles(viewer_api.get(url("changelog-list", **query))) == expected


def test_list_filters_by_release(viewer_api, entries):
    assert _titles(viewer_api.get(url("changelog-list", release=entries.pk))) == {"Nebula note"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"visibility": "secret"}, "visibility"),
        ({"release": 999999}, "release"),
        ({"release": "x"}, "release"),
        ({"product": "nope"}, "product"),
    ],
)
def test_unknown_filter_values_are_422(viewer_api, entries, query, field):
    response = viewer_api.get(url("changelog-list", **query))
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_editor_writes_an_entry(editor_api, editor, release):
    response = post(
        editor_api,
        url("changelog-create", release.pk),
        {"title": "Faster charts", "body": "2x", "visibility": "public"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["visibility"], body["author"]["id"]) == (
        "Faster charts",
        "public",
        editor.pk,
    )
    assert ChangelogEntry.objects.filter(pk=body["id"], release=release).exists()


def test_viewer_cannot_write_an_entry(viewer_api, release):
    with nothing_written(ChangelogEntry):
        response = post(viewer_api, url("changelog-create", release.pk), {"title": "X"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "title"),
        ({"title": " "}, "title"),
        ({"title": "X", "visibility": "secret"}, "visibility"),
    ],
)
def test_bad_entry_is_422(editor_api, release, data, field):
    with nothing_written(ChangelogEntry):
        response = post(editor_api, url("changelog-create", release.pk), data)
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_entry_for_unknown_release_is_404(editor_api):
    assert post(editor_api, url("changelog-create", 999999), {"title": "X"}).status_code == 404


def test_patch_changes_only_what_was_sent(editor_api, entry):
    response = patch(editor_api, url("changelog-update", entry.pk), {"visibility": "public"})

    assert response.status_code == 200
    assert (response.json()["visibility"], response.json()["title"]) == ("public", "CSV export")


@pytest.mark.parametrize(
    ("data", "field"),
    [({"title": ""}, "title"), ({"title": None}, "title"), ({"visibility": "x"}, "visibility")],
)
def test_patch_bad_fields_are_422(editor_api, entry, data, field):
    with nothing_written(ChangelogEntry):
        response = patch(editor_api, url("changelog-update", entry.pk), data)
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_viewer_cannot_patch_an_entry(viewer_api, entry):
    with nothing_written(ChangelogEntry):
        response = patch(viewer_api, url("changelog-update", entry.pk), {"title": "Mine"})
    assert response.status_code == 403


def test_patch_unknown_entry_is_404(editor_api):
    assert patch(editor_api, url("changelog-update", 999999), {"title": "X"}).status_code == 404


def test_editor_deletes_an_entry(editor_api, entry):
    response = editor_api.delete(url("changelog-delete", entry.pk))

    assert response.status_code == 204
    assert not ChangelogEntry.objects.filter(pk=entry.pk).exists()
    assert editor_api.get(url("changelog-detail", entry.pk)).status_code == 404
    latest = editor_api.get(url("history")).json()["items"][0]
    assert (latest["verb"], latest["target_type"]) == ("deleted", "catalog.changelogentry")


def test_viewer_cannot_delete_an_entry(viewer_api, entry):
    with nothing_written(ChangelogEntry):
        response = viewer_api.delete(url("changelog-delete", entry.pk))
    assert response.status_code == 403


def test_delete_unknown_entry_is_404(editor_api):
    assert editor_api.delete(url("changelog-delete", 999999)).status_code == 404
