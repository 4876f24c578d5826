#!/usr/bin/env python
"""Terminal authentication under load: 10,000 simulated terminals authenticate and heartbeat,
1,000 report signed batches of readings, against the device server (apps.terminals.server under
granian, one process per core, as deploy/systemd/park-portal-terminals.service runs it) or, with
``--gunicorn``, against gunicorn (deploy/gunicorn.conf.py: Django's device views), on a database
of its own.

Prints, all measured in this run on this machine:

* the resolution floor: cached ``GET /api/handles/<handle>`` per second, same server and load
  generator — the cheapest request the node answers; every other figure is given against it;
* authentications/s (challenge + token: two requests, one signature verified, one token row);
* heartbeats/s (a signed empty report: token + credential read, one verification, one UPDATE)
  against what 10,000 terminals every 30 s need (333/s);
* verified reports/s with SM2 and with P-256 (a batch of 10 readings: one verification, the
  batch and its readings written in the enterprise's schema, the registry's last state);
* the cost of one verification per algorithm, in process (SM2 on tongsuopy, P-256 and Ed25519
  on cryptography, SM2 on gmssl for comparison).

``--quick``: 1,000 terminals and 200 reporters (a smoke run). The load generator runs in
processes of its own beside the server on the same 2 cores, and pre-signs report batches
before the clock starts (a device signs on its own CPU, not the node's). Heartbeats, reports and
the floor are sent by an asyncio client (``_blast``: ``CLIENTS`` processes × ``CONNECTIONS``
keep-alive connections, requests pre-encoded) so that many requests are in flight at once, as
from 10,000 devices; authentications (challenge, sign, token) by ``CLIENTS`` blocking clients.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf import _benchdb  # noqa: E402

QUICK = "--quick" in sys.argv[1:]
TERMINALS = 1_000 if QUICK else 10_000
REPORTERS = 200 if QUICK else 1_000
ROUNDS = 2 if QUICK else 3  # report batches per reporter and algorithm
READINGS = 10
CLIENTS = 2  # load-generator processes
CONNECTIONS = 32  # keep-alive connections per load-generator process (_blast)
GUNICORN = "--gunicorn" in sys.argv[1:]
HOST = "park.localhost"
PREFIX = "pp-bench-terminals"
T0 = "2026-03-18T02:00:00Z"


def prepare() -> dict:
    """The bench enterprise and its terminals (bulk: registration one by one would take longer
    than the bench; the records' HS_PUBKEY values are not needed for it)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.models import Identifier, Prefix
    from apps.identifiers.services import build_handle_values
    from apps.metadata.selectors import effective_items, template_current_version
    from apps.terminals import keys
    from apps.terminals.choices import CredentialState
    from apps.terminals.models import Terminal, TerminalCredential, TerminalToken
    from apps.terminals.seed import ensure_terminal_template
    from tests import factories

    enterprise = factories.ensure_enterprise("alpha")
    version = template_current_version(ensure_terminal_template())
    prefix, _ = Prefix.objects.get_or_create(
        prefix="88.101.ALPHA", defaults={"enterprise": enterprise, "status": PrefixStatus.ACTIVE}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f'TRUNCATE "{enterprise.schema_name}".terminals_reading, "{enterprise.schema_name}".terminals_reportbatch'
        )
    TerminalToken.objects.all().delete()
    TerminalCredential.objects.all().delete()
    Terminal.objects.all().delete()
    Identifier.objects.filter(prefix=prefix).delete()
    items = effective_items(version)
    now = timezone.now()
    devices = []
    started = time.perf_counter()
    with transaction.atomic():
        identifiers = Identifier.objects.bulk_create(
            [
                Identifier(
                    handle=f"88.101.ALPHA/T{n:06d}",
                    handle_ci=f"88.101.alpha/t{n:06d}",
                    prefix=prefix,
                    suffix=f"T{n:06d}",
                    object_code=f"T{n:06d}",
                    enterprise=enterprise,
                    category=version.template.category,
                    template_version=version,
                    name=f"终端{n}",
                    values=build_handle_values(
                        items,
                        {"name": f"终端{n}", "model": "TH-200", "manufacturer": "园区智能"},
                        template_version=version,
                    ),
                )
                for n in range(TERMINALS)
            ],
            batch_size=2000,
        )
        terminals = Terminal.objects.bulk_create(
            [Terminal(identifier=i, enterprise=enterprise, handle=i.handle) for i in identifiers],
            batch_size=2000,
        )
        credentials = []
        for n, terminal in enumerate(terminals):
            algorithm = "sm2" if n % 2 == 0 else "p256"
            private = keys.generate_private_key(algorithm)
            public = keys.public_key_of(private)
            devices.append((terminal.handle, algorithm, keys.private_key_pem(private)))
            credentials.append(
                TerminalCredential(
                    terminal=terminal,
                    algorithm=algorithm,
                    public_key=public.b64,
                    fingerprint=public.fingerprint,
                    key_index=300,
                    state=CredentialState.ACTIVE,
                    not_after=now + timezone.timedelta(days=365),
                )
            )
        TerminalCredential.objects.bulk_create(credentials, batch_size=2000)
    print(
        f"enrolled {TERMINALS:,} terminals (half SM2, half P-256) in {time.perf_counter() - started:.1f}s",
        flush=True,
    )
    from apps.terminals.canonical import node_id

    return {"devices": devices, "node": node_id()}


# ---------------------------------------------------------------- load generator (own processes)
_conn: http.client.HTTPConnection | None = None


def _post(port: int, path: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    global _conn
    headers = {"Host": HOST, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    for attempt in (0, 1):
        try:
            if _conn is None:
                _conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            _conn.request("POST", path, json.dumps(body), headers)
            response = _conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        except (ConnectionError, http.client.HTTPException):
            _conn = None
            if attempt:
                raise
    raise RuntimeError("unreachable")


def _get(port: int, path: str) -> int:
    global _conn
    if _conn is None:
        _conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    _conn.request("GET", path, headers={"Host": HOST})
    response = _conn.getresponse()
    response.read()
    return response.status


def _authenticate(args) -> tuple[str, str | None]:
    port, node, handle, pem = args
    from apps.terminals import canonical, keys

    status, answer = _post(port, "/api/terminals/challenge", {"handle": handle})
    nonce = answer["nonce"]
    signature = base64.b64encode(
        keys.sign(keys.load_private_key(pem), canonical.auth_message(handle, nonce, node))
    )
    status, answer = _post(
        port, "/api/terminals/token", {"handle": handle, "nonce": nonce, "signature": signature.decode()}
    )
    return handle, answer.get("token") if status == 200 else None


def _send(args) -> int:
    port, token, batch = args
    status, _answer = _post(port, "/api/terminals/report", batch, token)
    return status


def _resolve(args) -> int:
    port, handle = args
    return _get(port, f"/api/handles/{handle}")


def _signed(node, handle, pem, sequence, readings) -> dict:
    from apps.terminals import canonical, keys

    message = canonical.report_message(handle, node, sequence, "ok", readings)
    signature = base64.b64encode(keys.sign(keys.load_private_key(pem), message)).decode()
    return {"sequence": sequence, "status": "ok", "readings": readings, "signature": signature}


def _sign_batches(args):
    node, handle, pem, token, sequences = args
    readings = [
        {"time": T0, "item": "temperature" if i % 2 else "humidity", "value": f"{20 + i % 7}.5"}
        for i in range(READINGS)
    ]
    return [(token, _signed(node, handle, pem, s, readings)) for s in sequences]


def _sign_heartbeat(args):
    node, handle, pem, token = args
    return token, _signed(node, handle, pem, 1, [])


def _request(method: str, path: str, body: bytes = b"", token: str | None = None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


async def _answer(reader) -> int:
    status = int((await reader.readline()).split()[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _sep, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        await reader.readexactly(length)
        return status
    while True:
        size = int((await reader.readline()).strip(), 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return status


async def _fire(port: int, payloads: list[bytes]) -> list[int]:
    todo = iter(payloads)
    statuses: list[int] = []

    async def connection():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for payload in todo:  # one iterator shared by the connections of this process
            writer.write(payload)
            statuses.append(await _answer(reader))
        writer.close()

    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
    return statuses


def _fire_slice(args) -> list[int]:
    port, payloads = args
    return asyncio.run(_fire(port, payloads))


def blast(pool, port: int, payloads: list[bytes]) -> tuple[float, list[int]]:
    """Every payload sent once, ``CLIENTS`` × ``CONNECTIONS`` at a time: (seconds, statuses)."""
    slices = [(port, payloads[i::CLIENTS]) for i in range(CLIENTS)]
    started = time.perf_counter()
    statuses = [status for part in pool.map(_fire_slice, slices) for status in part]
    return time.perf_counter() - started, statuses


def _report_payloads(jobs: list[tuple[str, dict]]) -> list[bytes]:
    return [_request("POST", "/api/terminals/report", json.dumps(b).encode(), t) for t, b in jobs]


def start_device_server(workdir: str, url: str, extra_env: dict) -> tuple:
    """apps.terminals.server under granian as deploy/systemd/park-portal-terminals.service runs
    it: one process per core."""
    import subprocess

    from bench_resolution import free_port, wait_for_port

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CACHE_KEY_PREFIX": PREFIX,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL": "0",
        "RESOLUTION_RATE_LIMIT": "1000000000/m",
        **extra_env,
    }
    env.pop("PYTEST_VERSION", None)
    cmd = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(os.cpu_count() or 1), "--backlog", "2048", "--no-access-log",
        "apps.terminals.server:app",
    ]  # fmt: skip
    log_path = Path(workdir) / "granian-terminals.log"
    log = open(log_path, "w")  # noqa: SIM115
    proc = subprocess.Popen(
        cmd, cwd=Path(__file__).resolve().parents[2], env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    wait_for_port(proc, port, log_path)
    return proc, port


def _cpu(pids) -> float:
    """User + system CPU seconds of ``pids`` so far (those that exited count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def _profile(proc, algorithm):
    """BENCH_PYSPY=1: py-spy (not a project dependency) samples one server worker for the
    phase, collapsed stacks in /tmp/bench-terminals-<algorithm>.txt."""
    import shutil
    import subprocess

    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not os.environ.get("BENCH_PYSPY") or not Path(spy).exists():
        return None
    workers = [pid for pid in server_pids(proc) if pid != proc.pid]
    return subprocess.Popen(
        [spy, "record", "--nonblocking", "--format", "raw", "-d", "8", "-o",
         f"/tmp/bench-terminals-{algorithm}.txt", "--pid", str(workers[0])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def server_pids(proc) -> list[int]:
    """The server's processes (its session: granian and its workers; gunicorn's own group) and
    the PostgreSQL sessions of this bench's database."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == proc.pid or int(fields[1]) == proc.pid or int(entry.name) == proc.pid:
                pids.append(int(entry.name))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids += [row[0] for row in cursor.fetchall()]
    return pids


def timed(pool, fn, jobs) -> tuple[float, list]:
    started = time.perf_counter()
    results = pool.map(fn, jobs, chunksize=max(1, len(jobs) // (CLIENTS * 20)))
    return time.perf_counter() - started, results


# ---------------------------------------------------------------- verification cost
def verify_costs() -> dict[str, float]:
    from gmssl import func, sm2

    from apps.terminals import keys

    message = (
        b"PPTERM-REPORT-1\n88.101.ALPHA/T000001\n88.101\n1\nok\n"
        + b"2026-03-18T02:00:00Z|temperature|21.5\n" * 10
    )
    costs = {}
    for algorithm in ("sm2", "p256", "ed25519"):
        private = keys.generate_private_key(algorithm)
        public = keys.public_key_of(private)
        signature = keys.sign(private, message)
        n = 200 if QUICK else 2000
        started = time.perf_counter()
        for _ in range(n):
            assert keys.verify(public, signature, message)
        costs[algorithm] = (time.perf_counter() - started) / n * 1e6
    private = keys.generate_private_key("sm2")
    public = keys.public_key_of(private)
    gm = sm2.CryptSM2(
        private_key=f"{private.private_numbers().private_value:064x}", public_key=public.sm2_raw_hex
    )
    signature = gm.sign_with_sm3(message, func.random_hex(gm.para_len))
    n = 20
    started = time.perf_counter()
    for _ in range(n):
        assert gm.verify_with_sm3(signature, message)
    costs["sm2 (gmssl, pure Python)"] = (time.perf_counter() - started) / n * 1e6
    return costs


def main() -> int:
    url = _benchdb.setup()
    os.environ["CACHE_KEY_PREFIX"] = PREFIX
    from django.conf import settings

    from apps.resolution.cache import redis_client

    settings.CACHES["default"]["KEY_PREFIX"] = PREFIX
    print(f"load average (1, 5, 15 min) at the start: {os.getloadavg()}", flush=True)
    state = prepare()
    devices, node = state["devices"], state["node"]
    client = redis_client()
    for key in client.scan_iter(match=f"{PREFIX}:*", count=1000):
        client.delete(key)

    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_resolution import start_server, stop

    workdir = tempfile.mkdtemp(prefix="bench-terminals-")
    extra = {"TERMINALS_RATE_PER_HANDLE": "", "TERMINALS_RATE_PER_ADDRESS": "", "LOG_LEVEL": "WARNING"}
    if GUNICORN:
        proc, port = start_server(workdir, url, PREFIX, extra)
    else:
        proc, port = start_device_server(workdir, url, extra)
    print(f"server: {'gunicorn (Django views)' if GUNICORN else 'device server (granian)'}", flush=True)
    figures: dict[str, float] = {}
    try:
        with multiprocessing.get_context("fork").Pool(CLIENTS) as pool:
            handles = [h for h, _a, _p in devices]
            gets = [_request("GET", f"/api/handles/{h}") for h in handles[: 4000 if not QUICK else 1000]]
            blast(pool, port, gets)  # warm the record caches
            took, statuses = blast(pool, port, gets * 2)
            assert set(statuses) == {200}, set(statuses)
            figures["resolution"] = len(statuses) / took

            took, tokens = timed(pool, _authenticate, [(port, node, h, pem) for h, _a, pem in devices])
            ok = dict(t for t in tokens if t[1])
            assert len(ok) == len(devices), f"{len(devices) - len(ok)} authentications refused"
            figures["authentications"] = len(devices) / took

            beats = pool.map(_sign_heartbeat, [(node, h, pem, ok[h]) for h, _a, pem in devices])
            took, statuses = blast(pool, port, _report_payloads(beats))
            assert set(statuses) == {200}, set(statuses)
            figures["heartbeats"] = len(beats) / took

            for algorithm in ("sm2", "p256"):
                chosen = [(h, pem) for h, a, pem in devices if a == algorithm][:REPORTERS]
                batches = [
                    b
                    for group in pool.map(
                        _sign_batches, [(node, h, pem, ok[h], range(2, 2 + ROUNDS)) for h, pem in chosen]
                    )
                    for b in group
                ]
                payloads = _report_payloads(batches)
                pids = server_pids(proc)
                cpu = _cpu(pids)
                spy = _profile(proc, algorithm)
                took, statuses = blast(pool, port, payloads)
                if spy:
                    spy.wait()
                cpu = _cpu(pids) - cpu
                assert set(statuses) == {200}, set(statuses)
                figures[f"reports_{algorithm}"] = len(batches) / took
                figures[f"cpu_{algorithm}"] = cpu / len(batches)
    finally:
        stop(proc)

    from apps.enterprise_data.services import restricted_context
    from apps.terminals.models import Reading
    from tests.factories import ensure_enterprise

    with restricted_context(ensure_enterprise("alpha")):
        stored = Reading.objects.count()
    expected = 2 * REPORTERS * ROUNDS * READINGS
    print(f"\nreadings stored: {stored:,} (expected {expected:,})")
    floor = figures["resolution"]
    need = TERMINALS / 30
    print(f"\n{'what':42} {'per second':>12} {'vs resolution':>14}")
    print(f"{'resolution floor (cached GET /api/handles)':42} {floor:12,.0f} {'1.00':>14}")
    for key, label in [
        ("authentications", "authentications (challenge + token)"),
        ("heartbeats", "heartbeats (signed, empty report)"),
        ("reports_sm2", f"verified reports, SM2 ({READINGS} readings)"),
        ("reports_p256", f"verified reports, P-256 ({READINGS} readings)"),
    ]:
        print(f"{label:42} {figures[key]:12,.0f} {figures[key] / floor:14.2f}")
    print(
        f"\n{TERMINALS:,} terminals heartbeating every 30 s need {need:,.0f}/s: "
        f"{'covered' if figures['heartbeats'] >= need else 'NOT covered'} "
        f"({figures['heartbeats'] / need:.1f}x)"
    )
    for algorithm in ("sm2", "p256"):
        verdict = "meets" if figures[f"reports_{algorithm}"] >= 2000 else "below"
        print(
            f"target 2,000 verified reports/s with {algorithm}: {verdict} ({figures[f'reports_{algorithm}']:,.0f}/s)"
        )
    print("\ncost of one signature verification, in process (µs):")
    costs = verify_costs()
    for name, micros in costs.items():
        print(f"  {name:28} {micros:10,.0f} µs  ({1e6 / micros:8,.0f}/s on one core)")
    cores = os.cpu_count() or 1
    for algorithm in ("sm2", "p256"):
        ceiling = cores * 1e6 / costs[algorithm]
        print(
            f"ceiling from verification alone, {algorithm} on {cores} cores: {ceiling:,.0f}/s "
            f"(measured {figures[f'reports_{algorithm}']:,.0f}/s = {figures[f'reports_{algorithm}'] / ceiling:.0%} of it)"
        )
    print(
        "\nCPU per verified report, server processes + the database's sessions (counted from /proc,"
        " so what other programs on the machine take is not in it):"
    )
    for algorithm in ("sm2", "p256"):
        per = figures[f"cpu_{algorithm}"]
        print(
            f"  {algorithm:6} {per * 1e6:8,.0f} µs  → {cores / per:8,.0f} reports/s on {cores} cores "
            f"given to the node alone (load generator elsewhere)"
        )
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
