#!/usr/bin/env python
"""Benchmark: bulk geocoding of Chinese addresses with :func:`clusteratlas.gazetteer.geocode_many`.

Generates ``--rows`` synthetic firm-register addresses (seeded) from the MCA table and times
``geocode_many`` over them. Two address mixes:

* ``register`` (default): townships drawn with a Zipf-like weight (firms concentrate in a minority of
  towns, as in a real register), addresses in five styles: full path; without the province; from the
  county down; with short names (广东佛山顺德北滘); with a company name in front. Then a road and a number.
* ``uniform``: every township equally likely (the worst case for the resolver's caches).

Prints rows per second (wall clock and CPU; best of ``--repeat`` runs, each starting with empty caches),
the time to load the tables, peak resident memory, and the share of rows whose township / county is the
one the address was generated from. The machine is shared: the spread between runs is printed too.

With ``--vs-cpca`` the same addresses, made distinct (every string once), are also given to ``cpca``
(``cpca-new``, in the ``analytics`` extra) in the same process, alternating the two, and the figure reported
is the ratio of the best times (geocode rows/s ÷ cpca rows/s; above 1 means geocode is faster) with the share
of rows each puts in the county the address was generated from. A ratio is stable on a shared machine where
rows/s are not.

Usage::

    .venv/bin/python benchmarks/gazetteer_bulk.py                 # 100,000 rows, register mix
    .venv/bin/python benchmarks/gazetteer_bulk.py --vs-cpca       # 100,000 distinct rows, against cpca
    .venv/bin/python benchmarks/gazetteer_bulk.py --mix uniform
    .venv/bin/python benchmarks/gazetteer_bulk.py --rows 20000 --file out.csv   # also through the CLI writer
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

ROADS = ["人民路", "解放路", "中山路", "建设路", "工业大道", "新华街", "长江路", "和平路", "东风路", "文化路",
         "胜利街", "科技园路", "环城北路", "兴业路", "创业大道", "迎宾大道", "滨江东路", "振兴路"]
FIRMS = ["华鑫", "永盛", "金达", "恒利", "宏图", "美嘉", "天成", "利达", "新宇", "鸿运"]


def make_addresses(n: int, *, mix: str, seed: int) -> tuple[list[str], list[str]]:
    """``n`` addresses and the township code each was generated from."""
    from clusteratlas.gazetteer import _tables as gd

    rng = random.Random(seed)
    units = gd.units()
    towns = sorted(u.code for u in units.values() if u.level == 4)
    if mix == "register":
        rng.shuffle(towns)
        weights = [1.0 / (i + 1) ** 0.8 for i in range(len(towns))]
        picks = rng.choices(towns, weights=weights, k=n)
    else:
        picks = [rng.choice(towns) for _ in range(n)]
    out = []
    for code in picks:
        path = [units[c] for c in units[code].path]
        style = rng.random()
        if style < 0.35:
            parts = [p.name for p in path]
        elif style < 0.55:
            parts = [p.name for p in path if p.level > 1]
        elif style < 0.75:
            parts = [p.name for p in path if p.level > 2]
        elif style < 0.9:
            parts = [p.stem if p.level < 4 and len(p.stem) >= 2 else p.name for p in path]
        else:
            parts = [path[-2].name, rng.choice(FIRMS), "实业有限公司", path[-1].name] if len(path) > 1 else \
                [p.name for p in path]
        number = rng.randint(1, 999)
        tail = f"{rng.choice(ROADS)}{number}号" if rng.random() < 0.9 else f"{rng.choice(ROADS)}{number}号{rng.randint(1, 30)}栋"
        out.append("".join(parts) + tail)
    return out, picks


def _clear_caches() -> None:
    from clusteratlas.gazetteer import _scan, bulk

    _scan._cands_cache.clear()  # the memos only: the tables stay loaded
    _scan._resolve_cache.clear()
    bulk._ROWS.clear()
    bulk._BY_UNIT.clear()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--mix", choices=["register", "uniform"], default="register")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs (the best is reported)")
    ap.add_argument("--file", type=Path, help="also geocode a CSV of the addresses through the CLI path")
    ap.add_argument("--vs-cpca", action="store_true", help="distinct addresses, timed against cpca (a ratio)")
    args = ap.parse_args(argv)
    if args.vs_cpca:
        vs_cpca(args.rows, mix=args.mix, seed=args.seed, repeat=args.repeat)
        return

    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    from clusteratlas.gazetteer import geocode_many, resolve_address

    resolve_address("广东省佛山市顺德区北滘镇")  # load the tables and the Chinese indexes
    load_s = time.perf_counter() - t0
    addresses, truth = make_addresses(args.rows, mix=args.mix, seed=args.seed)

    rss_loaded = peak_rss_mb()
    runs = []
    for _ in range(args.repeat):
        _clear_caches()  # every run starts cold
        status: dict[str, int] = {}
        town = county = 0
        w0, c0 = time.perf_counter(), time.process_time()
        for r, t in zip(geocode_many(addresses), truth):  # streamed, as the CLI does: rows are not kept
            status[r["status"]] = status.get(r["status"], 0) + 1
            town += r["adcode"] == t
            county += (r["adcode"] or "")[:6] == t[:6]
        runs.append((time.perf_counter() - w0, time.process_time() - c0))
    wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
    n = len(addresses)
    town, county = town / n, county / n
    rows = addresses
    print(f"rows: {len(rows):,} ({args.mix} mix, seed {args.seed})")
    print(f"load tables + indexes: {load_s:.2f} s")
    print(f"geocode_many (best of {args.repeat}, cold caches): {len(rows) / wall:,.0f} rows/s wall, "
          f"{len(rows) / cpu:,.0f} rows/s CPU ({wall:.2f} s wall, {cpu:.2f} s CPU); all runs (wall s): "
          + ", ".join(f"{r[0]:.2f}" for r in runs))
    print(f"peak RSS: {peak_rss_mb():.0f} MB (interpreter: {rss0:.0f} MB; after loading the tables and "
          f"generating the addresses: {rss_loaded:.0f} MB)")
    print(f"same township as generated: {town:.2%}; same county: {county:.2%}; status: {status}")

    if args.file:
        import csv
        import subprocess

        with args.file.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "address"])
            w.writerows(enumerate(addresses))
        out = args.file.with_suffix(".geocoded.csv")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "clusteratlas", "geocode", str(args.file), "--column", "address",
                        "--output", str(out)], check=True)
        print(f"CLI geocode (read, resolve, write): {len(rows) / (time.perf_counter() - t):,.0f} rows/s "
              f"including start-up -> {out}")


def distinct_addresses(n: int, *, mix: str, seed: int) -> tuple[list[str], list[str]]:
    """``n`` distinct addresses (duplicates of :func:`make_addresses` dropped, more drawn until ``n``)."""
    seen: dict[str, str] = {}
    k = 0
    while len(seen) < n:
        addrs, truth = make_addresses(n, mix=mix, seed=seed + k)
        for a, t in zip(addrs, truth):
            if len(seen) < n:
                seen.setdefault(a, t)
        k += 1
    return list(seen), list(seen.values())


def vs_cpca(n: int, *, mix: str, seed: int, repeat: int) -> None:
    """geocode and cpca on the same ``n`` distinct addresses, alternating, best of ``repeat`` each."""
    try:
        import cpca_new
    except ImportError:
        print("cpca-new is not installed (pip install 'clusteratlas[analytics]'): no baseline to compare with")
        return
    from clusteratlas.gazetteer import geocode_many, resolve_address

    resolve_address("广东省佛山市顺德区北滘镇")
    cpca_new.transform(["广东省佛山市顺德区北滘镇"])
    addresses, truth = distinct_addresses(n, mix=mix, seed=seed)
    times: dict[str, list[tuple[float, float]]] = {"geocode": [], "cpca": []}
    right: dict[str, float] = {}
    for _ in range(repeat):
        _clear_caches()
        t, p = time.perf_counter(), time.process_time()
        got = [r["adcode"] for r in geocode_many(addresses)]
        times["geocode"].append((time.perf_counter() - t, time.process_time() - p))
        right["geocode"] = sum((a or "")[:6] == c[:6] for a, c in zip(got, truth)) / n
        t, p = time.perf_counter(), time.process_time()
        df = cpca_new.transform(addresses)
        times["cpca"].append((time.perf_counter() - t, time.process_time() - p))
        right["cpca"] = sum(str(a or "")[:6] == c[:6] for a, c in zip(df["adcode"], truth)) / n
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in times.items()}
    print(f"rows: {n:,} distinct ({mix} mix, seed {seed}); best of {repeat}, alternating, cold caches")
    for name, label in (("geocode", "geocode_many"), ("cpca", "cpca.transform")):
        w, c = best[name]
        print(f"{label}: {n / w:,.0f} rows/s wall, {n / c:,.0f} rows/s CPU; right county {right[name]:.2%}; "
              "runs (wall s): " + ", ".join(f"{x:.2f}" for x, _ in times[name]))
    print(f"ratio geocode / cpca (rows/s): {best['cpca'][0] / best['geocode'][0]:.2f}x wall clock, "
          f"{best['cpca'][1] / best['geocode'][1]:.2f}x CPU time")


if __name__ == "__main__":
    main()
