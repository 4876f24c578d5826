"""BIDAuth: challenge and verify, signed by our SM2/Ed25519 code and by gmssl (an independent SM2
implementation); each refusal with its own code; attempts audited and rate limited."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.audit.models import AuditEntry
from apps.bid import auth, codec, services
from tests.bid.conftest import committed, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(terminal_identifier, admin_a):
    identifier, _ = terminal_identifier()
    issued = committed(services.bid_map_identifier, actor=admin_a, identifier=identifier, key_type="sm2")
    return issued.bid, codec.decode_private_key(issued.private_key)


def answer(pair, did, code):
    return {**auth.wallet_sign(pair, code), "bid": did}


def outcome_of(payload):
    with pytest.raises(auth.AuthRefused) as refused:
        auth.verify(payload=payload, client="10.0.0.1")
    return refused.value.code


def test_verify_over_the_api_and_replay_refused(park_client, holder):
    bid, pair = holder
    challenge = park_client.post(
        "/api/v1/bid/auth/challenge/", {"bid": bid.did}, content_type="application/json"
    )
    assert challenge.status_code == 200, challenge.json()
    code = challenge.json()["randomCode"]
    assert len(code) == 32 and challenge.json()["expiresIn"] == 60
    body = answer(pair, bid.did, code)
    verified = park_client.post("/api/v1/bid/auth/verify/", body, content_type="application/json")
    assert verified.status_code == 200, verified.json()
    assert verified.json() == {
        "bid": bid.did,
        "verified": True,
        "key": f"{bid.did}#key-1",
        "subject": "identifier",
    }
    replay = park_client.post("/api/v1/bid/auth/verify/", body, content_type="application/json")
    assert replay.status_code == 400 and replay.json()["code"] == "code_used"
    outcomes = [
        e.changes["outcome"][1] for e in AuditEntry.objects.filter(action="bid.auth.verify").order_by("id")
    ]
    assert outcomes[-2:] == ["ok", "code_used"]


def test_gmssl_signature_is_accepted(holder):
    from gmssl import func
    from gmssl import sm2 as g_sm2

    bid, pair = holder
    code = auth.challenge(did=bid.did)["randomCode"]
    raw_private = pair.private_key.private_numbers().private_value.to_bytes(32, "big").hex()
    signer = g_sm2.CryptSM2(private_key=raw_private, public_key=pair.key.raw[1:].hex())
    signature = signer.sign_with_sm3(bytes.fromhex(code), func.random_hex(signer.para_len))
    verified = auth.verify(
        payload={"publicKey": pair.key.encoded, "signData": signature, "bid": bid.did, "randomCode": code}
    )
    assert verified.bid.pk == bid.pk


def test_expired_code(holder, frozen_clock):
    bid, pair = holder
    code = auth.challenge(did=bid.did)["randomCode"]
    frozen_clock.shift(dt.timedelta(seconds=61))
    assert outcome_of(answer(pair, bid.did, code)) == "code_expired"


def test_wrong_key_bad_signature_unknown_code(holder):
    bid, pair = holder
    other = codec.generate("sm2")
    code = auth.challenge(did=bid.did)["randomCode"]
    assert outcome_of(answer(other, bid.did, code)) == "key_mismatch"
    wrong = {**answer(pair, bid.did, code), "signData": signed(other, bytes.fromhex(code))}
    assert outcome_of(wrong) == "bad_signature"
    assert outcome_of(answer(pair, bid.did, "ab" * 16)) == "code_unknown"
    assert outcome_of({**answer(pair, bid.did, code), "bid": "did:bid:nope"}) == "invalid_did"


def test_deactivated_bid_and_rotated_key(holder, admin_a):
    bid, pair = holder
    new = codec.generate("sm2")
    payload = services.signing_payload(bid, "rotate", services.rotation_body(new.key.encoded))
    committed(
        services.bid_rotate,
        actor=admin_a,
        bid=bid,
        public_key=new.key.encoded,
        signature=signed(pair, payload),
    )
    code = auth.challenge(did=bid.did)["randomCode"]
    assert outcome_of(answer(pair, bid.did, code)) == "key_revoked"
    assert (
        auth.verify(payload=answer(new, bid.did, auth.challenge(did=bid.did)["randomCode"])).key.number == 2
    )
    bid.refresh_from_db()
    payload = services.signing_payload(bid, "deactivate", {"reason": "gone"})
    committed(services.bid_deactivate, actor=admin_a, bid=bid, reason="gone", signature=signed(new, payload))
    assert outcome_of(answer(new, bid.did, "cd" * 16)) == "bid_deactivated"
    with pytest.raises(auth.AuthRefused) as refused:
        auth.challenge(did=bid.did)
    assert refused.value.code == "bid_deactivated"


def test_rate_limited(holder, settings):
    bid, pair = holder
    settings.BID_AUTH_RATE_PER_BID = "2/m"
    auth.challenge(did=bid.did, client="10.9.9.9")
    auth.challenge(did=bid.did, client="10.9.9.9")
    with pytest.raises(auth.AuthRefused) as refused:
        auth.challenge(did=bid.did, client="10.9.9.9")
    assert refused.value.code == "rate_limited" and refused.value.status_code == 429
