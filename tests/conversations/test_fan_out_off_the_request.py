"""Without a broker, a comment's fan-out and its webhook deliveries run in the background
thread once the comment is saved: the request answers before anyone is told, then they are."""

import threading

import pytest

from tests.factories import UserFactory
from tests.integrations.test_webhooks import Receiver
from wavelength.accounts.models import Role
from wavelength.conversations.models import Follow
from wavelength.conversations.services import fan_out
from wavelength.core import background
from wavelength.core.models import Notification
from wavelength.integrations import webhooks

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_request_answers_before_the_followers_are_told(
    settings, monkeypatch, admin, editor_api, feature
):
    settings.BACKGROUND_JOBS_IN_THREAD = True
    receiver = Receiver()
    webhooks.webhook_create(actor=admin, name="Ops", url=receiver.url, events=["comment.created"])
    followers = [UserFactory(email=f"f{i}@example.com", role=Role.VIEWER) for i in range(5)]
    Follow.objects.bulk_create(
        Follow(user=u, kind="feature", object_id=feature.pk) for u in followers
    )
    go, where = threading.Event(), []
    real = fan_out.comment_fan_out

    def held_back(**kwargs):
        where.append(threading.current_thread().name)
        go.wait(timeout=120)
        return real(**kwargs)

    monkeypatch.setattr("wavelength.conversations.services.comment_fan_out", held_back)
    try:
        response = editor_api.post(
            "/api/v1/comments",
            {"kind": "feature", "object_id": feature.pk, "body": "Ship it?"},
            content_type="application/json",
        )
        assert response.status_code == 201
        assert not Notification.objects.filter(verb="comment").exists()  # nobody told yet
        go.set()
        assert background.wait(timeout=120)
    finally:
        go.set()
        background.wait(timeout=120)
        receiver.close()
    assert where == ["wavelength-background"]
    told = Notification.objects.filter(verb="comment").values_list("recipient__email", flat=True)
    assert sorted(told) == sorted(u.email for u in followers)
    assert [r["headers"]["X-Wavelength-Event"] for r in receiver.received] == ["comment.created"]
