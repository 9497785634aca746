"""Demo data: seeded, planted clusters recovered; the end-to-end demo writes readable PNGs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusteratlas.analytics import k_density, load_firms, make_demo_firms
from clusteratlas.analytics.demo import Anchor, anchors_from_atlas, run_demo
from clusteratlas.errors import BadQueryError

ANCHORS = [("toys", 23.4667, 116.756, "440515"), ("toys", 24.7816, 118.5517, "350582"),
           ("wigs", 34.0358, 113.8525, "411000")]


def test_generator_is_seeded_and_takes_tuples():
    a = make_demo_firms(ANCHORS, seed=1, n_background=800, firms_per_cluster=50)
    b = make_demo_firms(ANCHORS, seed=1, n_background=800, firms_per_cluster=50)
    c = make_demo_firms(ANCHORS, seed=2, n_background=800, firms_per_cluster=50)
    pd.testing.assert_frame_equal(a, b)
    assert not a["lat"].equals(c["lat"])
    assert (a["industry"] == "toys").sum() == 100 + 30 and (a["cluster_id"] != "").sum() == 150
    assert a["employment"].min() >= 1 and a["region"].str.len().eq(6).all()
    with pytest.raises(BadQueryError):
        make_demo_firms([("toys", 23.0)], seed=1)


def test_planted_intensity_and_spread():
    df = make_demo_firms([Anchor("wigs", 34.0358, 113.8525)], seed=3, n_background=200, firms_per_cluster=2000,
                         spread_km=5.0)
    p = df[df["cluster_id"] != ""]
    dy = (p["lat"] - 34.0358) * 111.195
    assert len(p) == 2000 and dy.std() == pytest.approx(5.0, rel=0.05)


def test_detection_recovers_planted_clusters():
    df = make_demo_firms(ANCHORS, seed=4, n_background=3000, firms_per_cluster=120)
    firms = load_firms(df, region_col="region", weight_col="employment")
    assert k_density(firms, "toys", max_distance_km=40, simulations=49, seed=1).localised


def test_anchors_from_atlas_have_places():
    anchors = anchors_from_atlas()
    assert anchors and all(isinstance(a, Anchor) and -90 <= a.lat <= 90 for a in anchors)


@pytest.mark.slow
def test_run_demo_writes_pngs(tmp_path):
    out = run_demo(tmp_path, simulations=39, quiet=True)
    for key in ("kdensity_png", "m_png"):
        with open(out[key], "rb") as fh:
            data = fh.read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert out["localised"] and len(out["strong_clusters"]) > 0
    assert np.isfinite(pd.read_csv(out["firms_csv"])["lat"]).all()


def test_every_requested_part_is_generated():
    anchors = [Anchor("socks", 29.7087, 120.2469, "330681", "datang-socks"),
               Anchor("wigs", 34.0358, 113.8525, "411000", "xuchang-wigs")]
    df = make_demo_firms(anchors, seed=2, n_background=3000, firms_per_cluster=[200, 100], background_industries=12,
                         industry_background_share=0.25)
    generic = df[df["industry"].str.startswith("other-")]
    assert sorted(generic["industry"].unique()) == [f"other-{k:02d}" for k in range(1, 13)]
    assert len(generic) >= 0.99 * 3000  # a rare point that keeps falling at sea is dropped
    planted = df[df["cluster_id"] != ""]
    assert planted.groupby("cluster_id").size().to_dict() == {"datang-socks": 200, "xuchang-wigs": 100}
    scattered = df[(df["cluster_id"] == "") & ~df["industry"].str.startswith("other-")]
    assert scattered.groupby("industry").size().to_dict() == {"socks": 50, "wigs": 25}


def test_default_background_is_larger_than_the_planted_economy():
    df = make_demo_firms(ANCHORS, seed=3, firms_per_cluster=7000)
    generic = df["industry"].str.startswith("other-")
    assert generic.sum() >= 0.99 * 3 * 7000 * len(ANCHORS) and df.loc[generic, "industry"].nunique() == 30
    with pytest.raises(BadQueryError):
        make_demo_firms(ANCHORS, n_background=10, background_industries=0)


def test_generated_firms_stay_inside_mainland_china():
    """The atlas's clusters next to Macao and Hong Kong (Zhuhai, Zhongshan, Shenzhen …) on the demo's seeds:
    every firm lies in a mainland county polygon, including the background around border county seats."""
    from clusteratlas.analytics._regions import county_codes
    from clusteratlas.geo import great_circle_km, is_mainland

    near = [a for a in anchors_from_atlas()
            if min(great_circle_km(a.lon, a.lat, 113.55, 22.19), great_circle_km(a.lon, a.lat, 114.17, 22.32)) < 60]
    assert len(near) >= 10
    for seed in (0, 1, 7):  # measure demo-data's default, the README's, make demo's
        df = make_demo_firms(near, seed=seed, n_background=2000)
        codes = county_codes(df["lon"].to_numpy(), df["lat"].to_numpy())
        assert all(is_mainland(c) for c in codes), seed  # the point itself, not only its label
        assert df["adcode"].map(is_mainland).all() and (df["adcode"] == pd.Series(codes)).all()


def test_is_mainland():
    from clusteratlas.geo import is_mainland

    assert is_mainland("440402") and is_mainland("330681005") and is_mainland(110000)
    assert not any(is_mainland(c) for c in ("820000", "810101", "710000", None, "", "abc", "44"))
