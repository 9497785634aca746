"""Benchmark: Duranton-Overman K-density, 999 simulations, a 10,000-firm industry among 1,000,000
establishments (target: <= 60 s, <= 8 GB on 2 cores), plus the binned-vs-exact error.

Run: .venv/bin/python benchmarks/analytics_kdensity.py [--sites 1000000] [--firms 10000] [--sims 999]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from analytics_common import Timer, national_firms, peak_rss_gb

from clusteratlas.analytics import k_density, load_firms


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=1_000_000)
    ap.add_argument("--firms", type=int, default=10_000)
    ap.add_argument("--sims", type=int, default=999)
    ap.add_argument("--metric", default="great_circle")
    ap.add_argument("--skip-error", action="store_true")
    ap.add_argument("--dask", type=int, default=0, help="also run the simulations on a LocalCluster of N workers")
    a = ap.parse_args()
    times: dict = {}
    with Timer("generate data", times):
        df = national_firms(a.sites, "socks", a.firms)
    with Timer("load_firms", times):
        firms = load_firms(df, region_col="region", weight_col="employment")
    n = int((df["industry"] == "socks").sum())
    print(f"{firms.n:,} establishments, {n:,} of them socks")
    t0 = time.perf_counter()
    res = k_density(firms, "socks", simulations=a.sims, seed=1, weighted=False, metric=a.metric)
    wall = time.perf_counter() - t0
    p = res.parameters
    print(f"K-density ({a.metric}), {a.sims} simulations: {wall:.1f} s wall; peak RSS {peak_rss_gb():.2f} GB")
    print(f"  bandwidth {p['bandwidth_km']:.3f} km ({p['bandwidth']}); modes: observed {p['mode_observed']}, "
          f"null mean {p['mode_null_mean']}, simulations {p['mode_simulations']}; "
          f"binned grids {p['binned_grids']}")
    print(f"  phases (s): {p['timings_s']}")
    print(f"  localised={res.localised} Gamma={res.localisation_index:.4f} p={res.p_value_localised:.4f}")
    if not a.skip_error:
        error_study(firms, p["bandwidth_km"])
    if a.dask:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=a.dask, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
                Client(cl) as client:
            t0 = time.perf_counter()
            rd = k_density(firms, "socks", simulations=a.sims, seed=1, weighted=False, metric=a.metric,
                           backend=client)
            print(f"  Dask LocalCluster ({a.dask} worker processes x 1 thread): {time.perf_counter() - t0:.1f} s; "
                  f"phases {rd.parameters['timings_s']}; same envelopes as local: "
                  f"{bool(np.array_equal(rd.upper_global, res.upper_global))}")


def error_study(firms, h_auto: float) -> None:
    """Binned vs exact K-density of the observed industry at several cell sizes (equal-area metric, the
    binned far field being planar). National extent first (the dense grid is capped at 2e7 cells), then
    the establishments of a 400 km box around Zhuji, where the requested cell is used as is."""
    import polars as pl

    from clusteratlas.analytics.firms import Firms

    # the null mean: binned on the national grid vs exact, on a random 100,000-site subsample
    sub = firms.table.sample(100_000, seed=1)
    sub_f = Firms(sub, firms.unplaced, sub.height, firms.weighted, "sample")
    kw = {"simulations": 0, "weighted": False, "metric": "equal_area", "bandwidth_km": h_auto}
    t0 = time.perf_counter()
    ex = k_density(sub_f, "socks", method="exact", **kw)
    t1 = time.perf_counter()
    bi = k_density(sub_f, "socks", method="binned", **kw)
    t2 = time.perf_counter()
    g = bi.parameters["binned_grids"]["null_mean"]
    far = ex.distance_km >= 2 * g["cell_km"]
    rel = np.abs(bi.null_mean[far] / ex.null_mean[far] - 1).max()
    print(f"  error null mean (100,000 sites, national grid, cell {g['cell_km']:.3f} km, h={h_auto:.3f} km): max "
          f"relative error at d >= 2 cells {rel:.2e}; exact {t1 - t0:.1f} s, binned {t2 - t1:.1f} s")
    box = firms.table.filter(pl.col("lat").is_between(27.9, 31.5) & pl.col("lon").is_between(118.2, 122.3))
    regional = Firms(box, firms.unplaced, box.height, firms.weighted, "box")
    for label, f in (("national", firms), ("Zhejiang box", regional)):
        for h in (h_auto, 1.0):
            ex = k_density(f, "socks", method="exact", simulations=0, null_mean=False, weighted=False,
                           metric="equal_area", bandwidth_km=h)
            for cell in (0.1, 0.25, 0.5):
                t0 = time.perf_counter()
                bi = k_density(f, "socks", method="binned", cell_km=cell, exact_below_km=2 * cell, simulations=0,
                               null_mean=False, weighted=False, metric="equal_area", bandwidth_km=h)
                dt = time.perf_counter() - t0
                g = bi.parameters["binned_grids"]["observed"]
                far = ex.distance_km >= 2 * g["cell_km"]
                big = ex.kd > 0.01 * ex.kd.max()
                rel = np.abs(bi.kd[far & big] / ex.kd[far & big] - 1).max()
                print(f"  error {label:12s} n={int(f.mask('socks').sum()):6d} h={h:.3f} km, cell asked {cell} "
                      f"-> used {g['cell_km']:.3f} km: max relative error (d >= 2 cells, K > 1% of max) "
                      f"{rel:.2e}; binned {dt:.2f} s, exact {ex.parameters['timings_s']['observed']:.2f} s")


if __name__ == "__main__":
    main()
