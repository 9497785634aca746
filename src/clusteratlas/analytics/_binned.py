"""Binned mode: a count grid for medium and long distances, exact pairs below a few cells.

* Pair-distance histograms (K-density, the pooled null): the far field is the autocorrelation of the
  weight grid by FFT (cost independent of the number of points), each cell lag placed at its centre
  distance; the near field (cell lags within ``exact_cells`` in both axes, which holds every pair closer
  than ``exact_cells * cell``) is counted exactly by the cell-list kernel. Nothing is counted twice.
* Neighbour weights by radius (M function): the far field is a disc sum over row prefix sums of the
  grid, evaluated only at the cells that hold reference points; the near field is exact.

The far field is planar (equal-area plane) whatever the metric; the near field uses the metric. The
quantisation error of a far-field pair is at most ``cell * sqrt(2)`` and averages out over many pairs.
"""

from __future__ import annotations

import math
import os

import numpy as np
from numba import njit, prange

from clusteratlas.analytics import _kernels as K
from clusteratlas.analytics._geometry import EARTH_RADIUS_KM, Points
from clusteratlas.analytics._pairs import Grid, nchunks_for, sort_points


def _triangle_quadrature(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights on (-1, 1) for the triangular density ``1 - |u|``: 2m equal intervals, each
    represented by its centroid and its probability mass."""
    edges = np.linspace(-1.0, 1.0, 2 * m + 1)
    a, b = edges[:-1], edges[1:]

    def cdf(u: np.ndarray) -> np.ndarray:
        return np.where(u < 0, (1 + u) ** 2 / 2, 1 - (1 - u) ** 2 / 2)

    def first_moment(u: np.ndarray) -> np.ndarray:  # integral of u (1 - |u|) du from -1
        return np.where(u < 0, u**2 / 2 + u**3 / 3 - 1 / 6, u**2 / 2 - u**3 / 3 - 1 / 6)

    mass = cdf(b) - cdf(a)
    nodes = (first_moment(b) - first_moment(a)) / mass
    return nodes, mass


_TRI_U, _TRI_W = _triangle_quadrature(4)
_TRI_U2, _TRI_W2 = _triangle_quadrature(2)


def exact_cells_for(exact_below_km: float, cell_km: float) -> int:
    """Near-box half-width in cells so that every pair closer than ``exact_below_km`` is exact."""
    return max(1, int(math.ceil(exact_below_km / cell_km - 1e-9)))


def _fft_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def weight_grid(xy: np.ndarray, weights: np.ndarray | None, grid: Grid) -> np.ndarray:
    """Sum of weights per cell, shape ``(ny, nx)``."""
    ix, iy = grid.cell_of(xy)
    flat = np.bincount(iy * grid.nx + ix, weights=weights, minlength=grid.nx * grid.ny)
    return flat.reshape(grid.ny, grid.nx).astype(float)


def binned_pair_histogram(points: Points, weights: np.ndarray | None, *, cutoff_km: float, binw_km: float,
                          cell_km: float, exact_below_km: float = 2.0, nmom: int = 1, hscale_km: float = 1.0,
                          parallel: bool = True) -> tuple[np.ndarray, dict]:
    """Moment histogram of unordered pair distances below ``cutoff_km`` (bins of ``binw_km``, shape
    ``(nbins, nmom)``, as :func:`clusteratlas.analytics._pairs.pair_histogram`), binned mode.

    Returns ``(hist, info)`` where ``info`` records the grid actually used (``cell_km``, ``nx``, ``ny``,
    ``exact_below_km``).
    """
    import scipy.fft as sfft

    nbins = int(math.ceil(cutoff_km / binw_km - 1e-9))
    hist = np.zeros((nbins, nmom))
    grid = Grid.covering(points.xy, cell_km)
    c = grid.cell
    exact_cells = exact_cells_for(exact_below_km, c)
    info = {"cell_km": c, "nx": grid.nx, "ny": grid.ny, "exact_below_km": exact_cells * c}
    if points.n < 2:
        return hist, info
    lag = int(math.ceil(cutoff_km * points.inflate / c)) + 1
    g = weight_grid(points.xy, weights, grid)
    shape = (sfft.next_fast_len(grid.ny + lag, real=True), sfft.next_fast_len(grid.nx + lag, real=True))
    f = sfft.rfft2(g, s=shape, workers=_fft_workers() if parallel else 1)
    np.multiply(f, f.conj(), out=f)
    auto = sfft.irfft2(f, s=shape, workers=_fft_workers() if parallel else 1)
    del f
    ly = np.arange(0, lag + 1)
    lx = np.arange(-lag, lag + 1)
    LY, LX = np.meshgrid(ly, lx, indexing="ij")
    half = (LY > 0) | ((LY == 0) & (LX > 0))
    far = np.maximum(np.abs(LX), LY) > exact_cells
    sel = half & far
    vals = np.maximum(auto[LY[sel] % shape[0], LX[sel] % shape[1]], 0.0)
    lxs, lys = LX[sel].astype(float), LY[sel].astype(float)
    nz = vals > 0
    vals, lxs, lys = vals[nz], lxs[nz], lys[nz]
    # spread each lag over the distances between two uniform points in cells at that lag: per axis the
    # offset is lag + u, u triangular on (-1, 1); a product quadrature, 8 x 8 nodes for lags under 16
    # cells and 4 x 4 beyond (where only the radial offset matters and many lags overlap)
    near_lag = np.maximum(np.abs(lxs), np.abs(lys)) < 16
    for sel_lag, (nodes, wts) in ((near_lag, (_TRI_U, _TRI_W)), (~near_lag, (_TRI_U2, _TRI_W2))):
        lx_s, ly_s, v_s = lxs[sel_lag], lys[sel_lag], vals[sel_lag]
        for ux, wx in zip(nodes, wts, strict=True):
            for uy, wy in zip(nodes, wts, strict=True):
                dist = c * np.hypot(lx_s + ux, ly_s + uy)
                keep = dist < cutoff_km
                dk = dist[keep]
                b = (dk / binw_km).astype(np.int64)
                delta = (dk - (b + 0.5) * binw_km) / hscale_km
                p = v_s[keep] * (wx * wy)
                for m in range(nmom):
                    hist[:, m] += np.bincount(b, weights=p, minlength=nbins)[:nbins]
                    p = p * delta
    del auto
    # near field: exact
    s = sort_points(points, weights, grid)
    pairs = K.pairs_parallel if parallel else K.pairs_serial
    hist += pairs(s.start, grid.nx, grid.ny, exact_cells, c, 0.0, True, s.xy, s.uvw, s.w,
                             weights is not None, points.metric_code, EARTH_RADIUS_KM, float(cutoff_km),
                             nbins * nmom, float(binw_km), int(nmom), float(hscale_km),
                             nchunks_for(nbins * nmom)).reshape(nbins, nmom)
    return hist, info


@njit(cache=True)
def _disc_one(cx, cy, prefix, radii_cells, exact_cells, out):
    """Far-field disc sums at one cell: for radius k, the total of cells at lag (lx, ly) with
    ``lx^2 + ly^2 <= radii_cells[k]^2`` outside the near box ``max(|lx|, |ly|) <= exact_cells``."""
    nr = radii_cells.shape[0]
    ny = prefix.shape[0]
    nxp = prefix.shape[1]  # nx + 1
    for k in range(nr):
        rc = radii_cells[k]
        lmax = int(math.floor(rc))
        tot = 0.0
        for ly in range(-lmax, lmax + 1):
            yy = cy + ly
            if yy < 0 or yy >= ny:
                continue
            s = int(math.floor(math.sqrt(max(rc * rc - ly * ly, 0.0)) + 1e-9))
            a = max(cx - s, 0)
            b = min(cx + s + 1, nxp - 1)
            if b > a:
                tot += prefix[yy, b] - prefix[yy, a]
            if abs(ly) <= exact_cells:
                a2 = max(cx - min(s, exact_cells), 0)
                b2 = min(cx + min(s, exact_cells) + 1, nxp - 1)
                if b2 > a2:
                    tot -= prefix[yy, b2] - prefix[yy, a2]
        out[k] = tot


@njit(cache=True, parallel=True)
def _disc_sums(cells_x, cells_y, prefix, radii_cells, exact_cells):
    out = np.zeros((cells_x.shape[0], radii_cells.shape[0]))
    for q in prange(cells_x.shape[0]):
        _disc_one(cells_x[q], cells_y[q], prefix, radii_cells, exact_cells, out[q])
    return out


@njit(cache=True)
def _disc_sums_serial(cells_x, cells_y, prefix, radii_cells, exact_cells):
    out = np.zeros((cells_x.shape[0], radii_cells.shape[0]))
    for q in range(cells_x.shape[0]):
        _disc_one(cells_x[q], cells_y[q], prefix, radii_cells, exact_cells, out[q])
    return out


def binned_m_neighbours(points: Points, weights: np.ndarray, is_case: np.ndarray, radii: np.ndarray, *,
                        cell_km: float, exact_below_km: float = 2.0, parallel: bool = True
                        ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Cumulative neighbour weights (all points, case points) within each radius, per case point.

    Returns ``(all_cum, case_cum, info)``, arrays of shape ``(n_cases, n_radii)`` in the order of
    ``np.flatnonzero(is_case)``; the point itself is excluded.
    """
    grid = Grid.covering(points.xy, cell_km)
    c = grid.cell
    exact_cells = exact_cells_for(exact_below_km, c)
    s = sort_points(points, weights, grid)
    case_sorted = np.ascontiguousarray(is_case[s.order])
    case_idx = np.flatnonzero(case_sorted).astype(np.int64)
    mfun = K.m_neighbours if parallel else K.m_neighbours_serial
    near_all, near_case = mfun(case_idx, s.start, grid.nx, grid.ny, exact_cells, c, 0.0, True, s.xy,
                                         s.uvw, s.w, case_sorted, points.metric_code, EARTH_RADIUS_KM,
                                         np.asarray(radii, dtype=float))
    near_all = np.cumsum(near_all, axis=1)
    near_case = np.cumsum(near_case, axis=1)
    ix, iy = grid.cell_of(s.xy[case_idx])
    flat = iy * grid.nx + ix
    uniq, inv = np.unique(flat, return_inverse=True)
    ux, uy = uniq % grid.nx, uniq // grid.nx
    radii_cells = np.asarray(radii, dtype=float) / c
    out = []
    for wts in (s.w, np.where(case_sorted, s.w, 0.0)):
        g = weight_grid(s.xy, wts, grid)
        prefix = np.zeros((grid.ny, grid.nx + 1))
        np.cumsum(g, axis=1, out=prefix[:, 1:])
        del g
        disc = _disc_sums if parallel else _disc_sums_serial
        out.append(disc(ux.astype(np.int64), uy.astype(np.int64), prefix, radii_cells, exact_cells)[inv])
        del prefix
    # back to the caller's order of case points (flatnonzero(is_case) on unsorted indices)
    orig = s.order[case_idx]
    back = np.argsort(orig, kind="stable")
    info = {"cell_km": c, "nx": grid.nx, "ny": grid.ny, "exact_below_km": exact_cells * c}
    return (near_all + out[0])[back], (near_case + out[1])[back], info
