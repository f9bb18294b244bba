"""Stale writes are refused: the version an edit started from travels with it."""

import pytest

from tests.api.utils import bearer_client, errors, patch, url
from tests.conftest import client_for
from wavelength.catalog import services
from wavelength.catalog.models import Feature
from wavelength.core import versioning


@pytest.fixture
def feature(editor, product, product_team):
    return services.feature_create(
        actor=editor,
        product=product,
        title="Export to CSV",
        description="Download any chart.",
        owner_team=product_team,
        tags=["export"],
    )


def test_the_version_changes_with_what_an_edit_changes(editor, feature):
    before = versioning.version_of(feature)
    assert len(before) == 16 and before == versioning.version_of(Feature.objects.get(pk=feature.pk))
    services.feature_update(actor=editor, feature=feature, tags=["export", "csv"])
    assert versioning.version_of(Feature.objects.get(pk=feature.pk)) != before


def test_check_accepts_the_current_version_a_list_a_weak_tag_and_a_star(feature):
    current = versioning.version_of(feature)
    for expected in (None, "", "*", current, f'"{current}"', f'W/"{current}"', f'"x", "{current}"'):
        versioning.check(feature, expected)
    with pytest.raises(versioning.StaleVersion) as refused:
        versioning.check(feature, '"0000000000000000"')
    assert refused.value.current == current and refused.value.status_code == 412


def test_a_model_without_version_fields_is_a_programming_error():
    from wavelength.core.models import SearchEntry

    with pytest.raises(TypeError, match="VERSION_FIELDS"):
        versioning.fields_of(SearchEntry)


# The API: ETag on read, If-Match on write -------------------------------------------------


def test_api_refuses_a_patch_built_on_a_stale_read_and_changes_nothing(editor, feature):
    api = bearer_client(editor)
    read = api.get(url("feature-detail", feature.pk))
    etag = read.headers["ETag"]
    assert etag.startswith('"') and etag.strip('"') == versioning.version_of(feature)

    first = patch(api, url("feature-update", feature.pk), {"description": "New text."})
    assert first.status_code == 200 and first.headers["ETag"] != etag

    api.defaults["HTTP_IF_MATCH"] = etag
    second = patch(api, url("feature-update", feature.pk), {"title": "CSV export"})
    assert second.status_code == 412
    assert "Someone else saved this" in errors(second)["edit_version"]
    feature.refresh_from_db()
    assert (feature.title, feature.description) == ("Export to CSV", "New text.")

    api.defaults["HTTP_IF_MATCH"] = first.headers["ETag"]
    third = patch(api, url("feature-update", feature.pk), {"title": "CSV export"})
    assert third.status_code == 200
    feature.refresh_from_db()
    assert (feature.title, feature.description) == ("CSV export", "New text.")


def test_a_patch_without_if_match_changes_only_the_fields_it_sends(editor, feature):
    api = bearer_client(editor)
    patch(api, url("feature-update", feature.pk), {"description": "New text."})
    response = patch(api, url("feature-update", feature.pk), {"title": "CSV export"})
    assert response.status_code == 200
    feature.refresh_from_db()
    assert (feature.title, feature.description) == ("CSV export", "New text.")


def test_the_openapi_documents_if_match_and_412(client):
    spec = client.get(url("openapi-json")).json()
    operation = spec["paths"]["/api/v1/features/{feature_id}"]["patch"]
    assert "412" in operation["responses"]
    assert any(p["in"] == "header" and p["name"] == "If-Match" for p in operation["parameters"])


# Pages: a stale form shows both versions and keeps what was typed --------------------------


def _form_data(feature, version, **changes):
    data = {
        "title": feature.title,
        "description": feature.description,
        "stage": feature.stage,
        "area": "",
        "owner_team": feature.owner_team_id or "",
        "owner": "",
        "tags": "export",
        "edit_version": version,
    }
    return {**data, **changes}


def test_a_stale_edit_form_shows_both_versions_and_loses_nothing(editor, feature):
    first, second = client_for(editor), client_for(editor)
    edit = f"/features/{feature.pk}/edit/"
    page = first.get(edit)
    version = versioning.version_of(feature)
    assert f'name="edit_version" value="{version}"' in page.content.decode()

    saved = first.post(edit, _form_data(feature, version, description="Their new text."))
    assert saved.status_code == 302

    stale = second.post(edit, _form_data(feature, version, title="My new title"))
    assert stale.status_code == 422
    html = stale.content.decode()
    assert "Someone else saved this" in html
    assert "Their new text." in html  # their version, beside yours
    assert 'value="My new title"' in html  # nothing typed is lost
    feature.refresh_from_db()
    assert (feature.title, feature.description) == ("Export to CSV", "Their new text.")

    # The refused form now carries the current version: saving again keeps what was typed.
    current = versioning.version_of(feature)
    assert f'name="edit_version" value="{current}"' in html
    again = second.post(edit, _form_data(feature, current, title="My new title"))
    assert again.status_code == 302
    feature.refresh_from_db()
    assert (feature.title, feature.description) == ("My new title", "Their new text.")
