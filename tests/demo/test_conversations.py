"""The demo's conversations: threads with mentions, a restricted page's thread told only to
who may read it, follows and preferences."""

import pytest

from wavelength.accounts.models import User
from wavelength.catalog.demo import DEMO_EMAIL
from wavelength.conversations.models import Comment, Follow, Preference
from wavelength.core.models import Notification

pytestmark = pytest.mark.django_db


def test_demo_has_threads_mentions_follows_and_preferences(demo):
    kinds = set(Comment.objects.values_list("kind", flat=True))
    assert kinds == {"feature", "page", "defect", "company"}
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Notification.objects.filter(verb="mention").exists()
    dana = User.objects.get(email=DEMO_EMAIL)
    assert Notification.objects.filter(recipient=dana, verb="mention").exists()  # via @product
    assert Follow.objects.filter(user__email__startswith="noah.fischer@").exists()
    assert Preference.objects.filter(user__email__startswith="marcus.reid@").exists()
    noah = User.objects.get(email__startswith="noah.fischer@")
    assert Preference.objects.get(user=noah, event="change").channel == "weekly"
    assert (noah.digest_schedule.weekday, noah.digest_schedule.time_zone) == (4, "Europe/Berlin")
    assert Comment.objects.filter(author=dana, parent__isnull=False).exists()  # hers to edit
    for comment in Comment.objects.select_related("parent"):
        if comment.parent:
            assert comment.created_at >= comment.parent.created_at
    # Nobody outside the sales space heard of its thread.
    pricing = Comment.objects.get(kind="page", body__contains="discount ceiling")
    told = Notification.objects.filter(target_id=pricing.pk, target_type__model="comment")
    recipients = {n.recipient for n in told}
    assert "marcus.reid@kestrel.example" in {u.email for u in recipients}
    assert all(u.is_admin or u.teams.filter(slug="sales").exists() for u in recipients)
