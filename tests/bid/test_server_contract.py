"""The resolution server (granian, apps.resolution.server) answers /1.0/identifiers/ as the
Django view does: equal status, byte-identical bodies, equal headers that matter; and a change
through the services is served by it at once."""

from __future__ import annotations

import pytest

from apps.bid import codec, services
from tests.bid.conftest import signed
from tests.resolution.test_server_contract import _compared, _django, _granian, resolution_server  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_same_answers_and_a_change_served_at_once(resolution_server, enterprise_a, admin_a):  # noqa: F811
    issued = services.bid_map_enterprise(actor=admin_a, enterprise=enterprise_a, key_type="sm2")
    did, pair = issued.bid.did, codec.decode_private_key(issued.private_key)
    path = f"/1.0/identifiers/{did}"
    table = [
        ("found", "GET", path, {}),
        ("document alone", "GET", path, {"Accept": "application/did+ld+json"}),
        ("not found", "GET", f"/1.0/identifiers/{codec.generate('ed25519').key.bid()}", {}),
        ("malformed", "GET", "/1.0/identifiers/did:bid:zf0OIl", {}),
        ("HEAD", "HEAD", path, {}),
        (
            "preflight",
            "OPTIONS",
            path,
            {"Origin": "https://x.example", "Access-Control-Request-Method": "GET"},
        ),
        ("method not allowed", "DELETE", path, {}),
        ("request id", "GET", path, {"X-Request-ID": "abc-123"}),
    ]
    for i, (name, method, url, headers) in enumerate(table):
        django_answer = _django(method, url, headers, f"10.2.0.{i}")
        granian_answer = _granian(resolution_server, method, url, headers, f"10.4.0.{i}")
        assert granian_answer[0] == django_answer[0], name
        assert granian_answer[2] == django_answer[2], name
        head = method == "HEAD"
        assert _compared(granian_answer[1], head=head) == _compared(django_answer[1], head=head), name
    assert _granian(resolution_server, "GET", path, {}, "10.5.0.1")[0] == 200
    bid = issued.bid
    payload = services.signing_payload(bid, "deactivate", {"reason": "gone"})
    services.bid_deactivate(actor=admin_a, bid=bid, reason="gone", signature=signed(pair, payload))
    status, _headers, body = _granian(resolution_server, "GET", path, {}, "10.5.0.2")
    assert status == 410 and b'"deactivated":true' in body
