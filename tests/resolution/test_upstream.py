"""A dead or silent upstream resolver: a Handle error in our words at once, never a 500, never
the failure's detail, and local handles keep resolving."""

import socket
import threading

import pytest
from django.test import override_settings

from apps.resolution import selectors
from tests.resolution import builders

pytestmark = pytest.mark.django_db


class SilentUpstream:
    """A real TCP listener that accepts connections and never answers (a hung upstream)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            with self.changed:
                self.connections.append(conn)
                self.changed.notify_all()

    def accepted(self, at_least: int) -> int:
        """Connections accepted so far, once there are ``at_least`` (the accept thread lags)."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.connections) >= at_least, timeout=10)
            return len(self.connections)

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def silent_upstream():
    upstream = SilentUpstream()
    yield upstream
    upstream.close()


def assert_unavailable(response):
    assert response.status_code == 502
    body = response.json()
    assert body["responseCode"] == 2
    assert body["message"] == "上级解析服务暂时不可用，请稍后再试"


def test_unreachable_upstream_is_a_handle_error_without_details(park_client, park, closed_port):
    url = f"http://127.0.0.1:{closed_port}"
    with override_settings(UPSTREAM_RESOLVER_URL=url):
        response = park_client.get("/api/handles/88.202.up/Pump-7")
    assert_unavailable(response)
    text = response.content.decode()
    assert "127.0.0.1" not in text and "Errno" not in text and "refused" not in text


@override_settings(UPSTREAM_RESOLVER_TIMEOUT=0.2, UPSTREAM_FAILURE_SECONDS=300)
def test_silent_upstream_times_out_then_is_not_asked_again_for_a_while(park_client, silent_upstream):
    with override_settings(UPSTREAM_RESOLVER_URL=silent_upstream.url):
        assert_unavailable(park_client.get("/api/handles/88.202.up/Pump-7"))
        assert silent_upstream.accepted(1) == 1
        # the breaker is open: other handles fail at once, without a connection to the upstream
        assert_unavailable(park_client.get("/api/handles/88.202.up/Pump-8"))
        assert_unavailable(park_client.get("/88.202.up/Pump-9", HTTP_ACCEPT="application/json"))
        assert silent_upstream.accepted(1) == 1
        # once the failure window is over (here: reset) the upstream is asked again
        selectors.upstream_breaker.reset()
        assert_unavailable(park_client.get("/api/handles/88.202.up/Pump-7"))
        assert silent_upstream.accepted(2) == 2


@override_settings(UPSTREAM_RESOLVER_TIMEOUT=0.2)
def test_local_handles_resolve_while_the_upstream_is_down(park_client, enterprise_a, silent_upstream):
    lamp = builders.identifier(enterprise_a, "Lamp-1")
    with override_settings(UPSTREAM_RESOLVER_URL=silent_upstream.url):
        assert_unavailable(park_client.get("/api/handles/88.202.up/Pump-7"))
        response = park_client.get(f"/api/handles/{lamp.handle}")
    assert response.status_code == 200
    assert response.json()["handle"] == lamp.handle


@override_settings(UPSTREAM_RESOLVER_TIMEOUT=0.2, UPSTREAM_FAILURE_SECONDS=300)
def test_after_the_failure_window_one_request_asks_while_the_others_still_fail_at_once(
    park_client, silent_upstream
):
    with override_settings(UPSTREAM_RESOLVER_URL=silent_upstream.url):
        assert_unavailable(park_client.get("/api/handles/88.202.up/Pump-7"))
        assert silent_upstream.accepted(1) == 1
        # the failure window is over: the next request is let through to try the upstream ...
        selectors.upstream_breaker.open_until = 1.0
        selectors.upstream_breaker.check()
        # ... and while it waits for an answer, another thread of the process is not
        with pytest.raises(selectors.UpstreamError):
            selectors.upstream_breaker.check()
        # a failed try opens the window again: no further connection to the upstream
        selectors.upstream_breaker.open_until = 1.0
        assert_unavailable(park_client.get("/api/handles/88.202.up/Pump-8"))
        assert silent_upstream.accepted(2) == 2
        assert_unavailable(park_client.get("/api/handles/88.202.up/Pump-9"))
        assert silent_upstream.accepted(2) == 2
