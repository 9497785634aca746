"""Binned mode: a count grid for medium and long distances, exact pairs below a few cells.

* Pair-distance histograms (K-density, the pooled null): the far field is the autocorrelation of the
  weight grid by FFT (cost independent of the number of points), each cell lag placed at its centre
  distance; the near field (cell lags within ``exact_cells`` in both axes, which holds every pair closer
  than ``exact_cells * cell``) is counted exactly by the cell-list kernel. Nothing is counted twice.
* Random-labelling simulations and the null mean of the K-density (:class:`SiteCells`,
  :func:`fft_pair_histogram`): every simulated industry is a subset of the sites, so the sites' cells are
  computed once on one dense grid (cell <= h/4) and each simulation is a scatter of precomputed ids plus one
  pruned single-precision FFT, every lag (near ones included) spread over its distance distribution.
* Neighbour weights by radius (M function): the far field is a disc sum over row prefix sums of the
  grid, evaluated only at the cells that hold reference points; the near field is exact.

The far field is planar (equal-area plane) whatever the metric; the near field uses the metric. The
quantisation error of a far-field pair is at most ``cell * sqrt(2)`` and averages out over many pairs.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from clusteratlas.analytics import _kernels as K
from clusteratlas.analytics import _pairkernels as PK
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
    """FFT threads: numba's thread count (``NUMBA_NUM_THREADS``, one knob for both), at most 4."""
    import numba

    return max(1, min(os.cpu_count() or 1, numba.get_num_threads(), 4))


def weight_grid(xy: np.ndarray, weights: np.ndarray | None, grid: Grid) -> np.ndarray:
    """Sum of weights per cell, shape ``(ny, nx)``."""
    ix, iy = grid.cell_of(xy)
    flat = np.bincount(iy * grid.nx + ix, weights=weights, minlength=grid.nx * grid.ny)
    return flat.reshape(grid.ny, grid.nx).astype(float)


#: Largest dense grid (cells) of the one-FFT path; above it the plane is cut into tiles (see module doc).
MAX_DENSE_CELLS = 20_000_000
#: Bytes per cell of one FFT tile (two real grids, two half spectra, the correlation).
_TILE_BYTES_PER_CELL = 56


def binned_memory_estimate(points: Points, *, cutoff_km: float, cell_km: float) -> tuple[float, str]:
    """Peak bytes of :func:`binned_pair_histogram` and the path it will take (``"dense"`` or ``"tiled"``)."""
    import scipy.fft as sfft

    lag = int(math.ceil(cutoff_km * points.inflate / cell_km)) + 1
    if points.n == 0:
        return 0.0, "dense"
    w = float(np.ptp(points.xy[:, 0])) / cell_km + 1
    h = float(np.ptp(points.xy[:, 1])) / cell_km + 1
    lag_bytes = 3 * (lag + 1) * (2 * lag + 1) * 8.0
    if w * h > MAX_DENSE_CELLS:
        side = sfft.next_fast_len(_tile_core(lag) + 2 * lag, real=True)
        if _fft_tiles(points, cell_km, lag, side) * 3.0 * side * side <= TILED_WORK_FACTOR * 2.0 * MAX_DENSE_CELLS:
            return _TILE_BYTES_PER_CELL * side * side + lag_bytes + 64.0 * points.n, "tiled"
        # dense points over a national extent: a grid coarsened to MAX_DENSE_CELLS is much cheaper
        grow = math.sqrt(w * h / MAX_DENSE_CELLS)
        w, h, lag = w / grow, h / grow, int(lag / grow) + 1
        lag_bytes = 3 * (lag + 1) * (2 * lag + 1) * 8.0
    size = sfft.next_fast_len(int(h) + lag, real=True) * sfft.next_fast_len(int(w) + lag, real=True)
    return 32.0 * size + lag_bytes + 48.0 * points.n, "dense"


#: The tiled path is taken while its FFT work is at most this many times that of one coarsened dense grid.
TILED_WORK_FACTOR = 4.0


def _fft_tiles(points: Points, cell_km: float, lag: int, side: int) -> int:
    """Rough number of tiles that would be transformed (the others are counted exactly): tiles whose
    points, paired with about nine tiles' worth of neighbours, exceed the work of a transform."""
    T = _tile_core(lag)
    ix = ((points.xy[:, 0] - points.xy[:, 0].min()) / cell_km).astype(np.int64) // T
    iy = ((points.xy[:, 1] - points.xy[:, 1].min()) / cell_km).astype(np.int64) // T
    _, counts = np.unique(iy * (int(ix.max()) + 1) + ix, return_counts=True)
    return int(np.sum(9.0 * counts.astype(float) ** 2 > min(3.0 * side * side, 4e6)))


