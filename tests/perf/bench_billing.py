#!/usr/bin/env python
"""The monthly billing run for 1,000 enterprises over a month of 10,000,000 resolutions and
1,000,000 registrations (issue 13).

Runs on a database of its own (``<dev db>_billing_bench``), bulk-loaded once in SQL and reused:
1,000 enterprises with their data schemas (so storage is measured), a prefix each, the
month's identifiers and its hourly resolution stats (one row per enterprise and hour, 720,000
rows adding up to 10,000,000 resolutions), a price list with tiers, half the enterprises on a
plan and a one-off charge for every tenth. BENCH_BILLING_SCALE=0.05 loads a twentieth of it
(into a database of its own) for a quick look.

Prints, as medians over ROUNDS runs of ``billing_run_execute`` (the task's body, drafts deleted
between rounds): the usage read (set-based), the whole run, its SQL statements per enterprise,
and a bill PDF; the baseline is the same run over an empty month (the fixed cost of writing
1,000 bills) measured in the same process. Targets: the run under 60 s, fewer than 10 statements
per enterprise, a bill PDF under 0.5 s.
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

SCALE = float(os.environ.get("BENCH_BILLING_SCALE", 1))
ENTERPRISES = int(1000 * SCALE)
RESOLUTIONS = int(10_000_000 * SCALE)
REGISTRATIONS = int(1_000_000 * SCALE)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
PERIOD = dt.date(2026, 1, 1)
EMPTY_PERIOD = dt.date(2025, 11, 1)
TARGET_RUN_SECONDS = 60.0
TARGET_STATEMENTS = 10
TARGET_PDF_SECONDS = 0.5


def _own_database() -> None:
    _benchdb.bench_database_url()  # loads the dev services' environment
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/park_portal")
    suffix = "_billing" if SCALE == 1 else f"_billing{ENTERPRISES}"
    if not base.rstrip("/").endswith(suffix):
        os.environ["DATABASE_URL"] = base.rstrip("/") + suffix


def load() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.billing import services
    from apps.billing.models import ManualCharge, Plan, PlanAssignment, PriceList
    from apps.identifiers.models import Prefix
    from apps.metadata.models import MetadataTemplate, TemplateVersion
    from apps.tenants.models import Enterprise, Park

    if (
        Enterprise.objects.filter(is_park_operator=False).count() >= ENTERPRISES
        and PriceList.objects.exists()
    ):
        return
    started = time.perf_counter()
    print(
        f"loading {ENTERPRISES} enterprises, {REGISTRATIONS:,} registrations, {RESOLUTIONS:,} resolutions (once) ..."
    )
    park = Park.objects.get()
    joined = timezone.make_aware(dt.datetime(2025, 6, 1))
    with transaction.atomic():
        enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    schema_name=f"bill_{n:04d}",
                    name=f"计费基准企业{n:04d}有限公司",
                    code=f"BB{n:04d}",
                    credit_code=f"91320594BILL{n:06d}",
                    status="active",
                    contact_name="张三",
                    contact_phone="13800000000",
                    contact_email=f"bb{n}@example.com",
                )
                for n in range(ENTERPRISES)
            ]
        )
        Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]).update(created_at=joined)
        Prefix.objects.bulk_create(
            [
                Prefix(prefix=f"{park.prefix_root}.{e.code}", enterprise=e, status="active")
                for e in enterprises
            ]
        )
        # every twelfth prefix has its anniversary in the billed month
        Prefix.objects.filter(enterprise__in=enterprises[::12]).update(
            created_at=timezone.make_aware(dt.datetime(2025, 1, 15))
        )
        template, _ = MetadataTemplate.objects.get_or_create(
            owner=None,
            code="bench-billing",
            defaults={"name": "计费基准", "level": "park", "category": "manufacturing"},
        )
        version, _ = TemplateVersion.objects.get_or_create(
            template=template, number=1, defaults={"status": "published", "effective_items": []}
        )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO identifiers_identifier (
                    created_at, updated_at, handle, handle_ci, prefix_id, suffix, object_code, security_code,
                    enterprise_id, category, template_version_id, name, status, "values")
                SELECT %s::timestamptz + ((g %% (30 * 24)) * interval '1 hour'), now(),
                       p.prefix || '/r' || g, lower(p.prefix || '/r' || g), p.id, 'r' || g, 'r' || g, '',
                       p.enterprise_id, 'manufacturing', %s, '', 'active', '[]'::jsonb
                FROM generate_series(1, %s) AS g
                JOIN (SELECT id, prefix, enterprise_id, (row_number() OVER (ORDER BY id)) - 1 AS rn
                      FROM identifiers_prefix WHERE prefix LIKE %s) p
                  ON p.rn = (g::bigint * g) %% %s
                """,
                [
                    timezone.make_aware(dt.datetime(2026, 1, 1)),
                    version.pk,
                    REGISTRATIONS,
                    f"{park.prefix_root}.BB%",
                    ENTERPRISES,
                ],
            )
            per_row, remainder = divmod(RESOLUTIONS, ENTERPRISES * 720)
            cursor.execute(
                """
                INSERT INTO resolution_resolutionstat (hour, prefix, enterprise_id, count, not_found, latency_buckets, top)
                SELECT %s::timestamptz + (h * interval '1 hour'), lower(p.prefix), p.enterprise_id,
                       %s + CASE WHEN h * %s + p.rn <= %s THEN 1 ELSE 0 END, 0, '[]'::jsonb, '{}'::jsonb
                FROM generate_series(0, 719) h
                CROSS JOIN (SELECT id, prefix, enterprise_id, row_number() OVER (ORDER BY id) AS rn
                            FROM identifiers_prefix WHERE prefix LIKE %s) p
                """,
                [
                    timezone.make_aware(dt.datetime(2026, 1, 1)),
                    per_row,
                    ENTERPRISES,
                    remainder,
                    f"{park.prefix_root}.BB%",
                ],
            )
        plan = Plan.objects.create(
            code="bench", name="基准套餐", monthly_fee="299.00", resolution_allowance=5000
        )
        PlanAssignment.objects.bulk_create(
            PlanAssignment(enterprise=e, plan=plan, effective_from=dt.date(2025, 12, 1))
            for e in enterprises[::2]
        )
        ManualCharge.objects.bulk_create(
            ManualCharge(enterprise=e, period=PERIOD, description="现场勘察", reason="基准", unit_price="800")
            for e in enterprises[::10]
        )
    from apps.accounts.models import User

    services_actor, _ = User.objects.get_or_create(
        username="bench_finance", defaults={"park_role": "park_finance"}
    )
    services.price_list_create(
        actor=services_actor,
        name="基准资费",
        effective_from=dt.date(2025, 1, 1),
        prices=[
            {"kind": "prefix_annual", "unit_price": "1000"},
            {
                "kind": "registration",
                "tiers": [
                    {"from_quantity": 0, "to_quantity": 100, "unit_price": "0"},
                    {"from_quantity": 100, "to_quantity": 1000, "unit_price": "20"},
                    {"from_quantity": 1000, "to_quantity": None, "unit_price": "10"},
                ],
            },
            {"kind": "resolution", "unit_price": "5", "free_allowance": "2000"},
            {"kind": "storage", "unit_price": "2", "free_allowance": "0"},
            {"kind": "terminal", "unit_price": "3"},
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"loaded in {time.perf_counter() - started:.1f}s", flush=True)


CONTROL = ("SET search_path", "BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


def _mark_migrated(cursor, schema: str, base: str) -> None:
    """The base schema's migration history, so ``bootstrap`` (migrate_tenants) leaves the
    bench's partial schemas alone."""
    cursor.execute(
        f'CREATE TABLE IF NOT EXISTS "{schema}".django_migrations (LIKE "{base}".django_migrations INCLUDING ALL)'
    )
    cursor.execute(
        f'INSERT INTO "{schema}".django_migrations (app, name, applied) SELECT app, name, applied '
        f'FROM "{base}".django_migrations b WHERE NOT EXISTS '
        f'(SELECT 1 FROM "{schema}".django_migrations m WHERE m.app = b.app AND m.name = b.name)'
    )


def repair_schemas() -> None:
    """Every bench schema carries the base schema's whole migration history (a load interrupted
    half-way, or made before they carried one, is completed)."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT n.nspname FROM pg_namespace n WHERE n.nspname LIKE 'bill\\_%%'")
        for (schema,) in cursor.fetchall():
            _mark_migrated(cursor, schema, settings.TENANT_BASE_SCHEMA)


def ensure_schemas() -> None:
    """Each enterprise's data schema with the two tables storage is measured over (created LIKE
    the base schema's: cloning 1,000 whole schemas takes a quarter of an hour and adds nothing
    the storage query reads), and a few restricted values in every tenth."""
    from django.conf import settings
    from django.db import connection

    from apps.enterprise_data.models import Attachment, RestrictedValues
    from apps.tenants.models import Enterprise

    schemas = list(
        Enterprise.objects.filter(schema_name__startswith="bill_").values_list("schema_name", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bill\\_%%'")
        existing = {row[0] for row in cursor.fetchall()}
        missing = [s for s in schemas if s not in existing]
        if not missing:
            return
        print(f"creating {len(missing)} data schemas ...", flush=True)
        base = settings.TENANT_BASE_SCHEMA
        for number, schema in enumerate(missing):
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            for model in (RestrictedValues, Attachment):
                table = model._meta.db_table
                cursor.execute(
                    f'CREATE TABLE IF NOT EXISTS "{schema}"."{table}" (LIKE "{base}"."{table}" INCLUDING ALL)'
                )
            _mark_migrated(cursor, schema, base)
            if number % 10 == 0:
                cursor.execute(
                    f"""INSERT INTO "{schema}"."{RestrictedValues._meta.db_table}"
                        (created_at, updated_at, identifier_id, handle, "values")
                        SELECT now(), now(), g, 'bench/' || g, '[{{"index": 2002, "type": "process",
                          "data": {{"format": "string", "value": "工艺参数"}}, "grade": 2}}]'::jsonb
                        FROM generate_series(1, 2000) g"""
                )
                cursor.execute(
                    f"""INSERT INTO "{schema}"."{Attachment._meta.db_table}"
                        (created_at, updated_at, item_code, file, name, size, content_type)
                        VALUES (now(), now(), 'drawing', 'bench/x.pdf', 'x.pdf', 3221225472, 'application/pdf')"""
                )


def run_once(period: dt.date) -> tuple[float, int, int, dict]:
    from django.db import connection

    from apps.billing import services
    from apps.billing.models import Bill, BillingRun

    Bill.objects.filter(period=period).delete()
    run = BillingRun.objects.create(period=period)
    counts = {"all": 0, "work": 0}

    def count(execute, sql, params, many, context):
        counts["all"] += 1
        # statements that read or write; django-tenants' SET search_path before each cursor and
        # the transaction control around each bill and its audit entry are counted apart
        counts["work"] += not sql.startswith(CONTROL)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = services.billing_run_execute(run_id=run.pk)
        took = time.perf_counter() - started
    return took, counts["work"], counts["all"], result


def main() -> int:
    _own_database()
    _benchdb.setup(migrate=False)
    from django.core.management import call_command

    repair_schemas()
    call_command("bootstrap", verbosity=0)
    load()
    ensure_schemas()
    from apps.billing.models import Bill
    from apps.billing.rendering import bill_pdf
    from apps.billing.usage import usage_for_period

    usage_times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        usage = usage_for_period(PERIOD)
        usage_times.append(time.perf_counter() - started)
    total_res = sum(u.resolutions for u in usage.values())
    total_reg = sum(u.registrations for u in usage.values())
    print(
        f"usage read: {statistics.median(usage_times):.2f}s for {len(usage)} enterprises "
        f"({total_reg:,} registrations, {total_res:,} resolutions)"
    )

    empty = [run_once(EMPTY_PERIOD) for _ in range(ROUNDS)]
    full = [run_once(PERIOD) for _ in range(ROUNDS)]
    base_time = statistics.median(t for t, _s, _a, _r in empty)
    run_time = statistics.median(t for t, _s, _a, _r in full)
    statements = full[-1][1] / ENTERPRISES
    round_trips = full[-1][2] / ENTERPRISES
    print(f"empty month (fixed cost of {ENTERPRISES} bills): {base_time:.2f}s")
    print(f"full month: {run_time:.2f}s ({run_time / base_time:.2f}x the empty month), result {full[-1][3]}")
    print(
        f"SQL statements per enterprise: {statements:.1f} (target < {TARGET_STATEMENTS}); "
        f"{round_trips:.1f} round trips with search_path and transaction control"
    )

    bill = Bill.objects.filter(period=PERIOD).order_by("-total").first()
    pdf_times = []
    try:
        for _ in range(ROUNDS):
            started = time.perf_counter()
            pdf = bill_pdf(bill)
            pdf_times.append(time.perf_counter() - started)
        pdf_time = statistics.median(pdf_times)
        print(
            f"bill PDF ({bill.lines.count()} lines, {len(pdf):,} bytes): {pdf_time:.3f}s "
            f"({pdf_time / (run_time / ENTERPRISES):.1f}x one enterprise's share of the run)"
        )
    except Exception as exc:  # no CJK font: the run figures still stand
        pdf_time = 0.0
        print(f"bill PDF skipped: {exc}")
    ok = run_time < TARGET_RUN_SECONDS and statements < TARGET_STATEMENTS and pdf_time < TARGET_PDF_SECONDS
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
