"""Dask backend: simulations on a LocalCluster reproduce the local run exactly; distributed LQ."""

from __future__ import annotations

import numpy as np
import pytest

from clusteratlas.analytics import k_density, location_quotients, m_function

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with (distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                   dashboard_address=None) as cl, distributed.Client(cl) as c):
        yield c


def test_kd_simulations_on_dask_equal_local(client, demo):
    local = k_density(demo, "eyewear", max_distance_km=40, simulations=30, seed=9)
    remote = k_density(demo, "eyewear", max_distance_km=40, simulations=30, seed=9, backend=client)
    assert remote.parameters["backend"] == "dask"
    for name in ("lower_local", "upper_local", "lower_global", "upper_global"):
        np.testing.assert_array_equal(getattr(remote, name), getattr(local, name))
    seen = []
    k_density(demo, "eyewear", max_distance_km=40, simulations=30, seed=9, backend="dask", progress=seen.append)
    assert sum(seen) == 30


def test_m_simulations_on_dask_equal_local(client, demo):
    kw = {"radii_km": [2, 5, 10], "simulations": 4, "seed": 5, "weighted": False}
    np.testing.assert_array_equal(m_function(demo, "wigs", backend=client, **kw).upper_global,
                                  m_function(demo, "wigs", **kw).upper_global)


def test_lq_on_dask_dataframe(client, demo, demo_df):
    dd = pytest.importorskip("dask.dataframe")
    from clusteratlas.analytics.dask_backend import location_quotients_dask

    res = location_quotients_dask(dd.from_pandas(demo_df, npartitions=4), weight_col="employment")
    ref = location_quotients(demo).table
    m = res.table.merge(ref, on=["region", "industry"], suffixes=("_d", "_l"))
    assert len(m) == len(ref)
    np.testing.assert_allclose(m["lq_d"], m["lq_l"], rtol=1e-12)
    assert (m["strong_d"] == m["strong_l"]).all() and (m["establishments_d"] == m["establishments_l"]).all()
