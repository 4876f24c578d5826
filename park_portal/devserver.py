"""``make run``: the portal, a Celery worker and Celery beat together; Ctrl-C stops all three."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from park_portal.env import VAR_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=int(os.environ.get("PARK_PORT", "8000")))
    args = parser.parse_args(argv)
    py = sys.executable
    VAR_DIR.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    commands = {
        "web": [py, "manage.py", "runserver", f"0.0.0.0:{args.port}", "--noreload"],
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

    def stop(*_):
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        print("\nPark Portal stopped (web, worker, beat).")
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
