#!/usr/bin/env python
"""The evidence log under load (apps.evidence.log), on a database of its own:

* appends/s of 1,000,000 entries in batches of 5,000 (each batch one transaction: the log row's
  lock, the frontier read, the entries and the interior nodes they complete written by COPY, the
  new size and root) against a baseline measured in the same run: the same rows COPYed into a
  table of the same shape (indexes included) without the log — target ≥ 5,000/s;
* inclusion-proof time p50/p99 at 10k, 100k and 1M entries (500 random leaves each; reads the
  O(log n) stored nodes in two queries) — target flat within 2× across sizes — and proof size;
* SM3 against SHA-256: the cost of hashing leaf-sized inputs (ratio).

``--quick``: 100,000 entries. The machine has 2 cores shared with other work: read the ratios.
The bench's log is removed at the end (as a superuser with the append-only triggers off).
"""

from __future__ import annotations

import hashlib
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf import _benchdb  # noqa: E402

QUICK = "--quick" in sys.argv[1:]
TOTAL = 100_000 if QUICK else 1_000_000
BATCH = 5_000
CHECKPOINTS = [n for n in (10_000, 100_000, 1_000_000) if n <= TOTAL]
PROOFS = 500


def _entry(i: int) -> dict:
    return {
        "v": 1, "code": f"88.101.BENCH/EV{i:010d}", "subject": "88.101.BENCH/BOILER-01", "enterprise": "BENCH",
        "type": "carbon", "kind": "json", "hash": "sm3", "digest": hashlib.sha256(str(i).encode()).hexdigest(),
        "time": "2026-03-18T10:00:00+08:00", "submitter": "user:1", "supersedes": "",
    }  # fmt: skip


def main() -> None:
    _benchdb.setup()
    from django.db import connection, transaction

    from apps.core.db import copy_rows
    from apps.evidence import log as evlog

    log = evlog.log_create(origin=f"bench-{uuid.uuid4().hex[:8]}", hash_algorithm="sm3")
    print(f"evidence bench: {TOTAL:,} entries in batches of {BATCH:,} (log {log.origin})", flush=True)

    # ---------------------------------------------------------------- baseline: same rows, no log
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_evidence_baseline")
        cursor.execute("CREATE UNLOGGED TABLE bench_evidence_baseline (LIKE evidence_logentry INCLUDING ALL)")
        cursor.execute("ALTER TABLE bench_evidence_baseline SET LOGGED")
    h = evlog.hasher(log)
    baseline_n = min(TOTAL, 200_000)
    started = time.perf_counter()
    for start in range(0, baseline_n, BATCH):
        with transaction.atomic():
            rows = []
            for i in range(start, start + BATCH):
                blob = evlog.canonical(_entry(i))
                rows.append(
                    (
                        log.pk,
                        i,
                        evlog.merkle.leaf_hash(h, blob),
                        blob,
                        f"88.101.BENCH/EV{i:010d}",
                        None,
                        "carbon",
                        "",
                        "",
                        "2026-03-18T02:00:00Z",
                    )
                )
            copy_rows("bench_evidence_baseline", evlog.ENTRY_COLUMNS, rows)
    baseline_rate = baseline_n / (time.perf_counter() - started)
    print(f"baseline (same rows COPYed, no log): {baseline_rate:,.0f} rows/s over {baseline_n:,}", flush=True)

    # ---------------------------------------------------------------- the log
    proof_figures = {}
    appended, spent = 0, 0.0
    for start in range(0, TOTAL, BATCH):
        entries = [
            evlog.NewEntry(entry=_entry(i), code=f"88.101.BENCH/EV{i:010d}", evidence_type="carbon")
            for i in range(start, start + BATCH)
        ]
        t0 = time.perf_counter()
        evlog.append(log=log, entries=entries)
        spent += time.perf_counter() - t0
        appended += BATCH
        if appended in CHECKPOINTS:
            log.refresh_from_db()
            rng = random.Random(appended)
            times, sizes = [], []
            for _ in range(PROOFS):
                index = rng.randrange(appended)
                t1 = time.perf_counter()
                proof = evlog.inclusion_proof(log, index, appended)
                times.append((time.perf_counter() - t1) * 1000)
                sizes.append(len(proof))
            times.sort()
            p50, p99 = statistics.median(times), times[int(len(times) * 0.99) - 1]
            proof_figures[appended] = (p50, p99, max(sizes))
            print(
                f"  {appended:>9,} entries: {appended / spent:,.0f} appends/s so far; inclusion proof p50 {p50:.2f} ms, "
                f"p99 {p99:.2f} ms, {max(sizes)} hashes ({max(sizes) * 32} bytes)",
                flush=True,
            )
    rate = appended / spent
    log.refresh_from_db()
    assert bytes(log.root) == evlog.tree_root(log, log.size)
    print(
        f"log appends: {rate:,.0f}/s ({rate / baseline_rate:.2f}× the baseline) — target ≥ 5,000/s: {'met' if rate >= 5000 else 'NOT met'}"
    )
    p99s = [f[1] for f in proof_figures.values()]
    print(
        "inclusion proof p99 across sizes: "
        + ", ".join(f"{n:,}: {f[1]:.2f} ms" for n, f in proof_figures.items())
        + f" — max/min {max(p99s) / min(p99s):.2f}× (target ≤ 2×: {'met' if max(p99s) / min(p99s) <= 2 else 'NOT met'})"
    )

    # ---------------------------------------------------------------- SM3 against SHA-256
    data = [evlog.canonical(_entry(i)) for i in range(100_000)]
    costs = {}
    for name in ("sha256", "sm3"):
        t0 = time.perf_counter()
        for blob in data:
            hashlib.new(name, b"\x00" + blob).digest()
        costs[name] = (time.perf_counter() - t0) / len(data) * 1e6
    print(
        f"leaf hash cost: SM3 {costs['sm3']:.2f} µs, SHA-256 {costs['sha256']:.2f} µs — SM3/SHA-256 {costs['sm3'] / costs['sha256']:.2f}×"
    )

    # ---------------------------------------------------------------- clean up
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_evidence_baseline")
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM evidence_lognode WHERE log_id = %s", [log.pk])
        cursor.execute("DELETE FROM evidence_logentry WHERE log_id = %s", [log.pk])
        cursor.execute("SET session_replication_role = origin")
    type(log).objects.filter(pk=log.pk).delete()


if __name__ == "__main__":
    main()
