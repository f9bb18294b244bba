"""Which events reach webhooks: a release gate changed, comments (never one on a team-only
page), and no database query after an event's commit while no webhook is on."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.integrations.test_webhooks import Receiver
from wavelength.catalog import services as catalog
from wavelength.conversations import services as conversations
from wavelength.core.models import Activity
from wavelength.integrations import signals, webhooks
from wavelength.integrations.models import Webhook, WebhookDelivery
from wavelength.knowledge import services as knowledge
from wavelength.knowledge.models import SpaceVisibility
from wavelength.quality import services as quality

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _types(receiver) -> list[str]:
    return [json.loads(r["body"])["type"] for r in receiver.received]


def test_a_release_gate_change_is_sent_with_what_changed(admin, product, receiver):
    webhooks.webhook_create(
        actor=admin, name="Ops", url=receiver.url, events=["release.gate_changed"]
    )
    quality.gate_update(actor=admin, product=product, min_pass_rate=95)
    (got,) = receiver.received
    payload = json.loads(got["body"])
    assert payload["type"] == "release.gate_changed"
    assert payload["changes"]["min_pass_rate"][1] in (95, "95", "95.00", 95.0)


def test_a_comment_on_a_team_only_page_is_never_sent(admin, editor, product_team, receiver):
    webhooks.webhook_create(actor=admin, name="Ops", url=receiver.url, events=["comment.created"])
    secret = knowledge.space_create(
        actor=admin, name="Secrets", visibility=SpaceVisibility.TEAMS, teams=[product_team]
    )
    hidden = knowledge.page_create(actor=editor, space=secret, title="Pricing", body="x")
    everyone = knowledge.space_create(actor=admin, name="Handbook")
    shown = knowledge.page_create(actor=editor, space=everyone, title="Deploy", body="y")
    conversations.comment_create(actor=editor, kind="page", object_id=hidden.pk, body="Secret")
    conversations.comment_create(actor=editor, kind="page", object_id=shown.pk, body="Open")
    assert _types(receiver) == ["comment.created"]
    assert json.loads(receiver.received[0]["body"])["object"]["id"] == shown.pk
    assert b"Secret" not in receiver.received[0]["body"]


def test_no_query_after_an_event_while_no_webhook_is_on(admin, editor, product, receiver):
    feature = catalog.feature_create(actor=editor, product=product, title="Dark mode")
    row = Activity.objects.get(target_id=feature.pk, verb="created", target_repr="Dark mode")
    webhooks.forget_active()  # as a new process starts
    assert not webhooks.any_active()  # asked once, remembered from now on
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            signals._deliver(row.pk)
    assert len(queries) == 0
    # Adding a webhook is seen at once by this process.
    hook = webhooks.webhook_create(
        actor=admin, name="Ops", url=receiver.url, events=["feature.created"]
    )
    catalog.feature_create(actor=editor, product=product, title="Light mode")
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 1
    # Deleting it is too.
    webhooks.webhook_delete(actor=admin, webhook=hook)
    assert not webhooks.any_active()
    assert not Webhook.objects.exists()
