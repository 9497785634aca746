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
