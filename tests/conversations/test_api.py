"""The conversations API: status codes, error bodies, permissions and stale writes."""

import pytest
from django.test import Client

from tests.api.utils import patch, post, url
from wavelength.conversations import services
from wavelength.conversations.models import Comment, Follow

pytestmark = pytest.mark.django_db


def _comment(actor, obj, body="First", kind="feature", **kwargs):
    return services.comment_create(actor=actor, kind=kind, object_id=obj.pk, body=body, **kwargs)


def _fields(response) -> set[str]:
    return {item["field"] for item in response.json()["detail"]}


def test_create_and_list_comments(editor_api, viewer_api, feature):
    response = post(
        editor_api,
        url("comment-create"),
        {"kind": "feature", "object_id": feature.pk, "body": "Is **CSV** enough?"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["author"]["handle"] == "bob"
    assert body["url"].endswith(f"{feature.get_absolute_url()}#comment-{body['id']}")
    assert response["ETag"]
    reply = post(
        viewer_api,
        url("comment-create"),
        {"kind": "feature", "object_id": feature.pk, "body": "Yes", "parent": body["id"]},
    )
    assert reply.status_code == 201
    listed = viewer_api.get(url("comment-list", kind="feature", object_id=feature.pk)).json()
    assert listed["count"] == 2
    assert [c["parent"] for c in listed["items"]] == [None, body["id"]]


def test_list_reads_in_a_fixed_number_of_queries(
    editor, editor_api, feature, django_assert_max_num_queries
):
    for n in range(6):
        _comment(editor, feature, f"Comment {n}")
    with django_assert_max_num_queries(12):
        response = editor_api.get(url("comment-list", kind="feature", object_id=feature.pk))
    assert response.json()["count"] == 6


def test_bad_input_names_the_field_and_writes_nothing(editor_api, feature):
    response = post(
        editor_api, url("comment-create"), {"kind": "feature", "object_id": feature.pk, "body": ""}
    )
    assert response.status_code == 422 and _fields(response) == {"body"}
    response = post(
        editor_api, url("comment-create"), {"kind": "planet", "object_id": 1, "body": "Hi"}
    )
    assert response.status_code == 422 and _fields(response) == {"kind"}
    response = post(
        editor_api,
        url("comment-create"),
        {"kind": "feature", "object_id": feature.pk, "body": "Hi", "parent": 999},
    )
    assert response.status_code == 422 and _fields(response) == {"parent"}
    assert not Comment.objects.exists()


def test_unknown_object_is_404(editor_api):
    response = editor_api.get(url("comment-list", kind="feature", object_id=999))
    assert response.status_code == 404


def test_outsider_of_a_restricted_space_sees_nothing(outsider_api, editor, secret_page):
    comment = _comment(editor, secret_page, "Secret numbers", kind="page")
    listed = outsider_api.get(url("comment-list", kind="page", object_id=secret_page.pk))
    assert listed.status_code == 404
    assert outsider_api.get(url("comment-detail", comment.pk)).status_code == 404
    created = post(
        outsider_api,
        url("comment-create"),
        {"kind": "page", "object_id": secret_page.pk, "body": "Let me in"},
    )
    assert created.status_code == 404
    assert Comment.objects.count() == 1


def test_anonymous_is_401(feature):
    response = Client().get(url("comment-list", kind="feature", object_id=feature.pk))
    assert response.status_code == 401
    assert response.json()["detail"][0]["field"] == ""


def test_mention_warnings_come_back(editor_api, outsider, secret_page):
    response = post(
        editor_api,
        url("comment-create"),
        {"kind": "page", "object_id": secret_page.pk, "body": "@dave and @nobody"},
    )
    assert response.status_code == 201
    warnings = response.json()["warnings"]
    assert any("Dave Outsider" in w for w in warnings)
    assert any("@nobody" in w for w in warnings)


def test_patch_with_a_stale_if_match_is_412(editor, editor_api, feature):
    comment = _comment(editor, feature)
    etag = editor_api.get(url("comment-detail", comment.pk))["ETag"]
    first = patch(editor_api, url("comment-update", comment.pk), {"body": "Edited"})
    assert first.status_code == 200 and first.json()["edited_at"]
    stale = editor_api.patch(
        url("comment-update", comment.pk),
        {"body": "Stale"},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert stale.status_code == 412
    assert _fields(stale) == {"edit_version"}
    comment.refresh_from_db()
    assert comment.body == "Edited"


def test_someone_else_cannot_patch_or_delete(editor, viewer_api, feature):
    comment = _comment(editor, feature)
    assert patch(viewer_api, url("comment-update", comment.pk), {"body": "x"}).status_code == 403
    assert viewer_api.delete(url("comment-delete", comment.pk)).status_code == 403


def test_delete_with_a_stale_if_match_is_412_then_deletes(editor, editor_api, feature):
    comment = _comment(editor, feature)
    stale = editor_api.delete(url("comment-delete", comment.pk), headers={"If-Match": '"0"'})
    assert stale.status_code == 412
    assert editor_api.delete(url("comment-delete", comment.pk)).status_code == 204
    body = editor_api.get(url("comment-detail", comment.pk)).json()
    assert body["deleted"] and body["body"] == ""


def test_resolve_and_reopen(editor, editor_api, viewer_api, feature):
    comment = _comment(editor, feature)
    assert post(viewer_api, url("thread-resolve", comment.pk)).status_code == 403
    resolved = post(editor_api, url("thread-resolve", comment.pk))
    assert resolved.status_code == 200 and resolved.json()["resolved_by"]["handle"] == "bob"
    reopened = post(editor_api, url("thread-reopen", comment.pk))
    assert reopened.json()["resolved_at"] is None


def test_follow_and_unfollow(viewer, viewer_api, feature):
    target = {"kind": "feature", "object_id": feature.pk}
    followed = post(viewer_api, url("follow-create"), target)
    assert followed.status_code == 200 and followed.json()["following"]
    assert viewer_api.get(url("follow-detail", **target)).json()["following"]
    gone = viewer_api.delete(url("follow-delete", **target))
    assert gone.status_code == 200 and not gone.json()["following"]
    assert not Follow.objects.filter(user=viewer).exists()


def test_outsider_cannot_follow_a_restricted_page(outsider_api, secret_page):
    target = {"kind": "page", "object_id": secret_page.pk}
    response = post(outsider_api, url("follow-create"), target)
    assert response.status_code == 404


def test_preferences_get_and_put(viewer_api):
    assert viewer_api.get(url("preferences-detail")).json() == {
        "mention": "email",
        "comment": "in_app",
        "change": "in_app",
        "shipped": "in_app",
        "gate": "in_app",
        "edit": "in_app",
        "digest": {"hour": 8, "weekday": 0, "time_zone": "UTC"},
    }
    response = viewer_api.put(
        url("preferences-update"),
        {"comment": "off", "change": "weekly", "digest": {"hour": 18, "time_zone": "Asia/Tokyo"}},
        content_type="application/json",
    )
    assert response.status_code == 200
    got = response.json()
    assert (got["comment"], got["change"]) == ("off", "weekly")
    assert got["digest"] == {"hour": 18, "weekday": 0, "time_zone": "Asia/Tokyo"}
    bad = viewer_api.put(
        url("preferences-update"), {"mention": "pigeon"}, content_type="application/json"
    )
    assert bad.status_code == 422 and _fields(bad) == {"mention"}
    late = viewer_api.put(
        url("preferences-update"),
        {"edit": "daily", "digest": {"hour": 24, "time_zone": "Mars/Base"}},
        content_type="application/json",
    )
    assert late.status_code == 422 and _fields(late) == {"hour", "time_zone"}
    assert viewer_api.get(url("preferences-detail")).json()["edit"] == "in_app"


def test_preferences_in_french(viewer_api):
    bad = viewer_api.put(
        url("preferences-update"),
        {"digest": {"time_zone": "Mars/Base"}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert bad.status_code == 422
    assert "Fuseau horaire inconnu" in bad.content.decode()


def test_mention_suggestions(editor_api, colleague, product_team):
    items = editor_api.get(url("mention-suggestions") + "?q=ma").json()
    assert {"handle": "maya", "label": "Maya Okafor", "kind": "person", "can_see": None} in items
    teams = editor_api.get(url("mention-suggestions") + "?q=prod").json()
    assert {"handle": "product", "label": "Product", "kind": "team", "can_see": None} in teams


def test_mention_suggestions_about_an_object(editor_api, outsider, secret_page):
    path = url("mention-suggestions", q="dave", kind="page", object_id=secret_page.pk)
    assert editor_api.get(path).json()[0]["can_see"] is False
