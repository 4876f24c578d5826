#!/usr/bin/env python
"""The park workbench (the park staff's home page, issue 16) with 1,000 enterprises and
1,000,000 identifiers.

Runs on a database of its own (``<dev db>_workbench_bench``), bulk-loaded once in SQL and reused:
1,000 enterprises as registry rows only — the park page never enters a tenant schema, so no
schema is cloned — with a prefix each, 1,000,000 identifiers over the last 60 days (folded into
the daily summary, with the last 2,000 left past the mark as the live tail a page adds up),
30 days of hourly resolution stats for every prefix (720,000 rows with latency histograms),
1,000,000 sent outbox rows plus a backlog and failures, a billed month for every enterprise
(a tenth overdue), change requests, build cases, applications. BENCH_WORKBENCH_SCALE=0.05 loads
a twentieth of it (into a database of its own) for a quick look.

Prints, as medians over ROUNDS requests through the whole stack (Django test client: middleware,
session, context processors, template), the park workbench's server time and SQL statements,
against the baseline of the same request with the workbench unregistered (core's link-grid page
on the same base template) measured in the same run; and the global search by handle and by
object code. Target: the workbench under 0.3 s.
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

SCALE = float(os.environ.get("BENCH_WORKBENCH_SCALE", 1))
ENTERPRISES = int(1000 * SCALE)
IDENTIFIERS = int(1_000_000 * SCALE)
OUTBOX_SENT = int(1_000_000 * SCALE)
TAIL = 2000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 7))
TARGET_SECONDS = 0.3
HOST = "park.localhost"


def _own_database() -> None:
    _benchdb.bench_database_url()  # loads the dev services' environment
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/park_portal")
    suffix = "_workbench" if SCALE == 1 else f"_workbench{ENTERPRISES}"
    if not base.rstrip("/").endswith(suffix):
        os.environ["DATABASE_URL"] = base.rstrip("/") + suffix


def load() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.billing.models import Bill
    from apps.buildcases.choices import BuildMode, Stage
    from apps.buildcases.models import BuildCase
    from apps.identifiers.models import Identifier, Prefix
    from apps.metadata.models import MetadataTemplate, TemplateChangeRequest, TemplateVersion
    from apps.tenants.models import Enterprise, Park
    from apps.workbench import services

    if Enterprise.objects.filter(is_park_operator=False).count() >= ENTERPRISES:
        return
    started = time.perf_counter()
    print(f"loading {ENTERPRISES} enterprises, {IDENTIFIERS:,} identifiers (once) ...", flush=True)
    park = Park.objects.get()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    statuses = ["active"] * 17 + ["suspended", "applied", "rejected"]
    with transaction.atomic():
        enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    schema_name=f"wb_{n:04d}",
                    name=f"工作台基准企业{n:04d}有限公司",
                    code=f"WB{n:04d}",
                    credit_code=f"91320594WBEN{n:06d}",
                    status=statuses[n % len(statuses)],
                    contact_name="张三",
                    contact_phone="13800000000",
                    contact_email=f"wb{n}@example.com",
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
        Prefix.objects.filter(enterprise__in=enterprises[::100]).update(upstream_status="rejected")
        template, _ = MetadataTemplate.objects.get_or_create(
            owner=None,
            code="bench-workbench",
            defaults={"name": "工作台基准", "level": "park", "category": "manufacturing"},
        )
        version, _ = TemplateVersion.objects.get_or_create(
            template=template, number=1, defaults={"status": "published", "effective_items": []}
        )
        with connection.cursor() as cursor:
            # identifiers over the last 60 days, oldest first (ids grow with time, as registered)
            cursor.execute(
                """
                INSERT INTO identifiers_identifier (
                    created_at, updated_at, handle, handle_ci, prefix_id, suffix, object_code, security_code,
                    enterprise_id, category, template_version_id, name, status, "values")
                SELECT %s::timestamptz - ((%s - g) * (interval '60 days' / %s)), now(),
                       p.prefix || '/w' || g, lower(p.prefix || '/w' || g), p.id, 'w' || g, 'w' || g, '',
                       p.enterprise_id, 'manufacturing', %s, '', 'active', '[]'::jsonb
                FROM generate_series(1, %s) AS g
                JOIN (SELECT id, prefix, enterprise_id, (row_number() OVER (ORDER BY id)) - 1 AS rn
                      FROM identifiers_prefix WHERE prefix LIKE %s) p
                  ON p.rn = (g::bigint * 7919) %% %s
                """,
                [
                    now,
                    IDENTIFIERS,
                    IDENTIFIERS,
                    version.pk,
                    IDENTIFIERS,
                    f"{park.prefix_root}.WB%",
                    ENTERPRISES,
                ],
            )
            # 30 days of hourly stats for every prefix, with a latency histogram
            cursor.execute(
                """
                INSERT INTO resolution_resolutionstat (hour, prefix, enterprise_id, count, not_found, latency_buckets, top)
                SELECT %s::timestamptz - (h * interval '1 hour'), lower(p.prefix), p.enterprise_id,
                       20 + (p.rn * 7 + h) %% 50, (p.rn + h) %% 3,
                       '[0,0,5,9,6,4,2,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0]'::jsonb, '{}'::jsonb
                FROM generate_series(0, 719) h
                CROSS JOIN (SELECT id, prefix, enterprise_id, row_number() OVER (ORDER BY id) AS rn
                            FROM identifiers_prefix WHERE prefix LIKE %s) p
                """,
                [now, f"{park.prefix_root}.WB%"],
            )
            cursor.execute(
                """
                INSERT INTO sync_outboxentry (operation, handle, payload, status, attempts, last_error, created_at, sent_at)
                SELECT 'create', 'bench/' || g, '{}'::jsonb,
                       CASE WHEN g <= %s THEN 'sent' WHEN g <= %s + 500 THEN 'pending'
                            WHEN g <= %s + 520 THEN 'failed' ELSE 'waiting_data' END,
                       0, '', now() - interval '1 day', CASE WHEN g <= %s THEN now() ELSE NULL END
                FROM generate_series(1, %s + 530) g
                """,
                [OUTBOX_SENT] * 4 + [OUTBOX_SENT],
            )
        today = timezone.localdate()
        Bill.objects.bulk_create(
            Bill(
                number=f"WB-{e.code}",
                enterprise=e,
                period=dt.date(today.year, today.month, 1) - dt.timedelta(days=1),
                status="issued",
                total="100.00",
                due_date=today + dt.timedelta(days=-5 if n % 10 == 0 else 20),
            )
            for n, e in enumerate(enterprises)
        )
        TemplateChangeRequest.objects.bulk_create(
            TemplateChangeRequest(
                template=template, enterprise=e, proposed_item={}, reason="基准", status="pending"
            )
            for e in enterprises[:25]
        )
        from apps.accounts.models import User

        owner, _ = User.objects.get_or_create(username="bench_wb_admin", defaults={"park_role": "park_admin"})
        BuildCase.objects.bulk_create(
            BuildCase(
                title=f"基准案例{n}",
                mode=BuildMode.ENTERPRISE,
                enterprise=enterprises[n],
                owner=owner,
                stage=list(Stage)[n % 6],
                started_on=today,
                stage_entered_at=timezone.now(),
            )
            for n in range(min(30, ENTERPRISES))
        )
    # The summary as the 5-minute fold keeps it: everything but the last TAIL registrations.
    from apps.workbench.models import SummaryMark

    mark = Identifier.objects.order_by("-id").values_list("id", flat=True).first() - TAIL
    SummaryMark.objects.update_or_create(name=services.REGISTRATIONS, defaults={"last_id": mark})
    with connection.cursor() as cursor:
        cursor.execute(services._fold_sql("i.id <= %s"), [timezone.get_current_timezone_name(), mark])
        cursor.execute("ANALYZE")
    print(f"loaded in {time.perf_counter() - started:.1f}s", flush=True)


def measure(client, path: str) -> tuple[float, int, int]:
    from django.db import connection

    counts = {"n": 0}

    def count(execute, sql, params, many, context):
        counts["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        response = client.get(path, HTTP_HOST=HOST)
        took = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return took, counts["n"], len(response.content)


def rounds(client, path: str) -> tuple[float, int, int]:
    for _ in range(2):  # warm: the process's caches, PostgreSQL's buffers
        measure(client, path)
    runs = [measure(client, path) for _ in range(ROUNDS)]
    return statistics.median(t for t, _n, _b in runs), runs[-1][1], runs[-1][2]


def main() -> int:
    _own_database()
    _benchdb.setup(migrate=False)
    from django.core.management import call_command

    call_command("bootstrap", verbosity=0)
    load()
    from django.test import Client

    from apps.accounts.models import User
    from apps.core import views as core_views
    from apps.identifiers.models import Identifier
    from apps.workbench import selectors
    from apps.workbench.models import SummaryMark

    admin, _ = User.objects.get_or_create(username="bench_wb_admin", defaults={"park_role": "park_admin"})
    client = Client()
    client.force_login(admin)
    identifiers = Identifier.objects.count()
    tail = Identifier.objects.filter(id__gt=SummaryMark.objects.get().last_id).count()

    workbench_time, workbench_sql, workbench_bytes = rounds(client, "/")
    park_view = core_views.HOME_PAGES.pop("park")
    try:
        base_time, base_sql, _ = rounds(client, "/")
    finally:
        core_views.HOME_PAGES["park"] = park_view
    figures = selectors.park_figures()
    print(
        f"{ENTERPRISES} enterprises (registry rows, no schemas), {identifiers:,} identifiers "
        f"({tail:,} past the summary's mark), "
        f"{figures['resolutions']['total']:,} resolutions in the last 24 h"
    )
    print(
        f"park workbench: {workbench_time * 1000:.0f} ms server time, {workbench_sql} SQL statements, "
        f"{workbench_bytes:,} bytes (median of {ROUNDS})"
    )
    print(
        f"baseline (core's link grid, same base template): {base_time * 1000:.0f} ms, {base_sql} SQL statements; "
        f"workbench = {workbench_time / base_time:.1f}x, +{(workbench_time - base_time) * 1000:.0f} ms"
    )
    handle = Identifier.objects.order_by("id").values_list("handle", "object_code").first()
    for label, q in (("handle", handle[0]), ("object code", handle[1]), ("enterprise name", "基准企业0999")):
        took, sql, _ = rounds(client, f"/workbench/search/?q={q}")
        print(f"search by {label}: {took * 1000:.0f} ms, {sql} SQL statements")
    ok = workbench_time < TARGET_SECONDS
    print("target met" if ok else f"TARGET MISSED (target < {TARGET_SECONDS * 1000:.0f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
