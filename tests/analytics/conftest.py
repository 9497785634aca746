"""Fixtures for the analytics tests: small seeded establishment tables generated in code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("numba", reason="the analytics extra is not installed")

from clusteratlas.analytics.demo import DEFAULT_ANCHORS, make_demo_firms
from clusteratlas.analytics.firms import load_firms


@pytest.fixture(scope="session")
def small_points() -> pd.DataFrame:
    """300 points around Foshan: 120 in a tight cluster ("x", weighted), the rest scattered ("bg")."""
    rng = np.random.default_rng(11)
    n, m = 300, 120
    lon = rng.uniform(112.6, 113.8, n)
    lat = rng.uniform(22.4, 23.6, n)
    lon[:m] = 113.2 + rng.normal(0, 0.04, m)
    lat[:m] = 22.9 + rng.normal(0, 0.04, m)
    ind = np.where(np.arange(n) < m, "x", "bg")
    lon[5] = lon[4]  # a duplicate location
    lat[5] = lat[4]
    return pd.DataFrame({"industry": ind, "lat": lat, "lon": lon, "employment": rng.uniform(0.5, 20, n).round(2)})


@pytest.fixture(scope="session")
def demo_df() -> pd.DataFrame:
    """Demo firms around six seed anchors (socks x3, eyewear x2, wigs x1) over a 4,000-firm background."""
    return make_demo_firms(DEFAULT_ANCHORS[:6], seed=5, n_background=4000, firms_per_cluster=150)


@pytest.fixture(scope="session")
def demo(demo_df):
    return load_firms(demo_df, region_col="region", weight_col="employment")


@pytest.fixture
def run_cli():
    """Run the CLI in-process: ``run_cli(capsys, *args) -> (exit code, stdout, stderr)``."""
    from clusteratlas.cli import main

    def run(capsys, *args):
        with pytest.raises(SystemExit) as info:
            main(list(args))
        out = capsys.readouterr()
        return info.value.code, out.out, out.err

    return run