def _tile_core(lag: int) -> int:
    return max(2 * lag, 128)


def binned_pair_histogram(points: Points, weights: np.ndarray | None, *, cutoff_km: float, binw_km: float,
                          cell_km: float, exact_below_km: float = 2.0, nmom: int = 1, hscale_km: float = 1.0,
                          parallel: bool = True) -> tuple[np.ndarray, dict]:
    """Moment histogram of unordered pair distances below ``cutoff_km`` (bins of ``binw_km``, shape
    ``(nbins, nmom)``, as :func:`clusteratlas.analytics._pairs.pair_histogram`), binned mode.

    When a dense grid at ``cell_km`` would exceed :data:`MAX_DENSE_CELLS` (a national extent at
    sub-kilometre cells), the plane is cut into tiles and only the tiles holding points are transformed
    (:func:`_tiled_lags`), so a sparse industry on a national grid keeps the fine cell; when the points
    fill so many tiles that this would cost more than :data:`TILED_WORK_FACTOR` times one coarsened grid
    (the pooled sites of a national table, where many pairs average the quantisation out), the cell is
    coarsened to fit :data:`MAX_DENSE_CELLS` instead (``info["cell_km"]`` says which cell was used).

    Returns ``(hist, info)`` where ``info`` records the grid actually used (``cell_km``, ``nx``, ``ny``,
    ``exact_below_km``, ``path`` and, when tiled, ``tiles``).

    Raises
    ------
    ResourceLimitError
        The FFT grid or tile would not fit in the memory budget (:func:`clusteratlas._limits.check_memory`).
    """
    from clusteratlas._limits import check_memory

    nbins = int(math.ceil(cutoff_km / binw_km - 1e-9))
    hist = np.zeros((nbins, nmom))
    c = float(cell_km)
    exact_cells = exact_cells_for(exact_below_km, c)
    est, path = binned_memory_estimate(points, cutoff_km=cutoff_km, cell_km=c)
    info = {"cell_km": c, "nx": 1, "ny": 1, "exact_below_km": exact_cells * c, "path": path}
    if points.n < 2:
        return hist, info
    check_memory(est, f"the binned pair histogram ({path} FFT at {c:.3g} km cells, {cutoff_km:.4g} km reach)",
                 "use a larger grid cell or a shorter maximum distance")
    lag = int(math.ceil(cutoff_km * points.inflate / c)) + 1
    if path == "dense":
        grid = Grid.covering(points.xy, c, max_cells=MAX_DENSE_CELLS)
        c = grid.cell  # coarsened when the tiled path would cost too much
        exact_cells = exact_cells_for(exact_below_km, c)
        lag = int(math.ceil(cutoff_km * points.inflate / c)) + 1
        info.update(cell_km=c, nx=grid.nx, ny=grid.ny, exact_below_km=exact_cells * c)
        auto = _dense_lags(points, weights, grid, lag, parallel)
        near = _near_pairs(points, weights, grid, exact_cells, cutoff_km, binw_km, nbins, nmom, hscale_km,
                           parallel)
    else:
        auto, near, tiles, nx, ny = _tiled_lags(points, weights, c, lag, exact_cells, cutoff_km, binw_km, nbins,
                                                nmom, hscale_km, parallel)
        info.update(nx=nx, ny=ny, tiles=tiles)
    _spread_lags(auto, lag, exact_cells, c, cutoff_km, binw_km, nbins, nmom, hscale_km, hist)
    hist += near
    return hist, info


def _dense_lags(points: Points, weights: np.ndarray | None, grid: Grid, lag: int, parallel: bool) -> np.ndarray:
    """Autocorrelation of the whole weight grid at lags ``ly in [0, lag]``, ``lx in [-lag, lag]``."""
    import scipy.fft as sfft

    g = weight_grid(points.xy, weights, grid)
    shape = (sfft.next_fast_len(grid.ny + lag, real=True), sfft.next_fast_len(grid.nx + lag, real=True))
    workers = _fft_workers() if parallel else 1
    f = sfft.rfft2(g, s=shape, workers=workers)
    del g
    np.multiply(f, f.conj(), out=f)
    auto = sfft.irfft2(f, s=shape, workers=workers)
    del f
    ly = np.arange(0, lag + 1)[:, None]
    lx = np.arange(-lag, lag + 1)[None, :]
    return auto[ly % shape[0], lx % shape[1]]


