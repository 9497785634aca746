#!/usr/bin/env python
"""Concurrency test of ``clusteratlas serve``: 10,000 mixed search and place requests, many at once, on
127.0.0.1; counts the answers by status and fails on any 5xx or transport error.

Usage::

    python benchmarks/web_concurrency.py [--requests 10000] [--concurrency 500] [--workers 1] [--quick]

The server is started as a child process (``clusteratlas serve --port P``), asked once per kind right after it
accepts connections (first-request latency: the indexes are warmed at start-up), then loaded with
``--requests`` requests from one asyncio client (httpx) keeping ``--concurrency`` in flight: half
``/api/v1/search?q=…``, half ``/api/v1/places?q=…``, queries drawn from the labelled sets, a few of them
malformed on purpose (they must get a 4xx in the error envelope, never a 5xx). Bounded in count and time;
traffic goes to 127.0.0.1 only; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
CLI = [str(Path(sys.executable).with_name("clusteratlas"))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _queries(name: str) -> list[str]:
    rows = []
    for line in (ROOT / "tests" / "data" / name).read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#") and not line.startswith("query\t"):
            rows.append(line.split("\t")[0])
    return rows


def _wait_ready(port: int, proc: subprocess.Popen, timeout: float = 120.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return time.perf_counter() - start
        except OSError:
            time.sleep(0.05)
    raise SystemExit("server did not start")


async def _load(port: int, n: int, concurrency: int, seed: int) -> tuple[Counter, list[float], int]:
    import httpx

    rng = random.Random(seed)
    search = _queries("queries_labelled.tsv") + _queries("queries_holdout.tsv")
    places = _queries("places_labelled.tsv") + _queries("dev_places.tsv")
    bad = ["", "x" * 300, "a\x01b"]
    urls = []
    for i in range(n):
        if rng.random() < 0.01:
            urls.append(("/api/v1/search", {"q": rng.choice(bad)}))
        elif i % 2:
            urls.append(("/api/v1/search", {"q": rng.choice(search)}))
        else:
            urls.append(("/api/v1/places", {"q": rng.choice(places)}))
    statuses: Counter = Counter()
    latencies: list[float] = []
    errors = 0
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=120.0) as client:
        async def one(path: str, params: dict) -> None:
            nonlocal errors
            async with sem:
                t = time.perf_counter()
                try:
                    r = await client.get(path, params=params)
                    statuses[r.status_code] += 1
                    if 400 <= r.status_code < 500 and "error" not in r.json():
                        statuses["4xx without envelope"] += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - t)

        await asyncio.gather(*(one(p, q) for p, q in urls))
    return statuses, latencies, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=500)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="1,000 requests, 100 at once")
    args = ap.parse_args(argv)
    if args.quick:
        args.requests, args.concurrency = 1000, 100
    port = _free_port()
    proc = subprocess.Popen([*CLI, "serve", "--port", str(port), "--workers", str(args.workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
    try:
        ready = _wait_ready(port, proc)
        first = {}
        for path, q in (("/api/v1/search", "wig"), ("/api/v1/places", "Datang, Zhuji"),
                        ("/api/v1/places/reverse", None)):
            query = urlencode({"q": q} if q else {"lat": 29.72, "lon": 120.24})
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # light: no client start-up in the time
            t = time.perf_counter()
            conn.request("GET", f"{path}?{query}")
            resp = conn.getresponse()
            resp.read()
            first[path] = time.perf_counter() - t
            conn.close()
            if resp.status != 200:
                raise SystemExit(f"{path}: HTTP {resp.status}")
        t = time.perf_counter()
        statuses, lat, errors = asyncio.run(_load(port, args.requests, args.concurrency, args.seed))
        wall = time.perf_counter() - t
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    five = sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500)
    print(f"server ready (accepting connections) after {ready:.2f} s; first request of each kind: "
          + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in first.items()))
    print(f"{args.requests} requests, {args.concurrency} in flight, {args.workers} worker(s): {wall:.1f} s "
          f"({args.requests / wall:,.0f} req/s); latency p50 {statistics.median(lat) * 1000:.0f} ms, "
          f"p99 {sorted(lat)[int(0.99 * len(lat)) - 1] * 1000:.0f} ms")
    print(f"statuses: {dict(sorted(statuses.items(), key=str))}; transport errors: {errors}; 5xx: {five}")
    return 1 if five or errors or statuses.get("4xx without envelope") else 0


if __name__ == "__main__":
    sys.exit(main())
