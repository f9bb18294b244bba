import pytest

from tests.api.utils import errors, nothing_written, patch, post, url
from tests.factories import UserFactory
from wavelength.accounts.models import Team

pytestmark = pytest.mark.django_db


# People -----------------------------------------------------------------------------------


def test_me_is_the_caller(viewer_api, viewer):
    response = viewer_api.get(url("me"))

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["email"], body["role"]) == (viewer.pk, "carol@example.com", "viewer")
    assert body["teams"] == [{"id": viewer.teams.get().pk, "slug": "product", "name": "Product"}]
    assert "password" not in body


def test_users_lists_active_people_with_their_teams(viewer_api, admin, editor, viewer):
    UserFactory(email="gone@example.com", name="Gone", is_active=False)

    response = viewer_api.get(url("user-list"))

    assert response.status_code == 200
    by_email = {u["email"]: u for u in response.json()["items"]}
    assert set(by_email) == {"alice@example.com", "bob@example.com", "carol@example.com"}
    assert [t["slug"] for t in by_email["bob@example.com"]["teams"]] == ["product"]


def test_user_detail(viewer_api, editor):
    response = viewer_api.get(url("user-detail", editor.pk))
    assert (response.status_code, response.json()["name"]) == (200, "Bob Editor")


def test_unknown_or_inactive_user_is_404(viewer_api):
    gone = UserFactory(email="gone@example.com", is_active=False)
    assert viewer_api.get(url("user-detail", 999999)).status_code == 404
    assert viewer_api.get(url("user-detail", gone.pk)).status_code == 404


def test_people_are_not_created_through_the_api(admin_api):
    assert post(admin_api, url("user-list"), {"email": "x@example.com"}).status_code == 405


def test_admin_names_a_manager_and_others_cannot(admin_api, editor_api, admin, editor, viewer):
    response = patch(admin_api, url("user-update", viewer.pk), {"manager": editor.email})
    assert response.status_code == 200
    assert response.json()["manager"]["email"] == editor.email
    assert patch(editor_api, url("user-update", viewer.pk), {"manager": None}).status_code == 403
    loop = patch(admin_api, url("user-update", editor.pk), {"manager": viewer.pk})
    assert loop.status_code == 422 and loop.json()["detail"][0]["field"] == "manager"
    unknown = patch(admin_api, url("user-update", viewer.pk), {"manager": "nobody@example.com"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "manager"


# Teams ------------------------------------------------------------------------------------


def test_team_list_counts_members(viewer_api, editor, viewer, outsider):
    response = viewer_api.get(url("team-list"))

    assert response.status_code == 200
    counts = {t["slug"]: t["member_count"] for t in response.json()["items"]}
    assert (counts["product"], counts["sales"]) == (2, 1)


def test_team_detail_lists_members(viewer_api, editor, viewer):
    response = viewer_api.get(url("team-detail", "product"))

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["member_count"], body["feature_count"]) == ("Product", 2, 0)
    assert [m["email"] for m in body["members"]] == ["bob@example.com", "carol@example.com"]


@pytest.mark.parametrize("slug", ["nope", "a\x00b"])
def test_unknown_team_is_404(viewer_api, slug):
    assert viewer_api.get(url("team-detail", slug)).status_code == 404


def test_admin_creates_a_team(admin_api):
    response = post(admin_api, url("team-create"), {"name": "Research", "description": "Why."})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["description"], body["members"]) == ("research", "Why.", [])


@pytest.mark.parametrize("persona", ["editor_api", "viewer_api"])
def test_only_admins_create_teams(request, persona):
    client = request.getfixturevalue(persona)
    with nothing_written(Team):
        response = post(client, url("team-create"), {"name": "Research"})
    assert response.status_code == 403
    assert errors(response) == {"": "Only an administrator can do this."}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "name"),
        ({"name": " "}, "name"),
        ({"name": "product"}, "name"),
        ({"name": "x" * 101}, "name"),
    ],
)
def test_bad_team_is_422(admin_api, product_team, data, field):
    with nothing_written(Team):
        response = post(admin_api, url("team-create"), data)
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_admin_edits_a_team(admin_api, product_team):
    response = patch(admin_api, url("team-update", "product"), {"description": "We build."})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["description"]) == ("Product", "We build.")


def test_only_admins_edit_teams(editor_api, product_team):
    with nothing_written(Team):
        response = patch(editor_api, url("team-update", "product"), {"name": "Mine"})
    assert response.status_code == 403


def test_team_rename_clash_is_422(admin_api, product_team, other_team):
    with nothing_written(Team):
        response = patch(admin_api, url("team-update", "product"), {"name": "SALES"})
    assert response.status_code == 422
    assert list(errors(response)) == ["name"]


def test_edit_unknown_team_is_404(admin_api):
    assert patch(admin_api, url("team-update", "nope"), {"name": "X"}).status_code == 404