def _near_pairs(points: Points, weights: np.ndarray | None, grid: Grid, exact_cells: int, cutoff_km: float,
                binw_km: float, nbins: int, nmom: int, hscale_km: float, parallel: bool) -> np.ndarray:
    """Exact moment histogram of the pairs whose cells are within ``exact_cells`` in both axes."""
    s = sort_points(points, weights, grid)
    pairs = PK.box_pairs_parallel if parallel else PK.box_pairs_serial
    return pairs(s.start, grid.nx, grid.ny, exact_cells, s.xy, s.uvw, s.w, weights is not None, points.metric_code,
                 EARTH_RADIUS_KM, float(cutoff_km), nbins * nmom, float(binw_km), int(nmom), float(hscale_km),
                 nchunks_for(nbins * nmom)).reshape(nbins, nmom)


def _tiled_lags(points: Points, weights: np.ndarray | None, c: float, lag: int, exact_cells: int,
                cutoff_km: float, binw_km: float, nbins: int, nmom: int, hscale_km: float, parallel: bool):
    """Lag sums and near-field histogram tile by tile, over the tiles that hold points.

    The plane is cut into square tiles of ``T`` cells (``T >= 2 lag``). For each occupied tile ``C`` the
    cross-correlation of its weight grid with the grid of every point within ``lag`` cells of it (FFT of
    side ``T + 2 lag``) counts the ordered pairs ``(i in C, j)`` at each lag; summed over tiles these are
    the ordered pairs of the whole plane, whose half plane of lags is the unordered count (as the dense
    autocorrelation). The near field (cells within ``exact_cells``) is exact: per tile,
    ``(P(C + H) - P(H) + P(C)) / 2`` with ``P`` the exact within-set count and ``H`` the halo of
    ``exact_cells`` cells, which counts each pair across tiles once and each pair inside a tile once.
    """
    import scipy.fft as sfft

    workers = _fft_workers() if parallel else 1
    x0, y0 = float(points.xy[:, 0].min()), float(points.xy[:, 1].min())
    ix = ((points.xy[:, 0] - x0) / c).astype(np.int64)
    iy = ((points.xy[:, 1] - y0) / c).astype(np.int64)
    nx, ny = int(ix.max()) + 1, int(iy.max()) + 1
    T = _tile_core(lag)
    side = sfft.next_fast_len(T + 2 * lag, real=True)
    w = np.ones(points.n) if weights is None else np.asarray(weights, dtype=float)
    ntx = nx // T + 1
    tile = (iy // T) * ntx + (ix // T)
    order = np.argsort(tile, kind="stable")
    tiles_sorted = tile[order]
    occupied, first = np.unique(tiles_sorted, return_index=True)
    bounds = dict(zip(occupied.tolist(), zip(first.tolist(), np.append(first[1:], len(order)).tolist(),
                                             strict=True), strict=True))
    acc = np.zeros((2 * lag + 1, 2 * lag + 1))
    near = np.zeros((nbins, nmom))
    ly = np.arange(-lag, lag + 1)[:, None] % side
    lx = np.arange(-lag, lag + 1)[None, :] % side

    def members(tx0: int, tx1: int, ty0: int, ty1: int) -> np.ndarray:
        out = [order[bounds[k][0]:bounds[k][1]] for ty in range(max(ty0, 0), ty1 + 1)
               for tx in range(max(tx0, 0), min(tx1, ntx - 1) + 1) if (k := ty * ntx + tx) in bounds]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)

    def count(idx: np.ndarray) -> np.ndarray:
        if idx.size < 2:
            return np.zeros((nbins, nmom))
        sub = points.take(idx)
        ox, oy = int(ix[idx].min()), int(iy[idx].min())  # the subset's box, aligned on the global cells
        grid = Grid(x0 + ox * c, y0 + oy * c, c, int(ix[idx].max()) - ox + 1, int(iy[idx].max()) - oy + 1)
        # threads do not pay for a small subset (their start-up and accumulators cost more than the pairs)
        return _near_pairs(sub, w[idx] if weights is not None else None, grid, exact_cells, cutoff_km, binw_km,
                           nbins, nmom, hscale_km, parallel and idx.size > 50_000)

    reach = -(-lag // T)  # tiles within lag cells
    fft_cost = 3.0 * side * side
    n_fft = 0
    for key in occupied.tolist():
        ty, tx = divmod(key, ntx)
        core = order[bounds[key][0]:bounds[key][1]]
        ext = members(tx - reach, tx + reach, ty - reach, ty + reach)
        ox, oy = tx * T - lag, ty * T - lag
        ex, ey = ix[ext] - ox, iy[ext] - oy
        keep = (ex >= 0) & (ex < T + 2 * lag) & (ey >= 0) & (ey < T + 2 * lag)
        ext = ext[keep]
        if core.size * ext.size <= min(fft_cost, 4e6):  # few pairs: every (core, ext) pair exactly
            near += _ordered_pairs_exact(points, w, weights is not None, core, ext, cutoff_km, binw_km, nbins,
                                         nmom, hscale_km) / 2
            continue
        n_fft += 1
        g_core = np.zeros((side, side))
        np.add.at(g_core, (iy[core] - oy, ix[core] - ox), w[core])
        g_ext = np.zeros((side, side))
        np.add.at(g_ext, (ey[keep], ex[keep]), w[ext])
        f = sfft.rfft2(g_core, workers=workers)
        del g_core
        np.conjugate(f, out=f)
        f *= sfft.rfft2(g_ext, workers=workers)
        del g_ext
        corr = sfft.irfft2(f, s=(side, side), workers=workers)
        del f
        acc += corr[ly, lx]
        del corr
        # near field, exact
        hx0, hy0 = tx * T - exact_cells, ty * T - exact_cells
        hs = T + 2 * exact_cells
        hx, hy = ix[ext] - hx0, iy[ext] - hy0
        in_h = (hx >= 0) & (hx < hs) & (hy >= 0) & (hy < hs)
        both = ext[in_h]
        is_core = np.zeros(points.n, dtype=bool)
        is_core[core] = True
        halo = both[~is_core[both]]
        near += (count(both) - count(halo) + count(core)) / 2
    # unordered pairs at lag +-L: the mean of the ordered counts at L and -L, on the half plane of lags
    auto = (acc[lag:, :] + acc[lag::-1, ::-1]) / 2
    return auto, near, {"occupied": len(occupied), "fft": n_fft, "side": side}, nx, ny


def _ordered_pairs_exact(points: Points, w: np.ndarray, weighted: bool, core: np.ndarray, ext: np.ndarray,
                         cutoff_km: float, binw_km: float, nbins: int, nmom: int, hscale_km: float) -> np.ndarray:
    """Moment histogram of the ordered pairs ``(i in core, j in ext)``, ``i != j``, closer than the cutoff."""
    out = np.zeros((nbins, nmom))
    if core.size == 0 or ext.size == 0:
        return out
    if points.metric_code == 1:
        u = points.uvw
        chord = np.sqrt(((u[core][:, None, :] - u[ext][None, :, :]) ** 2).sum(axis=2))
        d = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2.0, 1.0))
    else:
        xy = points.xy
        d = np.hypot(xy[core, 0][:, None] - xy[ext, 0][None, :], xy[core, 1][:, None] - xy[ext, 1][None, :])
    p = (w[core][:, None] * w[ext][None, :]) if weighted else np.ones(d.shape)
    ok = (d < cutoff_km) & (core[:, None] != ext[None, :])
    d, p = d[ok], p[ok]
    b = (d / binw_km).astype(np.int64)
    inb = b < nbins
    b, d, p = b[inb], d[inb], p[inb]
    delta = (d - (b + 0.5) * binw_km) / hscale_km
    for m in range(nmom):
        out[:, m] = np.bincount(b, weights=p, minlength=nbins)[:nbins]
        p = p * delta
    return out


