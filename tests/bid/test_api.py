"""/api/v1/bid/: mapping, signed changes and lookups on the enterprise's domain; BIDAuth on
both; the park's overview; another enterprise's probes answer 404 and change nothing."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from apps.bid import codec
from apps.bid.models import Bid

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def post(client, url, body, user=None):
    return client.post(url, body, content_type="application/json", **(auth(user) if user else {}))


def test_map_sign_update_and_lookup_through_the_api(
    tenant_client, enterprise_a, admin_a, terminal_identifier
):
    identifier, _ = terminal_identifier()
    client = tenant_client(enterprise_a)
    mapped = post(
        client,
        "/api/v1/bid/bids/",
        {"subject": "identifier", "handle": identifier.handle, "generate": "sm2"},
        admin_a,
    )
    assert mapped.status_code == 201, mapped.json()
    assert mapped["Cache-Control"] == "no-store"
    body = mapped.json()
    pair = codec.decode_private_key(body["private_key"])
    bid_id, did = body["bid"]["id"], body["bid"]["did"]
    assert did == pair.key.bid() and body["bid"]["handle"] == identifier.handle
    services = [
        {"id": "#telemetry", "type": "TelemetryService", "serviceEndpoint": "https://alpha.example/t"}
    ]
    prepared = post(
        client, f"/api/v1/bid/bids/{bid_id}/prepare/", {"operation": "update", "services": services}, admin_a
    )
    assert prepared.status_code == 200, prepared.json()
    payload = bytes.fromhex(prepared.json()["payload_hex"])
    unsigned = post(
        client, f"/api/v1/bid/bids/{bid_id}/update/", {"services": services, "signature": ""}, admin_a
    )
    assert unsigned.status_code == 400 and unsigned.json()["code"] == "signature_required"
    updated = post(
        client,
        f"/api/v1/bid/bids/{bid_id}/update/",
        {"services": services, "signature": codec.sign(pair, payload).hex()},
        admin_a,
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["version"] == 2
    found = client.get("/api/v1/bid/lookup/", {"handle": identifier.handle}, **auth(admin_a))
    assert found.status_code == 200 and found.json()["did"] == did
    by_did = client.get("/api/v1/bid/lookup/", {"did": did}, **auth(admin_a))
    assert by_did.json()["handle"] == identifier.handle


def test_another_enterprise_probes_learn_nothing(
    tenant_client, enterprise_a, enterprise_b, admin_a, admin_b, terminal_identifier
):
    identifier, _ = terminal_identifier()
    client_a, client_b = tenant_client(enterprise_a), tenant_client(enterprise_b)
    body = post(
        client_a,
        "/api/v1/bid/bids/",
        {"subject": "identifier", "handle": identifier.handle, "generate": "sm2"},
        admin_a,
    ).json()
    bid_id, did = body["bid"]["id"], body["bid"]["did"]
    # B, on its own domain: A's BID does not exist for it
    for url in (f"/api/v1/bid/bids/{bid_id}/", f"/api/v1/bid/bids/{bid_id}/prepare/"):
        response = (
            client_b.get(url, **auth(admin_b))
            if url.endswith(f"{bid_id}/")
            else post(client_b, url, {"operation": "deactivate", "reason": "x"}, admin_b)
        )
        assert response.status_code == 404
    rotated = post(
        client_b, f"/api/v1/bid/bids/{bid_id}/rotate/", {"generate": "sm2", "signature": "00"}, admin_b
    )
    assert rotated.status_code == 404
    assert client_b.get("/api/v1/bid/lookup/", {"did": did}, **auth(admin_b)).status_code == 404
    # B cannot map A's identifier either (it is not B's)
    refused = post(
        client_b,
        "/api/v1/bid/bids/",
        {"subject": "identifier", "handle": identifier.handle, "generate": "sm2"},
        admin_b,
    )
    assert refused.status_code == 400 and "handle" in refused.json()["errors"]
    # B on A's domain: not a member
    assert client_a.get(f"/api/v1/bid/bids/{bid_id}/", **auth(admin_b)).status_code == 403
    assert Bid.objects.get(pk=bid_id).version == 1


def test_park_overview_for_staff(park_client, park_admin, admin_a, enterprise_a):
    from apps.bid import services
    from tests.bid.conftest import committed

    committed(services.bid_map_enterprise, actor=admin_a, enterprise=enterprise_a, key_type="sm2")
    response = park_client.get("/api/v1/bid/overview/", **auth(park_admin))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["park_document"]["id"] == body["park_bid"]
    assert [row["enterprise_code"] for row in body["by_enterprise"]] == [enterprise_a.code]
    assert park_client.get("/api/v1/bid/overview/", **auth(admin_a)).status_code == 403
