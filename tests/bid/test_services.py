"""Mapping, documents, signed updates, rotation, deactivation and the Handle ↔ BID mapping,
through the services (real PostgreSQL, Redis invalidation)."""

from __future__ import annotations

import json

import pydid
import pytest

from apps.bid import codec, documents, registry, services
from apps.bid.choices import BidState
from apps.bid.models import Bid
from apps.core.errors import ApplicationError, PermissionDenied
from tests.bid.conftest import committed, signed

pytestmark = pytest.mark.django_db


def map_generated(identifier, actor, key_type="sm2"):
    issued = committed(services.bid_map_identifier, actor=actor, identifier=identifier, key_type=key_type)
    return issued.bid, codec.decode_private_key(issued.private_key)


def test_mapping_an_object_builds_a_valid_document_and_the_handle_value(
    terminal_identifier, admin_a, park_client
):
    identifier, _private = terminal_identifier()
    bid, pair = map_generated(identifier, admin_a)
    assert bid.did == pair.key.bid() and bid.did.startswith("did:bid:zf")
    document = bid.document
    parsed = pydid.deserialize_document(json.loads(json.dumps(document)))  # round trip through JSON
    assert str(parsed.id) == bid.did
    assert parsed.dereference(f"{bid.did}#key-1").public_key_hex == pair.key.encoded
    assert [str(a) for a in parsed.authentication] == [f"{bid.did}#key-1"]
    assert document["publicKey"][0]["publicKeyHex"] == pair.key.encoded
    assert document["alsoKnownAs"] == [f"hdl:{identifier.handle}"]
    assert any(s["type"] == "DIDResolver" for s in document["service"])
    assert documents.proof_valid(document)
    # public values only: the restricted device_owner (二级) never reaches the document
    text = json.dumps(document, ensure_ascii=False)
    assert "温湿度终端1" in text and "张工" not in text
    # the Handle record names the BID (type BID), and the lookup works both ways
    record = park_client.get(f"/api/handles/{identifier.handle}", {"type": "BID"}).json()
    assert [v["data"]["value"] for v in record["values"]] == [bid.did]


def test_proof_fails_on_a_changed_document(terminal_identifier, admin_a):
    identifier, _ = terminal_identifier()
    bid, _pair = map_generated(identifier, admin_a)
    tampered = dict(bid.document, alsoKnownAs=["hdl:88.999/other"])
    assert not documents.proof_valid(tampered)


def test_a_terminal_credential_key_is_the_bid_key(terminal_identifier, admin_a):
    from apps.terminals import keys as terminal_keys

    identifier, private = terminal_identifier()
    issued = committed(
        services.bid_map_identifier, actor=admin_a, identifier=identifier, use_terminal_key=True
    )
    expected = codec.from_terminal_key(terminal_keys.public_key_of(private)).bid()
    assert issued.bid.did == expected and issued.private_key is None


def test_signed_update_accepted_unsigned_and_wrongly_signed_refused(terminal_identifier, admin_a):
    identifier, _ = terminal_identifier()
    bid, pair = map_generated(identifier, admin_a)
    services_ = [{"id": "#telemetry", "type": "TelemetryService", "serviceEndpoint": "https://a.example/t"}]
    cleaned = services.clean_services(services_)
    payload = services.signing_payload(bid, "update", {"services": cleaned})
    with pytest.raises(ApplicationError) as unsigned:
        services.bid_update(actor=admin_a, bid=bid, services=services_, signature="")
    assert unsigned.value.code == "signature_required"
    other = codec.generate("sm2")
    with pytest.raises(ApplicationError) as wrong:
        services.bid_update(actor=admin_a, bid=bid, services=services_, signature=signed(other, payload))
    assert wrong.value.code == "bad_signature"
    updated = committed(
        services.bid_update, actor=admin_a, bid=bid, services=services_, signature=signed(pair, payload)
    )
    assert updated.version == 2
    assert {
        "id": f"{bid.did}#telemetry",
        "type": "TelemetryService",
        "serviceEndpoint": "https://a.example/t",
    } in (updated.document["service"])
    # the same signature again: it was for version 2, the document is at 2 now
    with pytest.raises(ApplicationError) as replay:
        services.bid_update(actor=admin_a, bid=updated, services=services_, signature=signed(pair, payload))
    assert replay.value.code == "bad_signature"


