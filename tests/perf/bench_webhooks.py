#!/usr/bin/env python
"""Webhook deliveries per second to one local receiver.

The receiver is a small keep-alive HTTP/1.1 server in a process of its own (asyncio), answering
200 to every POST. N events are written the way the portal writes them (one audit_write_many of
identifier registrations: the webhooks receiver turns them into N outbox rows in the same
transaction), then ``apps.webhooks.delivery.webhook_drain`` sends them all, signed, in order, with
every attempt logged. Baseline in the same run: raw POSTs of the same bodies to the same receiver
from one client over one keep-alive connection (no database, no signing). Target: >= 1,000/s.
"""

from __future__ import annotations

import asyncio
import http.client
import multiprocessing
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
import _benchdb  # noqa: E402

N = int(os.environ.get("BENCH_WEBHOOKS_N", "20000"))
BASELINE_N = int(os.environ.get("BENCH_WEBHOOKS_BASELINE_N", "5000"))
TARGET = 1000.0


def _serve(port_queue) -> None:
    async def handle(reader, writer):
        reply = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                writer.write(reply)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port_queue.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


def baseline(port: int, bodies: list[bytes]) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    started = time.perf_counter()
    for body in bodies:
        conn.request("POST", "/hook", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        assert response.status == 200
    took = time.perf_counter() - started
    conn.close()
    return len(bodies) / took


def main() -> int:
    _benchdb.setup()
    from django.db import transaction

    from apps.audit.services import AuditRecord, audit_write_many
    from apps.tenants.selectors import park_get
    from apps.webhooks.choices import DeliveryState
    from apps.webhooks.delivery import webhook_drain
    from apps.webhooks.models import Delivery, Subscription
    from apps.webhooks.services import subscription_create, webhook_settings_update

    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    port = ports.get(timeout=30)
    try:
        Subscription.objects.filter(description="bench").delete()
        webhook_settings_update(actor=None, allow_internal_targets=True)
        operator = park_get().operator
        sub = subscription_create(
            owner=operator, actor=None, url=f"http://127.0.0.1:{port}/hook", kinds=["identifier.registered"],
            description="bench",
        )  # fmt: skip

        started = time.perf_counter()
        with transaction.atomic():
            audit_write_many(
                AuditRecord(
                    action="identifier.register",
                    object_type="identifiers.Identifier",
                    object_id=i,
                    object_repr=f"88.101.BENCH/obj-{i:07d}",
                    changes={"values": [None, 8]},
                    tenant_schema="public",
                )
                for i in range(N)
            )
        enqueue = time.perf_counter() - started
        queued = Delivery.objects.filter(subscription=sub).count()
        assert queued == N, queued
        bodies = [
            b.encode() for b in Delivery.objects.filter(subscription=sub).values_list("body", flat=True)
        ]
        base = baseline(port, bodies[:BASELINE_N])

        started = time.perf_counter()
        totals = webhook_drain(max_seconds=600)
        took = time.perf_counter() - started
        delivered = Delivery.objects.filter(subscription=sub, state=DeliveryState.DELIVERED).count()
        assert delivered == N == totals["delivered"], (delivered, totals)
        rate = N / took
        print(f"events written: {N} audit entries + outbox rows in {enqueue:.2f}s ({N / enqueue:,.0f}/s)")
        print(f"baseline: raw POSTs, one client, keep-alive: {base:,.0f}/s ({BASELINE_N} requests)")
        print(
            f"webhook_drain: {rate:,.0f} deliveries/s ({N} signed, ordered, logged) "
            f"= {rate / base:.2f}x the raw POST rate; target >= {TARGET:,.0f}/s: "
            + ("ok" if rate >= TARGET else "MISSED")
        )
        sub.delete()
        return 0 if rate >= TARGET else 1
    finally:
        server.terminate()


if __name__ == "__main__":
    sys.exit(main())
