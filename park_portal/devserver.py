"""``make run``: the portal, a Celery worker and Celery beat together; Ctrl-C stops all three,
and the embedded PostgreSQL and Redis too when this run's ``make services`` started them (with
DATABASE_URL / REDIS_URL unset); servers that were already running are left running.

The web process is the device server (apps.terminals.server) under granian on the one public
port: it answers the device API of terminal authentication itself and hands everything else to
the resolution server (apps.resolution.server), which answers the resolution paths and hands
every other request to Django's ASGI application in the same process, so the two-command set-up
keeps one URL and exercises the same servers as production (where nginx does the routing,
deploy/nginx).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from park_portal import devservices
from park_portal.env import VAR_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=int(os.environ.get("PARK_PORT", "8000")))
    args = parser.parse_args(argv)
    py = sys.executable
    VAR_DIR.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    commands = {
        "web": [
            py,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--host",
            "0.0.0.0",
            "--port",
            str(args.port),
            "--workers",
            "1",
            "apps.terminals.server:app",
        ],  # fmt: skip
        "worker": [
            py,
            "-m",
            "celery",
            "-A",
            "park_portal",
            "worker",
            "-c",
            "2",
            "-P",
            "threads",
            "--loglevel",
            "INFO",
        ],
        "beat": [
            py,
            "-m",
            "celery",
            "-A",
            "park_portal",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(VAR_DIR / "celerybeat-schedule"),
        ],
    }
    subprocess.run([py, "manage.py", "demo_info", "--port", str(args.port)], env=env, check=False)
    procs = {name: subprocess.Popen(cmd, env=env, start_new_session=True) for name, cmd in commands.items()}
    embedded = devservices.started_by_last_up()
    if os.environ.get("DATABASE_URL"):
        embedded.discard("postgres")
    if os.environ.get("REDIS_URL"):
        embedded.discard("redis")

    def stop(*_):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        stopped = ["web", "worker", "beat"]
        if embedded:
            devservices.down(postgres="postgres" in embedded, redis="redis" in embedded)
            stopped += [{"postgres": "PostgreSQL", "redis": "Redis"}[name] for name in sorted(embedded)]
        print(f"\nPark Portal stopped ({', '.join(stopped)}).")
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"{name} exited with {proc.returncode}; stopping the others", file=sys.stderr)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
