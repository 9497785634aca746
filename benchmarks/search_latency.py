"""Search latency: warm single queries (p50, p99) and the cold start of ``clusteratlas find``.

Usage::

    .venv/bin/python benchmarks/search_latency.py [--rounds 5] [--cold-runs 10]

Warm: the index is loaded once; every query of tests/data/queries_labelled.tsv and queries_holdout.tsv is
run ``--rounds`` times through :func:`clusteratlas.search.find`, with the per-query result caches emptied
before each call (so each call does the full matching work; word-level caches stay warm as in a running
process), and once more with the caches left warm (a repeated query).

Cold start: ``clusteratlas find wig --format json`` as a new process, ``--cold-runs`` times, with the index
cache on disk warm (the normal case), and once with an empty cache folder (first run after an install or a
data change: YAML validation and index build).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _queries() -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from search_labelled import read_labelled

    rows = read_labelled(ROOT / "tests/data/queries_labelled.tsv") + read_labelled(ROOT / "tests/data/queries_holdout.tsv")
    return [r[0] for r in rows]


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def warm(rounds: int) -> None:
    from clusteratlas.search import find, get_index

    index = get_index()
    queries = _queries()
    for q in queries:  # warm the process (imports, OpenCC, stemmer)
        find(q)
    cold, hot = [], []
    for _ in range(rounds):
        for q in queries:
            index.caches["product"].clear()
            index.industry_voc.ecache.clear()
            index.industry_voc.zcache.clear()
            index.cluster_voc.ecache.clear()
            index.cluster_voc.zcache.clear()
            t = time.perf_counter()
            find(q)
            cold.append((time.perf_counter() - t) * 1000)
    for q in queries:
        t = time.perf_counter()
        find(q)
        hot.append((time.perf_counter() - t) * 1000)
    print(f"warm find, full matching ({len(cold)} calls): p50 {_pct(cold, 50):.3f} ms, p99 {_pct(cold, 99):.3f} ms, "
          f"max {max(cold):.3f} ms")
    print(f"warm find, repeated query ({len(hot)} calls): p50 {_pct(hot, 50):.3f} ms, p99 {_pct(hot, 99):.3f} ms")


def cold_start(runs: int) -> None:
    exe = [sys.executable, "-m", "clusteratlas", "find", "wig", "--format", "json"]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CLUSTERATLAS_CACHE_DIR": tmp}
        t = time.perf_counter()
        subprocess.run(exe, env=env, check=True, capture_output=True)
        first = time.perf_counter() - t
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(exe, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
        base = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import typer"], check=True, capture_output=True)
            base.append(time.perf_counter() - t)
    print(f"cold start `clusteratlas find wig` with the index cached ({runs} runs): min {min(times):.3f} s, "
          f"median {statistics.median(times):.3f} s")
    print(f"  first run with an empty cache (validate YAML, build index): {first:.3f} s")
    print(f"  for scale, `python -c 'import typer'`: median {statistics.median(base):.3f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cold-runs", type=int, default=10)
    args = ap.parse_args(argv)
    warm(args.rounds)
    cold_start(args.cold_runs)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
