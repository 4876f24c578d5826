#!/usr/bin/env python
"""10,000 enterprises in one park (issue 18, "Many tenants").

Runs on a database of its own (``<dev db>_tenants_bench``), created fresh and dropped at the end
(``--keep`` keeps it). The park grows to each size in two ways: the bulk as registry rows
(enterprise, domain, prefix) written in bulk with a schema each cloned by the approval's own
clone (``Enterprise.create_schema``, FILL_WORKERS connections at a time), then the last SAMPLE
enterprises before the size as a park administrator's mass onboarding brings them: an Excel file
read and checked by apps.imports.onboarding, the applications stored at once, and the onboarding
task's body (``onboarding_provision``, run in this process) approving them one at a time through
enterprise_approve (schema, domain, administrator, prefix and its upstream application, audit).
Measured, with the baselines taken in the same run:

* provisioning time per tenant at 100 / 1,000 / 10,000 existing tenants (median approval time
  of the SAMPLE onboarded as each size is reached): the curve; target 10,000th within 2x the 100th;
* ``manage.py bootstrap`` and ``manage.py migrate_tenants`` with nothing to apply at 10,000
  (target < 2 min), against django-tenants' own per-schema migrate timed on a sample in the same
  run and extrapolated;
* one new tenant-app migration (tests/perf/benchtenantapp: a table with an index) applied to all
  of them by ``bootstrap`` (apps.tenants.migrating; target < 15 min): wall time and the peak of
  connections to the database (pg_stat_activity sampled every 20 ms);
* the PostgreSQL catalog's size;
* the park dashboard, the enterprise list (page 1, a search; page and API) and the park
  evaluation report's data at every size: server time (median of ROUNDS, through the whole
  Django stack for pages) and SQL statements, which must not grow with the tenants;
* resolution throughput at 10,000 tenants against 3, over the same 20,000 identifiers: the
  3-tenant park is copied into ``<name>_small`` before the fill (CREATE DATABASE … TEMPLATE). At
  the end the big park's identifiers are spread over all its enterprises (two each at 10,000, as
  a real park's are; each keeps its suffix, its handle follows its new prefix), and both
  databases are settled alike (registry tables CLUSTERed on their primary keys, VACUUM ANALYZE,
  CHECKPOINT: the fill's writes leave the big one with another layout, dead rows and staler
  statistics). Then, in RESOLUTION_ROUNDS (9) interleaved rounds, in process: 2,000 registry
  misses (the prepared lookup), 600 Django requests each a registry miss (caches emptied) and
  1,000 Django requests answered from the cache, each also as CPU per request (this process's
  plus its PostgreSQL backend's, read from /proc: on a loaded shared machine the rates swing 2x
  from round to round, the CPU does not; printed with its own verdict); and through the
  resolution server as deployed (granian, fresh server per sample, wrk all-miss over 8,000
  distinct handles) in interleaved rounds. Graded on the median of the per-round ratios; target
  within 10%. ``--resolution-only`` repeats this comparison on a ``--keep`` run's databases.

``--quick``: sizes 100 / 300 / 1,000. The machine is shared (2 cores, other work running):
figures are noisy, ratios within one run are what to read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _benchdb  # noqa: E402

ROOT = _benchdb.ROOT
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
HOST = "park.localhost"
IDENTIFIERS = 20_000
SAMPLE = int(os.environ.get("BENCH_TENANTS_SAMPLE", 20))  # enterprises approved one by one at each size
FILL_WORKERS = int(os.environ.get("BENCH_TENANTS_FILL_WORKERS", 3))
PAGE_TARGET = 1.0
NOOP_TARGET = 120.0
MIGRATE_TARGET = 15 * 60.0


def _database_url() -> str:
    _benchdb.bench_database_url()  # loads the dev services' environment
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/park_portal")
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "park_portal"
    return urlunsplit(parts._replace(path=f"/{name}_tenants_bench"))


def _admin_conninfo(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def _drop_database(url: str) -> None:
    import psycopg

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(url: str, **extra: str) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=url, PYTHONPATH=f"{HERE}{os.pathsep}{ROOT}", **extra)
    return env


def _manage(url: str, *args: str, settings_module: str | None = None) -> float:
    env = _env(url)
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    out = result.stdout.strip().splitlines()
    for line in out:
        if "schemas:" in line:
            print(f"    {line}")
    return took


class PeakConnections:
    """The most connections to the database seen in pg_stat_activity, sampled every 20 ms from a
    connection of its own (not counted)."""

    def __init__(self, url: str):
        self.url, self.name = url, urlsplit(url).path.lstrip("/")
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self):
        import psycopg

        self.conn = psycopg.connect(self.url, autocommit=True)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            n = self.conn.execute(
                "SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = %s", [self.name]
            ).fetchone()[0]
            self.peak = max(self.peak, n)
            self._stop.wait(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()
        self.conn.close()


def credit_code(n: int) -> str:
    from stdnum.cn import uscc

    base = f"91320594BN{n:07d}"
    return base + uscc.calc_check_digit(base)


def excel(start: int, count: int) -> bytes:
    from openpyxl import Workbook

    from apps.imports.onboarding import COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([str(label) for _f, label, _r in COLUMNS])
    for n in range(start, start + count):
        sheet.append(
            [f"规模基准企业{n:05d}有限公司", f"基准{n:05d}", credit_code(n), f"BN{n:05d}", "张三",
             "13800000000", f"bn{n}@example.com", "C3484", "苏州工业园区"]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def onboard(start: int, count: int) -> tuple[list[float], float]:
    """Bring ``count`` enterprises in as a mass onboarding does (file checked, applications
    stored, the task's body approving them one by one through enterprise_approve); the seconds
    each enterprise's approval took, and the file's check time."""
    from apps.imports.onboarding import onboarding_check, onboarding_provision
    from apps.tenants.services import enterprise_apply_many

    data = excel(start, count)
    started = time.perf_counter()
    applications = onboarding_check(fileobj=io.BytesIO(data), name="bench.xlsx")
    check = time.perf_counter() - started
    ids = [e.pk for e in enterprise_apply_many(applications=applications)]
    per_tenant: list[float] = []
    last = [time.perf_counter()]

    def progress(_percent, _message):
        now = time.perf_counter()
        per_tenant.append(now - last[0])
        last[0] = now

    onboarding_provision(enterprise_ids=ids, progress=progress, batch_size=1)
    return per_tenant, check


def fill(start: int, count: int, workers: int = FILL_WORKERS) -> float:
    """The bulk of the park: registry rows (enterprise, domain, prefix) in bulk and a schema each
    by the approval's clone (Enterprise.create_schema), ``workers`` clones at a time. Returns
    the seconds per tenant."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from apps.identifiers.models import Prefix
    from apps.tenants.models import Domain, Enterprise, Park
    from apps.tenants.services import domain_for, schema_name_for

    started = time.perf_counter()
    park = Park.objects.get()
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"规模基准企业{n:05d}有限公司",
                short_name=f"基准{n:05d}",
                credit_code=credit_code(n),
                code=f"BN{n:05d}",
                schema_name=schema_name_for(f"BN{n:05d}"),
                status="active",
                contact_name="张三",
                contact_phone="13800000000",
                contact_email=f"bn{n}@example.com",
            )
            for n in range(start, start + count)
        ],  # fmt: skip
        batch_size=1000,
    )
    Domain.objects.bulk_create(
        [Domain(domain=domain_for(e), tenant=e, is_primary=True) for e in enterprises], batch_size=1000
    )
    Prefix.objects.bulk_create(
        [Prefix(prefix=f"{park.prefix_root}.{e.code}", enterprise=e, status="active") for e in enterprises],
        batch_size=1000,
    )

    def clone(chunk):
        try:
            for enterprise in chunk:
                enterprise.create_schema(check_if_exists=True, verbosity=0)
        finally:
            connection.close()

    chunks = [enterprises[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(clone, c) for c in chunks]:
            future.result()
    return (time.perf_counter() - started) / max(1, count)


def load_identifiers() -> None:
    from django.db import connection

    from apps.metadata.models import MetadataTemplate, TemplateVersion
    from apps.tenants.models import Park

    park = Park.objects.get()
    template, _ = MetadataTemplate.objects.get_or_create(
        owner=None,
        code="bench-tenants",
        defaults={"name": "规模基准", "level": "park", "category": "manufacturing"},
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
            SELECT now(), now(), p.prefix || '/t' || g, lower(p.prefix || '/t' || g), p.id, 't' || g, 't' || g, '',
                   p.enterprise_id, 'manufacturing', %s, '', 'active', '[]'::jsonb
            FROM generate_series(1, %s) AS g
            JOIN (SELECT id, prefix, enterprise_id, (row_number() OVER (ORDER BY id)) - 1 AS rn
                  FROM identifiers_prefix WHERE prefix LIKE %s) p ON p.rn = g %% 3
            """,
            [version.pk, IDENTIFIERS, f"{park.prefix_root}.BN%"],
        )
        cursor.execute("ANALYZE")


def use_database(name: str) -> None:
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name


REGISTRY_TABLES = (
    "identifiers_identifier", "identifiers_prefix", "tenants_enterprise", "metadata_templateversion",
    "metadata_metadatatemplate", "tenants_domain",
)  # fmt: skip


def spread_identifiers(url: str) -> None:
    """In the big park the 20,000 identifiers belong to enterprises spread over the whole
    registry (two each at 10,000), as a real park's do, instead of the first three: a lookup
    whose cost depends on where its owner sits in the enterprise or prefix table (a merge join
    walking a primary key from its first row) shows. Each keeps its suffix; its prefix, owner
    and handle become those of its new enterprise."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            """
            WITH p AS (SELECT id, prefix, enterprise_id, (row_number() OVER (ORDER BY id)) - 1 AS rn,
                              count(*) OVER () AS n
                       FROM identifiers_prefix WHERE prefix LIKE %s)
            UPDATE identifiers_identifier i
               SET prefix_id = p.id, enterprise_id = p.enterprise_id,
                   handle = p.prefix || '/' || i.suffix, handle_ci = lower(p.prefix || '/' || i.suffix)
              FROM p WHERE p.rn = substr(i.suffix, 2)::int %% p.n
            """,
            ["%.BN%"],
        )


def settle(url: str) -> None:
    """The same physical state in both databases before they are compared: the registry tables
    rewritten in primary-key order (CLUSTER: no dead rows, no bloat from the fill's or the
    spread's writes, the same row order), then VACUUM ANALYZE (fresh statistics, visibility
    map), then a CHECKPOINT."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in REGISTRY_TABLES:
            conn.execute(f"CLUSTER public.{table} USING {table}_pkey")
        conn.execute(f"VACUUM ANALYZE {', '.join('public.' + t for t in REGISTRY_TABLES)}")
        conn.execute("CHECKPOINT")


def handles_by_suffix(suffixes: list[str]) -> list[str]:
    """The handles of the given suffixes in the current database (the same identifiers, under
    their prefixes in this park)."""
    from apps.identifiers.models import Identifier

    found = dict(Identifier.objects.filter(suffix__in=suffixes).values_list("suffix", "handle"))
    return [found[s] for s in suffixes]


RESOLUTION_ROUNDS = int(os.environ.get("BENCH_RESOLUTION_ROUNDS", 9))
COLD_REQUESTS = 600
WARM_REQUESTS = 1000


def _backend_cpu() -> float:
    """CPU seconds the current database connection's PostgreSQL backend has used (same host:
    /proc of its process)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def resolution_rates(handles: list[str]) -> dict[str, float]:
    """On the current database, per second: registry misses (the prepared lookup, every handle
    once), whole Django requests each a registry miss (GET /api/handles/…, caches emptied
    first, COLD_REQUESTS distinct handles) and whole Django requests answered from the process's
    cache (WARM_REQUESTS over 200 handles); and the CPU each costs in µs, this process's plus
    its PostgreSQL backend's (load-independent, unlike the rates on a shared machine)."""
    from django.test import Client

    from apps.resolution import cache
    from apps.resolution.selectors import load_local_record

    def cpu() -> float:
        return time.process_time() + _backend_cpu()

    for h in handles[:50]:  # the connection's prepared statement, the pages PostgreSQL reads
        load_local_record(h.lower())
    spent, started = cpu(), time.perf_counter()
    for h in handles:
        assert load_local_record(h.lower()) is not None
    misses = len(handles) / (time.perf_counter() - started)
    miss_cpu = (cpu() - spent) / len(handles) * 1e6
    client = Client()
    cache.invalidate_all()
    cold = handles[-COLD_REQUESTS:]
    client.get(f"/api/handles/{handles[0]}", HTTP_HOST=HOST)
    spent, started = cpu(), time.perf_counter()
    for h in cold:
        response = client.get(f"/api/handles/{h}", HTTP_HOST=HOST)
        assert response.status_code == 200, response.status_code
    cold_rate = len(cold) / (time.perf_counter() - started)
    cold_cpu = (cpu() - spent) / len(cold) * 1e6
    hot = handles[:200]
    for h in hot:  # warm: the resolution caches
        client.get(f"/api/handles/{h}", HTTP_HOST=HOST)
    spent, started = cpu(), time.perf_counter()
    for n in range(WARM_REQUESTS):
        response = client.get(f"/api/handles/{hot[n % len(hot)]}", HTTP_HOST=HOST)
        assert response.status_code == 200, response.status_code
    warm = WARM_REQUESTS / (time.perf_counter() - started)
    warm_cpu = (cpu() - spent) / WARM_REQUESTS * 1e6
    return {
        "misses": misses,
        "cold requests": cold_rate,
        "warm requests": warm,
        "miss cpu": miss_cpu,
        "cold request cpu": cold_cpu,
        "warm request cpu": warm_cpu,
    }


def resolution_compare(big: str, small: str, suffixes: list[str]) -> list[dict[str, tuple[float, float]]]:
    """RESOLUTION_ROUNDS interleaved rounds on the big and the small database (order reversed
    every other round: a shared machine's speed drifts): per round, each figure as (big, small)."""
    handles = {}
    for name in (big, small):
        use_database(name)
        handles[name] = handles_by_suffix(suffixes)
    rounds = []
    for r in range(RESOLUTION_ROUNDS):
        got = {}
        for name in (big, small) if r % 2 == 0 else (small, big):
            use_database(name)
            got[name] = resolution_rates(handles[name])
        rounds.append({k: (got[big][k], got[small][k]) for k in got[big]})
    use_database(big)
    return rounds


SERVER_MISSES = 8000  # distinct handles per sample through the resolution server


def server_compare(big_url: str, small_url: str) -> list[tuple[float, float]]:
    """The resolution server (apps.resolution.server under granian, as deployed) answering
    all-miss traffic from wrk (32 connections): per round a fresh server on each database (its
    own cache prefix, so every request reads the registry), SERVER_MISSES distinct handles
    drawn from every identifier, order reversed every other round; (big, small) requests per second.
    Helpers from bench_resolution.py (server start, wrk and its all-miss script)."""
    import random
    import tempfile

    import bench_resolution as br

    from apps.identifiers.models import Identifier

    use_database(urlsplit(small_url).path.lstrip("/"))
    suffixes = sorted(Identifier.objects.values_list("suffix", flat=True))
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for url in (big_url, small_url):
            use_database(urlsplit(url).path.lstrip("/"))
            found = dict(Identifier.objects.values_list("suffix", "handle"))
            paths[url] = [f"/api/handles/{found[s]}" for s in suffixes]
        for r in range(max(3, ROUNDS)):
            picks = random.Random(r).sample(range(len(suffixes)), SERVER_MISSES + 2 * br.CONNECTIONS)
            got = {}
            for url in (big_url, small_url) if r % 2 == 0 else (small_url, big_url):
                tag = "big" if url == big_url else "small"
                listing = Path(tmp) / f"miss-{tag}-{r}.txt"
                listing.write_text("".join(paths[url][i] + "\n" for i in picks))
                marker = Path(tmp) / f"miss-{tag}-{r}.done"
                script = br.write_lua(
                    tmp, f"miss-{tag}-{r}.lua",
                    br.LUA_MISS % {"file": listing, "limit": SERVER_MISSES, "marker": marker},
                )  # fmt: skip
                server = br.start_granian(tmp, url, f"pp-bench-tenants-srv-{tag}-{r}")
                try:
                    br.fetch(server[1], br.GRANIAN_WARMUP)
                    got[url] = br.wrk(server[1], script=script, seconds=30, marker=str(marker))["rps"]
                finally:
                    br.stop(server[0])
            rounds.append((got[big_url], got[small_url]))
    return rounds


def measure(client, path: str) -> tuple[float, int]:
    from django.db import connection

    counts = {"n": 0}

    def count(execute, sql, params, many, context):
        counts["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        response = client.get(path, HTTP_HOST=HOST)
        took = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return took, counts["n"]


def report_measure() -> tuple[float, int]:
    from django.db import connection
    from django.utils import timezone

    from apps.reports.selectors import Scope, report_data

    today = timezone.localdate()
    scope = Scope(start=today - dt.timedelta(days=29), end=today)
    counts = {"n": 0}

    def count(execute, sql, params, many, context):
        counts["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        report_data(scope, verify_audit=False)
        took = time.perf_counter() - started
    return took, counts["n"]


def pages(client) -> dict[str, tuple[float, int]]:
    from apps.tenants.models import Enterprise

    last_page = max(1, -(-Enterprise.objects.filter(is_park_operator=False).count() // 50))
    out = {}
    for label, path in (
        ("park dashboard /", "/"),
        ("enterprise list /tenants/", "/tenants/"),
        ("enterprise list, search", "/tenants/?q=基准00001"),
        ("enterprise list, last page", f"/tenants/?page={last_page}"),
        ("API enterprises", "/api/v1/tenants/enterprises/"),
        ("API enterprises, search", "/api/v1/tenants/enterprises/?q=BN00001"),
    ):
        for _ in range(2):
            measure(client, path)
        runs = [measure(client, path) for _ in range(ROUNDS)]
        out[label] = (statistics.median(t for t, _n in runs), runs[-1][1])
    for _ in range(1):
        report_measure()
    runs = [report_measure() for _ in range(max(3, ROUNDS // 2))]
    out["park evaluation report (data)"] = (statistics.median(t for t, _n in runs), runs[-1][1])
    return out


def catalog() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r' "
            "ORDER BY 2 DESC LIMIT 6"
        )
        out = {name: size for name, size in cursor.fetchall()}
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r'"
        )
        out["pg_catalog total"] = int(cursor.fetchone()[0])
        cursor.execute("SELECT pg_database_size(current_database())")
        out["database"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_class")
        out["pg_class rows"] = cursor.fetchone()[0]
    return out


def resolution_report(url: str, small_url: str, suffixes: list[str], existing: int) -> bool:
    """Resolution at the big park against the 3-tenant one (both settled), printed; True when
    every median ratio is within 10%."""
    big_name, small_name = (urlsplit(u).path.lstrip("/") for u in (url, small_url))
    rounds = resolution_compare(big_name, small_name, suffixes)
    print(
        f"resolution at {existing:,} vs 3 tenants (two databases settled alike, {len(rounds)} interleaved "
        f"rounds, in process; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}):"
    )
    ok = True
    cpu_ok = True
    for key, unit in (
        ("misses", "/s"),
        ("cold requests", "/s"),
        ("warm requests", "/s"),
        ("miss cpu", " µs"),
        ("cold request cpu", " µs"),
        ("warm request cpu", " µs"),
    ):
        per_cpu = key.endswith("cpu")  # CPU per request, lower is better: small / big
        ratios = [(sm / b if per_cpu else b / sm) for b, sm in (r[key] for r in rounds)]
        big = statistics.median(r[key][0] for r in rounds)
        small = statistics.median(r[key][1] for r in rounds)
        ratio = statistics.median(ratios)
        print(
            f"  {key:<17} median {big:9,.0f}{unit} vs {small:9,.0f}{unit}: ratio {ratio:.2f}x "
            f"(per round {' '.join(f'{x:.2f}' for x in ratios)})"
        )
        if per_cpu:
            cpu_ok &= ratio >= 0.9
        else:
            ok &= ratio >= 0.9
    print(
        "  (CPU: this process's plus its PostgreSQL backend's, per request; the ratio is the small "
        f"park's over the big one's) CPU per request within 10%: {'met' if cpu_ok else 'MISSED'}"
    )
    server = server_compare(url, small_url)
    ratio = statistics.median(b / sm for b, sm in server)
    print(
        f"  resolution server, all-miss ({SERVER_MISSES:,} distinct handles, wrk 32 connections, fresh server per "
        f"sample): median {statistics.median(b for b, _ in server):,.0f}/s vs "
        f"{statistics.median(sm for _, sm in server):,.0f}/s: ratio {ratio:.2f}x "
        f"(per round {' '.join(f'{b / sm:.2f}' for b, sm in server)})"
    )
    ok &= ratio >= 0.9
    print(
        f"  target within 10% (every median ratio >= 0.90): {'met' if ok else 'MISSED'} "
        "(ratios of medians of interleaved rounds on a shared machine)"
    )
    return ok


def resolution_only(url: str, small_url: str) -> int:
    """``--resolution-only``: the comparison alone, on the databases a ``--keep`` run left."""
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="park_portal.settings",
        CACHE_KEY_PREFIX="pp-bench-tenants",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        RESOLUTION_RATE_LIMIT="100000000/m",
    )
    import django

    django.setup()
    from django.db import connections

    from apps.identifiers.models import Identifier
    from apps.tenants.models import Enterprise

    use_database(urlsplit(small_url).path.lstrip("/"))
    suffixes = list(Identifier.objects.order_by("?").values_list("suffix", flat=True)[:2000])
    use_database(urlsplit(url).path.lstrip("/"))
    existing = Enterprise.objects.filter(is_park_operator=False).count()
    connections.close_all()
    spread_identifiers(url)
    for each in (url, small_url):
        settle(each)
    return 0 if resolution_report(url, small_url, suffixes, existing) else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="sizes 100 / 300 / 1,000")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--sizes", help="comma-separated sizes, e.g. 50,100,200 (a smoke run)")
    parser.add_argument(
        "--resolution-only",
        action="store_true",
        help="only the resolution comparison, on a --keep run's databases",
    )
    args = parser.parse_args()
    sizes = [100, 300, 1000] if args.quick else [100, 1000, 10_000]
    if args.sizes:
        sizes = [int(n) for n in args.sizes.split(",")]

    url = _database_url()
    small_url = url + "_small"
    if args.resolution_only:
        return resolution_only(url, small_url)
    small_name = urlsplit(small_url).path.lstrip("/")
    big_name = urlsplit(url).path.lstrip("/")
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="park_portal.settings",
        CACHE_KEY_PREFIX="pp-bench-tenants",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        RESOLUTION_RATE_LIMIT="100000000/m",
    )
    _drop_database(url)
    _benchdb._create_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from apps.accounts.models import User
    from apps.identifiers.models import Identifier
    from apps.tenants.models import Enterprise

    call_command("bootstrap", verbosity=0)
    admin = User.objects.create(username="bench_tenants_admin", park_role="park_admin")
    client = Client()
    client.force_login(admin)
    results: dict[int, dict] = {}
    ok = True
    try:
        # 3 tenants: the resolution baseline and the pages' first figures
        onboard(0, 3)
        load_identifiers()
        suffixes = list(Identifier.objects.order_by("?").values_list("suffix", flat=True)[:2000])
        results[3] = pages(client)
        # the 3-tenant park kept as a database of its own, for resolution side by side at the end
        from django.db import connections

        connections.close_all()
        _drop_database(small_url)
        admin_url, big_name = _admin_conninfo(url)
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{small_name}" TEMPLATE "{big_name}"')
        count, curve, clone_curve = 3, {}, {}
        for size in sizes:
            started = time.perf_counter()
            clone_curve[size] = fill(count, size - SAMPLE - count)
            per_tenant, check = onboard(size - SAMPLE, SAMPLE)
            took = time.perf_counter() - started
            curve[size] = statistics.median(per_tenant)
            print(
                f"{size:,} tenants: +{size - count:,} in {took:.0f}s (bulk fill {clone_curve[size] * 1000:.0f} ms "
                f"per tenant on {FILL_WORKERS} connections); the last {SAMPLE} by mass onboarding: file check "
                f"{check:.2f}s, approval median {curve[size] * 1000:.0f} ms per tenant",
                flush=True,
            )
            count = size
            connection.cursor().execute("ANALYZE")
            results[size] = pages(client)
        top = sizes[-1]
        existing = Enterprise.objects.filter(is_park_operator=False).count()

        # migrate with nothing to apply, and django-tenants' per-schema migrate as the baseline
        noop_bootstrap = _manage(url, "bootstrap")
        noop_tenants = _manage(url, "migrate_tenants")
        sample = list(
            Enterprise.objects.exclude(schema_name="public").values_list("schema_name", flat=True)[:20]
        )
        started = time.perf_counter()
        for schema in sample:
            call_command("migrate_schemas", schema_name=schema, tenant=True, interactive=False, verbosity=0)
        per_schema = (time.perf_counter() - started) / len(sample)
        connection.set_schema_to_public()

        # one new tenant-app migration to every schema
        with PeakConnections(url) as peak:
            new_migration = _manage(url, "bootstrap", settings_module="_tenants_bench_settings")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relname = 'benchtenantapp_benchnote'"
            )
            tables = cursor.fetchone()[0]
        cat = catalog()
        connections.close_all()
        spread_identifiers(url)
        for each in (url, small_url):
            settle(each)
    except BaseException:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _drop_database(url)
            _drop_database(small_url)
        raise

    print()
    print(f"=== {existing:,} enterprises (each its own schema), database {urlsplit(url).path[1:]} ===")
    first = curve[sizes[0]]
    print(f"provisioning per tenant (median of the {SAMPLE} approved one by one as the size is reached):")
    for size in sizes:
        print(
            f"  at {size:>6,}: {curve[size] * 1000:7.1f} ms  ({curve[size] / first:.2f}x the {sizes[0]}th); "
            f"bulk fill before it {clone_curve[size] * 1000:.0f} ms per tenant"
        )
    flat = curve[top] <= 2 * first
    ok &= flat
    print(f"  target {top:,}th within 2x the {sizes[0]}th: {'met' if flat else 'MISSED'}")
    print(
        f"no-op `manage.py bootstrap` at {top:,}: {noop_bootstrap:.1f}s; `migrate_tenants`: {noop_tenants:.1f}s"
    )
    print(
        f"  baseline django-tenants migrate_schemas per schema (no-op, {len(sample)} sampled): "
        f"{per_schema * 1000:.0f} ms -> {per_schema * existing / 60:.1f} min for {existing:,} serially "
        f"({per_schema * existing / max(noop_tenants, 1e-9):.0f}x migrate_tenants)"
    )
    ok &= noop_bootstrap < NOOP_TARGET
    print(f"  target < {NOOP_TARGET:.0f}s: {'met' if noop_bootstrap < NOOP_TARGET else 'MISSED'}")
    print(
        f"new tenant-app migration to every schema (`bootstrap`, {tables:,} tables created): "
        f"{new_migration:.1f}s wall, peak {peak.peak} connections to the database"
    )
    ok &= new_migration < MIGRATE_TARGET and tables >= existing
    print(
        f"  target < {MIGRATE_TARGET / 60:.0f} min: {'met' if new_migration < MIGRATE_TARGET else 'MISSED'}"
    )
    print("catalog:")
    for name, size in cat.items():
        print(f"  {name:<28} {size / 1e6:10.1f} MB" if "rows" not in name else f"  {name:<28} {size:10,}")
    print("pages (median server time, SQL statements) by number of tenants:")
    labels = list(results[3])
    print("  " + " " * 32 + "".join(f"{n:>18,}" for n in results))
    for label in labels:
        cells = "".join(
            f"{results[n][label][0] * 1000:>10.0f} ms {results[n][label][1]:>4}q" for n in results
        )
        print(f"  {label:<32}{cells}")
        times_ok = results[top][label][0] < PAGE_TARGET
        same_sql = len({results[n][label][1] for n in results}) == 1
        ok &= times_ok and same_sql
        if not (times_ok and same_sql):
            print(f"    MISSED: {'over 1 s' if not times_ok else ''} {'' if same_sql else 'statements grow'}")
    try:
        ok &= resolution_report(url, small_url, suffixes, existing)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _drop_database(url)
            _drop_database(small_url)
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
