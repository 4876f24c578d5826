"""/api/v1/identifiers/api-clients/ and /grants/: an enterprise's administrators manage its API
clients (the token works until revoked) and its grants of restricted values."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests import factories


def api(host: str, *, user=None, key: str | None = None) -> Client:
    key = key or Token.objects.get_or_create(user=user)[0].key
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.django_db
def test_api_clients_and_grants(alpha, admin_a, member_a, admin_b, register_product, mfg):
    host = factories.domain_of(alpha)
    admin = api(host, user=admin_a)
    assert api(host, user=member_a).get("/api/v1/identifiers/api-clients/").status_code == 403
    created = admin.post("/api/v1/identifiers/api-clients/", {"name": "ERP"}, content_type="application/json")
    assert created.status_code == 201
    key, client_id = created.json()["token"], created.json()["id"]
    assert api(host, key=key).get("/api/v1/identifiers/").status_code == 200
    assert "token" not in admin.get(f"/api/v1/identifiers/api-clients/{client_id}/").json()
    duplicate = admin.post(
        "/api/v1/identifiers/api-clients/", {"name": "ERP"}, content_type="application/json"
    )
    assert duplicate.status_code == 400
    assert admin.post(f"/api/v1/identifiers/api-clients/{client_id}/revoke/").json()["is_active"] is False
    assert api(host, key=key).get("/api/v1/identifiers/").status_code == 401
    admin.post("/api/v1/identifiers/api-clients/", {"name": "MES 网关"}, content_type="application/json")
    listed = admin.get("/api/v1/identifiers/api-clients/", {"name": "mes"}).json()
    assert [c["name"] for c in listed["results"]] == ["MES 网关"]

    ident = register_product(1)
    granted = admin.post(
        "/api/v1/identifiers/grants/",
        {"username": "admin_b", "handle": ident.handle},
        content_type="application/json",
    )
    assert granted.status_code == 201 and granted.json()["identifier"] == ident.handle
    assert admin.get("/api/v1/identifiers/grants/").json()["count"] == 1
    both = admin.post(
        "/api/v1/identifiers/grants/",
        {"username": "admin_b", "handle": ident.handle, "template": mfg.template_id},
        content_type="application/json",
    )
    assert both.status_code == 400
    nobody = admin.post(
        "/api/v1/identifiers/grants/",
        {"username": "nobody", "template": mfg.template_id},
        content_type="application/json",
    )
    assert nobody.status_code == 400 and "username" in nobody.json()["errors"]
    assert api(host, user=member_a).get("/api/v1/identifiers/grants/").status_code == 403
    assert admin.delete(f"/api/v1/identifiers/grants/{granted.json()['id']}/").status_code == 204
    assert admin.get("/api/v1/identifiers/grants/").json()["count"] == 0
