"""Outgoing webhooks against a real HTTP server on 127.0.0.1: the events chosen, signed
bodies, the same delivery id on every retry, back-off, giving up after a day, turning off an
endpoint that fails for a day, redirects not followed, Slack and Teams messages."""

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine

from wavelength.catalog import services as catalog
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Notification
from wavelength.integrations import webhooks
from wavelength.integrations.models import DeliveryStatus, Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db(transaction=True)
T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


class Receiver:
    """A local endpoint that records what it receives and answers the statuses queued."""

    def __init__(self):
        self.received: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "http://example.com/elsewhere")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_a_feature_event_arrives_signed_with_its_delivery_id(admin, editor, product, receiver):
    hook = webhooks.webhook_create(
        actor=admin, name="Ops", url=receiver.url, events=["feature.created"]
    )
    feature = catalog.feature_create(actor=editor, product=product, title="Dark mode")
    (got,) = receiver.received
    body, headers = got["body"], got["headers"]
    expected = "sha256=" + hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Wavelength-Signature"] == expected
    assert headers["X-Wavelength-Event"] == "feature.created"
    payload = json.loads(body)
    assert payload["id"] == headers["X-Wavelength-Delivery"]
    assert payload["type"] == "feature.created"
    assert payload["actor"]["email"] == editor.email
    assert (payload["object"]["type"], payload["object"]["id"]) == ("feature", feature.pk)
    assert payload["object"]["url"].endswith(feature.get_absolute_url())
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert delivery.tries.get().status_code == 200


def test_only_the_events_and_products_asked_for_are_sent(admin, editor, product, receiver):
    other = catalog.product_create(actor=admin, name="Other")
    webhooks.webhook_create(
        actor=admin, name="Ops", url=receiver.url, events=["feature.stage_changed"],
        products=[product],
    )  # fmt: skip
    feature = catalog.feature_create(actor=editor, product=product, title="Dark mode")
    elsewhere = catalog.feature_create(actor=editor, product=other, title="Sync")
    catalog.feature_move_stage(actor=editor, feature=feature, stage="discovery")
    catalog.feature_move_stage(actor=editor, feature=elsewhere, stage="discovery")
    assert [json.loads(r["body"])["object"]["name"] for r in receiver.received] == ["Dark mode"]


def test_failures_are_retried_with_the_same_id_then_given_up(
    admin, editor, product, receiver, clock
):
    webhooks.webhook_create(actor=admin, name="Ops", url=receiver.url, events=["feature.created"])
    receiver.answers = [500, 503]
    catalog.feature_create(actor=editor, product=product, title="Dark mode")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.next_attempt_at) == (
        DeliveryStatus.PENDING, T0 + timedelta(minutes=1),
    )  # fmt: skip
    assert webhooks.send_due() == 0  # not yet
    clock.shift(timedelta(minutes=1))
    assert webhooks.send_due() == 1  # 503: wait two minutes now
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == T0 + timedelta(minutes=3)
    clock.shift(timedelta(minutes=2))
    webhooks.send_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 3)
    ids = {r["headers"]["X-Wavelength-Delivery"] for r in receiver.received}
    assert ids == {str(delivery.uuid)} and len(receiver.received) == 3


