#!/usr/bin/env python
"""Resolution benchmark (``make bench``): the production server configuration under wrk.

One run, one server (gunicorn with deploy/gunicorn.conf.py as is — gthread, workers = cores,
keep-alive — only the bind address and the access-log target changed; DEBUG off, rate limit on
but high), wrk on loopback with the park Host header:

  (a) floor — /bench/floor: same server and middleware, a fixed JSON body of the same size,
      no cache, no database (bench-only view, PARK_BENCH_ENDPOINTS=1);
  (b) warm  — GET /api/handles/<h> over 1,000 handles already in cache;
  (c) cold  — GET /api/handles/<h> over distinct random handles across all identifiers, caches
      flushed and server restarted: every request is a miss that reads the database;
  (d) DRF   — a plain DRF RetrieveAPIView over the same table (same 1,000 handles).

Cold throughput is measured with 10,000 and with 1,000,000 identifiers in the table, the same way
(distinct handles in a random order, ``COLD_SECONDS`` each so no handle is asked twice).
Data lives in its own database: <DATABASE_URL name>_bench_resolution.
Env: BENCH_IDENTIFIERS (default 1000000), BENCH_SECONDS (default 10), BENCH_CONNECTIONS (32).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

TOTAL = int(os.environ.get("BENCH_IDENTIFIERS", "1000000"))
SMALL = 10_000
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
COLD_SECONDS = int(os.environ.get("BENCH_COLD_SECONDS", "4"))
HOST = "park.localhost"
PREFIX = "88.101.bench"
HOT = 1000


def handle_of(n: int) -> str:
    return f"{PREFIX}/o{n:07d}"


def setup_django() -> str:
    from park_portal.env import load_services_env
    from tests.perf import _benchdb

    load_services_env()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/park_portal")
    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "park_portal") + "_bench_resolution"
    url = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "park_portal.settings")
    os.environ["CACHE_KEY_PREFIX"] = "pp-bench-resolution"
    _benchdb._create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("bootstrap", verbosity=0)
    return url


def load(count_from: int, count_to: int) -> float:
    """COPY identifiers ``count_from+1 .. count_to`` into the registry; returns seconds."""
    from django.db import connection

    from apps.identifiers.models import Identifier, Prefix
    from apps.metadata.models import MetadataTemplate, TemplateVersion
    from apps.tenants.models import Enterprise

    operator = Enterprise.objects.get(schema_name="public")
    prefix, _ = Prefix.objects.get_or_create(
        prefix=PREFIX, defaults={"enterprise": operator, "status": "active"}
    )
    template, _ = MetadataTemplate.objects.get_or_create(
        code="BENCH", level="park", defaults={"name": "基准模板", "category": "equipment"}
    )
    version, _ = TemplateVersion.objects.get_or_create(
        template=template, number=1, defaults={"status": "published"}
    )
    table = Identifier._meta.db_table
    started = time.perf_counter()
    columns = (
        "created_at, updated_at, handle, handle_ci, suffix, object_code, security_code, category, name, "
        "status, values, enterprise_id, template_version_id, prefix_id"
    )
    now = "2026-01-01 00:00:00+00"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            buf = io.StringIO()
            for n in range(count_from + 1, count_to + 1):
                suffix = f"o{n:07d}"
                handle = f"{PREFIX}/{suffix}"
                values = json.dumps(
                    [
                        {
                            "index": 2000,
                            "type": "name",
                            "data": {"format": "string", "value": f"设备{n}"},
                            "ttl": 86400,
                        },
                        {
                            "index": 2001,
                            "type": "model",
                            "data": {"format": "string", "value": "XK-200"},
                            "ttl": 86400,
                        },
                        {
                            "index": 1,
                            "type": "URL",
                            "data": {"format": "string", "value": f"https://e.example/{n}"},
                        },
                    ],
                    ensure_ascii=False,
                ).replace("\\", "\\\\")
                buf.write(
                    f"{now}\t{now}\t{handle}\t{handle.lower()}\t{suffix}\t{suffix}\t\tequipment\t设备{n}\tactive\t"
                    f"{values}\t{operator.pk}\t{version.pk}\t{prefix.pk}\n"
                )
                if n % 50_000 == 0:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
        cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def reset_table() -> None:
    from django.db import connection

    from apps.identifiers.models import Identifier

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Identifier._meta.db_table} CASCADE")


def flush_cache() -> None:
    from apps.resolution.cache import namespace, redis_client

    client = redis_client()
    for key in client.scan_iter(match=f"{namespace()}:*", count=10_000):
        client.delete(key)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL": "0",  # loopback, no TLS terminator in front
        "PARK_BENCH_ENDPOINTS": "1",
        "RESOLUTION_RATE_LIMIT": "1000000000/m",  # on (one INCR per request) but never reached
    }
    env.pop("PYTEST_VERSION", None)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    cmd = [gunicorn, "park_portal.wsgi:application"]
    conf = ROOT / "deploy" / "gunicorn.conf.py"
    if conf.exists():
        cmd += ["-c", str(conf)]
    # command-line options override the config file: loopback port, access log thrown away
    cmd += ["-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
    log = open(Path(workdir) / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited:\n" + (Path(workdir) / "server.log").read_text()[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    return proc, port


def fetch(port: int, path: str) -> tuple[int, bytes]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": HOST})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


LUA = """
local paths = {}
local n = 0
for line in io.lines("%(file)s") do n = n + 1; paths[n] = line end
math.randomseed(%(seed)d)
request = function()
  return wrk.format("GET", paths[math.random(1, n)])
