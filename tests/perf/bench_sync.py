#!/usr/bin/env python
"""Identifiers per second synced to a second instance of this project (batch size 1000).

The park runs on ``<dev db>_bench``; the upstream is a second instance (gunicorn on loopback,
database ``<dev db>_bench_up``, bootstrapped fresh). N outbox rows are drained by
``apps.sync.services.sync_drain`` in batches of 1000 through the SNMS batchCreate API, where
every identifier goes through the upstream's registration service. Baseline in the same run:
the same kind of identifier sent one request at a time (``POST /identityv2/data``).
Target: >= 1,500 identifiers/s.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
import _benchdb  # noqa: E402

N = int(os.environ.get("BENCH_SYNC_N", "10000"))
SINGLE_N = int(os.environ.get("BENCH_SYNC_SINGLE_N", "300"))
BATCH = 1000
TARGET = 1500.0
PREFIX = "88.101.BENCH"
VERSION = "bench-1"


def main() -> int:
    url = _benchdb.setup()
    from tests.sync.node import API_PASSWORD, API_USER, SecondNode, with_db_name

    name = url.rsplit("/", 1)[-1]
    node = SecondNode(with_db_name(url, f"{name}_up"), workers=2).prepare()
    node.start()
    try:
        return run(node, API_USER, API_PASSWORD)
    finally:
        node.drop()


def run(node, api_user: str, api_password: str) -> int:
    from apps.sync.client import SnmsClient
    from apps.sync.models import OutboxEntry, OutboxStatus, PushedTemplate, UpstreamLink
    from apps.sync.services import sync_drain
    from tests.sync.applications import documented_application

    client = SnmsClient(base_url=node.url, username=api_user, password=api_password, timeout=120)
    client.enterprise_apply(
        documented_application(
            name="基准测试科技有限公司",
            credit_code="91320594MA1R7Y3F08",
            prefix=PREFIX,
            contact_name="张三",
            contact_phone="13800000000",
            contact_email="bench@example.com",
        )
    )
    node.approve_applications()
    items = [
        ("名称", "name", 2000),
        ("型号", "model", 2001),
        ("序列号", "serial", 2002),
        ("厂家", "maker", 2003),
    ]
    client.template_create(
        {
            "prefix": PREFIX,
            "version": VERSION,
            "industryCategory": "C",
            "industrySpecific": "34",
            "industryTrade": "341",
            "industrySubclass": "3411",
            "type": 1,
            "description": "基准模板",
            "items": [
                {
                    "name": n,
                    "idType": c,
                    "idIndex": i,
                    "required": c == "name",
                    "metadata": {"type": "string", "minLength": 0, "maxLength": 64},
                }
                for n, c, i in items
            ],
        }
    )
    run_id = uuid.uuid4().hex[:6]

    def values(i: int) -> list[dict]:
        return [
            {"index": 2000, "type": "name", "data": {"format": "string", "value": f"设备{i}"}},
            {"index": 2001, "type": "model", "data": {"format": "string", "value": f"M-{i % 50}"}},
            {"index": 2002, "type": "serial", "data": {"format": "string", "value": f"SN{run_id}{i:08d}"}},
            {"index": 2003, "type": "maker", "data": {"format": "string", "value": "某某机械有限公司"}},
        ]

    # Baseline: one identifier per request.
    client.login()
    started = time.perf_counter()
    for i in range(SINGLE_N):
        client.identifier_create(
            {
                "handle": f"{PREFIX}/s{run_id}{i}",
                "templateVersion": VERSION,
                "value": [dict(v, auth="") for v in values(i)],
            }
        )
    single_rate = SINGLE_N / (time.perf_counter() - started)

    from apps.tenants.choices import NodeMode
    from apps.tenants.models import Park

    # This park is an enterprise node of the benchmark's upstream (secondary) node.
    mode_before = Park.objects.values_list("node_mode", flat=True).first()
    Park.objects.update(node_mode=NodeMode.ENTERPRISE)
    UpstreamLink.objects.all().delete()
    OutboxEntry.objects.all().delete()
    UpstreamLink.objects.create(
        url=node.url, username=api_user, password=api_password, batch_size=BATCH, timeout_seconds=300
    )
    PushedTemplate.objects.get_or_create(prefix=PREFIX, version=VERSION)
    OutboxEntry.objects.bulk_create(
        [
            OutboxEntry(
                operation="create",
                handle=f"{PREFIX}/b{run_id}{i}",
                payload={"templateVersion": VERSION, "values": values(i)},
            )
            for i in range(N)
        ],
        batch_size=2000,
    )
    started = time.perf_counter()
    try:
        result = sync_drain()
    finally:
        took = time.perf_counter() - started
        Park.objects.update(node_mode=mode_before)
    sent = OutboxEntry.objects.filter(status=OutboxStatus.SENT).count()
    upstream = node.sql(
        "SELECT count(*) FROM identifiers_identifier WHERE handle LIKE %s", [f"{PREFIX}/b{run_id}%"]
    )[0][0]
    rate = N / took
    print(
        f"identifiers: {N}, batch size {BATCH}, batches {result.get('batches')}, sent {sent}, upstream rows {upstream}"
    )
    print(f"batched sync (batchCreate)  : {rate:8.0f} identifiers/s ({took:.1f} s)")
    print(f"one per request (baseline)  : {single_rate:8.0f} identifiers/s over {SINGLE_N}")
    print(f"ratio batched/single        : {rate / single_rate:.1f}x; target >= {TARGET:.0f}/s")
    if sent != N or upstream != N:
        print("FAILED: not everything arrived exactly once")
        return 1
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