def test_a_4xx_or_a_redirect_is_not_retried_and_not_followed(admin, editor, product, receiver):
    webhooks.webhook_create(actor=admin, name="Ops", url=receiver.url, events=["feature.created"])
    receiver.answers = [302]
    catalog.feature_create(actor=editor, product=product, title="Dark mode")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.tries.get().status_code == 302
    assert len(receiver.received) == 1  # example.com never asked

    webhooks.redeliver(actor=admin, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.tries.count() == 2


def test_an_endpoint_failing_for_a_day_is_turned_off_and_admins_told(admin, editor, product, clock):
    hook = webhooks.webhook_create(
        actor=admin, name="Ops", url="http://127.0.0.1:9/closed", events=["feature.created"]
    )
    catalog.feature_create(actor=editor, product=product, title="Dark mode")
    for _hour in range(25):
        clock.shift(timedelta(hours=1))
        webhooks.send_due()
    hook.refresh_from_db()
    delivery = WebhookDelivery.objects.get()
    assert not hook.active and "failing for a day" in hook.disabled_reason
    assert delivery.status in (DeliveryStatus.FAILED, DeliveryStatus.PENDING)
    assert Notification.objects.filter(recipient=admin, verb="webhook_disabled").exists()
    assert delivery.tries.first().error  # the connection error is logged


def test_slack_and_teams_receive_readable_messages(admin, editor, product, receiver):
    webhooks.webhook_create(actor=admin, name="S", url=receiver.url, events=["feature.created"],
                            format="slack")  # fmt: skip
    webhooks.webhook_create(actor=admin, name="T", url=receiver.url, events=["feature.created"],
                            format="teams")  # fmt: skip
    catalog.feature_create(actor=editor, product=product, title="Dark mode")
    slack, teams = sorted((json.loads(r["body"]) for r in receiver.received), key=len)
    assert "Feature created" in slack["text"] and "Dark mode" in slack["text"]
    assert teams["@type"] == "MessageCard" and "Dark mode" in teams["title"]
    assert "X-Wavelength-Signature" not in receiver.received[0]["headers"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/x", "http:// or https://"),
        ("http://example.com/hook", "Use https://"),
        ("http://127.0.0.1:8000/api/", "Wavelength itself"),
    ],
)
def test_bad_addresses_are_refused(admin, url, message, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    with pytest.raises(DomainError, match=message):
        webhooks.webhook_create(actor=admin, name="X", url=url, events=["feature.created"])
    assert not Webhook.objects.exists()


def test_only_admins_register_webhooks_and_events_must_exist(admin, editor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        webhooks.webhook_create(
            actor=editor, name="X", url="https://x.io", events=["feature.created"]
        )
    with pytest.raises(DomainError, match="Unknown events: nope"):
        webhooks.webhook_create(actor=admin, name="X", url="https://x.io", events=["nope"])


# Pages ---------------------------------------------------------------------------------------


def test_an_admin_adds_a_webhook_sees_the_secret_once_and_its_deliveries(
    admin_client, admin, editor, product, receiver
):
    from django.urls import reverse

    page = admin_client.post(
        reverse("integrations:webhook-create"),
        {"name": "Ops", "url": receiver.url, "format": "json", "events": ["feature.created"]},
    )
    hook = Webhook.objects.get()
    assert page.status_code == 200 and hook.secret in page.content.decode()
    assert (
        hook.secret not in admin_client.get(reverse("integrations:webhook-list")).content.decode()
    )

    catalog.feature_create(actor=editor, product=product, title="Dark mode")
    detail = admin_client.get(hook.get_absolute_url()).content.decode()
    delivery = WebhookDelivery.objects.get()
    assert str(delivery.uuid) in detail and "feature.created" in detail

    url = reverse("integrations:webhook-redeliver", args=[hook.pk, delivery.pk])
    assert admin_client.post(url)["Location"] == hook.get_absolute_url()
    assert len(receiver.received) == 2


def test_a_bad_webhook_form_says_what_is_wrong_and_saves_nothing(admin_client):
    from django.urls import reverse

    url = reverse("integrations:webhook-create")
    data = {"name": "Ops", "url": "http://example.com/x", "format": "json"}
    page = admin_client.post(url, {**data, "events": ["feature.created"]})
    assert page.status_code == 422 and "Use https://" in page.content.decode()
    page = admin_client.post(url, {**data, "url": "https://x.io", "events": ["nope"]})
    assert page.status_code == 422 and "Select a valid choice" in page.content.decode()
    assert admin_client.post(url, {**data, "url": "https://x.io"}).status_code == 422
    assert not Webhook.objects.exists()


def test_people_who_are_not_admins_cannot_see_or_add_webhooks(editor_client, viewer_client):
    from django.urls import reverse

    for client in (editor_client, viewer_client):
        assert client.get(reverse("integrations:webhook-list")).status_code == 403
        data = {"name": "X", "url": "https://x.io", "format": "json", "events": ["feature.created"]}
        assert client.post(reverse("integrations:webhook-create"), data).status_code == 403
    assert not Webhook.objects.exists()
