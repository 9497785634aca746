#!/usr/bin/env python3
"""Load benchmark of the web API: requests per second and latency percentiles for ``/api/v1/search`` and
``/api/v1/clusters``, with ``clusteratlas serve --workers 2`` on loopback, measured by ``wrk``.

Bounded: each endpoint is loaded for ``--duration`` seconds (default 10) after a 2-second warm-up, and the
server is stopped at the end. Traffic goes to 127.0.0.1 only.

Usage::

    python benchmarks/web_load.py [--duration 10] [--connections 16] [--workers 2] [--data-dir DIR]

Needs ``wrk`` (Debian: ``apt-get install wrk``; ``scripts/install-system-deps.sh`` installs it).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

#: Search queries cycled through, one per request (products and places, English, Chinese, pinyin, HS).
QUERIES = ["wig", "socks", "luggage", "led lights", "假发", "袜子", "jiafa", "toys", "eyeglasses", "HS 6704",
           "children's clothing", "rice cooker", "fishing rod", "phone accessories", "Yiwu", "cheap luggage"]
#: Cluster listings cycled through (filters and pages).
CLUSTER_PATHS = ["/api/v1/clusters?limit=100", "/api/v1/clusters?limit=50&offset=50",
                 "/api/v1/clusters?province=44&limit=100", "/api/v1/clusters?bbox=110,20,125,35&limit=100",
                 "/api/v1/clusters?adcode=33&limit=100"]

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lua(paths: list[str]) -> str:
    from urllib.parse import quote

    quoted = ", ".join('"' + quote(p, safe="/?=&,.") + '"' for p in paths)
    return LUA % quoted


def _parse(out: str) -> dict[str, float]:
    """Requests/sec and latency percentiles (ms) from ``wrk --latency`` output."""
    def ms(value: str, unit: str) -> float:
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    res: dict[str, float] = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["rps"] = float(m.group(1)) if m else float("nan")
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        res[f"p{pct}_ms"] = ms(*m.groups()) if m else float("nan")
    m = re.search(r"(\d+) requests in", out)
    res["requests"] = float(m.group(1)) if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    res["non_2xx"] = float(m.group(1)) if m else 0.0
    m = re.search(r"Socket errors:.*timeout (\d+)", out)
    res["timeouts"] = float(m.group(1)) if m else 0.0
    return res


def run_wrk(base: str, paths: list[str], *, duration: int, connections: int, threads: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(_lua(paths))
        script = fh.name
    try:
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s",
               "-s", script, base]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, check=True).stdout
    finally:
        os.unlink(script)
    return _parse(out)


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and its workers (its own process group)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint (max 60)")
    ap.add_argument("--connections", type=int, default=16, help="open connections")
    ap.add_argument("--threads", type=int, default=1, help="wrk threads (the machine has 2 cores)")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn workers")
    ap.add_argument("--data-dir", default=None, help="atlas data folder (default: the shipped data)")
    args = ap.parse_args(argv)
    args.duration = max(1, min(args.duration, 60))
    if not shutil.which("wrk"):
        print("web_load: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "clusteratlas", "serve", "--port", str(port), "--workers", str(args.workers)]
    if args.data_dir:
        cmd += ["--data-dir", args.data_dir]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/v1", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None:
                    print(server.stderr.read().decode(), file=sys.stderr)
                    return 1
                time.sleep(0.1)
        with urllib.request.urlopen(base + "/api/v1", timeout=5) as r:
            counts = __import__("json").loads(r.read())["counts"]
        searches = [f"/api/v1/search?q={q}" for q in QUERIES]
        results = {}
        for name, paths in (("search", searches), ("clusters", CLUSTER_PATHS)):
            run_wrk(base, paths, duration=2, connections=args.connections, threads=args.threads)  # warm-up
            results[name] = run_wrk(base, paths, duration=args.duration, connections=args.connections,
                                    threads=args.threads)
    finally:
        _stop(server)

    print(f"# web load: uvicorn --workers {args.workers}, wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s --latency, loopback")
    print(f"# atlas: {counts['clusters']} clusters, {counts['industries']} industries; "
          f"{os.cpu_count()} cores; Python {platform.python_version()}")
    print("| endpoint | requests/s | p50 ms | p90 ms | p99 ms | requests | non-2xx | timeouts |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | "
              f"{r['requests']:.0f} | {r['non_2xx']:.0f} | {r['timeouts']:.0f} |")
    bad = any(r["non_2xx"] or r["timeouts"] for r in results.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
