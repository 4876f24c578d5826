"""The subscription and delivery-log pages on the park and an enterprise domain."""

from __future__ import annotations

import pytest

from apps.webhooks.delivery import webhook_drain
from apps.webhooks.models import Delivery, Subscription
from tests import factories

pytestmark = pytest.mark.django_db


def test_park_admin_subscribes_reads_the_log_and_redelivers(
    park_client, park_admin, receiver, internal_targets, suspend_alpha
):
    park_client.force_login(park_admin)
    assert park_client.get("/webhooks/").status_code == 200
    response = park_client.post("/webhooks/", {"url": "http://10.0.0.5/x", "kinds": ["prefix.state_changed"]})
    assert response.status_code == 302  # internal targets are allowed in this test
    park_client.post("/webhooks/settings/", {})  # the park switches them off again
    response = park_client.post("/webhooks/", {"url": "http://10.0.0.6/x", "kinds": ["prefix.state_changed"]})
    assert response.status_code == 200 and "10.0.0.6" in response.content.decode()
    assert Subscription.objects.count() == 1
    park_client.post("/webhooks/settings/", {"allow_internal_targets": "on"})

    sub = Subscription.objects.get()
    park_client.post(f"/webhooks/{sub.pk}/", {"url": receiver.url, "kinds": ["prefix.state_changed"]})
    sub.refresh_from_db()
    receiver.secret = sub.secret
    suspend_alpha()
    webhook_drain(max_seconds=30)
    delivery = Delivery.objects.get(subscription=sub)
    page = park_client.get(f"/webhooks/{sub.pk}/").content.decode()
    assert str(delivery.uid) in page and sub.secret in page
    detail = park_client.get(f"/webhooks/deliveries/{delivery.pk}/").content.decode()
    assert "X-Park-Webhook-Signature" in detail and "HTTP 200" in detail and "&quot;ok&quot;: true" in detail
    assert park_client.post(f"/webhooks/deliveries/{delivery.pk}/").status_code == 302
    webhook_drain(max_seconds=30)
    assert [r.delivery_id for r in receiver.acknowledged] == [str(delivery.uid)] * 2  # same id again


def test_enterprise_pages_show_its_own_subscriptions_only(
    tenant_client, alpha, beta, admin_a, admin_b, member_a, internal_targets
):
    from apps.webhooks.services import subscription_create

    sub_b = subscription_create(owner=beta, actor=admin_b, url="http://127.0.0.1:9/b", kinds=["report.ready"])
    client = tenant_client(alpha)
    client.force_login(member_a)
    assert client.get("/webhooks/").status_code == 403
    client.force_login(admin_a)
    assert client.get("/webhooks/").status_code == 200
    assert "127.0.0.1:9/b" not in client.get("/webhooks/").content.decode()
    assert client.get(f"/webhooks/{sub_b.pk}/").status_code == 404
    assert client.post(f"/webhooks/{sub_b.pk}/delete/").status_code == 404
    assert client.post("/webhooks/settings/", {"allow_internal_targets": "on"}).status_code == 404
    assert Subscription.objects.filter(pk=sub_b.pk).exists()
    anonymous = tenant_client(alpha)
    assert anonymous.get("/webhooks/").status_code == 302
    assert factories.domain_of(alpha)
