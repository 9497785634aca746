"""Benchmark: Marcon-Puech M for 1,000,000 establishments and 20 radii (target: <= 30 s per evaluation,
<= 8 GB on 2 cores), exact and binned, and the binned-vs-exact error. Cases: one industry with 5 % of the
establishments (the share used in Marcon & Puech's dbmss benchmark).

Run: .venv/bin/python benchmarks/analytics_mfunction.py [--sites 1000000] [--share 0.05]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from analytics_common import Timer, national_firms, peak_rss_gb

from clusteratlas.analytics import load_firms, m_function


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=1_000_000)
    ap.add_argument("--share", type=float, default=0.05)
    ap.add_argument("--metric", default="great_circle")
    a = ap.parse_args()
    times: dict = {}
    with Timer("generate data", times):
        df = national_firms(a.sites, "socks", int(a.sites * a.share))
        firms = load_firms(df, weight_col="employment")
    n = int((df["industry"] == "socks").sum())
    radii = np.arange(1.0, 21.0)
    print(f"{firms.n:,} establishments, {n:,} cases (socks); radii 1..20 km; metric {a.metric}")
    res = {}
    for method in ("exact", "binned"):
        t0 = time.perf_counter()
        c0 = time.process_time()
        res[method] = m_function(firms, "socks", radii_km=radii, method=method, metric=a.metric, weighted=False)
        print(f"  M {method}: {time.perf_counter() - t0:.1f} s wall, {time.process_time() - c0:.1f} s CPU; "
              f"peak RSS so far {peak_rss_gb():.2f} GB; M(1 km) = {res[method].m[0]:.2f}, "
              f"M(20 km) = {res[method].m[-1]:.2f}")
    rel = np.abs(res["binned"].m / res["exact"].m - 1)
    print(f"  binned vs exact: max relative difference {rel.max():.2e} (radius {radii[np.argmax(rel)]:g} km); "
          f"for r >= 3 km {rel[radii >= 3].max():.2e}; cell {res['binned'].parameters['binned_cell_km']} km, "
          f"exact below {res['binned'].parameters['exact_below_km']} km")


if __name__ == "__main__":
    main()
