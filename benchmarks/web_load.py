#!/usr/bin/env python3
"""Load benchmark of the web API: each endpoint as a ratio of a bare-FastAPI ceiling measured in the same run.

The ceiling is a FastAPI app with one endpoint returning a constant JSON object, served exactly as
``clusteratlas serve`` serves the atlas (the same uvicorn, HTTP protocol and worker processes forked from a
loaded app, :func:`clusteratlas.web._serve.run`), loaded by the same ``wrk`` settings. Every endpoint of the
atlas is then reported as requests/s, the ratio to the ceiling's requests/s, and latency percentiles; the
goal (issue 15) is every endpoint at >= 50 % of the ceiling with p99 <= 50 ms.

Bounded: each endpoint is loaded for ``--duration`` seconds (default 10) after a 2-second warm-up; the servers
are stopped at the end. Traffic goes to 127.0.0.1 only.

Usage::

    python benchmarks/web_load.py [--duration 10] [--connections 32] [--workers 2] [--data-dir DIR]

Needs ``wrk`` (Debian: ``apt-get install wrk``; ``scripts/install-system-deps.sh`` installs it).
"""

from __future__ import annotations

import argparse
import json
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

#: Search queries cycled through, one per request (products and places, English, Chinese, pinyin, HS).
QUERIES = ["wig", "socks", "luggage", "led lights", "假发", "袜子", "jiafa", "toys", "eyeglasses", "HS 6704",
           "children's clothing", "rice cooker", "fishing rod", "phone accessories", "Yiwu", "cheap luggage"]
#: Place look-ups cycled through.
PLACES = ["Yiwu", "义乌", "Datang, Zhuji", "大唐镇", "Foshan", "Shunde", "Xuchang", "许昌", "Jinjiang", "Dongguan",
          "Humen", "Yongkang", "Cixi", "Danyang", "Dehua", "Shantou Chenghai"]
#: Cluster listings cycled through (filters and pages).
CLUSTER_PATHS = ["/api/v1/clusters?limit=50", "/api/v1/clusters?limit=50&offset=50",
                 "/api/v1/clusters?province=44&limit=100", "/api/v1/clusters?bbox=110,20,125,35&limit=100",
                 "/api/v1/clusters?adcode=33&limit=100"]

#: The ceiling: a bare FastAPI app, served by the same code as the atlas.
CEILING = """
import sys
from fastapi import FastAPI
from clusteratlas.web._serve import run

app = FastAPI()

@app.get("/c")
async def constant():
    return {"ok": True, "name": "clusteratlas"}

run(app, host="127.0.0.1", port=int(sys.argv[1]), workers=int(sys.argv[2]))
"""

LUA = """
local paths = {%s}
local cold = %s
local i = 0
local n = 0
request = function()
  i = i %% #paths + 1
  n = n + 1
  local p = paths[i]
  if cold then
    local sep = "?"
    if string.find(p, "?", 1, true) then sep = "&" end
    p = p .. sep .. "_=" .. n .. "-" .. math.random(1, 1000000000)
  end
  return wrk.format("GET", p)
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lua(paths: list[str], cold: bool = False) -> str:
    """The wrk script cycling through ``paths``; ``cold`` makes every address unique (an ignored ``_``
    parameter), so that no answer comes from the response cache."""
    from urllib.parse import quote

    quoted = ", ".join('"' + quote(p, safe="/?=&,.") + '"' for p in paths)
    return LUA % (quoted, "true" if cold else "false")


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


def run_wrk(base: str, paths: list[str], *, duration: int, connections: int, threads: int,
            cold: bool = False) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(_lua(paths, cold))
        script = fh.name
    try:
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s",
               "-s", script, base]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, check=True).stdout
    finally:
        os.unlink(script)
    return _parse(out)


def _stop(server: subprocess.Popen) -> None:
    """Stop a server and its workers (its own process group)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=20)


def _wait_ready(base: str, path: str, server: subprocess.Popen) -> None:
    for _ in range(1200):
        try:
            urllib.request.urlopen(base + path, timeout=1).read()
            return
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()) from None
            time.sleep(0.1)
    raise RuntimeError(f"{base}{path} did not answer within 120 s")


def _load(base: str, paths: list[str], args, cold: bool = False) -> dict[str, float]:
    run_wrk(base, paths, duration=2, connections=args.connections, threads=args.threads, cold=cold)  # warm-up
    return run_wrk(base, paths, duration=args.duration, connections=args.connections, threads=args.threads,
                   cold=cold)