def test_rotation_lists_the_old_key_revoked(terminal_identifier, admin_a, frozen_clock):
    identifier, _ = terminal_identifier()
    bid, pair = map_generated(identifier, admin_a)
    new = codec.generate("ed25519")
    payload = services.signing_payload(bid, "rotate", services.rotation_body(new.key.encoded))
    issued = committed(
        services.bid_rotate,
        actor=admin_a,
        bid=bid,
        public_key=new.key.encoded,
        signature=signed(pair, payload),
    )
    document = issued.bid.document
    assert issued.bid.did == bid.did  # the BID stays
    old, current = document["publicKey"]
    assert old["publicKeyHex"] == pair.key.encoded and old["revoked"] == "2026-03-18T02:00:00Z"
    assert current["publicKeyHex"] == new.key.encoded and current["type"] == "Ed25519"
    assert document["authentication"] == [f"{bid.did}#key-2"]


def test_deactivation_signed_then_refuses_changes(terminal_identifier, admin_a):
    identifier, _ = terminal_identifier()
    bid, pair = map_generated(identifier, admin_a)
    payload = services.signing_payload(bid, "deactivate", {"reason": "retired"})
    done = committed(
        services.bid_deactivate, actor=admin_a, bid=bid, reason="retired", signature=signed(pair, payload)
    )
    assert done.state == BidState.DEACTIVATED and done.document["deactivated"] is True
    assert done.document.get("authentication", []) == []
    with pytest.raises(ApplicationError) as refused:
        services.bid_update(actor=admin_a, bid=done, services=[], signature="00")
    assert refused.value.code == "bid_deactivated"


def test_withdrawing_the_identifier_retires_its_bid(terminal_identifier, admin_a):
    from apps.identifiers.services import identifier_withdraw

    identifier, _ = terminal_identifier()
    bid, _pair = map_generated(identifier, admin_a)
    committed(identifier_withdraw, actor=admin_a, identifier=identifier, reason="scrapped")
    bid.refresh_from_db()
    assert bid.state == BidState.DEACTIVATED


def test_another_enterprise_cannot_map_rotate_or_deactivate(terminal_identifier, admin_a, admin_b):
    identifier, _ = terminal_identifier()
    with pytest.raises(PermissionDenied):
        services.bid_map_identifier(actor=admin_b, identifier=identifier, key_type="sm2")
    bid, pair = map_generated(identifier, admin_a)
    payload = services.signing_payload(bid, "rotate", {"generate": "sm2"})
    with pytest.raises(PermissionDenied):
        services.bid_rotate(actor=admin_b, bid=bid, key_type="sm2", signature=signed(pair, payload))
    assert Bid.objects.get(pk=bid.pk).version == 1


def test_enterprise_bid_once_and_only_for_an_approved_enterprise(enterprise_a, admin_a):
    issued = committed(
        services.bid_map_enterprise, actor=admin_a, enterprise=enterprise_a, key_type="ed25519"
    )
    assert issued.bid.did.startswith("did:bid:ef") and issued.private_key.startswith("priSPK")
    assert {"key": "code", "value": enterprise_a.code} in issued.bid.document["extension"]["attributes"]
    with pytest.raises(ApplicationError) as again:
        services.bid_map_enterprise(actor=admin_a, enterprise=enterprise_a, key_type="sm2")
    assert again.value.code == "already_mapped"


def test_ac_code_setting_goes_into_the_bid(terminal_identifier, admin_a, settings):
    settings.BID_AC_CODE = "a1b2"
    identifier, _ = terminal_identifier()
    bid, pair = map_generated(identifier, admin_a)
    assert bid.did == pair.key.bid("a1b2") and bid.did.startswith("did:bid:a1b2:zf")


def test_other_apps_add_methods_to_the_park_document():
    evidence = codec.generate("sm2")
    registry.register_park_method(
        "test-evidence",
        lambda: [
            registry.ParkMethod(fragment="evidence-log", key_type="sm2", public_key_hex=evidence.key.encoded)
        ],
    )
    try:
        bid = services.park_bid_refresh()
        method = f"{bid.did}#evidence-log"
        assert method in bid.document["assertionMethod"]
        assert (
            pydid.deserialize_document(bid.document).dereference(method).public_key_hex
            == evidence.key.encoded
        )
    finally:
        registry._PROVIDERS.pop("test-evidence", None)
