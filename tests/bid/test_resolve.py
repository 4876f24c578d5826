"""GET /1.0/identifiers/{did}: the DIF Universal Resolver driver interface on the park domain."""

from __future__ import annotations

import pytest

from apps.bid import codec, services
from tests.bid.conftest import committed, signed

pytestmark = pytest.mark.django_db


def mapped(terminal_identifier, admin_a):
    identifier, _ = terminal_identifier()
    issued = committed(services.bid_map_identifier, actor=admin_a, identifier=identifier, key_type="ed25519")
    return issued.bid, codec.decode_private_key(issued.private_key), identifier


def test_resolution_result_and_document_alone(park_client, terminal_identifier, admin_a):
    bid, pair, identifier = mapped(terminal_identifier, admin_a)
    response = park_client.get(f"/1.0/identifiers/{bid.did}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    body = response.json()
    assert body["didDocument"]["id"] == bid.did
    assert body["didResolutionMetadata"]["contentType"] == "application/did+ld+json"
    assert body["didDocumentMetadata"]["deactivated"] is False
    assert body["didDocumentMetadata"]["created"] == body["didDocument"]["created"]
    alone = park_client.get(f"/1.0/identifiers/{bid.did}", HTTP_ACCEPT="application/did+ld+json")
    assert alone["Content-Type"] == "application/did+ld+json"
    assert alone.json() == body["didDocument"]
    assert alone.json()["publicKey"][0]["publicKeyHex"] == pair.key.encoded


def test_unknown_and_malformed(park_client):
    unknown = codec.generate("sm2").key.bid()
    response = park_client.get(f"/1.0/identifiers/{unknown}")
    assert response.status_code == 404 and response.json()["didResolutionMetadata"]["error"] == "notFound"
    bad = park_client.get("/1.0/identifiers/did:bid:zf0OIl")
    assert bad.status_code == 400 and bad.json()["didResolutionMetadata"]["error"] == "invalidDid"


def test_a_change_is_seen_at_once_and_deactivation_is_410(park_client, terminal_identifier, admin_a):
    bid, pair, _ = mapped(terminal_identifier, admin_a)
    assert park_client.get(f"/1.0/identifiers/{bid.did}").status_code == 200  # now cached
    payload = services.signing_payload(bid, "deactivate", {"reason": "retired"})
    committed(
        services.bid_deactivate, actor=admin_a, bid=bid, reason="retired", signature=signed(pair, payload)
    )
    response = park_client.get(f"/1.0/identifiers/{bid.did}")
    assert response.status_code == 410
    assert response.json()["didDocumentMetadata"]["deactivated"] is True


def test_resolutions_are_counted_under_the_identifiers_prefix(park_client, terminal_identifier, admin_a):
    from apps.resolution import counters

    bid, _pair, identifier = mapped(terminal_identifier, admin_a)
    counters._buffer.take()
    park_client.get(f"/1.0/identifiers/{bid.did}")
    counts, _latency, top = counters._buffer.take()
    assert sum(n for (_hour, prefix), n in counts.items() if prefix == identifier.prefix.prefix.lower()) == 1
    assert any(handle == bid.did for (_h, _p, handle) in top)


def test_served_by_the_resolution_server_registry():
    from apps.bid import resolve
    from apps.resolution import pipeline

    assert pipeline.EXTRA_READ_PATHS[resolve.PATH] == (resolve.reply, resolve.warm)
