#!/usr/bin/env python
"""Provisioning an enterprise schema: cloning the base schema vs running the migrations.

Runs on its own database (``<dev db>_bench``). Each round provisions a fresh schema both ways
exactly as ``Enterprise.create_schema`` does (clone + faked migration records, or CREATE SCHEMA +
migrate) and drops it again; prints the median of each and the ratio (target: clone ≥ 5×).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _benchdb  # noqa: E402

ROUNDS = 5
TARGET_RATIO = 5.0


def main() -> int:
    url = _benchdb.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from apps.tenants.models import Enterprise

    def provision(schema: str, *, clone: bool) -> float:
        tenant = Enterprise(schema_name=schema)  # never saved: create_schema needs only the name
        with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=clone):
            started = time.perf_counter()
            tenant.create_schema(check_if_exists=False, verbosity=0)
            took = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
        connection.set_schema_to_public()
        return took

    with connection.cursor() as cursor:  # leftovers of an interrupted run
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_%'")
        for (schema,) in cursor.fetchall():
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    clone_times, migrate_times = [], []
    provision("bench_warmup", clone=True)  # first use creates the clone_schema() SQL function
    for i in range(ROUNDS):
        clone_times.append(provision(f"bench_clone_{i}", clone=True))
        migrate_times.append(provision(f"bench_migrate_{i}", clone=False))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
            [settings.TENANT_BASE_SCHEMA],
        )
        tables = cursor.fetchone()[0]
    clone = statistics.median(clone_times)
    migrate = statistics.median(migrate_times)
    ratio = migrate / clone if clone else float("inf")
    print(
        f"database: {url.rsplit('/', 1)[-1]}; base schema '{settings.TENANT_BASE_SCHEMA}' has {tables} tables"
    )
    print(f"provision by clone      : median {clone * 1000:8.1f} ms over {ROUNDS} runs")
    print(f"provision by migrations : median {migrate * 1000:8.1f} ms over {ROUNDS} runs")
    print(f"ratio migrations/clone  : {ratio:.1f}x (target >= {TARGET_RATIO:.0f}x)")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