def _spread_lags(auto: np.ndarray, lag: int, exact_cells: int, c: float, cutoff_km: float, binw_km: float,
                 nbins: int, nmom: int, hscale_km: float, hist: np.ndarray) -> None:
    """Add the far-field lags to ``hist``: each lag spread over the distances between two uniform points in
    cells at that lag (per axis the offset is lag + u, u triangular on (-1, 1)); a product quadrature, 8 x 8
    nodes for lags under 16 cells and 4 x 4 beyond (where only the radial offset matters)."""
    ly = np.arange(0, lag + 1)
    lx = np.arange(-lag, lag + 1)
    LY, LX = np.meshgrid(ly, lx, indexing="ij")
    half = (LY > 0) | ((LY == 0) & (LX >= (0 if exact_cells < 0 else 1)))  # lag 0 only without a near field
    far = np.maximum(np.abs(LX), LY) > exact_cells
    sel = half & far
    vals = np.maximum(auto[sel], 0.0)
    lxs, lys = LX[sel].astype(float), LY[sel].astype(float)
    nz = vals > 1e-9 * max(float(vals.max(initial=0.0)), 1e-300)
    vals, lxs, lys = vals[nz], lxs[nz], lys[nz]
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


@dataclass(frozen=True)
class SiteCells:
    """Cell of every site on one dense grid, computed once for all simulations (a simulated industry is a
    subset of the sites: its weight grid is a ``bincount`` of these ids, nothing is re-binned).

    ``flat``: position of every site's cell in the padded FFT grid (``iy * shape[1] + ix``); ``shape``: the
    FFT shape, the ``ny x nx`` grid padded by ``lag`` cells (enough for lags up to ``lag`` without
    wrap-around), each side a fast FFT length.
    """

    flat: np.ndarray
    nx: int
    ny: int
    cell_km: float
    lag: int
    shape: tuple[int, int]

    @classmethod
    def build(cls, xy: np.ndarray, cell_km: float, cutoff_km: float, inflate: float = 1.0) -> SiteCells:
        import scipy.fft as sfft

        c = float(cell_km)
        lag = int(math.ceil(cutoff_km * inflate / c)) + 1
        x0, y0 = float(xy[:, 0].min()), float(xy[:, 1].min())
        ix = ((xy[:, 0] - x0) / c).astype(np.int64)
        iy = ((xy[:, 1] - y0) / c).astype(np.int64)
        nx, ny = int(ix.max()) + 1, int(iy.max()) + 1
        shape = (sfft.next_fast_len(ny + lag, real=True), sfft.next_fast_len(nx + lag, real=True))
        flat = iy * shape[1] + ix
        return cls(flat.astype(np.int32) if shape[0] * shape[1] < 2**31 else flat, nx, ny, c, lag, shape)

    def memory_bytes(self) -> float:
        """Peak bytes of one :func:`fft_pair_histogram` pass (float32 grid, complex64 spectrum, temporaries)."""
        return 16.0 * self.shape[0] * self.shape[1]

    @staticmethod
    def memory_estimate(xy: np.ndarray, cell_km: float, cutoff_km: float, inflate: float = 1.0) -> float:
        """Peak bytes of one single-precision :func:`fft_pair_histogram` pass (grid, half spectrum, correlation)
        plus the ids."""
        c = float(cell_km)
        lag = math.ceil(cutoff_km * inflate / c) + 1
        w = float(np.ptp(xy[:, 0])) / c + 1 + lag
        h = float(np.ptp(xy[:, 1])) / c + 1 + lag
        return 12.0 * w * h + 4.0 * xy.shape[0]  # grid (4), half spectrum (4), correlation (4)


