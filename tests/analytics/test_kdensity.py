"""K-density and M: envelopes, reproducibility, detection of planted clusters, result objects."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from clusteratlas.analytics import k_density, load_firms, m_function
from clusteratlas.errors import AtlasError, BadQueryError, DataValidationError


@pytest.fixture(scope="module")
def kd_socks(demo):
    return k_density(demo, "socks", max_distance_km=50, simulations=99, seed=3)


def test_planted_cluster_is_localised(kd_socks):
    r = kd_socks
    assert r.localised and not r.dispersed
    assert r.localisation_index > 0
    assert r.p_value_localised <= 0.02
    # the planted spread (sd 6 km per axis) puts the peak of pair distances near 6 * sqrt(2) ~ 8.5 km
    assert 3 <= r.distance_km[np.argmax(r.kd)] <= 15
    assert np.all(r.lower_global <= r.lower_local + 1e-15) and np.all(r.upper_local <= r.upper_global + 1e-15)


def test_background_industry_is_not_localised(demo):
    # the generic background industries are spread around county seats like everything else
    big = demo.industries().filter(demo.industries()["industry"].str.starts_with("other-"))["industry"][0]
    r = k_density(demo, big, max_distance_km=50, simulations=99, seed=4, weighted=False)
    assert r.localisation_index < 0.05


def test_envelopes_reproducible_from_seed(demo, kd_socks):
    again = k_density(demo, "socks", max_distance_km=50, simulations=99, seed=3)
    for name in ("lower_local", "upper_local", "lower_global", "upper_global", "kd", "null_mean"):
        np.testing.assert_array_equal(getattr(again, name), getattr(kd_socks, name))
    other = k_density(demo, "socks", max_distance_km=50, simulations=99, seed=4)
    assert not np.array_equal(other.upper_local, kd_socks.upper_local)


def test_null_mean_is_the_simulation_mean(demo):
    r = k_density(demo, "eyewear", max_distance_km=40, simulations=400, seed=8, weighted=False)

    # the mean of the bands' midpoint tracks the analytic null mean within Monte-Carlo error
    mid = (r.lower_local + r.upper_local) / 2
    assert np.corrcoef(mid, r.null_mean)[0, 1] > 0.95


def test_result_object_contract(kd_socks, tmp_path):
    r = kd_socks
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.n = 3
    with pytest.raises(ValueError):
        r.kd[0] = 1.0
    with pytest.raises(TypeError):
        r.parameters["seed"] = 1
    frame = r.to_frame()
    assert list(frame.columns) == ["distance_km", "kd", "null_mean", "lower_local", "upper_local", "lower_global",
                                   "upper_global"]
    d = json.loads(json.dumps(r.to_dict()))
    for key in ("distance_km", "kd", "lower_local", "upper_local", "lower_global", "upper_global", "localised"):
        assert key in d
    assert d["parameters"]["metric"] == "great_circle" and d["parameters"]["distance_unit"] == "km"
    assert r.n == 3 * 150 + 135 and r.method.startswith("Duranton-Overman")
    assert np.array_equal(r.estimate, r.kd) and "upper_global" in r.inference
    png = tmp_path / "kd.png"
    r.plot(path=png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_weighted_kd_differs_and_needs_weights(demo, demo_df):
    w = k_density(demo, "wigs", max_distance_km=30, simulations=0, weighted=True)
    u = k_density(demo, "wigs", max_distance_km=30, simulations=0, weighted=False)
    assert w.parameters["weighted"] and not np.allclose(w.kd, u.kd)
    with pytest.raises(BadQueryError):
        k_density(load_firms(demo_df), "wigs", simulations=0, weighted=True)


def test_m_function_concentrated_with_envelopes(demo):
    r = m_function(demo, "socks", radii_km=[1, 2, 5, 10, 20], simulations=19, seed=1, weighted=False)
    assert r.concentrated and np.all(r.m[:3] > 5)
    again = m_function(demo, "socks", radii_km=[1, 2, 5, 10, 20], simulations=19, seed=1, weighted=False)
    np.testing.assert_array_equal(again.upper_global, r.upper_global)
    assert list(r.to_frame().columns)[:2] == ["radius_km", "m"]


def _table(**cols):
    return pd.DataFrame(cols)


@pytest.mark.parametrize("make, err", [
    (lambda: _table(industry=[], lat=[], lon=[]), DataValidationError),
    (lambda: _table(industry=["x", "y"], lat=[23.0, 23.1], lon=[113.0, 113.1]), DataValidationError),
    (lambda: _table(industry=["x"] * 5, lat=[23.0] * 5, lon=[113.0] * 5), DataValidationError),
    (lambda: _table(industry=["x"] * 3, lat=[np.nan] * 3, lon=[113.0] * 3), DataValidationError),
    (lambda: _table(industry=["x"] * 4, lat=[113.0, 114, 115, 116], lon=[23.0, 24, 25, 26]), DataValidationError),
])
def test_bad_input_gives_clear_errors(make, err):
    with pytest.raises(err) as info:
        k_density(make(), "x", simulations=5, seed=1)
    assert isinstance(info.value, AtlasError) and "\n" not in str(info.value)


def test_negative_weights_rejected():
    df = _table(industry=["x"] * 4, lat=[23.0, 23.1, 23.2, 23.3], lon=[113.0] * 4, w=[1.0, -2.0, 3.0, 1.0])
    with pytest.raises(DataValidationError, match="negative"):
        load_firms(df, weight_col="w")


def test_all_at_one_point_with_given_bandwidth_is_a_point_mass():
    df = _table(industry=["x"] * 5 + ["y"] * 5, lat=[23.0] * 5 + [24.0] * 5, lon=[113.0] * 10)
    r = k_density(df, "x", bandwidth_km=1.0, max_distance_km=5, simulations=0)
    # all pairs at 0 km: the reflected Gaussian 2 phi(t/h) / h
    np.testing.assert_allclose(r.kd, 2 * np.exp(-0.5 * r.distance_km**2) / np.sqrt(2 * np.pi), rtol=1e-9,
                               atol=1e-12)


def test_unplaced_rows_are_reported(small_points):
    df = small_points.copy()
    df.loc[[0, 1], "lat"] = np.nan
    df.loc[2, "industry"] = None
    f = load_firms(df)
    assert f.n == len(df) - 3
    assert f.unplaced_summary() == {"missing coordinates": 2, "missing industry": 1}
    r = k_density(f, "x", simulations=0, max_distance_km=20)
    assert r.parameters["n_unplaced"] == 3


def test_dask_backend_without_client_is_a_clear_error(demo):
    pytest.importorskip("distributed")
    with pytest.raises(BadQueryError, match="Client"):
        k_density(demo, "wigs", simulations=2, seed=1, backend="dask")


def test_only_one_industry_is_a_documented_degenerate_result():
    rng = np.random.default_rng(0)
    df = _table(industry=["x"] * 300, lat=rng.normal(23, 0.1, 300), lon=rng.normal(113, 0.1, 300))
    r = k_density(df, "x", simulations=19, seed=1, max_distance_km=30)
    np.testing.assert_allclose(r.upper_global, r.kd, rtol=1e-5, atol=1e-9)
    assert not r.localised and not r.dispersed and r.localisation_index == 0


def _national_sparse(n_cluster: int = 1500, seed: int = 3) -> pd.DataFrame:
    """A sparse industry across China: seven tight clusters 1,000-3,000 km apart and 150 scattered firms."""
    rng = np.random.default_rng(seed)
    centres = [(45.7, 126.6), (39.9, 116.4), (31.2, 121.5), (23.1, 113.3), (30.6, 104.1), (43.8, 87.6),
               (29.7, 120.2)]
    parts = [pd.DataFrame({"lat": la + rng.normal(0, 0.03, n_cluster), "lon": lo + rng.normal(0, 0.035, n_cluster),
                           "industry": "x"}) for la, lo in centres]
    parts.append(pd.DataFrame({"lat": rng.uniform(22, 45, 150), "lon": rng.uniform(88, 125, 150), "industry": "x"}))
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("metric", ["equal_area", "great_circle"])
def test_binned_on_a_national_grid_is_within_half_a_percent_of_exact(metric):
    # a 0.25 km grid over China would have ~300 million cells: the tiled path keeps the fine cell (it used to
    # coarsen the cell to fit 20 million cells, 2-4 % off); FFT tiles for the clusters, exact pairs elsewhere
    firms = load_firms(_national_sparse())
    kw = {"max_distance_km": 40, "step_km": 0.5, "bandwidth_km": 1.0, "simulations": 0, "null_mean": False,
          "metric": metric}
    exact = k_density(firms, "x", method="exact", **kw)
    binned = k_density(firms, "x", method="binned", cell_km=0.25, **kw)
    grid = binned.parameters["binned_grids"]["observed"]
    assert grid["path"] == "tiled" and grid["cell_km"] == 0.25 and grid["tiles"]["fft"] >= 1
    assert np.max(np.abs(binned.kd - exact.kd)) <= 0.005 * np.max(exact.kd)


def test_binned_tiles_need_memory_within_the_budget():
    from clusteratlas._limits import ResourceLimitError, _budget, set_max_memory

    firms = load_firms(_national_sparse(200))
    token = set_max_memory("1M")
    try:
        with pytest.raises(ResourceLimitError, match="GiB"):
            k_density(firms, "x", method="binned", cell_km=0.25, max_distance_km=40, bandwidth_km=1.0,
                      simulations=0, null_mean=False)
    finally:
        _budget.reset(token)


@pytest.mark.parametrize("metric", ["equal_area", "great_circle"])
def test_binned_simulations_and_null_mean_are_within_half_a_percent_of_exact(metric):
    # random labelling: the simulations take one FFT of the precomputed site cells (cell h/4, no exact near
    # field); with the same seed they draw the same subsets as the exact path, so the bands must agree
    rng = np.random.default_rng(5)
    centres = [(30.0, 120.0), (30.6, 120.9), (29.5, 121.3)]
    parts = [pd.DataFrame({"lat": la + rng.normal(0, 0.05, 700), "lon": lo + rng.normal(0, 0.06, 700)})
             for la, lo in centres]
    parts.append(pd.DataFrame({"lat": rng.uniform(29.0, 31.0, 900), "lon": rng.uniform(119.5, 122.0, 900)}))
    df = pd.concat(parts, ignore_index=True)
    df["industry"] = np.where(rng.random(len(df)) < 0.2, "x", "y")
    firms = load_firms(df)
    kw = {"max_distance_km": 40, "step_km": 0.5, "bandwidth_km": 1.0, "simulations": 9, "metric": metric, "seed": 2}
    exact = k_density(firms, "x", method="exact", **kw)
    binned = k_density(firms, "x", method="binned", cell_km=1.0, **kw)
    grids = binned.parameters["binned_grids"]
    assert grids["simulations"]["path"] == "fft" and grids["simulations"]["cell_km"] == 0.25
    assert grids["null_mean"]["path"] == "fft"  # the same site grid, all sites at once
    for band in ("null_mean", "lower_local", "upper_local", "lower_global", "upper_global"):
        ref = getattr(exact, band)
        assert np.max(np.abs(getattr(binned, band) - ref)) <= 0.005 * np.max(ref), band