def endpoints() -> dict[str, list[str]]:
    """Endpoint name -> the addresses cycled through."""
    return {  # raw addresses: _lua percent-encodes them
        "search": [f"/api/v1/search?q={q}" for q in QUERIES],
        "places": [f"/api/v1/places?q={q}" for q in PLACES],
        "clusters?limit=50": CLUSTER_PATHS[:2],
        "clusters (filters)": CLUSTER_PATHS[2:],
        "cluster detail": ["/api/v1/clusters/xuchang-wigs", "/api/v1/clusters/datang-socks"],
        "reverse": ["/api/v1/places/reverse?lat=29.72&lon=120.24", "/api/v1/places/reverse?lat=23.0&lon=113.1"],
        "export.csv": ["/api/v1/export.csv"],
        "about": ["/api/v1/about"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint (max 60)")
    ap.add_argument("--connections", type=int, default=32, help="open connections")
    ap.add_argument("--threads", type=int, default=1, help="wrk threads (the machine has 2 cores)")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    ap.add_argument("--data-dir", default=None, help="atlas data folder (default: the shipped data)")
    ap.add_argument("--only", default=None, help="comma-separated endpoint names (default: all)")
    ap.add_argument("--cold", action="store_true",
                    help="also load every endpoint with unique addresses (no response-cache hits)")
    args = ap.parse_args(argv)
    args.duration = max(1, min(args.duration, 60))
    if not shutil.which("wrk"):
        print("web_load: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    wanted = endpoints()
    if args.only:
        keep = {n.strip() for n in args.only.split(",")}
        wanted = {k: v for k, v in wanted.items() if k in keep}

    ceiling_port, port = _free_port(), _free_port()
    top_base, base = f"http://127.0.0.1:{ceiling_port}", f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "clusteratlas", "serve", "--port", str(port), "--workers", str(args.workers)]
    if args.data_dir:
        cmd += ["--data-dir", args.data_dir]
    ceiling = subprocess.Popen([sys.executable, "-c", CEILING, str(ceiling_port), str(args.workers)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    # Each endpoint is loaded right after a run of the ceiling and compared with that run: the machine's
    # other work drifts over minutes, so a ceiling measured once at the start would not be "the same run".
    plan = [(name, paths, False) for name, paths in wanted.items()]
    if args.cold:
        plan += [(f"{name}, uncached", paths, True) for name, paths in wanted.items()]
    rows = []
    try:
        _wait_ready(top_base, "/c", ceiling)
        _wait_ready(base, "/api/v1/ready", server)
        with urllib.request.urlopen(base + "/api/v1", timeout=5) as r:
            counts = json.loads(r.read())["counts"]
        for name, paths, cold in plan:
            top = _load(top_base, ["/c"], args)
            got = _load(base, paths, args, cold=cold)
            rows.append((name, got, top))
    finally:
        _stop(server)
        _stop(ceiling)

    print(f"# web load: --workers {args.workers}, wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
          f"--latency, 127.0.0.1; ratio = requests/s / those of the bare-FastAPI ceiling loaded just before")
    print(f"# atlas: {counts['clusters']} clusters, {counts['industries']} industries; "
          f"{os.cpu_count()} cores; Python {platform.python_version()}; load average before: "
          f"{os.getloadavg()[0]:.1f}")
    print("| endpoint | requests/s | ceiling requests/s | ratio | p50 ms | p90 ms | p99 ms | ceiling p99 ms | "
          "requests | non-2xx | timeouts | goal |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    missed = []
    for name, r, top in rows:
        ratio = r["rps"] / top["rps"] if top["rps"] else float("nan")
        ok = ratio >= 0.5 and r["p99_ms"] <= 50
        if not ok:
            missed.append(name)
        print(f"| {name} | {r['rps']:.0f} | {top['rps']:.0f} | {ratio:.0%} | {r['p50_ms']:.1f} | "
              f"{r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {top['p99_ms']:.1f} | {r['requests']:.0f} | "
              f"{r['non_2xx']:.0f} | {r['timeouts']:.0f} | {'met' if ok else 'missed'} |")
    print("# goal (>= 50 % of the ceiling, p99 <= 50 ms): "
          + ("met by every endpoint" if not missed else "missed by " + "; ".join(missed)))
    bad = any(r["non_2xx"] or r["timeouts"] for _, r, _ in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
