#!/usr/bin/env python
"""Per-request CPU of the resolution server's ASGI app, in process (no sockets, no wrk): the
load-independent figure the warm and cold paths are tuned by.

    DATABASE_URL=<a bench database> .venv/bin/python tests/perf/profile_resolution_server.py \
        [--requests N] [--cold] [--profile]

Warm: one handle asked ``N`` times (after one miss). Cold (``--cold``): ``N`` distinct handles,
each a miss, ``BATCH`` at once (the batcher reads them together, as under load). Prints CPU
microseconds per request (time.process_time) and, with ``--profile``, cProfile's top entries.
The database must hold the bench's identifiers (tests/perf/bench_resolution.py loads them).
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("RESOLUTION_RATE_LIMIT", "1000000000/m")

from apps.resolution import server  # noqa: E402

HOST = b"park.localhost"
PREFIX = "88.101.bench"
BATCH = int(os.environ.get("PROFILE_BATCH", "32"))


def _flag(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def scope(path: str) -> dict:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
        "headers": [(b"host", HOST), (b"user-agent", b"wrk"), (b"accept", b"*/*")],
    }  # fmt: skip


async def one(path: str, sent: list) -> None:
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await server.app(scope(path), receive, send)


async def main() -> None:
    requests = _flag("--requests", 20000)
    cold = "--cold" in sys.argv
    startup = iter([{"type": "lifespan.startup"}])

    async def lifespan_receive():
        return next(startup)

    async def lifespan_send(message):
        assert message["type"] == "lifespan.startup.complete", message

    task = asyncio.create_task(server.app({"type": "lifespan"}, lifespan_receive, lifespan_send))
    await asyncio.sleep(0.5)  # started (startup complete), then waits for shutdown forever
    sent: list = []
    await one(f"/api/handles/{PREFIX}/o0000001", sent)
    assert sent[0]["status"] == 200, sent
    for n in range(2, 2 + BATCH):  # the pool's connections open, statements prepared
        await one(f"/api/handles/{PREFIX}/o{n:07d}", sent)
    profiler = cProfile.Profile() if "--profile" in sys.argv else None
    sent.clear()
    started = time.process_time()
    if profiler:
        profiler.enable()
    if cold:
        first = 2 + BATCH
        for at in range(first, first + requests, BATCH):
            await asyncio.gather(
                *(one(f"/api/handles/{PREFIX}/o{n:07d}", sent) for n in range(at, at + BATCH))
            )
    else:
        path = f"/api/handles/{PREFIX}/o0000001"
        for _ in range(requests):
            await one(path, sent)
    if profiler:
        profiler.disable()
    took = time.process_time() - started
    statuses = {m["status"] for m in sent if m["type"] == "http.response.start"}
    done = sum(1 for m in sent if m["type"] == "http.response.start")
    print(f"{'cold' if cold else 'warm'}: {done} requests, statuses {statuses}, "
          f"{took / done * 1e6:.1f} us CPU per request (process_time)")  # fmt: skip
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(25)
    task.cancel()


asyncio.run(main())
