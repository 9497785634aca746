"""The measures on a real point pattern: the atlas's own cluster points and wholesale markets."""

from __future__ import annotations

import numpy as np
import pytest

from clusteratlas.analytics import atlas_points, k_density, load_firms
from clusteratlas.errors import BadQueryError


@pytest.fixture(scope="module")
def points():
    return atlas_points()


def test_atlas_points_are_the_atlas_clusters(points):
    from clusteratlas import load_atlas

    atlas = load_atlas()
    assert len(points) == len(atlas.clusters) and points["id"].is_unique
    assert (points["group"] != "").all() and points["lat"].between(18, 54).all() and points["lon"].between(73, 135).all()
    assert points["region"].str.fullmatch(r"\d{6}").all()
    markets = atlas_points("markets")
    assert len(markets) > 50 and markets["lat"].notna().all()
    with pytest.raises(BadQueryError):
        atlas_points("shops")


def test_light_industry_clusters_are_localised_among_the_atlas_clusters(points):
    # light-industry clusters sit in an East China belt (a third in Zhejiang, two of 41 in Guangdong), while
    # the atlas's clusters as a whole split between the Yangtze and the Pearl River deltas
    firms = load_firms(points.assign(industry=points["group"]))
    kd = k_density(firms, "light-industry", max_distance_km=1500, step_km=10, simulations=199, seed=1)
    assert kd.localised and kd.p_value_localised <= 0.05
    assert 300 <= float(kd.distance_km[np.argmax(kd.kd)]) <= 650
    # above the global envelope over a belt of a few hundred km, never at continental distances
    above = kd.distance_km[kd.kd > kd.upper_global]
    assert above.size and 400 <= above.max() <= 700 and (kd.kd[kd.distance_km >= 1000] < kd.null_mean[kd.distance_km >= 1000]).all()
