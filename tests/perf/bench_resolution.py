#!/usr/bin/env python
"""Resolution benchmark (``make bench``): the production server configuration under wrk.

The server is gunicorn with deploy/gunicorn.conf.py as is (gthread, workers = cores,
keep-alive; only the bind address and the access-log target changed; DEBUG off, rate limit on
but high); wrk on loopback with the park Host header. With nginx installed the warm run is
repeated through a loopback nginx built from deploy/nginx (its ``location /`` proxy block, no
TLS); without it the output says the figures are gunicorn only.

  (a) floor: /bench/floor, same server and middleware, a fixed JSON body of the same size,
      no cache, no database (bench-only view, PARK_BENCH_ENDPOINTS=1);
  (b) warm: GET /api/handles/<h> over 1,000 handles already in cache;
  (c) cold: GET /api/handles/<h>, uniform random with replacement across every identifier,
      caches flushed and the server restarted first;
  (d) DRF: a plain DRF RetrieveAPIView over the same table (same 1,000 handles).

10,000 vs 1,000,000 identifiers, like for like: after each bulk load the table is VACUUM
ANALYZEd and CHECKPOINTed, then at both sizes the same two patterns run ``REPEATS`` times each
(fresh server, caches flushed), medians compared:

  all-miss: every request a distinct handle drawn at random, caches cold; the run stops after
      ``MISS_REQUESTS`` responses (fewer than 10,000, so no handle is ever asked twice) and the
      rate is timed from the first to the last of them. This is the graded "within 10%";
  uniform:  pattern (c) for ``BENCH_SECONDS``; at 10,000 the caches warm up during the run,
      so the ratio is printed for information only.

All-miss at 1,000,000 also runs with ``RESOLUTION_SHARED_CACHE=0`` (no Redis copy of local
records), for information. Exit status 1 when a target is missed or any run had non-2xx
responses or socket errors.

Data lives in its own database: <DATABASE_URL name>_bench_resolution, or BENCH_DATABASE_URL.
Env: BENCH_IDENTIFIERS (default 1000000), BENCH_SECONDS (10), BENCH_CONNECTIONS (32),
BENCH_REPEATS (3). ``--quick``: a reduced-size dry run (2,000 vs 20,000 identifiers, 2 s runs)
to check the script; its figures mean nothing.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

QUICK = "--quick" in sys.argv[1:]
TOTAL = 20_000 if QUICK else int(os.environ.get("BENCH_IDENTIFIERS", "1000000"))
SMALL = 2_000 if QUICK else 10_000
SECONDS = 2 if QUICK else int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
# Responses timed per all-miss run: requests in flight when it stops (one per connection) must
# still be distinct handles at the small size.
MISS_REQUESTS = int(SMALL * 0.8)
HOST = "park.localhost"
PREFIX = "88.101.bench"
HOT = 1000


def handle_of(n: int) -> str:
    return f"{PREFIX}/o{n:07d}"


def setup_django() -> str:
    from park_portal.env import load_services_env
    from tests.perf import _benchdb

    load_services_env()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
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
    return time.perf_counter() - started


def settle_table() -> float:
    """VACUUM ANALYZE + CHECKPOINT after a bulk load: visibility map set (index-only checks),
    statistics fresh, dirty pages written, so neither size pays for the load afterwards."""
    from django.db import connection

    from apps.identifiers.models import Identifier

    started = time.perf_counter()
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        cursor.execute(f"VACUUM ANALYZE {Identifier._meta.db_table}")
        cursor.execute("CHECKPOINT")
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


def start_server(workdir: str, extra_env: dict | None = None) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL": "0",  # loopback, no TLS terminator in front
        "PARK_BENCH_ENDPOINTS": "1",
        "RESOLUTION_RATE_LIMIT": "1000000000/m",  # on (one INCR per request) but never reached
        **(extra_env or {}),
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
    wait_for_port(proc, port, Path(workdir) / "server.log")
    return proc, port


def wait_for_port(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited:\n" + log.read_text()[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}:\n" + log.read_text()[-3000:])


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)


# ------------------------------------------------------------------ nginx from deploy/
def nginx_config(workdir: str, listen: int, backend: int) -> str:
    """deploy/nginx/park-portal.conf's upstream and ``location /`` proxy block, on loopback
    without TLS, with every path nginx writes inside ``workdir`` (runs unprivileged)."""
    deployed = (ROOT / "deploy" / "nginx" / "park-portal.conf").read_text()
    upstream = re.search(r"upstream park_portal \{.*?\n\}", deployed, re.S).group(0)
    upstream = re.sub(r"server 127\.0\.0\.1:\d+;", f"server 127.0.0.1:{backend};", upstream)
    location = re.search(r"    location / \{.*?\n    \}", deployed, re.S).group(0)
    temp = "\n".join(
        f"    {kind}_temp_path {workdir}/nginx-{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes auto;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
{temp}
{upstream}
server {{
    listen 127.0.0.1:{listen};
    server_name _;
{location}
}}
}}
"""


