#!/usr/bin/env python
"""Cold start of the CLI: ``clusteratlas place "Datang, Zhuji"`` and ``clusteratlas find wig``, each a new
process, as a ratio to ``python -c pass`` timed in the same loop (this machine is shared and noisy: the ratio
is steadier than seconds).

Usage::

    python benchmarks/cold_start.py [--runs 15] [--quick]

Each round runs the three commands one after the other, so that the baseline sees the same load as the
commands. The disk cache is a fresh temporary folder: the first run of each command (index and tables built
and cached, modules compiled) is reported apart; the rounds then measure the normal case, with the indexes
cached and the modules' bytecode written (``PYTHONDONTWRITEBYTECODE`` is unset for the runs, as it is on a
user's machine). Prints the
median and minimum wall time of each, and the medians as multiples of the baseline's. Target (issue 10):
each command at most 0.5 s wall on the project's 2-core machine.
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

CLI = [str(Path(sys.executable).with_name("clusteratlas"))] if Path(sys.executable).with_name(
    "clusteratlas").exists() else [sys.executable, "-m", "clusteratlas"]
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    'place "Datang, Zhuji"': [*CLI, "place", "Datang, Zhuji", "--format", "json"],
    "find wig": [*CLI, "find", "wig", "--format", "json"],
}


def _time(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="5 runs")
    args = ap.parse_args(argv)
    runs = 5 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CLUSTERATLAS_CACHE_DIR": tmp}
        env.pop("CLUSTERATLAS_NO_CACHE", None)
        # as on a user's machine, Python keeps the compiled modules (.pyc) after the first run
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        first = {name: _time(cmd, env) for name, cmd in COMMANDS.items()}
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(runs):
            for name, cmd in COMMANDS.items():
                times[name].append(_time(cmd, env))
    base = statistics.median(times["python -c pass"])
    print(f"cold start, {runs} rounds, index cache warm (load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} cores):")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:24s} median {med:.3f} s  min {min(ts):.3f} s  = {med / base:5.1f} × python -c pass"
              + ("" if name.startswith("python") else f"   (first run, empty cache: {first[name]:.2f} s)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
