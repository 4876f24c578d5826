"""Bare granian applications for the resolution bench's ceiling figures: each returns one fixed
body (the warm answer's bytes, read from ``BARE_BODY_FILE``) with the resolution server's header
set, and does nothing else. What they reach against nginx serving the same file is the most the
interface allows on this machine (ASGI: ``asgi_app``; RSGI, granian's native one: ``rsgi_app``).

    granian --interface asgi tests.perf.bare_servers:asgi_app
    granian --interface rsgi tests.perf.bare_servers:rsgi_app
"""

from __future__ import annotations

import os

BODY = open(os.environ.get("BARE_BODY_FILE", "/dev/null"), "rb").read()  # noqa: SIM115
_HEADERS = [
    ("content-type", "application/json"),
    ("access-control-allow-origin", "*"),
    ("access-control-expose-headers", "Link, Location, Retry-After"),
    ("x-request-id", "0123456789abcdef0123456789abcdef"),
]
ASGI_START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(name.encode(), value.encode()) for name, value in _HEADERS],
}
ASGI_BODY = {"type": "http.response.body", "body": BODY}


async def asgi_app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await send(ASGI_START)
    await send(ASGI_BODY)


class _Rsgi:
    def __rsgi_init__(self, loop):
        pass

    def __rsgi_del__(self, loop):
        pass

    async def __rsgi__(self, scope, protocol):
        protocol.response_bytes(200, _HEADERS, BODY)


rsgi_app = _Rsgi()
