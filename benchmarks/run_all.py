#!/usr/bin/env python
"""Run every benchmark of this folder, one after the other (``make bench``; ``make bench-quick`` for a short
pass that checks they all still run).

Usage::

    python benchmarks/run_all.py [--quick] [--only NAME ...]

Each benchmark is a script printing its figures; the README's table quotes them with the command that
produced them. ``--quick`` gives each script small arguments (minutes in all instead of an hour). A benchmark
that needs something missing (``wrk``, the analytics extra) is reported as skipped with the reason.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: name -> (script arguments, quick arguments, module it needs or None, executable it needs or None)
BENCHMARKS: dict[str, tuple[list[str], list[str], str | None, str | None]] = {
    "cold_start": ([], ["--quick"], None, None),
    "search_latency": ([], ["--rounds", "1", "--cold-runs", "3"], None, None),
    "search_labelled": ([], [], None, None),
    "match_throughput": ([], ["--rows", "10000"], None, None),
    "gazetteer_bulk": ([], ["--rows", "10000", "--repeat", "1"], None, None),
    "web_concurrency": ([], ["--quick"], "httpx", None),
    "web_load": ([], ["--duration", "3"], "fastapi", "wrk"),
    "analytics_regional": ([], ["--rows", "200000"], "polars", None),
    # quick: the planted clusters alone hold about 80,000 establishments, so fewer sites cannot be asked for
    "analytics_kdensity": (["--skip-error"], ["--sites", "150000", "--firms", "1000", "--sims", "19",
                                              "--skip-error"], "numba", None),
    "analytics_mfunction": ([], ["--sites", "150000"], "numba", None),
    # dbmss is optional (CLUSTERATLAS_R_LIBS); without it the script times clusteratlas and says why it skips
    "analytics_dbmss": ([], ["--sizes", "100:2000", "--sims", "9"], "numba", "Rscript"),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small arguments: check every benchmark runs")
    ap.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run only these")
    args = ap.parse_args(argv)
    failed = []
    for name, (full, quick, module, exe) in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        print(f"\n=== {name} " + "=" * max(0, 90 - len(name)), flush=True)
        if module and importlib.util.find_spec(module) is None:
            print(f"skipped: needs the Python package {module!r}")
            continue
        if exe and shutil.which(exe) is None:
            print(f"skipped: needs {exe!r} on PATH (scripts/install-system-deps.sh installs it)")
            continue
        t = time.perf_counter()
        res = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *(quick if args.quick else full)])
        print(f"--- {name}: exit {res.returncode} in {time.perf_counter() - t:.1f} s", flush=True)
        if res.returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
