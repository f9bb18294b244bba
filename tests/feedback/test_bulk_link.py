"""Linking several items to a feature at once, from the inbox's bulk bar and the API's bulk
action: one transaction, each link in the history, items become linked; refusals write
nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.api.utils import bearer_client, errors, nothing_written, post, url
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.feedback import services
from wavelength.feedback.models import Feedback, FeedbackLink, Status

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "feedback-results"}


@pytest.fixture
def items(editor, item):
    others = [
        services.feedback_create(actor=editor, text=f"Exports please {n}", contact_email=email)
        for n, email in enumerate(["tom@acme.com", "lea@globex.fr"])
    ]
    return [item, *others]


def _linked(feature):
    return {
        (link.feedback_id, link.importance) for link in FeedbackLink.objects.filter(feature=feature)
    }


def test_bulk_link_links_every_item_and_records_each(editor, items, feature):
    ids = [i.pk for i in items]
    done = services.feedback_bulk_update(
        actor=editor, ids=ids, action="link", value=feature, importance="critical"
    )
    assert [f.status for f in done] == [Status.LINKED] * 3
    assert _linked(feature) == {(pk, "critical") for pk in ids}
    history = Activity.objects.filter(verb="linked", payload__feature=feature.pk)
    assert sorted(history.values_list("target_id", flat=True)) == sorted(ids)
    # Linking again leaves the items as they are: no second link, no error.
    services.feedback_bulk_update(actor=editor, ids=ids, action="link", value=feature)
    assert FeedbackLink.objects.filter(feature=feature).count() == 3


def test_bulk_link_refusals_write_nothing(editor, viewer, items, feature):
    ids = [i.pk for i in items]
    with nothing_written(FeedbackLink, Feedback):
        with pytest.raises(PermissionDenied):
            services.feedback_bulk_update(actor=viewer, ids=ids, action="link", value=feature)
        with pytest.raises(DomainError) as exc:
            services.feedback_bulk_update(actor=editor, ids=ids, action="link", value=None)
        assert exc.value.errors == {"value": "Choose a feature."}
        with pytest.raises(DomainError) as exc:
            services.feedback_bulk_update(
                actor=editor, ids=ids, action="link", value=feature, importance="urgent"
            )
        assert "importance" in exc.value.errors
        with pytest.raises(DomainError):
            services.feedback_bulk_update(
                actor=editor, ids=[*ids, 999_999], action="link", value=feature
            )


def test_inbox_bulk_bar_links_the_checked_items(editor_client, items, feature):
    page = editor_client.get(reverse("feedback:feedback-list")).content.decode()
    assert 'value="link"' in page and f'<option value="{feature.pk}">' in page
    assert 'name="importance"' in page
    ids = [items[0].pk, items[2].pk]
    response = editor_client.post(
        reverse("feedback:feedback-bulk"),
        {"ids": ids, "action": "link", "feature": feature.pk, "importance": "nice_to_have"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "2 items linked to “Export to CSV”." in response.content.decode()
    assert _linked(feature) == {(pk, "nice_to_have") for pk in ids}
    assert Feedback.objects.get(pk=items[1].pk).status == Status.NEW


def test_inbox_bulk_link_to_an_unknown_feature_is_refused(editor_client, items):
    data = {"ids": [items[0].pk], "action": "link", "feature": 999_999, "importance": "important"}
    with nothing_written(FeedbackLink, Feedback):
        response = editor_client.post(reverse("feedback:feedback-bulk"), data, **HTMX)
        assert response.status_code == 422
        assert "No feature matches this choice." in response.content.decode()
        data.pop("feature")
        response = editor_client.post(reverse("feedback:feedback-bulk"), data)
        assert response.status_code == 422 and "Choose a feature." in response.content.decode()


def test_viewer_cannot_bulk_link_from_the_inbox(viewer_client, items, feature):
    data = {"ids": [items[0].pk], "action": "link", "feature": feature.pk}
    with nothing_written(FeedbackLink, Feedback):
        assert viewer_client.post(reverse("feedback:feedback-bulk"), data).status_code == 403
        options = reverse("feedback:bulk-feature-options")
        assert viewer_client.get(options).status_code == 403


def test_bulk_bar_finds_features_by_their_words(editor_client, feature, other_feature):
    options = reverse("feedback:bulk-feature-options")
    body = editor_client.get(options, {"feature_q": "sign-on"}, **HTMX).content.decode()
    assert f'value="{other_feature.pk}"' in body and f'value="{feature.pk}"' not in body
    body = editor_client.get(options, {"feature_q": "nothing like it"}).content.decode()
    assert "No feature matches" in body


def test_api_bulk_link(editor, viewer, items, feature):
    ids = [i.pk for i in items]
    path = url("feedback-bulk-update")
    body = {"ids": ids, "action": "link", "value": feature.pk, "importance": "critical"}
    editor_api, viewer_api = bearer_client(editor), bearer_client(viewer)
    with nothing_written(FeedbackLink, Feedback):
        assert post(viewer_api, path, body).status_code == 403
        unknown = post(editor_api, path, {**body, "value": 999_999})
        assert unknown.status_code == 422 and "value" in errors(unknown)
        bad = post(editor_api, path, {**body, "importance": "urgent"})
        assert bad.status_code == 422 and "importance" in errors(bad)
    response = post(editor_api, path, body)
    assert response.status_code == 200, response.content
    assert {row["status"] for row in response.json()} == {"linked"}
    assert _linked(feature) == {(pk, "critical") for pk in ids}
