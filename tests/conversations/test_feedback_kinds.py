"""Comments on feedback items and companies: on their pages, in their history, in the API."""

import pytest
from django.urls import reverse

from wavelength.conversations import services
from wavelength.conversations.models import Comment, Follow
from wavelength.core.models import Activity, Notification
from wavelength.feedback import services as feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(editor, colleague):
    return feedback.company_create(actor=editor, name="Kestrel Air", owner=colleague)


@pytest.fixture
def item(editor, company):
    return feedback.feedback_create(
        actor=editor, text="Exports time out on big accounts.", company=company
    )


def test_comment_on_a_feedback_item_shows_on_its_page_and_history(
    editor, viewer, viewer_client, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(
            actor=viewer, kind="feedback", object_id=item.pk, body="@bob is this the same as #12?"
        )
    assert Activity.objects.filter(verb="commented", target_id=item.pk, scope="feedback").exists()
    told = Notification.objects.get(recipient=editor, verb="mention")
    assert told.url == f"{item.get_absolute_url()}#comment-{comment.pk}"
    page = viewer_client.get(item.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in page
    assert "is this the same as #12?" in page
    assert "commented on" in page  # the history tells it


def test_company_owner_follows_it_and_hears_of_its_comments(
    editor, colleague, viewer, viewer_client, company, django_capture_on_commit_callbacks
):
    assert Follow.objects.filter(user=colleague, kind="company", object_id=company.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(
            actor=viewer, kind="company", object_id=company.pk, body="Renewal call on Friday."
        )
    assert Notification.objects.filter(recipient=colleague, verb="comment").count() == 1
    page = viewer_client.get(company.get_absolute_url()).content.decode()
    assert "Renewal call on Friday." in page


def test_api_lists_comments_on_a_company(editor, editor_api, company):
    services.comment_create(actor=editor, kind="company", object_id=company.pk, body="Hello")
    response = editor_api.get(f"/api/v1/comments?kind=company&object_id={company.pk}")
    assert response.status_code == 200
    assert [c["body"] for c in response.json()["items"]] == ["Hello"]
    missing = editor_api.get("/api/v1/comments?kind=company&object_id=999999")
    assert missing.status_code == 404


def test_comment_form_on_a_feedback_item_posts_through_the_page(editor_client, item):
    url = reverse("conversations:comment-list", args=["feedback", item.pk])
    response = editor_client.post(url, {"body": "Triaged as a bug."})
    comment = Comment.objects.get(kind="feedback", object_id=item.pk)
    assert comment.body == "Triaged as a bug."
    assert response.status_code == 302
    assert response["Location"] == f"{item.get_absolute_url()}#comment-{comment.pk}"
    empty = editor_client.post(url, {"body": "  "})
    assert empty.status_code == 422
    assert Comment.objects.count() == 1