end
"""

# Distinct handles in a pseudo-random order: i -> (a*i + b) mod n with a coprime to n, so no
# handle repeats before all n were asked (a repeat would be a warm hit, not a cold one).
LUA_DISTINCT = """
local i = 0
request = function()
  i = i + 1
  local k = (%(mult)d * i + %(offset)d) %% %(count)d + 1
  return wrk.format("GET", string.format("%(template)s", k))
end
"""


def cold_lua(tmp: str, name: str, count: int, offset: int) -> str:
    import math

    mult = 7919
    while math.gcd(mult, count) != 1:
        mult += 2
    body = LUA_DISTINCT % {
        "mult": mult,
        "offset": offset,
        "count": count,
        "template": f"/api/handles/{PREFIX}/o%07d",
    }
    return write_lua(tmp, name, body)


def wrk(port: int, *, path: str = "/", script: str | None = None, seconds: int = SECONDS) -> dict:
    cmd = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-H", f"Host: {HOST}"]
    if script:
        cmd += ["-s", script]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": rps,
        "p50": pct("50"),
        "p99": pct("99"),
        "requests": int(total.group(1)) if total else 0,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "errors": errors.group(0) if errors else "",
    }


def write_lua(tmp: str, name: str, body: str) -> str:
    path = os.path.join(tmp, name)
    Path(path).write_text(body)
    return path


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)")
        return 1
    url = setup_django()
    conf = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), conf)
    print(
        f"database: {urlsplit(url).path.lstrip('/')}; gunicorn {conf['worker_class']}: "
        f"{conf['workers']} workers x {conf['threads']} threads, keep-alive {conf['keepalive']}s; "
        f"wrk: 1 thread, {CONNECTIONS} connections, {SECONDS}s per run ({COLD_SECONDS}s cold); "
        f"{os.cpu_count()} CPUs; load average at start: {load_average()}"
    )
    tmp = tempfile.mkdtemp(prefix="bench-resolution-")
    results: dict[str, dict] = {}

    def fresh_server():
        flush_cache()
        proc, port_ = start_server(tmp)
        wrk(port_, path=f"/bench/floor?size={size}", seconds=2)  # warm up the workers
        return proc, port_

    reset_table()
    took = load(0, SMALL)
    print(f"loaded {SMALL:,} identifiers in {took:.1f}s")
    flush_cache()
    server, port = start_server(tmp)
    try:
        status, body = fetch(port, f"/api/handles/{handle_of(1)}")
        assert status == 200, (status, body[:300])
        size = len(body)
        floor_status, floor_body = fetch(port, f"/bench/floor?size={size}")
        assert floor_status == 200 and len(floor_body) == size, (floor_status, len(floor_body), size)
        drf_status, _ = fetch(port, f"/bench/drf/{handle_of(1)}")
        assert drf_status == 200, drf_status
        server.terminate()
        server.wait(timeout=30)

        server, port = fresh_server()
        results["cold_10k"] = wrk(
            port, script=cold_lua(tmp, "cold_small.lua", SMALL, 17), seconds=COLD_SECONDS
        )
        server.terminate()
        server.wait(timeout=30)

        took = load(SMALL, TOTAL)
        print(f"loaded {TOTAL - SMALL:,} more identifiers in {took:.1f}s (total {TOTAL:,})")
        server, port = fresh_server()
        results["cold_1m"] = wrk(port, script=cold_lua(tmp, "cold_big.lua", TOTAL, 31), seconds=COLD_SECONDS)
        results["floor"] = wrk(port, path=f"/bench/floor?size={size}")
        hot_file = os.path.join(tmp, "hot.txt")
        Path(hot_file).write_text("\n".join(f"/api/handles/{handle_of(n)}" for n in range(1, HOT + 1)) + "\n")
        hot_lua = write_lua(tmp, "hot.lua", LUA % {"file": hot_file, "seed": 2})
        wrk(port, script=hot_lua, seconds=3)  # fill Redis and every worker's in-process cache
        results["warm"] = wrk(port, script=hot_lua)
        drf_file = os.path.join(tmp, "drf.txt")
        Path(drf_file).write_text("\n".join(f"/bench/drf/{handle_of(n)}" for n in range(1, HOT + 1)) + "\n")
        drf_lua = write_lua(tmp, "drf.lua", LUA % {"file": drf_file, "seed": 4})
        results["drf"] = wrk(port, script=drf_lua)
    finally:
        server.terminate()
        server.wait(timeout=30)
        flush_cache()

    names = {
        "floor": "(a) floor: fixed JSON, no DB",
        "warm": "(b) resolution, warm cache",
        "cold_1m": f"(c) resolution, cold, random over {TOTAL:,}",
        "drf": "(d) plain DRF RetrieveAPIView",
        "cold_10k": f"    resolution, cold, random over {SMALL:,}",
    }
    print(f"\nresponse body: {size} bytes")
    print(f"{'':46s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s}  non-2xx")
    for key in ("floor", "warm", "cold_1m", "drf", "cold_10k"):
        r = results[key]
        print(
            f"{names[key]:46s} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f}  {r['non2xx']} {r['errors']}"
        )
    if results["cold_10k"]["requests"] > SMALL:
        print(
            f"note: the 10,000 run asked {results['cold_10k']['requests']:,} requests: some were repeats (warm)"
        )
    a, b, c, d = (results[k]["rps"] for k in ("floor", "warm", "cold_1m", "drf"))
    small = results["cold_10k"]["rps"]
    checks = [
        ("(b)/(a) warm vs floor", b / a, ">= 0.60", b / a >= 0.60),
        ("(c)/(a) cold vs floor", c / a, ">= 0.30", c / a >= 0.30),
        ("(b)/(d) warm vs DRF", b / d, ">= 3.0", b / d >= 3.0),
        (f"cold {TOTAL:,} vs {SMALL:,}", c / small, "within 10%", abs(c / small - 1) <= 0.10),
    ]
    print()
    for label, ratio, target, ok in checks:
        print(f"{label:32s} {ratio:6.2f}  target {target:11s} {'met' if ok else 'NOT MET'}")
    print(f"load average at end: {load_average()}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
