#!/usr/bin/env python
"""Rendering the park evaluation report over 100 enterprises and 1,000,000 identifiers.

Runs on a database of its own (``<dev db>_reports_bench``), bulk-loaded once in SQL
(generate_series) and reused by later runs. Prints, as medians over a few runs: the SQL
aggregation of all sections, the audit-chain verification, the WeasyPrint rendering, and the
whole report; the baseline is the same report for an empty period (fixed rendering cost)
measured in the same run. Target: the whole park report under 10 s.

The audit chain is topped up to AUDIT_CHAIN entries: the full verification (what every report
did before the checkpoint, and what the nightly task does) is timed against the incremental
check a report now does after AUDIT_TAIL new entries.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _benchdb  # noqa: E402

ENTERPRISES = 100
IDENTIFIERS = 1_000_000
RESOLUTION_DAYS = 30
OUTBOX = 50_000
AUDIT = 5_000
AUDIT_CHAIN = 300_000
AUDIT_TAIL = 500
ROUNDS = 3
TARGET_SECONDS = 10.0
CATEGORIES = ["manufacturing", "logistics", "rnd_design", "enterprise_bill", "enterprise_personnel"]


def _own_database() -> None:
    _benchdb.bench_database_url()  # loads the dev services' environment
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/park_portal")
    if not base.rstrip("/").endswith("_reports"):
        os.environ["DATABASE_URL"] = base.rstrip("/") + "_reports"


def load() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.audit.services import AuditRecord, audit_write_many
    from apps.identifiers.models import Identifier, Prefix
    from apps.metadata.models import MetadataTemplate, TemplateVersion
    from apps.resolution.models import ResolutionStat
    from apps.sync.models import OutboxEntry
    from apps.tenants.models import Enterprise, Park

    if Identifier.objects.count() >= IDENTIFIERS:
        return
    started = time.perf_counter()
    print(f"loading {ENTERPRISES} enterprises and {IDENTIFIERS:,} identifiers (once) ...", flush=True)
    park = Park.objects.get()
    with transaction.atomic():
        Identifier.objects.all().delete()
        Prefix.objects.all().delete()
        Enterprise.objects.filter(is_park_operator=False).delete()
        industries = ["C3911", "C3432", "G5990", "I6510", "C2614"]
        enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    schema_name=f"bench_{n:03d}",
                    name=f"基准测试企业{n:03d}有限公司",
                    short_name=f"企业{n:03d}",
                    credit_code=f"91320594BENCH{n:05d}",
                    code=f"B{n:03d}",
                    status="active" if n % 10 else "suspended",
                    contact_name="张三",
                    contact_phone="13800000000",
                    contact_email=f"b{n}@example.com",
                    industry_code=industries[n % len(industries)],
                    approved_at=timezone.now() - dt.timedelta(days=n),
                )
                for n in range(ENTERPRISES)
            ]
        )
        Prefix.objects.bulk_create(
            [
                Prefix(prefix=f"{park.prefix_root}.{e.code}", enterprise=e, status="active")
                for e in enterprises
            ]
        )
        items = [
            {"name": "名称", "code": "name", "index": 2000, "required": True, "grade": 1, "is_public": True},
            {"name": "型号", "code": "model", "index": 2001, "required": True, "grade": 1, "is_public": True},
            {
                "name": "工艺",
                "code": "process",
                "index": 2002,
                "required": True,
                "grade": 2,
                "is_public": False,
            },
            {"name": "备注", "code": "note", "index": 2003, "required": False, "grade": 1, "is_public": True},
        ]
        versions = []
        for category in CATEGORIES:
            template, _ = MetadataTemplate.objects.get_or_create(
                owner=None,
                code=f"bench-{category}",
                defaults={"name": category, "level": "park", "category": category},
            )
            version, _ = TemplateVersion.objects.get_or_create(
                template=template, number=1, defaults={"status": "published", "effective_items": items}
            )
            versions.append(version.pk)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO identifiers_identifier (
                    created_at, updated_at, handle, handle_ci, prefix_id, suffix, object_code, security_code,
                    enterprise_id, category, template_version_id, name, status, "values"
                )
                SELECT now() - ((g %% 90) * interval '1 day'), now(),
                       p.prefix || '/o' || g, lower(p.prefix || '/o' || g), p.id, 'o' || g, 'o' || g, '',
                       p.enterprise_id, (%s::text[])[g %% 5 + 1], (%s::bigint[])[g %% 5 + 1], '设备' || g,
                       CASE WHEN g %% 100 = 0 THEN 'withdrawn' ELSE 'active' END,
                       jsonb_build_array(
                         jsonb_build_object('index', 2000, 'type', 'name',
                           'data', jsonb_build_object('format', 'string', 'value', '设备' || g)),
                         jsonb_build_object('index', 2001, 'type', 'model',
                           'data', jsonb_build_object('format', 'string',
                             'value', CASE WHEN g %% 40 = 0 THEN '' ELSE 'M-' || (g %% 97) END)))
                FROM generate_series(1, %s) AS g
                JOIN (SELECT id, prefix, enterprise_id, (row_number() OVER (ORDER BY id)) - 1 AS rn
                      FROM identifiers_prefix) p ON p.rn = g %% %s
                """,
                [CATEGORIES, versions, IDENTIFIERS, ENTERPRISES],
            )
            cursor.execute(
                "UPDATE identifiers_identifier SET withdrawn_at = created_at + interval '1 day' "
                "WHERE status = 'withdrawn'"
            )
        ResolutionStat.objects.all().delete()
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        stats = []
        for hour in range(RESOLUTION_DAYS * 24):
            for e in enterprises:
                stats.append(
                    ResolutionStat(
                        hour=now - dt.timedelta(hours=hour + 1),
                        prefix=f"{park.prefix_root}.{e.code}".lower(),
                        enterprise=e,
                        count=200,
                        not_found=3,
                        latency_buckets=[0, 20, 120, 40, 10, 5, 3, 1, 1] + [0] * 15,
                    )
                )
        ResolutionStat.objects.bulk_create(stats, batch_size=5000)
        OutboxEntry.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO sync_outboxentry (operation, handle, payload, status, attempts, last_error,
                                              created_at, sent_at)
                SELECT 'create', 'bench/' || g, '{}'::jsonb,
                       CASE WHEN g %% 500 = 0 THEN 'failed' WHEN g %% 97 = 0 THEN 'pending' ELSE 'sent' END,
                       1, CASE WHEN g %% 500 = 0 THEN 'timeout' ELSE '' END,
                       now() - ((g %% 30) * interval '1 day'),
                       CASE WHEN g %% 97 = 0 OR g %% 500 = 0 THEN NULL
                            ELSE now() - ((g %% 30) * interval '1 day') + interval '20 seconds' END
                FROM generate_series(1, %s) g
                """,
                [OUTBOX],
            )
    audit_write_many(
        [AuditRecord(action="bench.load", object_type="bench", object_id=n) for n in range(AUDIT)]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"loaded in {time.perf_counter() - started:.1f}s", flush=True)


def ensure_audit_chain() -> None:
    from apps.audit.models import AuditEntry
    from apps.audit.services import AuditRecord, audit_write_many

    missing = AUDIT_CHAIN - AuditEntry.objects.count()
    if missing <= 0:
        return
    started = time.perf_counter()
    print(f"topping the audit chain up to {AUDIT_CHAIN:,} entries (once) ...", flush=True)
    while missing > 0:
        batch = min(missing, 20_000)
        audit_write_many(
            [AuditRecord(action="bench.chain", object_type="bench", object_id=n) for n in range(batch)]
        )
        missing -= batch
    print(f"audit chain loaded in {time.perf_counter() - started:.1f}s", flush=True)


def audit_figures() -> dict[str, float]:
    """Full verification (old per-report cost, now nightly) vs the incremental report check."""
    from apps.audit.models import AuditEntry
    from apps.audit.services import AuditRecord, audit_write_many
    from apps.reports.auditchain import audit_chain_check

    chain = AuditEntry.objects.count()
    t0 = time.perf_counter()
    full = audit_chain_check(full=True)
    t1 = time.perf_counter()
    audit_write_many(
        [AuditRecord(action="bench.tail", object_type="bench", object_id=n) for n in range(AUDIT_TAIL)]
    )
    t2 = time.perf_counter()
    tail = audit_chain_check()
    t3 = time.perf_counter()
    assert full.ok and tail.ok and tail.mode == "incremental", (full, tail)
    return {
        "chain": chain,
        "full": t1 - t0,
        "full_checked": full.checked,
        "tail": t3 - t2,
        "tail_checked": tail.checked,
    }


def main() -> int:
    _own_database()
    url = _benchdb.setup()
    from django.utils import timezone

    from apps.identifiers.models import Identifier
    from apps.reports import rendering, selectors

    load()
    ensure_audit_chain()
    audit = audit_figures()
    today = timezone.localdate()
    full = selectors.Scope(start=today - dt.timedelta(days=29), end=today)
    empty = selectors.Scope(start=dt.date(2001, 1, 1), end=dt.date(2001, 1, 31))

    def run(scope) -> dict[str, float]:
        t0 = time.perf_counter()
        data = selectors.report_data(scope, verify_audit=False)
        t1 = time.perf_counter()
        data["security"] = selectors.security_baseline()
        t2 = time.perf_counter()
        pdf = rendering.render_pdf(
            "reports/pdf/evaluation.html", rendering.evaluation_context(data, title="园区标识一体化评估报告")
        )
        t3 = time.perf_counter()
        return {
            "aggregate": t1 - t0,
            "audit": t2 - t1,
            "render": t3 - t2,
            "total": t3 - t0,
            "audit_checked": data["security"]["audit_checked"],
            "pages": rendering.page_count(pdf),
            "bytes": len(pdf),
        }

    run(empty)  # warm-up: fonts, templates, connections
    baseline = [run(empty) for _ in range(ROUNDS)]
    results = [run(full) for _ in range(ROUNDS)]

    def median(rows, key):
        return statistics.median(row[key] for row in rows)

    total = median(results, "total")
    base_total = median(baseline, "total")
    print(
        f"database: {url.rsplit('/', 1)[-1]}; identifiers: {Identifier.objects.count():,}; enterprises: {ENTERPRISES}"
    )
    print(
        f"park report, 30-day period : median {total:6.2f} s over {ROUNDS} runs "
        f"({results[0]['pages']} pages, {results[0]['bytes'] / 1024:.0f} KiB)"
    )
    print(f"  SQL aggregates (all sections) : {median(results, 'aggregate'):6.2f} s")
    print(
        f"  audit chain check, incremental ({results[0]['audit_checked']:,} entries): {median(results, 'audit'):6.2f} s"
    )
    print(f"  WeasyPrint render             : {median(results, 'render'):6.2f} s")
    print(
        f"audit chain of {audit['chain']:,}: full verify {audit['full']:6.2f} s ({audit['full_checked']:,} entries, "
        f"nightly task) vs report's incremental check {audit['tail'] * 1000:6.1f} ms "
        f"({audit['tail_checked']:,} entries after the checkpoint) -> {audit['full'] / audit['tail']:.0f}x"
    )
    print(f"baseline, empty period report : median {base_total:6.2f} s")
    print(f"ratio full/empty              : {total / base_total:.1f}x")
    print(
        f"target                        : < {TARGET_SECONDS:.0f} s -> {'ok' if total < TARGET_SECONDS else 'MISSED'}"
    )
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
