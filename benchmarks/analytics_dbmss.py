"""Benchmark: Duranton-Overman K-density against R dbmss ``KdEnvelope`` on the same points, in one run.

Both sides get the same seeded establishments (:func:`analytics_common.national_points`: ``--firms`` of
the industry among ``--sites``), projected once to the plane (the Lambert azimuthal equal-area projection
``k_density(metric="equal_area")`` uses, km), the same distances 0-200 km by 1 km, the same bandwidth and
99 random-location simulations, single-threaded (``NUMBA_NUM_THREADS=1`` here, ``RcppParallel`` set to 1
thread in R).

Bandwidth: clusteratlas's default (Silverman's rule over the industry's pair distances up to 400 km) is
computed first; R computes dbmss's own rule on the observed pattern (``bw.nrd0`` of the pair distances up
to ``2 max(r)``, exact path ``Approximate = 0``) and sets ``Adjust`` to the ratio, so the observed curves use
the same ``h``. dbmss recomputes the bandwidth of every simulated pattern (times ``Adjust``); clusteratlas
keeps ``h`` fixed, so the envelopes are not strictly comparable, only the observed curves are.
The development version 2.9-2.9103 (commit 1702525) stops in its argument check on a typo (``Adjustv``,
fixed upstream in c96d6d3); the R script defines that variable globally (``analytics_common.DBMSS_PRELUDE``
says why), so ``KdEnvelope`` itself runs unchanged.

Timing: medians of ``--repeat`` calls on each side (default 3). ``KdEnvelope`` is timed inside R with ``system.time`` (R start-up and CSV reading not counted);
clusteratlas is timed in this process after a warm-up call (numba compilation not counted; nothing else is
reused between calls), with its null mean (the pooled histogram of all sites) included, work dbmss does not
do, and once more without it (``null_mean=False``). The load average (1 min) is printed before and after. Prints, per size, both times,
the ratio and the largest relative difference of the observed curves where ``K > 1 %`` of its maximum.
dbmss is optional (not packaged in Debian; the project's machines cannot reach CRAN): without ``Rscript`` or
the package (``CLUSTERATLAS_R_LIBS``, the library holding it, is put first in ``R_LIBS`` by
``analytics_common.r_env``) the line says why it is skipped.

Run: CLUSTERATLAS_R_LIBS=/path/to/rlib .venv/bin/python benchmarks/analytics_dbmss.py [--sizes 500:20000,2000:20000]
"""

from __future__ import annotations

import os

os.environ["NUMBA_NUM_THREADS"] = "1"  # single-threaded comparison, before numba is imported

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from analytics_common import DBMSS_PRELUDE, national_points, peak_rss_gb, r_env

from clusteratlas.analytics import k_density, load_firms
from clusteratlas.analytics._geometry import prepare_points

R_SCRIPT = DBMSS_PRELUDE + r"""
a <- commandArgs(trailingOnly = TRUE)
p <- read.csv(a[1]); r <- as.numeric(strsplit(a[2], ",")[[1]]); h <- as.numeric(a[3]); nsim <- as.integer(a[4])
W <- owin(range(p$x) + c(-1e-6, 1e-6), range(p$y) + c(-1e-6, 1e-6))
X <- wmppp(data.frame(X = p$x, Y = p$y, PointType = p$mark, PointWeight = 1), window = W)
# dbmss's own bandwidth of the observed pattern (Kdhat, Approximate = 0, Original = TRUE)
D <- pairdist(X[marks(X)$PointType == "ind"]); D <- D[upper.tri(D)]
bw0 <- stats::bw.nrd0(D[D <= 2 * max(r)])
adj <- h / bw0
Adjustv <- adj  # dbmss 2.9-2.9103's typo: see DBMSS_PRELUDE
nrep <- as.integer(a[6])
ts <- numeric(nrep)
for (k in seq_len(nrep)) {
  set.seed(1)
  ts[k] <- system.time(E <- KdEnvelope(X, r = r, NumberOfSimulations = nsim, ReferenceType = "ind", Global = FALSE,
                                       Approximate = 0, Adjust = adj, verbose = FALSE))[["elapsed"]]
}
write.csv(data.frame(r = E$r, obs = E$obs, lo = E$lo, hi = E$hi), a[5], row.names = FALSE)
cat(sprintf("TIME %.4f\nTIMES %s\nBW %.6f\nADJ %.6f\nVERSION %s\n", median(ts), paste(sprintf("%.2f", ts), collapse = ","),
            bw0, adj, as.character(packageVersion("dbmss"))))
"""


