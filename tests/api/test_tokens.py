import pytest
from django.test import Client

from tests.api.utils import errors, nothing_written, post, url
from wavelength.accounts.models import ApiToken
from wavelength.accounts.services import token_create

pytestmark = pytest.mark.django_db


def test_list_shows_only_my_tokens_without_secrets(editor_api, editor, viewer):
    token_create(actor=viewer, user=viewer, name="not mine")

    response = editor_api.get(url("token-list"))

    assert response.status_code == 200
    items = response.json()["items"]
    assert [t["name"] for t in items] == ["tests"]
    assert set(items[0]) == {
        "id",
        "name",
        "prefix",
        "is_active",
        "created_at",
        "last_used_at",
        "revoked_at",
    }
    assert items[0]["last_used_at"] is not None  # this very request used it


def test_create_returns_the_secret_once_and_it_works(viewer_api, viewer):
    response = post(viewer_api, url("token-create"), {"name": "laptop"})

    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith(body["prefix"])
    assert (body["name"], body["is_active"]) == ("laptop", True)
    new_client = Client(headers={"Authorization": f"Bearer {body['token']}"})
    assert new_client.get(url("me")).json()["id"] == viewer.pk
    listed = viewer_api.get(url("token-list")).json()["items"]
    assert all("token" not in t for t in listed)


@pytest.mark.parametrize(("data", "field"), [({}, "name"), ({"name": "  "}, "name")])
def test_create_needs_a_name(editor_api, data, field):
    editor_api.get(url("me"))  # the token's first use stamps it; that is not the write here
    with nothing_written(ApiToken):
        response = post(editor_api, url("token-create"), data)
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_revoke_refuses_the_token_from_then_on(editor_api, editor):
    token, raw = token_create(actor=editor, user=editor, name="ci")
    revoked_client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert revoked_client.get(url("me")).status_code == 200

    response = editor_api.delete(url("token-revoke", token.pk))

    assert response.status_code == 204
    assert revoked_client.get(url("me")).status_code == 401
    listed = {t["name"]: t for t in editor_api.get(url("token-list")).json()["items"]}
    assert listed["ci"]["is_active"] is False
    assert listed["ci"]["revoked_at"] is not None


def test_someone_elses_token_is_404(editor_api, viewer):
    token, _raw = token_create(actor=viewer, user=viewer, name="carol's")
    editor_api.get(url("me"))  # the token's first use stamps it; that is not the write here
    with nothing_written(ApiToken):
        response = editor_api.delete(url("token-revoke", token.pk))
    assert response.status_code == 404


def test_admin_revokes_anyones_token(admin_api, viewer):
    token, _raw = token_create(actor=viewer, user=viewer, name="carol's")
    assert admin_api.delete(url("token-revoke", token.pk)).status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoke_unknown_token_is_404(editor_api):
    assert editor_api.delete(url("token-revoke", 999999)).status_code == 404
