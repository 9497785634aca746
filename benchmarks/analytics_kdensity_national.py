"""Benchmark: K-density of a 1,000,000-firm industry among 10,000,000 establishments (issue 16).

Goal: 999 simulations in <= 10 minutes and <= 8 GB on 2 cores. The script generates the national table
(:func:`analytics_common.national_points`, seeded, no regions), computes the observed K-density and the
null mean, then ``--sims`` simulations, and prints wall time, CPU time and peak RSS of each phase; with
``--sims`` below 999 it also prints the time per simulation and the extrapolation to 999 (stated as such).

Run: .venv/bin/python benchmarks/analytics_kdensity_national.py [--sites 10000000] [--firms 1000000]
     [--sims 3] [--bandwidth-km H] [--max-memory 8G] [--dask 1,2,4]
     [--whole]  (one k_density call with --sims simulations, observed curve and null mean included)
     [--sim-path-only]  (with --bandwidth-km: time only the simulation path -- site cells built once, then
     one FFT pass per simulation, exactly what ``k_density`` runs per simulation in binned mode -- and skip the
     observed curve and null mean, which take minutes at this scale)
"""

from __future__ import annotations

import argparse
import time

from analytics_common import Timer, national_points, peak_rss_gb

from clusteratlas._limits import ResourceLimitError, set_max_memory
from clusteratlas.analytics import k_density, load_firms


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=10_000_000)
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--sims", type=int, default=3)
    ap.add_argument("--max-distance-km", type=float, default=200.0)
    ap.add_argument("--bandwidth-km", type=float, default=None)
    ap.add_argument("--max-memory", default="8G", help="memory budget of the run (the goal: 8 GB)")
    ap.add_argument("--dask", default="", help="comma-separated worker counts for a LocalCluster run")
    ap.add_argument("--sim-path-only", action="store_true", help="time only the simulation path (needs --bandwidth-km)")
    ap.add_argument("--whole", action="store_true",
                    help="one k_density call (observed, null mean and --sims simulations), timed as a whole")
    ap.add_argument("--compare-old", type=int, default=0,
                    help="with --sim-path-only: also time this many simulations on the previous path (the binned "
                         "pair histogram of each subset: tiled or coarsened FFT + exact near field), same process")
    a = ap.parse_args()
    set_max_memory(a.max_memory)
    times: dict = {}
    with Timer("generate", times):
        df = national_points(a.sites, a.firms)
    with Timer("load_firms", times):
        firms = load_firms(df)
    del df
    print(f"{firms.n:,} establishments, {int(firms.mask('socks').sum()):,} socks; peak RSS {peak_rss_gb():.2f} GB",
          flush=True)
    if a.sim_path_only:
        sim_path_only(firms, a)
        return
    if a.whole:
        whole_call(firms, a)
        return
    kw = {"max_distance_km": a.max_distance_km, "bandwidth_km": a.bandwidth_km, "weighted": False, "seed": 1}
    try:
        with Timer("observed + null mean (0 simulations)", times):
            r0 = k_density(firms, "socks", simulations=0, **kw)
        p = r0.parameters
        print(f"  bandwidth {p['bandwidth_km']:.4g} km ({p['bandwidth']}); modes {p['mode_observed']}/"
              f"{p['mode_null_mean']}; grids {p['binned_grids']}; phases {p['timings_s']}; "
              f"peak RSS {peak_rss_gb():.2f} GB", flush=True)
        kw["bandwidth_km"] = p["bandwidth_km"]
        if a.sims:
            with Timer(f"{a.sims} simulations (+ observed, null mean skipped)", times):
                r = k_density(firms, "socks", simulations=a.sims, null_mean=False, **kw)
            ps = r.parameters
            per = ps["timings_s"]["simulations"] / a.sims
            print(f"  simulations mode {ps['mode_simulations']}: {per:.2f} s per simulation -> 999 simulations "
                  f"would take about {per * 999 / 60:.0f} min (extrapolated, not run); peak RSS "
                  f"{peak_rss_gb():.2f} GB", flush=True)
    except ResourceLimitError as exc:
        print(f"  stopped by the memory check: {exc}")
    for workers in [int(w) for w in a.dask.split(",") if w.strip()]:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
                Client(cl) as client:
            t0 = time.perf_counter()
            rd = k_density(firms, "socks", simulations=a.sims, null_mean=False, backend=client, **kw)
            print(f"  Dask LocalCluster, {workers} worker process(es) x 1 thread: {time.perf_counter() - t0:.1f} s "
                  f"wall for {a.sims} simulations (phases {rd.parameters['timings_s']})", flush=True)


