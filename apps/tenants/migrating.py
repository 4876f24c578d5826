"""Migrating thousands of enterprise schemas (issue 18).

django-tenants runs Django's ``migrate`` once per schema: each run loads the migration graph and
renders the project state, about a second of CPU per schema even with nothing to apply (the
12-minute no-op ``migrate_schemas`` its users report at 900 tenants). Here:

* Which schemas need anything is read from the database alone: every schema's
  ``django_migrations`` is asked, a few hundred schemas per query, whether it holds the graph's
  leaf migrations. A park of 10,000 up-to-date enterprises costs about twenty queries.
* Schemas that lag, grouped by what they lack, get the missing migrations as SQL: Django writes
  the SQL once (``collect_sql``, against the first schema of the group: every enterprise schema
  is a clone of the same base schema, so their tables, indexes and constraint names are the
  same), and each schema then runs that text with its own ``search_path``, ``batch`` schemas
  per transaction, on ``workers`` connections at once, and records the migrations in its
  ``django_migrations``. A failing schema rolls its batch back and is reported; the others go on.
* Content types the migrations add are copied from the base schema (``migrate``'s
  ``post_migrate`` makes them there).
* A migration that cannot be written as SQL (RunPython) falls back to django-tenants' executor
  for that group, one schema at a time, as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

log = logging.getLogger(__name__)

CHECK_CHUNK = 500  # schemas asked per query
BATCH = 50  # schemas per transaction when applying


@dataclass
class MigrateReport:
    schemas: int = 0
    up_to_date: int = 0
    migrated: int = 0
    fallback: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    statements: int = 0
    migrations: list[str] = field(default_factory=list)
    peak_connections: int = 0
    seconds: float = 0.0


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def leaf_migrations(loader: MigrationLoader | None = None) -> list[tuple[str, str]]:
    loader = loader or MigrationLoader(None, ignore_no_migrations=True)
    return sorted(loader.graph.leaf_nodes())


def schemas_missing(schemas: list[str], leaves: list[tuple[str, str]]) -> dict[str, frozenset]:
    """{schema: the leaf migrations it lacks} for the schemas that lack any; CHECK_CHUNK schemas
    per query."""
    if not schemas:
        return {}
    values = ", ".join(f"({_literal(a)}, {_literal(n)})" for a, n in leaves)
    wanted = frozenset(leaves)
    out: dict[str, frozenset] = {}
    with connection.cursor() as cursor:
        # a schema without the table (never migrated) lacks everything
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r'"
        )
        with_table = {row[0] for row in cursor.fetchall()}
        for schema in schemas:
            if schema not in with_table:
                out[schema] = wanted
        schemas = [s for s in schemas if s in with_table]
        for start in range(0, len(schemas), CHECK_CHUNK):
            chunk = schemas[start : start + CHECK_CHUNK]
            sql = " UNION ALL ".join(
                f"SELECT {_literal(s)}, app, name FROM {_quote(s)}.django_migrations "
                f"WHERE (app, name) IN ({values})"
                for s in chunk
            )
            cursor.execute(sql)
            have: dict[str, set] = defaultdict(set)
            for schema, app, name in cursor.fetchall():
                have[schema].add((app, name))
            for schema in chunk:
                missing = wanted - have.get(schema, set())
                if missing:
                    out[schema] = frozenset(missing)
    return out


def _plan_sql(schema: str) -> tuple[list, list[str] | None]:
    """The migrations ``schema`` lacks and their SQL, written once by Django for this schema;
    None for the SQL when one of them cannot be written as SQL."""
    connection.set_schema(schema, include_public=True)
    try:
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        if not plan:
            return [], []
        for migration, _backwards in plan:
            if not all(op.reduces_to_sql for op in migration.operations):
                return plan, None
        statements = executor.loader.collect_sql(plan)
    finally:
        connection.set_schema_to_public()
    return plan, statements


def _connect():
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=False,
    )


def _content_types_sql(base: str) -> str:
    return (
        "INSERT INTO django_content_type (app_label, model) "
        f"SELECT b.app_label, b.model FROM {_quote(base)}.django_content_type b "
        "WHERE NOT EXISTS (SELECT 1 FROM django_content_type c "
        "WHERE c.app_label = b.app_label AND c.model = b.model)"
    )


def _apply_sql(
    schemas: list[str],
    sql: str,
    records: list[tuple[str, str]],
    *,
    base: str | None,
    workers: int,
    batch: int,
    progress: Callable[[int, int], None] | None,
) -> tuple[int, dict[str, str]]:
    """Run ``sql`` in every schema (batch schemas per transaction, ``workers`` connections)."""
    now = timezone.now()
    record_sql = "INSERT INTO django_migrations (app, name, applied) VALUES " + ", ".join(
        f"({_literal(a)}, {_literal(n)}, {_literal(now.isoformat())})" for a, n in records
    )
    types_sql = _content_types_sql(base) if base else ""
    done = 0
    failed: dict[str, str] = {}
    lock = threading.Lock()
    batches = [schemas[i : i + batch] for i in range(0, len(schemas), batch)]

    def run(batch_schemas: list[str]) -> None:
        nonlocal done
        with _connect() as conn:
            try:
                with conn.transaction():
                    for schema in batch_schemas:
                        conn.execute(f"SET LOCAL search_path TO {_quote(schema)}, public")
                        conn.execute(sql)
                        conn.execute(record_sql)
                        if types_sql:
                            conn.execute(types_sql)
            except psycopg.Error as exc:
                # One bad schema must not hold back the others: its batch goes again one by one.
                if len(batch_schemas) > 1:
                    for schema in batch_schemas:
                        run([schema])
                    return
                with lock:
                    failed[batch_schemas[0]] = str(exc).strip()
                return
        with lock:
            done += len(batch_schemas)
            if progress:
                progress(done, len(schemas))

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for future in [pool.submit(run, b) for b in batches]:
            future.result()
    return done, failed


def migrate_schemas_fast(
    schemas: Iterable[str],
    *,
    workers: int = 2,
    batch: int = BATCH,
    fallback: Callable[[list[str]], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MigrateReport:
    """Bring ``schemas`` (enterprise schemas, cloned from the base schema) up to the migration
    graph. ``fallback(schemas)`` migrates a group whose migrations cannot be written as SQL."""
    started = time.perf_counter()
    schemas = list(schemas)
    report = MigrateReport(schemas=len(schemas))
    leaves = leaf_migrations()
    lagging = schemas_missing(schemas, leaves)
    report.up_to_date = len(schemas) - len(lagging)
    groups: dict[frozenset, list[str]] = defaultdict(list)
    for schema, missing in lagging.items():
        groups[missing].append(schema)
    base = getattr(settings, "TENANT_BASE_SCHEMA", None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [base or ""])
        if cursor.fetchone() is None:
            base = None
    for _missing, group in groups.items():
        plan, statements = _plan_sql(group[0])
        names = [f"{m.app_label}.{m.name}" for m, _b in plan]
        report.migrations = sorted(set(report.migrations) | set(names))
        if statements is None:
            if fallback is None:
                raise RuntimeError(f"migrations need Python and no fallback was given: {names}")
            fallback(group)
            report.fallback += len(group)
            continue
        sql = "\n".join(s for s in statements if not s.lstrip().startswith("--")).strip()
        report.statements = max(report.statements, len(statements))
        records = [(m.app_label, m.name) for m, _b in plan]
        done, failed = _apply_sql(
            group, sql or "SELECT 1", records, base=base, workers=workers, batch=batch, progress=progress
        )
        report.migrated += done
        report.failed.update(failed)
    report.seconds = time.perf_counter() - started
    return report
