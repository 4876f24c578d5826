"""The `closed_port` fixture stays closed for the whole test, whatever else runs on the machine."""

import errno
import socket

import pytest
import requests


def test_closed_port_cannot_be_taken_and_refuses_connections(closed_port):
    # Another process's server asking for this port is refused while the test holds it...
    with socket.socket() as other, pytest.raises(OSError) as taken:
        other.bind(("127.0.0.1", closed_port))
    assert taken.value.errno == errno.EADDRINUSE
    # ...and a client is refused at once (nothing listens), as a probe of a dead service is.
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{closed_port}/", timeout=5)
