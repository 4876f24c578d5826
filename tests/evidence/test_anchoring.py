"""Anchoring tree heads to 星火·链网 through a BIF-Core gateway (EVIDENCE_ANCHOR="bif").

The request is the BIF-Core SDK's documented BIFAccountSetMetadataRequest
(github.com/caict-4iot-dev/BIF-Core-SDK, docs/BIF-Core-SDK.md, 账户服务 › setMetadata): senderAddress,
privateKey, key (1–1024), value (0–256000), metadata (hex remark); the answer is
{errorCode, errorDesc, result: {hash}}. The gateway below enforces those documented rules and
answers with the documented error codes — it refuses what the SDK refuses, it does not say yes to
anything."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.evidence import anchoring, services
from apps.evidence.choices import AnchorState
from apps.evidence.models import Anchor
from apps.evidence.services import EvidenceInput
from tests.evidence.conftest import register_subject

pytestmark = pytest.mark.django_db
ADDRESS = "did:bid:efVmotQW28QDtQyupnKTFvpjKQYs5bxf"  # the SDK documentation's example address form
DOCUMENTED_FIELDS = {"senderAddress", "privateKey", "key", "value", "metadata"}


class Gateway:
    """The documented setMetadata contract: the checks the SDK documents, its error codes."""

    def __init__(self):
        self.received: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.received.append(body)
                answer = gateway.answer(self.path, body)
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def answer(path: str, body: dict) -> dict:
        if path != "/setMetadata":
            return {"errorCode": 20000, "errorDesc": "System error"}
        if not str(body.get("senderAddress", "")).startswith("did:bid:"):
            return {"errorCode": 11006, "errorDesc": "Invalid address"}
        if not body.get("privateKey"):
            return {"errorCode": 11057, "errorDesc": "PrivateKeys cannot be empty"}
        if not 1 <= len(body.get("key") or "") <= 1024:
            return {"errorCode": 11011, "errorDesc": "The length of key must be between 1 and 1024"}
        if len(body.get("value") or "") > 256000:
            return {"errorCode": 11012, "errorDesc": "The length of value must be between 0 and 256000"}
        bytes.fromhex(body.get("metadata") or "")  # "用户自定义给交易的备注，16进制格式"
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        return {"errorCode": 0, "errorDesc": "", "result": {"hash": digest}}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.EVIDENCE_ANCHOR = "bif"
    settings.EVIDENCE_BIF_URL = server.url
    settings.EVIDENCE_BIF_ADDRESS = ADDRESS
    settings.EVIDENCE_BIF_PRIVATE_KEY = "priSPKnDue7AJ42gt7acy4AVaobGJtM871r1eukZ2M6eeW5LxG"
    yield server
    server.close()


@pytest.fixture
def head(enterprise_a, admin_a):
    subject = register_subject(enterprise_a)
    services.evidence_record(
        actor=admin_a,
        enterprise=enterprise_a,
        item=EvidenceInput(subject=subject.handle, evidence_type="carbon", record={"t": 1}),
    )
    return services.sth_make()


def test_the_request_is_the_documented_set_metadata_request(head):
    body = anchoring.set_metadata_request(sth=head, sender_address=ADDRESS, private_key="priSPK…")
    assert set(body) == DOCUMENTED_FIELDS
    assert 1 <= len(body["key"]) <= 1024 and body["key"].endswith(f":{head.tree_size}")
    assert len(body["value"]) <= 256000
    value = json.loads(body["value"])
    assert value["tree_size"] == head.tree_size and value["hash_algorithm"] == "sm3" and value["signature"]
    assert bytes.fromhex(body["metadata"]).decode().startswith("park evidence sth")
    with pytest.raises(anchoring.AnchorRequestError) as bad:
        anchoring.set_metadata_request(sth=head, sender_address="0xabc", private_key="x")
    assert bad.value.code == 11006
    with pytest.raises(anchoring.AnchorRequestError) as empty:
        anchoring.set_metadata_request(sth=head, sender_address=ADDRESS, private_key="")
    assert empty.value.code == 11057


def test_an_anchor_is_sent_only_with_a_transaction_hash(gateway, head, settings):
    anchor = anchoring.anchor_queue(sth=head)
    assert anchoring.anchor_send(anchor_id=anchor.pk) == "sent"
    anchor.refresh_from_db()
    assert anchor.state == AnchorState.SENT and len(anchor.tx_hash) == 64
    assert set(gateway.received[0]) == DOCUMENTED_FIELDS
    # the gateway refusing (documented error code) leaves the anchor failed with its message
    Anchor.objects.filter(pk=anchor.pk).update(state=AnchorState.PENDING, tx_hash="")
    gateway.answer = staticmethod(
        lambda path, body: {"errorCode": 11011, "errorDesc": "The length of key must be between 1 and 1024"}
    )
    assert anchoring.anchor_send(anchor_id=anchor.pk) == "failed"
    anchor.refresh_from_db()
    assert anchor.state == AnchorState.FAILED and "1024" in anchor.message and not anchor.tx_hash


def test_an_unreachable_chain_is_a_failure_not_a_success(settings, head, closed_port):
    settings.EVIDENCE_ANCHOR = "bif"
    settings.EVIDENCE_BIF_URL = f"http://127.0.0.1:{closed_port}"
    settings.EVIDENCE_BIF_ADDRESS = ADDRESS
    settings.EVIDENCE_BIF_PRIVATE_KEY = "priSPK"
    anchor = anchoring.anchor_queue(sth=head)
    assert anchoring.anchor_send(anchor_id=anchor.pk) == "failed"
    anchor.refresh_from_db()
    assert anchor.state == AnchorState.FAILED
