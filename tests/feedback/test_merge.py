"""Merging duplicates keeps every voice, and can be undone."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.api.utils import bearer_client
from wavelength.core.exceptions import DomainError
from wavelength.feedback import selectors, services
from wavelength.feedback.models import Feedback, FeedbackLink, FeedbackMerge, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(editor, acme, globex, feature, other_feature):
    survivor = services.feedback_create(
        actor=editor, text="Please add CSV export.", contact_email="jane@acme.com"
    )
    duplicate = services.feedback_create(
        actor=editor, text="CSV export please! And SSO.", contact_email="max@globex.fr"
    )
    services.feedback_link(actor=editor, feedback=survivor, feature=feature)
    services.feedback_link(actor=editor, feedback=duplicate, feature=feature)
    services.feedback_link(
        actor=editor, feedback=duplicate, feature=other_feature, quote="And SSO."
    )
    return survivor, duplicate


def test_merge_keeps_every_voice(editor, pair, feature, other_feature, acme, globex):
    survivor, duplicate = pair
    merge = services.feedback_merge(actor=editor, survivor=survivor, duplicate=duplicate)
    duplicate.refresh_from_db()
    assert (duplicate.merged_into, duplicate.status) == (survivor, Status.ARCHIVED)
    # The survivor gains the link it lacked, with its quote; nothing is duplicated.
    assert set(survivor.links.values_list("feature_id", "quote")) == {
        (feature.pk, ""), (other_feature.pk, "And SSO."),
    }  # fmt: skip
    assert len(merge.copied_link_ids) == 1
    # Both companies still count in the demand.
    demand = selectors.feature_demand(user=editor, feature=feature)
    assert demand.unique_companies == 2 and demand.revenue == acme.arr + globex.arr


def test_undo_puts_everything_back(editor, pair, other_feature):
    survivor, duplicate = pair
    links_before = set(FeedbackLink.objects.values_list("pk", flat=True))
    merge = services.feedback_merge(actor=editor, survivor=survivor, duplicate=duplicate)
    services.feedback_merge_undo(actor=editor, merge=merge)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and duplicate.status == Status.LINKED
    assert set(FeedbackLink.objects.values_list("pk", flat=True)) == links_before
    with pytest.raises(DomainError):
        services.feedback_merge_undo(actor=editor, merge=merge)


@pytest.mark.parametrize("case", ["itself", "already merged"])
def test_refused_merges_write_nothing(editor, pair, case):
    survivor, duplicate = pair
    if case == "itself":
        duplicate = survivor
    else:
        services.feedback_merge(actor=editor, survivor=survivor, duplicate=duplicate)
    merges = FeedbackMerge.objects.count()
    with pytest.raises(DomainError):
        services.feedback_merge(actor=editor, survivor=survivor, duplicate=duplicate)
    assert FeedbackMerge.objects.count() == merges


def test_viewer_cannot_merge(viewer, pair):
    survivor, duplicate = pair
    with pytest.raises(PermissionDenied):
        services.feedback_merge(actor=viewer, survivor=survivor, duplicate=duplicate)
    assert not FeedbackMerge.objects.exists()


def test_merge_and_undo_from_the_item_page(editor_client, viewer_client, pair):
    survivor, duplicate = pair
    url = reverse("feedback:feedback-merge", args=[survivor.pk])
    assert viewer_client.post(url, {"duplicate": duplicate.pk}).status_code == 403
    assert editor_client.post(url, {"duplicate": duplicate.pk}).status_code == 302
    page = editor_client.get(survivor.get_absolute_url()).content.decode()
    assert "Merged into this item" in page and "Undo merge" in page
    banner = editor_client.get(duplicate.get_absolute_url()).content.decode()
    assert "This item was merged into" in banner
    merge = FeedbackMerge.objects.get()
    undo = reverse("feedback:feedback-merge-undo", args=[merge.pk])
    assert viewer_client.post(undo).status_code == 403
    assert editor_client.post(undo).status_code == 302
    assert Feedback.objects.get(pk=duplicate.pk).merged_into is None


def test_merge_api(editor, viewer, pair):
    survivor, duplicate = pair
    url = reverse("api:feedback-merge", args=[survivor.pk])
    assert (
        bearer_client(viewer)
        .post(url, {"duplicate": duplicate.pk}, content_type="application/json")
        .status_code
        == 403
    )
    missing = bearer_client(editor).post(url, {"duplicate": 999}, content_type="application/json")
    assert missing.status_code == 404
    response = bearer_client(editor).post(
        url, {"duplicate": duplicate.pk}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["copied_links"] == 1
    again = bearer_client(editor).post(
        url, {"duplicate": duplicate.pk}, content_type="application/json"
    )
    assert again.status_code == 422
    undo = reverse("api:feedback-merge-undo", args=[response.json()["id"]])
    assert bearer_client(editor).post(undo).json()["undone_at"] is not None
