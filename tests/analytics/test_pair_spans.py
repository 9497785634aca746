"""The row-span pair kernels (exact moment histograms within a cutoff) against brute-force numpy references."""

from __future__ import annotations

import numpy as np
import pytest

from clusteratlas.analytics import _pairkernels as PK
from clusteratlas.analytics import _pairs as P
from clusteratlas.analytics._geometry import EARTH_RADIUS_KM, Points, Projection, prepare_points


def _national(n: int = 400, seed: int = 3) -> Points:
    """Points over China's extent: clusters, a scattered background, duplicates, a row on one latitude."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(75, 133, n)
    lat = rng.uniform(19, 50, n)
    lon[:150] = 113.3 + rng.normal(0, 0.3, 150)
    lat[:150] = 23.1 + rng.normal(0, 0.3, 150)
    lon[150:160] = lon[150]  # duplicates
    lat[150:160] = lat[150]
    lat[160:200] = 31.0  # one latitude
    return lon, lat


def _brute(dist: np.ndarray, wij: np.ndarray, cutoff: float, binw: float, nmom: int, h: float) -> np.ndarray:
    nbins = int(np.ceil(cutoff / binw - 1e-9))
    keep = dist < cutoff
    d, p = dist[keep], wij[keep]
    b = (d / binw).astype(int)
    ok = b < nbins
    d, p, b = d[ok], p[ok], b[ok]
    delta = (d - (b + 0.5) * binw) / h
    return np.stack([np.bincount(b, weights=p * delta**m, minlength=nbins) for m in range(nmom)], axis=1)


def _pair_distances(pts: Points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pair distances as the kernels compute them (planar: sqrt of squares; sphere: chord, arc sine)."""
    i, j = np.triu_indices(pts.n, 1)
    if pts.metric == "great_circle":
        c = pts.uvw[i] - pts.uvw[j]
        return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(0.5 * np.sqrt((c * c).sum(1)), 1.0)), i, j
    dx, dy = (pts.xy[i] - pts.xy[j]).T
    return np.sqrt(dx * dx + dy * dy), i, j


@pytest.mark.parametrize("metric", ["great_circle", "equal_area"])
@pytest.mark.parametrize("cutoff", [60.0, 3000.0])  # 3,000 km: chords far beyond the arc sine's Taylor range
@pytest.mark.parametrize("nmom", [1, 3, 8])
def test_pair_histogram_matches_brute_force(metric, cutoff, nmom):
    lon, lat = _national()
    pts = prepare_points(lon=lon, lat=lat, metric=metric)
    w = np.random.default_rng(1).uniform(0.5, 3.0, pts.n)
    d, i, j = _pair_distances(pts)
    binw, h = cutoff / 700, cutoff / 70
    for weights in (None, w):
        got = P.pair_histogram(pts, weights, cutoff_km=cutoff, binw_km=binw, nmom=nmom, hscale_km=h)
        wij = np.ones(len(d)) if weights is None else w[i] * w[j]
        ref = _brute(d, wij, cutoff, binw, nmom, h)
        assert got[:, 0].sum() > 100
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12 * np.abs(ref).max())


def test_points_on_cell_edges_counted_once():
    """A lattice whose points sit on the grid lines and at exactly the cutoff from each other."""
    g = np.arange(0.0, 400.0, 25.0)
    xy = np.ascontiguousarray(np.array([(x, y) for x in g for y in g]))
    pts = Points(xy, np.zeros((0, 3)), "equal_area", Projection(110.0, 30.0))
    d, i, j = _pair_distances(pts)
    for cutoff in (25.0, 100.0, 150.0):
        got = P.pair_histogram(pts, None, cutoff_km=cutoff, binw_km=cutoff / 50, nmom=1)[:, 0]
        ref = _brute(d, np.ones(len(d)), cutoff, cutoff / 50, 1, 1.0)[:, 0]
        np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("metric", ["great_circle", "equal_area"])
@pytest.mark.parametrize("weighted", [False, True])
def test_hist_many_matches_pair_histogram_of_each_draw(metric, weighted):
    lon, lat = _national(800)
    sites = prepare_points(lon=lon, lat=lat, metric=metric)
    rng = np.random.default_rng(7)
    n, cutoff, binw, h, nmom = 60, 900.0, 2.0, 20.0, 3
    w = rng.uniform(0.5, 3.0, n) if weighted else np.ones(n)
    idx = np.stack([rng.choice(sites.n, n, replace=False) for _ in range(5)])
    nbins = int(np.ceil(cutoff / binw - 1e-9))
    grid, cut_plane = P.span_grid(sites, cutoff, n)
    for hist in (PK.hist_many, PK.hist_many_serial):
        got = hist(idx, sites.xy, sites.uvw, w, weighted, sites.metric_code, EARTH_RADIUS_KM, grid.x0, grid.y0,
                   grid.cell, grid.nx, grid.ny, cut_plane, cutoff, binw, nbins, nmom, h)
        for r in range(len(idx)):
            ref = P.pair_histogram(sites.take(idx[r]), w if weighted else None, cutoff_km=cutoff, binw_km=binw,
                                   nmom=nmom, hscale_km=h).ravel()
            assert ref[0::3].sum() > 0
            np.testing.assert_allclose(got[r], ref, rtol=1e-10, atol=1e-12 * np.abs(ref).max())


@pytest.mark.parametrize("cutoff", [0.5, 40.0, 900.0])
def test_candidate_pair_estimate_equals_dense_count(cutoff):
    """The mode choice's estimate: pairs in the 3 x 3 cells around each cell, as a dense numpy count."""
    from clusteratlas.analytics.kdensity import estimate_candidate_pairs

    lon, lat = _national(1500)
    pts = prepare_points(lon=lon, lat=lat, metric="great_circle")
    grid = P.Grid.covering(pts.xy, cutoff * pts.inflate, max_cells=4_000_000)
    ix, iy = grid.cell_of(pts.xy)
    cnt = np.bincount(iy * grid.nx + ix, minlength=grid.nx * grid.ny).reshape(grid.ny, grid.nx)
    pad = np.pad(cnt, 1)
    nb = sum(pad[1 + dy:1 + dy + grid.ny, 1 + dx:1 + dx + grid.nx] for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    assert estimate_candidate_pairs(pts, cutoff) == float((cnt * nb).sum()) / 2
