"""Webhooks in the API: administrators only, the secret shown once, stale writes refused,
deliveries with their attempts, redelivery with the same id, errors in English and French."""

import pytest

from tests.api.utils import bearer_client, errors, nothing_written, patch, post, url
from tests.integrations.test_webhooks import Receiver
from wavelength.catalog import services as catalog
from wavelength.integrations.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def admin_api(admin):
    return bearer_client(admin)


def _create(client, receiver, **extra):
    body = {"name": "Ops", "url": receiver.url, "events": ["feature.created"], **extra}
    return post(client, url("webhook-create"), body)


def test_admin_registers_a_webhook_and_sees_its_secret_once(admin_api, receiver, product):
    response = _create(admin_api, receiver, products=[product.slug])
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["products"] == [product.slug] and created["active"]
    detail = admin_api.get(url("webhook-detail", created["id"]))
    assert detail.status_code == 200 and "secret" not in detail.json()
    assert detail["ETag"]
    listed = admin_api.get(url("webhook-list")).json()
    assert listed["count"] == 1 and "secret" not in listed["items"][0]


def test_bad_webhooks_are_refused_naming_the_field(admin_api, receiver):
    with nothing_written(Webhook):
        bad_url = _create(admin_api, receiver, url="ftp://example.com/x")
        bad_events = _create(admin_api, receiver, events=["feature.exploded"])
        bad_product = _create(admin_api, receiver, products=["nope"])
    assert bad_url.status_code == 422 and set(errors(bad_url)) == {"url"}
    assert set(errors(bad_events)) == {"events"}
    assert set(errors(bad_product)) == {"products"}


def test_errors_are_in_french_when_asked(admin, receiver):
    client = bearer_client(admin, HTTP_ACCEPT_LANGUAGE="fr")
    response = _create(client, receiver, url="ftp://example.com/x")
    assert response.status_code == 422
    assert errors(response)["url"] == "Saisissez une adresse http:// ou https://."


def test_only_admins_use_the_webhook_api(editor, viewer, admin_api, receiver):
    hook_id = _create(admin_api, receiver).json()["id"]
    for person in (editor, viewer):
        client = bearer_client(person)
        assert client.get(url("webhook-list")).status_code == 403
        assert _create(client, receiver).status_code == 403
        assert client.get(url("webhook-deliveries", hook_id)).status_code == 403
        assert patch(client, url("webhook-update", hook_id), {"name": "x"}).status_code == 403
    assert Webhook.objects.get().name == "Ops"


def test_a_stale_change_is_refused_and_a_fresh_one_saved(admin_api, receiver):
    hook_id = _create(admin_api, receiver).json()["id"]
    etag = admin_api.get(url("webhook-detail", hook_id))["ETag"]
    changed = admin_api.patch(
        url("webhook-update", hook_id),
        {"name": "Ops alerts", "events": ["feature.created", "release.gate_changed"]},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert changed.status_code == 200
    assert changed.json()["events"] == ["feature.created", "release.gate_changed"]
    stale = admin_api.patch(
        url("webhook-update", hook_id),
        {"name": "Mine"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412
    assert admin_api.delete(url("webhook-delete", hook_id), HTTP_IF_MATCH=etag).status_code == 412
    assert Webhook.objects.get().name == "Ops alerts"
    assert admin_api.delete(url("webhook-delete", hook_id)).status_code == 204
    assert not Webhook.objects.exists()


def test_deliveries_list_their_attempts_and_redeliver_with_the_same_id(
    admin_api, editor, product, receiver
):
    hook_id = _create(admin_api, receiver).json()["id"]
    receiver.answers = [500]
    catalog.feature_create(actor=editor, product=product, title="Dark mode")
    (delivery,) = admin_api.get(url("webhook-deliveries", hook_id)).json()["items"]
    assert delivery["status"] == "pending" and delivery["tries"][0]["status_code"] == 500
    again = post(admin_api, url("webhook-redeliver", hook_id, delivery["id"]))
    assert again.status_code == 200
    assert again.json()["status"] == "delivered" and len(again.json()["tries"]) == 2
    ids = [r["headers"]["X-Wavelength-Delivery"] for r in receiver.received]
    assert ids == [delivery["uuid"], delivery["uuid"]]
    other = post(admin_api, url("webhook-redeliver", hook_id, 999999))
    assert other.status_code == 404
    assert WebhookDelivery.objects.get().attempts == 2
