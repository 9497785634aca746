"""Benchmark: location quotients (with the strong-cluster rule), Hoover/Gini/Herfindahl and
Ellison-Glaeser for 10,000,000 establishments (target: <= 10 s each, <= 8 GB on 2 cores; polars).

Run: .venv/bin/python benchmarks/analytics_regional.py [--rows 10000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl
from analytics_common import peak_rss_gb

from clusteratlas.analytics import concentration_indices, ellison_glaeser, load_firms, location_quotients


def synthetic(rows: int, seed: int = 1) -> pl.DataFrame:
    """``rows`` establishments over 2,850 counties and 500 industries, lognormal sizes, with a few
    hundred planted county x industry concentrations."""
    rng = np.random.default_rng(seed)
    counties = 2850
    industries = 500
    cw = rng.lognormal(0, 1, counties)
    iw = rng.lognormal(0, 1, industries)
    region = rng.choice(counties, rows, p=cw / cw.sum())
    industry = rng.choice(industries, rows, p=iw / iw.sum())
    planted = rng.random(rows) < 0.05
    industry[planted] = (region[planted] * 7) % industries  # each county over-represents one industry
    lat = 20 + (region % 50) * 0.5 + rng.normal(0, 0.1, rows)
    lon = 100 + (region // 50) * 0.5 + rng.normal(0, 0.1, rows)
    return pl.DataFrame({
        "industry": pl.Series(industry).cast(pl.String), "region": pl.Series(region + 110000).cast(pl.String),
        "lat": lat, "lon": lon, "employment": np.maximum(1, rng.lognormal(2.5, 1.0, rows).round())})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    a = ap.parse_args()
    t0 = time.perf_counter()
    df = synthetic(a.rows)
    print(f"generated {df.height:,} rows in {time.perf_counter() - t0:.1f} s")
    for label, fn in (("load_firms (validate, place)", lambda: load_firms(df, region_col="region",
                                                                         weight_col="employment")),):
        t0 = time.perf_counter()
        firms = fn()
        print(f"  {label}: {time.perf_counter() - t0:.2f} s")
    for label, fn in (("location quotients + strong-cluster rule", lambda: location_quotients(firms)),
                      ("Hoover / locational Gini / Herfindahl", lambda: concentration_indices(firms)),
                      ("Ellison-Glaeser + Maurel-Sedillot", lambda: ellison_glaeser(firms))):
        t0 = time.perf_counter()
        c0 = time.process_time()
        res = fn()
        print(f"  {label}: {time.perf_counter() - t0:.2f} s wall, {time.process_time() - c0:.2f} s CPU "
              f"({len(res.table):,} rows)")
    print(f"peak RSS {peak_rss_gb():.2f} GB")


if __name__ == "__main__":
    main()
