"""The demo's closing of the loop: drafts ready to send and the owners' follow-up tasks."""

import pytest

from wavelength.outreach.models import FollowUpTask, LoopMessage, LoopStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_drafts_to_send(demo):
    assert LoopMessage.objects.filter(status=LoopStatus.DRAFT).exists()
    assert FollowUpTask.objects.exists()
