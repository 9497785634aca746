"""Shared set-up for the analytics benchmarks: seeded synthetic establishments at national scale, and the
environment in which R (spatstat, dbmss) is run."""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clusteratlas.analytics.demo import DEFAULT_ANCHORS, make_demo_firms


def national_firms(n_total: int = 1_000_000, industry: str = "socks", industry_n: int = 10_000, seed: int = 1):
    """``n_total`` establishments: the seed clusters planted over a county-seat background, with
    ``industry_n`` establishments of ``industry`` (70 % planted at its anchors, 30 % background)."""
    anchors = list(DEFAULT_ANCHORS)
    k = sum(a.industry == industry for a in anchors)
    planted = int(round(industry_n / 1.3 / k))
    counts = [planted if a.industry == industry else 2000 for a in anchors]
    n_planted = sum(counts)
    df = make_demo_firms(anchors, seed=seed, n_background=n_total - n_planted, firms_per_cluster=counts)
    return df


# R prelude of every script that uses dbmss: load it, or print one ``SKIP reason`` line and stop (status 0).
# dbmss 2.9-2.9103 (commit 1702525) has a typo in CheckdbmssArguments, `if (Adjustv<= 0)`, fixed upstream in
# c96d6d3 (which already needs doFuture, not in Debian): the lookup falls through dbmss's namespace to the
# global environment, so a script that passes ``Adjust`` also assigns it to ``Adjustv`` (the value the check
# meant to test; unused by a dbmss without the typo).
DBMSS_PRELUDE = r"""
if (!suppressWarnings(suppressMessages(requireNamespace("dbmss", quietly = TRUE)))) {
  cat("SKIP the R package dbmss cannot be loaded (it is not packaged in Debian and CRAN is not reachable from",
      "the project's machines: install it in R and set CLUSTERATLAS_R_LIBS to its library)\n")
  quit(status = 0)
}
suppressMessages(library(dbmss))
RcppParallel::setThreadOptions(numThreads = 1)
"""


def r_env() -> dict[str, str]:
    """Environment for ``Rscript``: this process's, with ``CLUSTERATLAS_R_LIBS`` (a library holding dbmss,
    ``:``-separated paths) put first in ``R_LIBS``, and one thread (OpenMP, RcppParallel)."""
    env = dict(os.environ)
    libs = os.environ.get("CLUSTERATLAS_R_LIBS")
    if libs:
        env["R_LIBS"] = os.pathsep.join(v for v in (libs, os.environ.get("R_LIBS")) if v)
    env.update(OMP_NUM_THREADS="1", RCPP_PARALLEL_NUM_THREADS="1")
    return env


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far (GB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


class Timer:
    def __init__(self, label: str, out: dict):
        self.label, self.out = label, out

    def __enter__(self):
        self.t0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.out[self.label] = (time.perf_counter() - self.t0, time.process_time() - self.c0)
        print(f"  {self.label}: {self.out[self.label][0]:.2f} s wall, {self.out[self.label][1]:.2f} s CPU",
              flush=True)


def national_points(n_total: int, industry_n: int, industry: str = "socks", seed: int = 1):
    """A large seeded table without regions (fast: no point in polygon): ``industry_n`` establishments of
    ``industry`` (70 % around its seed anchors, sd 6 km; 30 % like the background) among ``n_total``,
    the background scattered around county seats (lognormal weights, sd 15 km). Columns industry, lat, lon.
    """
    import numpy as np
    import pandas as pd

    from clusteratlas.analytics.demo import _county_seats, _scatter

    rng = np.random.default_rng(seed)
    c_lat, c_lon, _ = _county_seats()
    cw = rng.lognormal(0.0, 1.0, c_lat.size) * np.where(c_lon > 110, 3.0, 1.0)
    anchors = [a for a in DEFAULT_ANCHORS if a.industry == industry]
    planted = int(0.7 * industry_n)
    a_idx = rng.integers(0, len(anchors), planted)
    p_lat, p_lon = _scatter(rng, np.array([anchors[i].lat for i in a_idx]), np.array([anchors[i].lon for i in a_idx]),
                            np.full(planted, 6.0))
    n_bg = n_total - planted
    seat = rng.choice(c_lat.size, n_bg, p=cw / cw.sum())
    b_lat, b_lon = _scatter(rng, c_lat[seat], c_lon[seat], np.full(n_bg, 15.0))
    ind = np.full(n_total, "other", dtype=object)
    ind[:planted] = industry
    ind[planted + rng.choice(n_bg, industry_n - planted, replace=False)] = industry
    return pd.DataFrame({"industry": pd.Categorical(ind), "lat": np.concatenate([p_lat, b_lat]),
                         "lon": np.concatenate([p_lon, b_lon])})
