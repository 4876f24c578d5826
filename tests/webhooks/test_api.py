"""/api/v1/webhooks/: the same rules as the pages (park admins on the park domain, an
enterprise's admins on its own), SSRF refused with the one error shape, other subscribers' objects
are 404."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.webhooks.models import Delivery, Subscription
from tests import factories

pytestmark = pytest.mark.django_db


def api(host: str, user) -> Client:
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


def test_ssrf_targets_are_refused_when_subscribing(park, park_admin):
    client = api("park.localhost", park_admin)
    for url in (
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://localhost/hook",
    ):
        response = client.post(
            "/api/v1/webhooks/subscriptions/",
            {"url": url, "kinds": ["report.ready"]},
            content_type="application/json",
        )
        assert response.status_code == 400, url
        assert response.json()["code"] == "target_refused"
        assert "url" in response.json()["errors"]
    assert not Subscription.objects.exists()
    for url in ("ftp://93.184.216.34/x", "http://user:pw@93.184.216.34/x"):
        response = client.post(
            "/api/v1/webhooks/subscriptions/",
            {"url": url, "kinds": ["report.ready"]},
            content_type="application/json",
        )
        assert response.status_code == 400
    response = client.post(
        "/api/v1/webhooks/subscriptions/",
        {"url": "https://93.184.216.34/hooks", "kinds": ["report.ready", "bill.issued"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["secret"].startswith("whsec_")


def test_internal_targets_once_the_park_allows_them(park, park_admin, internal_targets):
    response = api("park.localhost", park_admin).post(
        "/api/v1/webhooks/subscriptions/",
        {"url": "http://127.0.0.1:9/hook", "kinds": ["sync.failed"]},
        content_type="application/json",
    )
    assert response.status_code == 201


def test_who_may_manage_and_what_they_see(
    park, park_admin, park_auditor, alpha, beta, admin_a, member_a, admin_b, suspend_alpha, internal_targets
):
    from apps.webhooks.services import subscription_create

    sub_a = subscription_create(
        owner=alpha, actor=admin_a, url="http://127.0.0.1:9/a", kinds=["prefix.state_changed"]
    )
    sub_b = subscription_create(
        owner=beta, actor=admin_b, url="http://127.0.0.1:9/b", kinds=["prefix.state_changed"]
    )
    suspend_alpha()
    (delivery_a,) = Delivery.objects.filter(subscription=sub_a)
    assert not Delivery.objects.filter(subscription=sub_b).exists()

    alpha_host, beta_host = factories.domain_of(alpha), factories.domain_of(beta)
    assert api(alpha_host, member_a).get("/api/v1/webhooks/subscriptions/").status_code == 403
    assert api("park.localhost", park_auditor).get("/api/v1/webhooks/subscriptions/").status_code == 403
    assert api("park.localhost", admin_a).get("/api/v1/webhooks/subscriptions/").status_code == 403
    listed = api(alpha_host, admin_a).get("/api/v1/webhooks/subscriptions/").json()["results"]
    assert [s["id"] for s in listed] == [sub_a.pk]
    assert api("park.localhost", park_admin).get("/api/v1/webhooks/subscriptions/").json()["results"] == []

    # B's admin on B's domain: A's subscription and delivery do not exist
    client_b = api(beta_host, admin_b)
    assert client_b.get(f"/api/v1/webhooks/subscriptions/{sub_a.pk}/").status_code == 404
    assert client_b.get(f"/api/v1/webhooks/deliveries/{delivery_a.pk}/").status_code == 404
    assert client_b.post(f"/api/v1/webhooks/deliveries/{delivery_a.pk}/redeliver/").status_code == 404
    assert client_b.delete(f"/api/v1/webhooks/subscriptions/{sub_a.pk}/").status_code == 404
    assert client_b.get("/api/v1/webhooks/deliveries/").json()["results"] == []
    # B's admin on A's domain: not a member there
    assert api(alpha_host, admin_b).get("/api/v1/webhooks/subscriptions/").status_code == 403

    client_a = api(alpha_host, admin_a)
    detail = client_a.get(f"/api/v1/webhooks/deliveries/{delivery_a.pk}/").json()
    assert detail["kind"] == "prefix.state_changed" and '"enterprise": "ALPHA"' in detail["body"]
    assert client_a.get("/api/v1/webhooks/deliveries/?state=pending").json()["count"] == 1
    assert client_a.get("/api/v1/webhooks/deliveries/?state=nonsense").status_code == 400
    redo = client_a.post(f"/api/v1/webhooks/deliveries/{delivery_a.pk}/redeliver/")
    assert redo.status_code == 202 and redo.json()["delivery_id"] == str(delivery_a.uid)

    old_secret = sub_a.secret
    rotated = client_a.post(f"/api/v1/webhooks/subscriptions/{sub_a.pk}/rotate-secret/").json()
    assert rotated["secret"] != old_secret
    updated = client_a.put(
        f"/api/v1/webhooks/subscriptions/{sub_a.pk}/",
        {"url": "http://127.0.0.1:9/a2", "kinds": ["report.ready"], "is_active": False},
        content_type="application/json",
    )
    assert updated.status_code == 200 and updated.json()["is_active"] is False
    assert client_a.delete(f"/api/v1/webhooks/subscriptions/{sub_a.pk}/").status_code == 204
    assert not Subscription.objects.filter(pk=sub_a.pk).exists()


def test_unknown_kinds_are_refused_in_the_callers_language(park, park_admin):
    response = api("park.localhost", park_admin).post(
        "/api/v1/webhooks/subscriptions/",
        {"url": "https://93.184.216.34/h", "kinds": ["nope"]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "errors"}
    assert "kinds.0" in response.json()["errors"]
