"""Hot spots (Gi*, local Moran) and DBSCAN / HDBSCAN zones recover the planted clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusteratlas.analytics import hotspots, zones
from clusteratlas.analytics._geometry import great_circle_km
from clusteratlas.analytics.demo import DEFAULT_ANCHORS
from clusteratlas.errors import BadQueryError, DataValidationError


def test_gi_star_finds_the_planted_counties(demo, demo_df):
    res = hotspots(demo, "socks", permutations=199, seed=1)
    t = res.table.set_index("region")
    planted = demo_df[(demo_df["cluster_id"] != "") & (demo_df["industry"] == "socks")]
    for _, g in planted.groupby("cluster_id"):
        county = g["region"].mode()[0]
        assert t.loc[county, "gi_class"] == "hot" or t.loc[county, "gi_z"] > 2
    again = hotspots(demo, "socks", permutations=199, seed=1)
    np.testing.assert_array_equal(again.table["gi_p"], res.table["gi_p"])
    assert set(res.table["moran_class"]) <= {"HH", "LH", "LL", "HL", "ns"}


def test_islands_are_reported_not_crashing(demo):
    res = hotspots(demo, "socks", neighbours="distance", threshold_km=40, permutations=99, seed=2)
    isl = res.table[res.table["island"]]
    assert len(isl) > 0 and isl["gi_z"].isna().all() and res.parameters["islands"] == len(isl)
    assert res.table.loc[~res.table["island"], "gi_z"].notna().all()


def test_hotspot_options_checked(demo):
    with pytest.raises(BadQueryError):
        hotspots(demo, "socks", value="nope")
    with pytest.raises(BadQueryError):
        hotspots(demo, "socks", neighbours="distance")
    with pytest.raises(DataValidationError):
        hotspots(demo, "socks", neighbours="distance", threshold_km=0.001, permutations=9)


@pytest.mark.parametrize("algorithm", ["dbscan", "hdbscan"])
def test_zones_recover_anchors(demo, algorithm):
    res = zones(demo, "socks", algorithm=algorithm, eps_km=3.0, min_samples=10, min_cluster_size=40)
    anchors = [a for a in DEFAULT_ANCHORS[:6] if a.industry == "socks"]
    z = res.zones
    for a in anchors:
        d = great_circle_km(a.lon, a.lat, z["lon"].to_numpy(), z["lat"].to_numpy())
        assert d.min() < 5.0, (a.cluster_id, algorithm)
    assert len(res.labels) == res.n and res.labels.flags.writeable is False


@pytest.mark.slow
def test_permutation_p_values_agree_with_esda():
    """Our cached conditional-permutation kernel against esda's own (different random streams, so the
    agreement is up to Monte-Carlo error). esda compiles its kernels on every run: about 40 s."""
    import warnings

    import esda
    import libpysal

    from clusteratlas.analytics._permute import permutation_p_values

    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 100, (200, 2))
    y = rng.lognormal(0, 1, 200)
    y[:20] += 5
    w = libpysal.weights.KNN.from_array(pts, k=6)
    g = esda.G_Local(y, w, transform="B", permutations=999, star=True, keep_simulations=False, n_jobs=1, seed=1)
    w.transform = "b"
    ours = permutation_p_values(y, np.ones(200), w, 999, 1)
    assert np.corrcoef(g.p_sim, ours)[0, 1] > 0.98 and np.abs(g.p_sim - ours).max() < 0.08


def test_hotspots_degenerate_inputs_give_clear_errors():
    from clusteratlas.analytics import load_firms

    rng = np.random.default_rng(1)
    n = 400
    df = pd.DataFrame({"industry": np.where(rng.random(n) < 0.3, "x", "y"), "lat": rng.uniform(22, 24, n),
                       "lon": rng.uniform(112, 114, n), "region": [f"R{k % 40:02d}" for k in range(n)],
                       "employment": rng.uniform(1, 10, n)})
    zero_x = df.assign(employment=np.where(df["industry"] == "x", 0.0, df["employment"]))
    with pytest.raises(DataValidationError, match="all zero"):
        hotspots(load_firms(zero_x, region_col="region", weight_col="employment"), "x", permutations=9)
    with pytest.raises(DataValidationError, match="every establishment are zero"):
        hotspots(load_firms(df.assign(employment=0.0), region_col="region", weight_col="employment"), "x")
    everywhere = pd.DataFrame({"industry": ["x", "y"] * 40, "region": [f"R{k // 2:02d}" for k in range(80)],
                               "lat": np.repeat(rng.uniform(22, 24, 40), 2), "lon": np.repeat(rng.uniform(112, 114, 40), 2)})
    with pytest.raises(DataValidationError, match="same in every region"):
        hotspots(load_firms(everywhere, region_col="region"), "x", value="share", permutations=9)
    with pytest.raises(BadQueryError, match="simulations"):
        hotspots(load_firms(df, region_col="region"), "x", permutations=10**12)
