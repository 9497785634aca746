"""Exact mode against brute-force references; binned mode against exact mode."""

from __future__ import annotations

import math

import numpy as np
import pytest

from clusteratlas.analytics import _pairs as P
from clusteratlas.analytics import k_density, load_firms, m_function
from clusteratlas.analytics._geometry import Projection, great_circle_km, prepare_points


def _distances(df, metric, frame=None):
    """Pair distances of ``df``; equal-area on the projection fitted to ``frame`` (the whole table, as the
    measures do)."""
    lon, lat = df["lon"].to_numpy(), df["lat"].to_numpy()
    i, j = np.triu_indices(len(df), 1)
    if metric == "great_circle":
        return great_circle_km(lon[i], lat[i], lon[j], lat[j]), i, j
    frame = df if frame is None else frame
    proj = Projection.fit(lon=frame["lon"].to_numpy(), lat=frame["lat"].to_numpy())
    pts = prepare_points(lon=lon, lat=lat, metric="equal_area", projection=proj)
    return np.hypot(*(pts.xy[i] - pts.xy[j]).T), i, j


def _brute_kd(d, wij, t, h):
    phi = lambda u: np.exp(-0.5 * u * u) / math.sqrt(2 * math.pi)
    return (wij * (phi((t[:, None] - d) / h) + phi((t[:, None] + d) / h))).sum(1) / (h * wij.sum())


@pytest.mark.parametrize("metric", ["great_circle", "equal_area"])
@pytest.mark.parametrize("weighted", [False, True])
def test_kd_exact_matches_brute_force(small_points, metric, weighted):
    sub = small_points[small_points["industry"] == "x"].reset_index(drop=True)
    firms = load_firms(small_points, weight_col="employment")
    h = 1.7
    res = k_density(firms, "x", bandwidth_km=h, max_distance_km=30, step_km=0.5, simulations=0, metric=metric,
                    method="exact", weighted=weighted, null_mean=False)
    d, i, j = _distances(sub, metric, small_points)
    w = sub["employment"].to_numpy()
    wij = w[i] * w[j] if weighted else np.ones(len(d))
    ref = _brute_kd(d, wij, res.distance_km, h)
    assert res.parameters["mode_observed"] == "exact"
    np.testing.assert_allclose(res.kd, ref, rtol=1e-9, atol=1e-12 * ref.max())


def test_kd_integrates_to_one(small_points):
    res = k_density(load_firms(small_points), "x", bandwidth_km=2.0, max_distance_km=400, step_km=0.25,
                    simulations=0, method="exact", null_mean=False)
    assert abs(np.trapezoid(res.kd, res.distance_km) - 1) < 1e-3


@pytest.mark.parametrize("metric", ["great_circle", "equal_area"])
def test_pair_histogram_counts_every_pair_once(small_points, metric):
    d, i, j = _distances(small_points, metric)
    pts = prepare_points(lon=small_points["lon"], lat=small_points["lat"], metric=metric)
    w = small_points["employment"].to_numpy()
    h = P.pair_histogram(pts, w, cutoff_km=40, binw_km=0.5)[:, 0]
    keep = d < 40
    ref = np.bincount((d[keep] / 0.5).astype(int), weights=(w[i] * w[j])[keep], minlength=80)
    np.testing.assert_allclose(h, ref, rtol=1e-12)


@pytest.mark.parametrize("metric", ["great_circle", "equal_area"])
def test_distance_summaries_exact(small_points, metric):
    d, _, _ = _distances(small_points, metric)
    pts = prepare_points(lon=small_points["lon"], lat=small_points["lat"], metric=metric)
    s = P.all_pair_summary(pts)
    assert s.n_pairs == len(d)
    np.testing.assert_allclose([s.mean, s.sd, s.q25, s.q75],
                               [d.mean(), d.std(ddof=1), *np.percentile(d, [25, 75])], rtol=1e-11)
    w = P.window_pair_summary(pts, 50.0)
    dd = d[d < 50]
    np.testing.assert_allclose([w.n_pairs, w.mean, w.sd, w.q25, w.q75],
                               [len(dd), dd.mean(), dd.std(ddof=1), *np.percentile(dd, [25, 75])], rtol=1e-11)
    # R bw.nrd0
    iqr = np.subtract(*np.percentile(dd, [75, 25]))
    assert P.silverman_from_summary(w) == pytest.approx(0.9 * min(dd.std(ddof=1), iqr / 1.34) * len(dd) ** -0.2,
                                                        rel=1e-11)


