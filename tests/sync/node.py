"""A second instance of this project as a real server process on loopback, with its own
database: the upstream secondary node of the sync tests and the sync benchmark.

``SecondNode(db_url).prepare()`` (re)creates the database, bootstraps it (``manage.py
bootstrap``) and seeds an API account; ``start()`` / ``stop()`` run gunicorn on a free port.
``delay_file``: while it exists, the node sleeps that many seconds after committing a batch
and before replying (SNMS_TEST_DELAY_FILE, set on this process only).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
API_USER = "snms_api"
API_PASSWORD = "Upstream!Node2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_db_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin_connect(url: str):
    from park_portal.devservices import admin_connection

    return admin_connection(url)


def recreate_database(url: str) -> None:
    from psycopg import sql

    conn, name = _admin_connect(url)
    with conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class SecondNode:
    def __init__(self, db_url: str, *, workers: int = 2, redis_url: str | None = None):
        self.db_url = db_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.proc: subprocess.Popen | None = None
        self.delay_file = Path(tempfile.gettempdir()) / f"snms-delay-{uuid.uuid4().hex[:8]}"
        self.log_path = Path(tempfile.gettempdir()) / f"second-node-{self.port}.log"
        self.env = dict(os.environ)
        self.env.update(
            {
                "DATABASE_URL": db_url,
                "DJANGO_SETTINGS_MODULE": "park_portal.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECURE_SSL": "0",
                "CACHE_KEY_PREFIX": f"second-node-{uuid.uuid4().hex[:6]}",
                "CELERY_QUEUE": f"second-node-void-{uuid.uuid4().hex[:6]}",
                "UPSTREAM_NODE_URL": "",
                "SNMS_TEST_DELAY_FILE": str(self.delay_file),
                "PARK_NAME": "上级二级节点",
                "PARK_CODE": "101",
                "LOG_LEVEL": "WARNING",
            }
        )
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.env.pop("TEST_DATABASE_NAME", None)

    # ------------------------------------------------------------ database
    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def prepare(self) -> SecondNode:
        recreate_database(self.db_url)
        self.manage("bootstrap", "--verbosity", "0")
        self.manage("sync_node_seed", "--api-user", API_USER, "--api-password", API_PASSWORD)
        return self

    def approve_applications(self) -> str:
        return self.manage("sync_node_seed", "--approve-applications").stdout

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.db_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            cursor = conn.execute(query, params or [])
            return cursor.fetchall() if cursor.description else []

    def drop(self) -> None:
        from psycopg import sql

        self.stop()
        conn, name = _admin_connect(self.db_url)
        with conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    # ------------------------------------------------------------ process
    def start(self, timeout: float = 60) -> None:
        if self.proc and self.proc.poll() is None:
            return
        self.launch(
            [
                "gunicorn", "park_portal.wsgi:application", "-b", f"127.0.0.1:{self.port}",
                "-w", str(self.workers), "--timeout", "300", "--graceful-timeout", "2",
            ],
            name="second node",
            timeout=timeout,
        )  # fmt: skip

    def launch(self, module_argv: list[str], *, name: str, timeout: float = 60) -> None:
        """Run ``python -m <module_argv>`` in a session of its own (stop() kills the group) and
        wait until /healthz answers, polling; fail with the log's path if it exits first."""
        from tests.conftest import wait_for

        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *module_argv],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def answering() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited at start; log: {self.log_path}")
            try:
                return requests.get(f"{self.url}/healthz", timeout=1).status_code < 500
            except requests.RequestException:
                return False

        try:
            wait_for(answering, timeout=timeout)
        except AssertionError:
            raise RuntimeError(f"{name} did not start; log: {self.log_path}") from None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def set_delay(self, seconds: float | None) -> None:
        if seconds is None:
            self.delay_file.unlink(missing_ok=True)
        else:
            self.delay_file.write_text(str(seconds))

    # ------------------------------------------------------------ reads
    def identifier_counts(self, like: str) -> dict[str, int]:
        rows = self.sql(
            "SELECT handle, count(*) FROM identifiers_identifier WHERE handle LIKE %s GROUP BY handle", [like]
        )
        return {handle: n for handle, n in rows}

    def identifier_values(self, handle: str) -> tuple[str, list] | None:
        rows = self.sql('SELECT status, "values" FROM identifiers_identifier WHERE handle = %s', [handle])
        return rows[0] if rows else None
