"""`make run` on the embedded servers: Ctrl-C stops web, worker and beat, and the embedded
PostgreSQL and Redis this run started. Real processes in a folder of their own."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from park_portal.devservices import free_port, pid_alive
from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parent.parent.parent

# django_db only so the session fixtures find their test database when this file runs alone.
pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_ctrl_c_stops_the_portal_and_the_embedded_servers_it_started(embedded_dir):
    var = embedded_dir / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(PARK_VAR_DIR=str(var), PYTHONUNBUFFERED="1", CACHE_KEY_PREFIX="pp-devserver-test")

    def devservices(command):
        result = subprocess.run(
            [sys.executable, "-m", "park_portal.devservices", command],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result

    server = None
    try:
        devservices("up")
        assert (var / "services.started").read_text().split() == ["postgres", "redis"]
        # Found running, not started: a run that did not start them would leave them alone.
        devservices("up")
        assert (var / "services.started").read_text().split() == []
        devservices("down")
        pg_pid = int((var / "pg" / "postmaster.pid").read_text().splitlines()[0])
        wait_for(lambda: not pid_alive(pg_pid), timeout=60)
        wait_for(lambda: not (var / "pg" / "postmaster.pid").exists(), timeout=60)

        devservices("up")  # as `make run` does before starting the portal
        assert (var / "services.started").read_text().split() == ["postgres", "redis"]
        pg_pid = int((var / "pg" / "postmaster.pid").read_text().splitlines()[0])
        redis_port = int((var / "redis" / "port").read_text())
        assert pid_alive(pg_pid) and _listening(redis_port)

        port = free_port()
        log = embedded_dir / "devserver.log"
        server = subprocess.Popen(
            [sys.executable, "-m", "park_portal.devserver", "--port", str(port)],
            cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: _listening(port) or server.poll() is not None, timeout=120)
        assert server.poll() is None, log.read_text()[-3000:]

        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=60) == 0
        output = log.read_text()
        assert "Park Portal stopped (web, worker, beat, PostgreSQL, Redis)." in output
        wait_for(lambda: not pid_alive(pg_pid), timeout=60)
        wait_for(lambda: not _listening(redis_port), timeout=30)
        assert not _listening(port)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        subprocess.run(
            [sys.executable, "-m", "park_portal.devservices", "down"], cwd=ROOT, env=env, timeout=60
        )
