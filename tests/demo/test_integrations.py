"""The demo's webhook: registered with a delivery log, built without a single request."""

import pytest

from wavelength.integrations.models import DeliveryStatus, Webhook, WebhookAttempt

pytestmark = pytest.mark.django_db


def test_demo_has_one_webhook_with_a_delivery_log_and_sends_nothing(demo):
    assert demo.requests == []
    hook = Webhook.objects.get()
    assert hook.active and hook.url.startswith("http://127.0.0.1:")
    deliveries = list(hook.deliveries.all())
    assert len(deliveries) == 8
    assert all(d.status == DeliveryStatus.DELIVERED for d in deliveries)
    assert {d.event for d in deliveries} <= set(hook.events)
    retried = [d for d in deliveries if d.attempts == 2]
    assert len(retried) == 1
    codes = list(retried[0].tries.order_by("at").values_list("status_code", flat=True))
    assert codes == [503, 200]
    assert WebhookAttempt.objects.filter(delivery__webhook=hook).count() == 9