def run_r(xy: np.ndarray, is_ind: np.ndarray, r: np.ndarray, h: float, nsim: int, repeat: int = 1) -> dict:
    """Run KdEnvelope ``repeat`` times in a fresh Rscript; return its median time, curve and bandwidth, or
    {'skip': reason}."""
    if shutil.which("Rscript") is None:
        return {"skip": "R is not installed"}
    env = r_env()
    with tempfile.TemporaryDirectory() as tmp:
        pts, out = Path(tmp) / "pts.csv", Path(tmp) / "kd.csv"
        pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "mark": np.where(is_ind, "ind", "other")}).to_csv(
            pts, index=False)
        proc = subprocess.run(["Rscript", "-e", R_SCRIPT, str(pts), ",".join(map(repr, r.tolist())), repr(h),
                               str(nsim), str(out), str(repeat)], capture_output=True, text=True, check=False, env=env,
                              timeout=7200)
        if proc.returncode != 0:
            return {"skip": f"Rscript failed: {' / '.join(proc.stderr.strip().splitlines()[-3:])}"}
        lines = dict(ln.split(" ", 1) for ln in proc.stdout.strip().splitlines() if " " in ln)
        if "SKIP" in lines:
            return {"skip": lines["SKIP"]}
        kd = pd.read_csv(out)
    return {"time": float(lines["TIME"]), "times": lines["TIMES"], "bw": float(lines["BW"]), "adjust": float(lines["ADJ"]),
            "version": lines["VERSION"], "kd": kd["obs"].to_numpy(), "r": kd["r"].to_numpy()}


def one_size(n_firms: int, n_sites: int, nsim: int, r: np.ndarray, repeat: int = 1) -> None:
    df = national_points(n_sites, n_firms, industry="socks", seed=1)
    firms = load_firms(df)
    pts = prepare_points(lon=firms.lon, lat=firms.lat, metric="equal_area")  # as k_density projects them
    is_ind = np.asarray(firms.mask("socks"), dtype=bool)
    kw = {"max_distance_km": float(r[-1]), "step_km": float(r[1] - r[0]), "weighted": False,
          "metric": "equal_area", "seed": 1}
    k_density(firms, "socks", simulations=2, **kw)  # warm-up: numba compilation / cache load (nothing else
    # carries over between calls: every call recomputes the bandwidth, null mean and grids)
    load = os.getloadavg()[0]
    runs, runs_no_null = [], []
    for _ in range(repeat):  # medians of `repeat` calls (the machine is shared: single calls vary by 2x)
        t0 = time.perf_counter()
        ours = k_density(firms, "socks", simulations=nsim, **kw)
        runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        k_density(firms, "socks", simulations=nsim, null_mean=False, **kw)
        runs_no_null.append(time.perf_counter() - t0)
    t_ours, t_no_null = float(np.median(runs)), float(np.median(runs_no_null))
    h = ours.parameters["bandwidth_km"]
    p = ours.parameters
    head = (f"{n_firms:,} firms among {n_sites:,} sites, {nsim} simulations, h = {h:.3f} km, load average "
            f"{load:.1f}: clusteratlas {t_ours:.3f} s (median of {', '.join(f'{v:.3f}' for v in runs)}; without the null mean {t_no_null:.3f} s; modes "
            f"{p['mode_observed']}/{p['mode_null_mean']}/{p['mode_simulations']}, peak RSS {peak_rss_gb():.2f} GB)")
    res = run_r(pts.xy, is_ind, r, h, nsim, repeat)
    if "skip" in res:
        print(f"{head}; dbmss: skipped ({res['skip']})", flush=True)
        return
    assert np.allclose(res["r"], ours.distance_km)
    big = ours.kd > 0.01 * ours.kd.max()
    rel = np.abs(res["kd"][big] / ours.kd[big] - 1).max()
    print(f"{head}; dbmss {res['version']} KdEnvelope {res['time']:.2f} s (median of {res['times']}; own bandwidth {res['bw']:.3f} km, "
          f"Adjust {res['adjust']:.4f}; load average after {os.getloadavg()[0]:.1f}) -> ratio "
          f"{res['time'] / t_ours:.1f}x ({res['time'] / t_no_null:.1f}x without the null mean); observed curves: "
          f"max relative difference {rel:.2e} (K > 1 % of max)", flush=True)
    print(f"  clusteratlas phases (s): {ours.parameters['timings_s']}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="500:20000,2000:20000,500:100000,2000:100000", help="firms:sites pairs, comma-separated")
    ap.add_argument("--sims", type=int, default=99)
    ap.add_argument("--max-km", type=float, default=200.0)
    ap.add_argument("--repeat", type=int, default=3, help="calls per side and size; the medians are compared")
    a = ap.parse_args()
    print(f"NUMBA_NUM_THREADS={os.environ['NUMBA_NUM_THREADS']}", flush=True)
    r = np.arange(0.0, a.max_km + 0.5, 1.0)
    for pair in a.sizes.split(","):
        f, s = (int(v) for v in pair.split(":"))
        one_size(f, s, a.sims, r, a.repeat)


if __name__ == "__main__":
    main()
