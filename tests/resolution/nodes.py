"""Real server subprocesses for resolution tests: this node on the test database, and a second
instance of the project (its own database, park code 202, its own data) as the upstream."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import quote

from psycopg import sql

from park_portal.devservices import admin_connection
from tests.sync.node import ROOT, SecondNode, recreate_database

UPSTREAM_SEED = """
from apps.identifiers.models import Identifier, Prefix
from apps.metadata.models import MetadataTemplate, TemplateVersion
from apps.tenants.models import Enterprise
op = Enterprise.objects.get(schema_name="public")
p, _ = Prefix.objects.get_or_create(prefix="88.202.up", defaults={"enterprise": op, "status": "active"})
t, _ = MetadataTemplate.objects.get_or_create(code="UP", level="park", defaults={"name": "上级模板", "category": "road"})
v, _ = TemplateVersion.objects.get_or_create(template=t, number=1, defaults={"status": "published"})
Identifier.objects.get_or_create(handle="88.202.up/Pump-7", defaults=dict(
    prefix=p, suffix="Pump-7", object_code="Pump-7", enterprise=op, category="road", template_version=v,
    name="上级泵站", values=[{"index": 2000, "type": "name", "data": {"format": "string", "value": "上级泵站"}, "ttl": 120}]))
"""


def database_url(name: str, base: dict) -> str:
    """URL of database ``name`` on the server of ``base`` (Django settings dict). A Unix-socket
    host (embedded PostgreSQL: a directory path) is percent-encoded into the host part, which
    dj-database-url and libpq read back as the socket directory."""
    host = base.get("HOST") or "127.0.0.1"
    host_part = quote(host, safe="") if host.startswith("/") else host
    port = f":{base['PORT']}" if base.get("PORT") else ""
    user = quote(base.get("USER") or "postgres", safe="")
    password = f":{quote(base['PASSWORD'], safe='')}" if base.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host_part}{port}/{name}"


def create_upstream_database(base: dict) -> str:
    # Not "_upstream": the sync tests' second node owns that name and runs in the same worker.
    name = f"{base['NAME']}_resolver"
    recreate_database(database_url(name, base))
    return name


def drop_database(base: dict, name: str) -> None:
    conn, _name = admin_connection(database_url(name, base))
    with conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


class Server(SecondNode):
    """The project under gunicorn with ``env`` (see ``node_env``), started and stopped as the
    sync tests' second node is; ``get(path)`` → (status, headers, body) with ``host`` as Host."""

    def __init__(self, env: dict, workers: int = 2, host: str = "park.localhost"):
        super().__init__(env["DATABASE_URL"], workers=workers)
        self.env = env
        self.host = host
        self.start()

    def get(self, path: str, headers: dict | None = None):
        request = urllib.request.Request(self.url + path, headers={"Host": self.host, **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def json(self, path: str):
        status, _headers, body = self.get(path)
        return status, json.loads(body)

    def stop(self) -> None:
        super().stop()
        self.log_path.unlink(missing_ok=True)


def node_env(database: str, *, key_prefix: str, **extra: str) -> dict:
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": key_prefix,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL": "0",  # plain HTTP on loopback
        "RESOLUTION_RATE_LIMIT": "",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PYTEST_VERSION", None)
    env.update(extra)
    return env


class ResolutionServer(Server):
    """The resolution server (apps.resolution.server) under granian with ``env``: the same
    helpers as ``Server``; it hands /healthz and everything it does not serve to Django.
    ``interface``: "asgi" (``server:app``) or "rsgi" (granian's own, ``server:rsgi_app``)."""

    TARGETS = {"asgi": "apps.resolution.server:app", "rsgi": "apps.resolution.server:rsgi_app"}

    def __init__(self, env: dict, workers: int = 2, host: str = "park.localhost", interface: str = "asgi"):
        self.interface = interface
        super().__init__(env, workers=workers, host=host)

    def start(self, timeout: float = 60) -> None:
        self.launch(
            [
                "granian", "--interface", self.interface, "--host", "127.0.0.1", "--port", str(self.port),
                "--workers", str(self.workers), self.TARGETS[self.interface],
            ],
            name="resolution server",
            timeout=timeout,
        )  # fmt: skip

    def request(self, method: str, path: str, headers: dict | None = None, body: bytes | None = None):
        request = urllib.request.Request(
            self.url + path, data=body, method=method, headers={"Host": self.host, **(headers or {})}
        )

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()
