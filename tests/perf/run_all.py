#!/usr/bin/env python
"""``make bench``: run every tests/perf/bench_*.py as its own process, one after another.

Each benchmark prints its figures and its ratio against a baseline measured in the same run.
A failing benchmark is reported and the others still run; the exit status is non-zero if any
failed. ``python tests/perf/run_all.py provisioning`` runs only the benchmarks whose name
contains one of the given words.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(word in s.stem for word in argv)]
    if not scripts:
        print("no benchmarks found")
        return 1
    failed: list[str] = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(script)], cwd=ROOT)
        took = time.monotonic() - started
        status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        print(f"--- {script.stem}: {status} in {took:.1f}s", flush=True)
        if result.returncode != 0:
            failed.append(script.stem)
    print(
        f"\n{len(scripts) - len(failed)}/{len(scripts)} benchmarks ok"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