def fft_pair_histogram(cells: SiteCells, idx: np.ndarray, weights: np.ndarray | None, *, cutoff_km: float,
                       binw_km: float, nbins: int, nmom: int = 1, hscale_km: float = 1.0,
                       parallel: bool = True, dtype: type = np.float32, exact_cells: int = -1) -> np.ndarray:
    """Moment histogram (shape ``(nbins, nmom)``) of the unordered pairs among the sites ``idx`` (weights
    aligned with ``idx``), by one FFT autocorrelation of their weight grid and no exact near field.

    Every lag, including lag 0 (pairs in one cell, self pairs removed), is spread over the distances
    between two uniform points of cells at that lag (:func:`_spread_lags`): the grid quantisation is modelled
    rather than counted exactly, so the cell must be small against the bandwidth (``<= h / 4`` keeps the
    K-density within 0.5 % of the exact one, ``tests/analytics/test_kdensity.py``). Distances are planar
    (equal-area plane), as the far field of :func:`binned_pair_histogram`.

    The transforms run in single precision by default (three times faster than double on a national grid,
    half the memory): the rounding error of a lag count is about ``1e-7 * sum(g**2)``, far below the counts
    that matter (see ``docs/notes/analytics-results.md`` for the measured float32 vs float64 difference).

    ``exact_cells >= 0`` leaves out the lags within ``exact_cells`` in both axes (lag 0 included): the caller
    counts those pairs exactly (:func:`pooled_pair_histogram`).
    """
    import scipy.fft as sfft

    hist = np.zeros((nbins, nmom))
    if idx.size < 2:
        return hist
    w = None if weights is None else np.asarray(weights, dtype=float)
    g = np.zeros(cells.shape, dtype=dtype)
    _scatter_add(g.reshape(-1), cells.flat, np.ascontiguousarray(idx, dtype=np.int64),
                 np.ones(0) if w is None else w, w is not None)
    workers = _fft_workers() if parallel else 1
    lag = cells.lag
    # rfft2 and irfft2 by axis, pruned: the rows past ny are zero (row transforms skipped) and only the
    # rows of lags 0..lag are transformed back (about half the work of the full pair of transforms)
    f = sfft.rfft(g[:cells.ny], axis=1, workers=workers)
    del g
    f = sfft.fft(f, n=cells.shape[0], axis=0, workers=workers, overwrite_x=True)
    re, im = f.real, f.imag
    re *= re
    im *= im
    re += im  # |F|^2, the spectrum of the autocorrelation, in place
    im[...] = 0.0
    f = sfft.ifft(f, axis=0, workers=workers, overwrite_x=True)[:lag + 1]
    auto = sfft.irfft(f, n=cells.shape[1], axis=1, workers=workers)
    del f, re, im
    auto = auto[:, np.arange(-lag, lag + 1) % cells.shape[1]].astype(float)
    if exact_cells < 0:
        self_pairs = float(idx.size) if w is None else float(np.dot(w, w))
        auto[0, lag] = (auto[0, lag] - self_pairs) / 2  # ordered pairs within one cell, self pairs out
    _spread_lags(auto, lag, exact_cells, cells.cell_km, cutoff_km, binw_km, nbins, nmom, hscale_km, hist)
    return hist


