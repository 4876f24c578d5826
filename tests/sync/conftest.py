"""Fixtures of the sync tests: a real second node (session-scoped) and a broken one."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.sync.node import API_PASSWORD, API_USER, SecondNode, with_db_name


@pytest.fixture(scope="session")
def second_node(django_db_setup):
    """Another instance of this project, own database, gunicorn on loopback: the upstream."""
    from django.conf import settings

    from tests.conftest import _database_url

    db = settings.DATABASES["default"]
    url = with_db_name(_database_url(db), f"{db['NAME']}_upstream")
    node = SecondNode(url, redis_url=settings.REDIS_URL).prepare()
    node.start()
    yield node
    node.drop()


@pytest.fixture
def up(second_node):
    """The second node, running, with no reply delay; restarted if a test stopped it."""
    second_node.set_delay(None)
    second_node.start()
    yield second_node
    second_node.set_delay(None)
    second_node.start()


@pytest.fixture
def enterprise_mode(park):
    """The park as an enterprise node: its upstream is a secondary node speaking SNMS v5
    (a flushing test gets the park re-created in its default, secondary mode)."""
    from apps.tenants.choices import NodeMode
    from apps.tenants.models import Park

    Park.objects.update(node_mode=NodeMode.ENTERPRISE)
    return park


@pytest.fixture
def link(up, enterprise_mode):
    from apps.sync.models import UpstreamLink

    UpstreamLink.objects.all().delete()
    return UpstreamLink.objects.create(
        url=up.url, username=API_USER, password=API_PASSWORD, batch_size=1000, timeout_seconds=10
    )


class BrokenNode:
    """A stand-in for a broken external node: answers every request with ``self.reply``
    (status, content type, body); counts the requests it got."""

    def __init__(self):
        self.reply = (
            200,
            "application/json",
            json.dumps({"status": 1, "message": "success", "data": {"token": "t"}}),
        )
        self.token_reply = None
        self.requests: list[tuple[str, str]] = []
        node = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                node.requests.append((self.command, self.path))
                if self.path.startswith("/identity/token") and node.token_reply is not None:
                    status, ctype, body = node.token_reply
                else:
                    status, ctype, body = node.reply
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def broken_node():
    node = BrokenNode()
    yield node
    node.close()


@pytest.fixture(scope="session")
def upstream_prefixes(second_node, park_schemas, django_db_blocker):
    """ALPHA and BETA are enterprises of the upstream node too (applied and approved there),
    so the park's 88.101.ALPHA / 88.101.BETA identifiers can be synced to it."""
    from apps.sync.client import SnmsClient
    from tests import factories
    from tests.sync.applications import documented_application

    client = SnmsClient(base_url=second_node.url, username=API_USER, password=API_PASSWORD)
    with django_db_blocker.unblock():
        for key in ("alpha", "beta"):
            enterprise = factories.ensure_enterprise(key)
            client.enterprise_apply(
                documented_application(
                    name=enterprise.name,
                    credit_code=enterprise.credit_code,
                    prefix=f"88.101.{enterprise.code}",
                    contact_name=enterprise.contact_name,
                    contact_phone=enterprise.contact_phone,
                    contact_email=enterprise.contact_email,
                )
            )
    second_node.approve_applications()
    return {"alpha": "88.101.ALPHA", "beta": "88.101.BETA"}


@pytest.fixture(autouse=True)
def _no_kick(settings):
    """Sync tests drain explicitly; a worker started by another test must not drain behind them."""
    settings.SYNC_KICK_ON_COMMIT = False