def whole_call(firms, a) -> None:
    """One ``k_density`` call as a user makes it: wall and CPU time, peak RSS, load average before/after."""
    import os

    load0 = os.getloadavg()
    t0, c0 = time.perf_counter(), time.process_time()
    r = k_density(firms, "socks", simulations=a.sims, max_distance_km=a.max_distance_km, bandwidth_km=a.bandwidth_km,
                  weighted=False, seed=1)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    p = r.parameters
    print(f"  whole k_density call, {a.sims} simulations: {wall:.1f} s wall ({wall / 60:.2f} min), {cpu:.1f} s CPU, "
          f"peak RSS {peak_rss_gb():.2f} GB; load average before {load0[0]:.1f}/{load0[1]:.1f}/{load0[2]:.1f}, "
          f"after {'/'.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)
    print(f"  bandwidth {p['bandwidth_km']:.4g} km; modes {p['mode_observed']}/{p['mode_null_mean']}/"
          f"{p['mode_simulations']}; grids {p['binned_grids']}; phases {p['timings_s']}; localised {r.localised}, "
          f"Gamma {r.localisation_index:.4g}, p {r.p_value_localised:.3g}", flush=True)


def sim_path_only(firms, a) -> None:
    """Per-simulation time of the binned simulation path: the task ``k_density`` runs for its simulations
    (site cells built once, random subsets drawn, one FFT each, two side by side), called in batches as
    :func:`clusteratlas.analytics._simulate.run_simulations` does."""
    import numpy as np

    from clusteratlas.analytics import _smooth as S
    from clusteratlas.analytics._binned import SiteCells
    from clusteratlas.analytics._geometry import prepare_points
    from clusteratlas.analytics.kdensity import SIM_CELL_PER_BANDWIDTH, _KdSimTask

    h = float(a.bandwidth_km)
    sites = prepare_points(lon=firms.lon, lat=firms.lat, metric="great_circle")
    n = int(firms.mask("socks").sum())
    t = np.arange(0.0, a.max_distance_km + 0.5, 1.0)
    cutoff = S.histogram_cutoff(t, h)
    binw = S.moment_bin_width(h)
    nbins = int(np.ceil(cutoff / binw - 1e-9))
    band = S.kernel_band(t, h, binw, nbins)
    t0 = time.perf_counter()
    cells = SiteCells.build(sites.xy, min(1.0, h * SIM_CELL_PER_BANDWIDTH), cutoff, sites.inflate)
    print(f"  site cells at {cells.cell_km:g} km: grid {cells.ny} x {cells.nx}, FFT {cells.shape}, built in "
          f"{time.perf_counter() - t0:.1f} s; peak RSS {peak_rss_gb():.2f} GB", flush=True)
    task = _KdSimTask(sites.xy, sites.uvw, "great_circle", sites.projection, None, n, cutoff, binw, h, band,
                      1.0, "binned", cells.cell_km, 2.0, cells=cells)
    seeds = np.random.SeedSequence(1).spawn(a.sims)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, a.sims, 8):
        task(seeds[i:i + 8])
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    per = wall / max(a.sims, 1)
    print(f"  {a.sims} simulations: {wall:.1f} s wall, {cpu:.1f} s CPU -> {per:.2f} s per simulation; "
          f"999 would take about {per * 999 / 60:.1f} min"
          f"{' (extrapolated, not run)' if a.sims < 999 else ''}; peak RSS {peak_rss_gb():.2f} GB", flush=True)
    if a.compare_old:
        import dataclasses

        old = dataclasses.replace(task, cells=None)
        t0 = time.perf_counter()
        old(seeds[:a.compare_old])
        per_old = (time.perf_counter() - t0) / a.compare_old
        print(f"  previous path (binned pair histogram per subset: tiled or coarsened FFT + exact near field), {a.compare_old} simulation(s): {per_old:.2f} s per "
              f"simulation -> the site-grid path is {per_old / per:.0f}x faster; peak RSS {peak_rss_gb():.2f} GB",
              flush=True)

if __name__ == "__main__":
    main()