def _brute_m(df, industry, radii, metric, weighted):
    lon, lat = df["lon"].to_numpy(), df["lat"].to_numpy()
    if metric == "great_circle":
        D = great_circle_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    else:
        xy = prepare_points(lon=lon, lat=lat, metric="equal_area").xy
        D = np.hypot(xy[:, 0, None] - xy[None, :, 0], xy[:, 1, None] - xy[None, :, 1])
    case = (df["industry"] == industry).to_numpy()
    w = df["employment"].to_numpy() if weighted else np.ones(len(df))
    W, WS = w.sum(), w[case].sum()
    num, den = np.zeros(len(radii)), np.zeros(len(radii))
    for i in np.flatnonzero(case):
        for k, r in enumerate(radii):
            nb = D[i] <= r
            nb[i] = False
            a = w[nb].sum()
            if a > 0:
                num[k] += w[nb & case].sum() / a
                den[k] += (WS - w[i]) / (W - w[i])
    return num / den


@pytest.mark.parametrize("metric", ["great_circle", "equal_area"])
@pytest.mark.parametrize("weighted", [False, True])
def test_m_exact_matches_brute_force(small_points, metric, weighted):
    radii = [0.5, 1, 2, 3, 5, 8, 13, 21, 34]
    firms = load_firms(small_points, weight_col="employment")
    res = m_function(firms, "x", radii_km=radii, metric=metric, method="exact", weighted=weighted)
    np.testing.assert_allclose(res.m, _brute_m(small_points, "x", radii, metric, weighted), rtol=1e-12)


@pytest.fixture(scope="module")
def regional_firms():
    """12,000 establishments in a 300 km box (Pearl River Delta): four clusters and a background."""
    rng = np.random.default_rng(3)
    n_bg, n_cl = 6000, 1500
    lon = [rng.uniform(112.0, 115.0, n_bg)]
    lat = [rng.uniform(21.8, 24.5, n_bg)]
    for clon, clat in [(113.2, 22.9), (113.9, 22.6), (113.4, 23.3), (114.3, 23.1)]:
        lon.append(clon + rng.normal(0, 0.05, n_cl))
        lat.append(clat + rng.normal(0, 0.05, n_cl))
    ind = np.array(["bg"] * n_bg + ["x"] * (4 * n_cl))
    import pandas as pd

    return load_firms(pd.DataFrame({"industry": ind, "lat": np.concatenate(lat), "lon": np.concatenate(lon)}))


def test_binned_kd_within_one_percent_of_exact(regional_firms):
    kw = {"simulations": 0, "null_mean": False, "metric": "equal_area", "bandwidth_km": 1.0, "max_distance_km": 60}
    ex = k_density(regional_firms, "x", method="exact", **kw)
    bi = k_density(regional_firms, "x", method="binned", cell_km=0.25, exact_below_km=0.5, **kw)
    cell = bi.parameters["binned_grids"]["observed"]["cell_km"]
    assert cell == pytest.approx(0.25)
    far = ex.distance_km >= 2 * cell
    np.testing.assert_allclose(bi.kd[far], ex.kd[far], rtol=0.01)


def test_binned_m_within_one_percent_of_exact(demo):
    radii = [1, 2, 3, 5, 8, 12, 20]
    ex = m_function(demo, "socks", radii_km=radii, method="exact", metric="equal_area", weighted=False)
    bi = m_function(demo, "socks", radii_km=radii, method="binned", cell_km=0.25, exact_below_km=0.5,
                    metric="equal_area", weighted=False)
    np.testing.assert_allclose(bi.m[1:], ex.m[1:], rtol=0.01)


def test_projection_round_trip_and_scale():
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(100, 125, 500), rng.uniform(20, 45, 500)
    proj = Projection.fit(lon=lon, lat=lat)
    x, y = proj.to_xy(lon=lon, lat=lat)
    lo2, la2 = proj.to_lonlat(x=x, y=y)
    np.testing.assert_allclose(lo2, lon, atol=1e-9)
    np.testing.assert_allclose(la2, lat, atol=1e-9)
    i, j = rng.integers(0, 500, (2, 2000))
    ok = i != j
    ratio = np.hypot(x[i] - x[j], y[i] - y[j])[ok] / great_circle_km(lon[i], lat[i], lon[j], lat[j])[ok]
    assert ratio.max() <= proj.max_scale
