"""Shared set-up for the analytics benchmarks: seeded synthetic establishments at national scale."""

from __future__ import annotations

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