def start_nginx(workdir: str, backend: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    conf = Path(workdir) / "nginx.conf"
    conf.write_text(nginx_config(workdir, port, backend))
    log = Path(workdir) / "nginx-error.log"
    cmd = [shutil.which("nginx"), "-p", workdir, "-e", str(log), "-c", str(conf)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    log.touch()
    wait_for_port(proc, port, log)
    return proc, port


def fetch(port: int, path: str) -> tuple[int, bytes]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": HOST})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


# ------------------------------------------------------------------ wrk scripts
LUA = """
local paths = {}
local n = 0
for line in io.lines("%(file)s") do n = n + 1; paths[n] = line end
math.randomseed(%(seed)d)
request = function()
  return wrk.format("GET", paths[math.random(1, n)])
end
"""

# Uniform random with replacement over 1..count: pattern (c).
LUA_UNIFORM = """
math.randomseed(%(seed)d)
request = function()
  return wrk.format("GET", string.format("%(template)s", math.random(1, %(count)d)))
end
"""

# All-miss: the listed (distinct) paths in order. After ``limit`` responses the thread stops and
# the rate over them (first to last response, monotonic clock) is written to ``marker``; the
# caller then interrupts wrk, whose own figure would count the rest of -d as idle time.
LUA_MISS = """
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } pp_timespec;
           int clock_gettime(int, pp_timespec *); ]]
local ts = ffi.new("pp_timespec")
local function now()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end
local paths = {}
for line in io.lines("%(file)s") do paths[#paths + 1] = line end
local sent, received, first = 0, 0, nil
request = function()
  sent = sent + 1
  return wrk.format("GET", paths[(sent - 1) %% #paths + 1])
end
response = function(status, headers, body)
  received = received + 1
  if received == 1 then
    first = now()
  elseif received == %(limit)d then
    local f = io.open("%(marker)s", "w")
    f:write(string.format("%%d %%.6f\\n", received - 1, now() - first))
    f:close()
    wrk.thread:stop()
  end
end
"""


def write_lua(tmp: str, name: str, body: str) -> str:
    path = os.path.join(tmp, name)
    Path(path).write_text(body)
    return path


def miss_lua(tmp: str, population: int, seed: int) -> tuple[str, str]:
    """A script asking ``MISS_REQUESTS`` distinct handles drawn at random from 1..population
    (plus one spare per connection for the requests in flight when it stops)."""
    picks = random.Random(seed).sample(range(1, population + 1), MISS_REQUESTS + 2 * CONNECTIONS)
    paths = Path(tmp) / f"miss-{population}-{seed}.txt"
    paths.write_text("".join(f"/api/handles/{handle_of(n)}\n" for n in picks))
    marker = Path(tmp) / f"miss-{population}-{seed}.done"
    marker.unlink(missing_ok=True)
    body = LUA_MISS % {"file": paths, "limit": MISS_REQUESTS, "marker": marker}
    return write_lua(tmp, f"miss-{population}-{seed}.lua", body), str(marker)


def uniform_lua(tmp: str, population: int, seed: int) -> str:
    body = LUA_UNIFORM % {"seed": seed, "count": population, "template": f"/api/handles/{PREFIX}/o%07d"}
    return write_lua(tmp, f"uniform-{population}-{seed}.lua", body)


def wrk(
    port: int,
    *,
    path: str = "/",
    script: str | None = None,
    seconds: int = SECONDS,
    marker: str | None = None,
) -> dict:
    cmd = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-H", f"Host: {HOST}"]
    if script:
        cmd += ["-s", script]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if marker:
        while proc.poll() is None:
            if os.path.exists(marker) and os.path.getsize(marker):
                proc.send_signal(signal.SIGINT)
                break
            time.sleep(0.05)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {err[-2000:]}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    result = {
        "rps": rps,
        "p50": pct("50"),
        "p99": pct("99"),
        "requests": int(total.group(1)) if total else 0,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "errors": errors.group(0) if errors else "",
    }
    if marker:
        text = Path(marker).read_text().split() if os.path.exists(marker) else []
        if len(text) == 2 and float(text[1]) > 0:
            result["rps"] = int(text[0]) / float(text[1])
        else:
            result["errors"] = (
                result["errors"] + f" fewer than {MISS_REQUESTS} responses in {seconds}s"
            ).strip()
    return result


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def median_of(runs: list[dict]) -> dict:
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50": statistics.median(r["p50"] for r in runs),
        "p99": statistics.median(r["p99"] for r in runs),
        "all": [r["rps"] for r in runs],
        "non2xx": sum(r["non2xx"] for r in runs),
        "errors": "; ".join(r["errors"] for r in runs if r["errors"]),
    }


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)")
        return 1
    url = setup_django()
    conf = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), conf)
    nginx = shutil.which("nginx")
    print(
        f"database: {urlsplit(url).path.lstrip('/')}; gunicorn {conf['worker_class']}: "
        f"{conf['workers']} workers x {conf['threads']} threads, keep-alive {conf['keepalive']}s; "
        f"wrk: 1 thread, {CONNECTIONS} connections, {SECONDS}s per timed run; {REPEATS} runs per "
        f"comparison pattern; {os.cpu_count()} CPUs; load average at start: {load_average()}"
    )
    print(
        "front: loopback nginx from deploy/nginx (no TLS) for a second warm run"
        if nginx
        else "front: gunicorn only (nginx is not installed: no proxy in front, figures exclude it)"
    )
    if QUICK:
        print(f"QUICK DRY RUN: {SMALL:,} vs {TOTAL:,} identifiers; the figures mean nothing")
    tmp = tempfile.mkdtemp(prefix="bench-resolution-")
    os.chmod(tmp, 0o755)  # nginx workers started by root run as nobody and write temp files here
    warmup = 1 if QUICK else 2
    size = 0

    def fresh_server(extra_env: dict | None = None):
        flush_cache()  # and a new server: every worker's in-process cache empty
        proc, port_ = start_server(tmp, extra_env)
        wrk(port_, path=f"/bench/floor?size={size}", seconds=warmup)  # warm up the workers
        return proc, port_

    def timed(run, extra_env: dict | None = None) -> dict:
        proc, port_ = fresh_server(extra_env)
        try:
            return run(port_)
        finally:
            stop(proc)

    def all_miss(population: int, seed: int, extra_env: dict | None = None) -> dict:
        script, marker = miss_lua(tmp, population, seed)
        return timed(lambda p: wrk(p, script=script, marker=marker, seconds=max(60, SECONDS)), extra_env)

    def uniform(population: int, seed: int) -> dict:
        script = uniform_lua(tmp, population, seed)
        return timed(lambda p: wrk(p, script=script))

    def compare(population: int) -> dict[str, dict]:
        # the patterns alternate so slow drift of the machine's load hits both alike
        miss, unif = [], []
        for rep in range(REPEATS):
            miss.append(all_miss(population, seed=100 + rep))
            unif.append(uniform(population, seed=200 + rep))
        return {"miss": median_of(miss), "uniform": median_of(unif)}

    results: dict[str, dict] = {}
    server = None
    try:
        reset_table()
        took = load(0, SMALL)
        print(
            f"loaded {SMALL:,} identifiers in {took:.1f}s; VACUUM ANALYZE + CHECKPOINT {settle_table():.1f}s"
        )
        flush_cache()
        server, port = start_server(tmp)
        status, body = fetch(port, f"/api/handles/{handle_of(1)}")
        assert status == 200, (status, body[:300])
        size = len(body)
        floor_status, floor_body = fetch(port, f"/bench/floor?size={size}")
        assert floor_status == 200 and len(floor_body) == size, (floor_status, len(floor_body), size)
        drf_status, _ = fetch(port, f"/bench/drf/{handle_of(1)}")
        assert drf_status == 200, drf_status
        stop(server)
        server = None

        small = compare(SMALL)
        took = load(SMALL, TOTAL)
        print(
            f"loaded {TOTAL - SMALL:,} more identifiers in {took:.1f}s (total {TOTAL:,}); "
            f"VACUUM ANALYZE + CHECKPOINT {settle_table():.1f}s"
        )
        big = compare(TOTAL)
        results["miss_unshared"] = median_of(
            [
                all_miss(TOTAL, seed=300 + rep, extra_env={"RESOLUTION_SHARED_CACHE": "0"})
                for rep in range(REPEATS)
            ]
        )

        server, port = fresh_server()
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
        if nginx:
            proxy, proxy_port = start_nginx(tmp, port)
            try:
                wrk(proxy_port, script=hot_lua, seconds=warmup)  # nginx's upstream keep-alive pool
                results["floor_nginx"] = wrk(proxy_port, path=f"/bench/floor?size={size}")
                results["warm_nginx"] = wrk(proxy_port, script=hot_lua)
            finally:
                stop(proxy)
    finally:
        if server is not None:
            stop(server)
        flush_cache()

    results["cold"] = big["uniform"]
    results["miss_small"], results["miss_big"] = small["miss"], big["miss"]
    results["uniform_small"] = small["uniform"]
    names = {
        "floor": "(a) floor: fixed JSON, no DB",
        "warm": "(b) resolution, warm cache",
        "cold": f"(c) cold, uniform random over {TOTAL:,}",
        "drf": "(d) plain DRF RetrieveAPIView",
        "floor_nginx": "(a) floor, through nginx",
        "warm_nginx": "(b) warm, through nginx",
        "miss_small": f"all-miss, {SMALL:,} identifiers",
        "miss_big": f"all-miss, {TOTAL:,} identifiers",
        "miss_unshared": f"all-miss, {TOTAL:,}, no Redis copy",
        "uniform_small": f"uniform random over {SMALL:,}",
    }
    print(f"\nresponse body: {size} bytes; all-miss runs time {MISS_REQUESTS:,} distinct handles each")
    print(f"{'':40s} {'req/s':>8s} {'p50 ms':>7s} {'p99 ms':>7s}  {'runs (req/s)':24s} non-2xx/errors")
    failures = []
    for key, label in names.items():
        if key not in results:
            continue
        r = results[key]
        runs = " ".join(f"{x:.0f}" for x in r.get("all", []))
        problems = f"{r['non2xx']} {r['errors']}".strip()
        print(f"{label:40s} {r['rps']:8.0f} {r['p50']:7.2f} {r['p99']:7.2f}  {runs:24s} {problems}")
        if r["non2xx"] or r["errors"]:
            failures.append(f"{label}: {problems}")
    a, b, c, d = (results[k]["rps"] for k in ("floor", "warm", "cold", "drf"))
    miss_ratio = results["miss_big"]["rps"] / results["miss_small"]["rps"]
    checks = [
        ("(b)/(a) warm vs floor", b / a, ">= 0.60", b / a >= 0.60),
        ("(c)/(a) cold vs floor", c / a, ">= 0.30", c / a >= 0.30),
        ("(b)/(d) warm vs DRF", b / d, ">= 3.0", b / d >= 3.0),
        (f"all-miss {TOTAL:,} vs {SMALL:,}", miss_ratio, "within 10%", abs(miss_ratio - 1) <= 0.10),
    ]
    print()
    for label, ratio, target, ok in checks:
        print(f"{label:34s} {ratio:6.2f}  target {target:11s} {'met' if ok else 'NOT MET'}")
        if not ok:
            failures.append(f"{label}: {ratio:.2f}, target {target}")
    info = [
        (
            f"uniform {TOTAL:,} vs {SMALL:,}",
            c / results["uniform_small"]["rps"],
            f"the {SMALL:,} run warms up",
        ),
        ("all-miss no Redis copy vs copy", results["miss_unshared"]["rps"] / results["miss_big"]["rps"], ""),
    ]
    if "warm_nginx" in results:
        info.append(
            ("(b)/(a) through nginx", results["warm_nginx"]["rps"] / results["floor_nginx"]["rps"], "")
        )
    for label, ratio, note in info:
        print(f"{label:34s} {ratio:6.2f}  information{'; ' + note if note else ''}")
    print(f"load average at end: {load_average()}")
    shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
