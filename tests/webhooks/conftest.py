"""A real HTTP receiver in a thread, and the webhook fixtures."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.identifiers.conftest import alpha, beta, mfg, register_product, seeds  # noqa: F401, F811


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    verified: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def delivery_id(self) -> str:
        return self.headers["X-Park-Webhook-Id"]


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """The receiver's check, written from the README's description (not the portal's code)."""
    signed = f"{headers['X-Park-Webhook-Timestamp']}.{headers['X-Park-Webhook-Id']}.".encode() + body
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("X-Park-Webhook-Signature", ""))


@dataclass
class Receiver:
    """Answers each POST by the next scripted reply ("ok", "500", "hang": hold the request
    until released or the client gives up), then "ok" once the script is used up."""

    server: ThreadingHTTPServer
    secret: str = ""
    script: list = field(default_factory=list)
    received: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    arrivals: queue.Queue = field(default_factory=queue.Queue)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/park?src=portal"

    def next_reply(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k: v for k, v in self.headers.items()}
            got = Received(self.path, headers, body, verify(receiver.secret, headers, body))
            reply = receiver.next_reply()
            with receiver.lock:
                receiver.received.append(got)
            receiver.arrivals.put(got)
            if reply == "hang":
                receiver.release.wait(30)
                reply = "ok"
            if reply == "500":
                self._answer(500, b'{"error": "boom"}')
                return
            if not got.verified:
                self._answer(401, b"bad signature")
                return
            with receiver.lock:
                receiver.acknowledged.append(got)
            self._answer(200, b'{"ok": true}')

        def _answer(self, status: int, payload: bytes):
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (timeout)

    return Handler


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    rec = Receiver(server)
    server.RequestHandlerClass = _handler(rec)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    rec.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def internal_targets(park):
    from apps.webhooks.services import webhook_settings_update

    return webhook_settings_update(actor=None, allow_internal_targets=True)


@pytest.fixture
def subscribe(park, park_admin):
    """subscribe(receiver, kinds, owner=None) → a subscription of the park (default) or ``owner``."""
    from apps.tenants.selectors import park_get
    from apps.webhooks.services import subscription_create

    def make(receiver, kinds, owner=None):
        owner = owner or park_get().operator
        sub = subscription_create(owner=owner, actor=park_admin, url=receiver.url, kinds=kinds)
        receiver.secret = sub.secret
        return sub

    return make


@pytest.fixture
def suspend_alpha(alpha, park_admin):  # noqa: F811 - the imported fixture
    """Suspend (and with resume=True, resume) ALPHA's prefix: a prefix.state_changed of ent_alpha."""
    from apps.identifiers.models import Prefix
    from apps.identifiers.prefixes import prefix_resume, prefix_suspend

    def make(resume: bool = False):
        prefix = Prefix.objects.get(prefix="88.101.ALPHA")
        if resume:
            return prefix_resume(prefix=prefix, actor=park_admin)
        return prefix_suspend(prefix=prefix, actor=park_admin, reason="欠费")

    return make
