from tests.api.utils import bearer_client, patch, post, url
from wavelength.knowledge import services


def test_create_edit_and_conflict_through_the_api(editor, space):
    api = bearer_client(editor)
    created = post(api, url("page-create"), {"space": space.slug, "title": "API page", "body": "a"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    saved = patch(api, url("page-update", pk), {"base_version": 1, "body": "b"})
    assert saved.status_code == 200
    assert saved.json()["version"] == 2
    stale = patch(api, url("page-update", pk), {"base_version": 1, "body": "c"})
    assert stale.status_code == 409
    assert stale.json()["detail"][0]["field"] == "base_version"
    assert api.get(url("page-detail", pk)).json()["body"] == "b"


def test_versions_diff_and_restore(editor, page):
    api = bearer_client(editor)
    services.page_update(
        actor=editor, page=page, base_version=1, title=page.title, body="Run the build script."
    )
    versions = api.get(url("version-list", page.pk)).json()
    assert [v["number"] for v in versions["items"]] == [2, 1]
    diff = api.get(url("page-diff", page.pk, a=1, b=2)).json()
    assert (diff["added"], diff["removed"]) == (1, 1)
    row = next(r for r in diff["rows"] if r["op"] == "replace")
    assert "<del>deploy</del>" in row["old"] and "<ins>build</ins>" in row["new"]
    restored = post(api, url("page-restore", page.pk), {"version": 1, "base_version": 2})
    assert restored.json()["version"] == 3
    assert restored.json()["body"] == "Run the deploy script."


def test_team_pages_are_404_for_outsiders_in_the_api(outsider, secret_page, team_space):
    api = bearer_client(outsider)
    assert api.get(url("page-detail", secret_page.pk)).status_code == 404
    assert api.get(url("version-list", secret_page.pk)).status_code == 404
    assert patch(api, url("page-update", secret_page.pk), {"base_version": 1}).status_code == 404
    listed = api.get(url("page-list")).json()
    assert secret_page.pk not in [p["id"] for p in listed["items"]]
    spaces = [s["slug"] for s in api.get(url("space-list")).json()["items"]]
    assert team_space.slug not in spaces
    search = api.get(url("page-search", q="pricing")).json()
    assert search["count"] == 0
    unknown = post(api, url("page-create"), {"space": team_space.slug, "title": "x"})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["field"] == "space"


def test_team_member_sees_the_team_page(viewer, secret_page):
    api = bearer_client(viewer)
    assert api.get(url("page-detail", secret_page.pk)).status_code == 200


def test_viewer_cannot_create_pages_through_the_api(viewer, space):
    response = post(bearer_client(viewer), url("page-create"), {"space": space.slug, "title": "x"})
    assert response.status_code == 403


def test_bad_input_names_the_field(editor, space):
    api = bearer_client(editor)
    response = post(api, url("page-create"), {"space": space.slug, "title": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "title"


def test_backlinks_and_read_through_the_api(editor, viewer, space, page):
    services.page_create(actor=editor, space=space, title="Index", body="[[Deploy procedure]]")
    api = bearer_client(viewer)
    assert [p["title"] for p in api.get(url("page-backlinks", page.pk)).json()] == ["Index"]
    assert post(api, url("page-read", page.pk)).status_code == 200
    assert page.reads.filter(user=viewer, version=1).exists()


def test_a_page_without_a_space_is_a_422_naming_it(editor, viewer, space):
    for user in (editor, viewer):
        response = post(bearer_client(user), url("page-create"), {"space": "", "title": ""})
        assert response.status_code == 422, response.content
        assert response.json()["detail"][0]["field"] == "space"