#: Cell of the pooled null mean's far field, in bandwidths, and its exact near field, in cells
#: (:func:`pooled_pair_histogram`; within 0.5 % of exact, tests/analytics/test_kdensity.py).
POOLED_CELL_PER_BANDWIDTH = 1.0
POOLED_EXACT_CELLS = 2


def pooled_pair_histogram(points: Points, cells: SiteCells, *, exact_cells: int, cutoff_km: float, binw_km: float,
                          nbins: int, nmom: int = 1, hscale_km: float = 1.0) -> np.ndarray:
    """Moment histogram (shape ``(nbins, nmom)``) of all unordered pairs of ``points`` (unweighted; ``cells``
    built from the same points): one pruned single-precision FFT for the lags beyond ``exact_cells`` cells
    (:func:`fft_pair_histogram`) and every pair whose cells are within ``exact_cells`` in both axes counted
    exactly, in the points' metric.

    Made for the pooled null mean of many sites, where the many pairs at each lag average the quantisation
    out: a cell as large as the bandwidth with two cells exact keeps it within 0.5 % of exact
    (``tests/analytics/test_kdensity.py``), at a sixteenth of the cells of :data:`SIM_CELL_PER_BANDWIDTH`-style
    grids. Single-threaded.
    """
    hist = fft_pair_histogram(cells, np.arange(points.n), None, cutoff_km=cutoff_km, binw_km=binw_km,
                              nbins=nbins, nmom=nmom, hscale_km=hscale_km, parallel=False, exact_cells=exact_cells)
    if points.n < 2:
        return hist
    # near field: sort on a coarse grid of (exact_cells + 1) fine cells, aligned with the fine one
    fy, fx = np.divmod(cells.flat.astype(np.int64), cells.shape[1])
    k = exact_cells + 1
    nxc, nyc = cells.nx // k + 1, cells.ny // k + 1
    start, order = K.grid_build(np.column_stack([fx + 0.5, fy + 0.5]), 0.0, 0.0, 1.0 / k, nxc, nyc)
    xy = np.ascontiguousarray(points.xy[order])
    uvw = np.ascontiguousarray(points.uvw[order]) if points.uvw.shape[0] else np.zeros((0, 3))
    near = PK.near_box_pairs(start, nxc, nyc, np.ascontiguousarray(fx[order]), np.ascontiguousarray(fy[order]),
                             exact_cells, xy, uvw, np.ones(0), False, points.metric_code, EARTH_RADIUS_KM,
                             float(cutoff_km), nbins * nmom, float(binw_km), int(nmom), float(hscale_km))
    return hist + near.reshape(nbins, nmom)


@njit(cache=True)
def _scatter_add(grid, flat, idx, w, weighted):
    for k in range(idx.shape[0]):
        grid[flat[idx[k]]] += w[k] if weighted else 1.0


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
