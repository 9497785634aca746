"""Exact pair engine: cell lists over the equal-area plane, distances in the chosen metric, streamed.

Wraps the numba kernels of :mod:`._kernels` with grid sizing, sorting and the Silverman bandwidth over
all pair distances (exact quartiles by a two-pass histogram refinement, O(n) memory).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from clusteratlas.analytics import _kernels as K
from clusteratlas.analytics import _pairkernels as PK
from clusteratlas.analytics._geometry import EARTH_RADIUS_KM, Points

#: Upper bound on the cells of a dense grid (int64 offsets: 8 bytes each).
MAX_GRID_CELLS = 20_000_000
NCHUNKS = 128
#: Memory budget (bytes) of the per-chunk accumulators of one parallel pair pass (zeroed and summed on
#: every pass: at 256 MB that alone took 0.1 s, more than the pairs of a small industry).
ACC_BYTES = 16e6
#: Cells of the row-span search per cutoff: about the square root of the points per cutoff squared (the mean
#: number within a cutoff square), within these bounds. Finer cells visit fewer pairs beyond the cutoff (4
#: cells: 1.29 times the pairs within it, 3: 1.39, 2 x 2 cells of the old cell list: 2.46) but cut the
#: runs shorter. Measured, one thread: 20,000 national sites best at 4-6, 100,000 at 8 or more, 500
#: (a simulated industry) at 2.
SPAN_CELLS_MIN, SPAN_CELLS_MAX = 2, 8
#: Chunks of the parallel row-span search (interleaved points, so balanced at any count; each has its own
#: accumulator, zeroed and summed on every call).
SPAN_CHUNKS = 32
#: At most this many cells per point in the row-span grid (its offsets are built on every call).
SPAN_CELLS_PER_POINT = 64


def nchunks_for(nout: int) -> int:
    """Number of accumulator chunks for an output of ``nout`` doubles: up to :data:`NCHUNKS`, within
    :data:`ACC_BYTES` (results do not depend on it beyond floating-point summation order)."""
    return int(max(4, min(NCHUNKS, ACC_BYTES // max(8 * nout, 1))))


@dataclass(frozen=True)
class Grid:
    """A dense grid over the plane: origin ``(x0, y0)`` km, square cells of ``cell`` km, ``nx * ny``."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int

    @classmethod
    def covering(cls, xy: np.ndarray, cell: float, max_cells: int = MAX_GRID_CELLS) -> Grid:
        """The grid of cell size >= ``cell`` covering ``xy`` with at most ``max_cells`` cells."""
        if xy.shape[0] == 0:
            return cls(0.0, 0.0, max(cell, 1.0), 1, 1)
        x0, y0 = float(xy[:, 0].min()), float(xy[:, 1].min())
        w = float(xy[:, 0].max()) - x0
        h = float(xy[:, 1].max()) - y0
        cell = max(float(cell), 1e-9, (w + h) * 1e-7)
        while (int(w / cell) + 1) * (int(h / cell) + 1) > max_cells:
            cell *= 1.5
        return cls(x0, y0, cell, int(w / cell) + 1, int(h / cell) + 1)

    def cell_of(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cell indices ``(ix, iy)`` of points (clamped to the grid)."""
        ix = np.clip(((xy[:, 0] - self.x0) / self.cell).astype(np.int64), 0, self.nx - 1)
        iy = np.clip(((xy[:, 1] - self.y0) / self.cell).astype(np.int64), 0, self.ny - 1)
        return ix, iy


@dataclass(frozen=True)
class Sorted:
    """Points sorted by grid cell: coordinates, unit vectors and weights in cell order."""

    grid: Grid
    start: np.ndarray
    order: np.ndarray
    xy: np.ndarray
    uvw: np.ndarray
    w: np.ndarray


def sort_points(points: Points, weights: np.ndarray | None, grid: Grid) -> Sorted:
    """Counting-sort ``points`` into ``grid`` (numba)."""
    start, order = K.grid_build(points.xy, grid.x0, grid.y0, 1.0 / grid.cell, grid.nx, grid.ny)
    xy = np.ascontiguousarray(points.xy[order])
    uvw = np.ascontiguousarray(points.uvw[order]) if points.uvw.shape[0] else np.zeros((0, 3))
    w = np.ascontiguousarray(weights[order], dtype=float) if weights is not None else np.ones(len(order))
    return Sorted(grid, start, order, xy, uvw, w)


def cutoff_grid(points: Points, cutoff_km: float, reach: int = 2) -> tuple[Grid, int, float]:
    """A grid for neighbour searches within ``cutoff_km`` (true distance): ``(grid, reach, cut_plane)``."""
    cut_plane = float(cutoff_km) * points.inflate
    grid = Grid.covering(points.xy, max(cut_plane / reach, 1e-6))
    reach = max(1, int(math.ceil(cut_plane / grid.cell - 1e-12)))
    return grid, reach, cut_plane


def span_grid(points: Points, cutoff_km: float, n_search: int | None = None) -> tuple[Grid, float]:
    """The grid of the row-span pair search within ``cutoff_km`` (true distance) among ``n_search`` points
    (default all) spread like ``points``: ``(grid, cut_plane)``.

    Cells of ``cut_plane / k`` km, ``k`` the square root of the mean number of points in a square of side
    ``cut_plane`` over the bounding box, within ``[SPAN_CELLS_MIN, SPAN_CELLS_MAX]``; coarser when there would
    be more than :data:`SPAN_CELLS_PER_POINT` cells per point (at least 65,536), as the offsets of every cell
    are built on each search.
    """
    cut_plane = float(cutoff_km) * points.inflate
    n = points.n if n_search is None else int(n_search)
    area = float(np.ptp(points.xy[:, 0]) * np.ptp(points.xy[:, 1])) if points.n else 0.0
    k = min(max(round(math.sqrt(n * cut_plane * cut_plane / max(area, cut_plane * cut_plane, 1e-300))),
                SPAN_CELLS_MIN), SPAN_CELLS_MAX)
    cells = int(min(MAX_GRID_CELLS, max(SPAN_CELLS_PER_POINT * n, 1 << 16)))
    return Grid.covering(points.xy, max(cut_plane / k, 1e-6), max_cells=cells), cut_plane


def pair_histogram(points: Points, weights: np.ndarray | None, *, cutoff_km: float, binw_km: float,
                   nmom: int = 1, hscale_km: float = 1.0) -> np.ndarray:
    """Exact (moment) histogram of unordered pair distances below ``cutoff_km``, bins
    ``[k*binw, (k+1)*binw)``, shape ``(nbins, nmom)``.

    Each pair adds ``w_i w_j delta^m`` (``w = 1`` when ``weights`` is None), ``delta`` being the offset
    from the bin centre in units of ``hscale_km``; column 0 is the plain histogram. Row spans of a cell
    grid (:func:`._pairkernels.span_pairs_parallel`).
    """
    nbins = int(math.ceil(cutoff_km / binw_km - 1e-9))
    if points.n < 2:
        return np.zeros((nbins, nmom))
    grid, cut_plane = span_grid(points, cutoff_km)
    s = sort_points(points, weights, grid)
    xs, ys, us, vs, ws = soa(s.xy, s.uvw)
    out = PK.span_pairs_parallel(s.start, grid.nx, grid.ny, grid.x0, grid.y0, grid.cell, cut_plane, xs, ys, us, vs,
                                 ws, s.w, weights is not None, points.metric_code, EARTH_RADIUS_KM, float(cutoff_km),
                                 nbins, float(binw_km), int(nmom), float(hscale_km),
                                 min(nchunks_for((nbins + 1) * nmom), SPAN_CHUNKS))
    return out.reshape(nbins, nmom)


def soa(xy: np.ndarray, uvw: np.ndarray) -> tuple[np.ndarray, ...]:
    """Contiguous coordinate columns ``x, y, u, v, w`` of plane coordinates ``(n, 2)`` and unit vectors
    ``(n, 3)`` or ``(0, 3)`` (the layout the vectorised span loop reads)."""
    return (np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1]), np.ascontiguousarray(uvw[:, 0]),
            np.ascontiguousarray(uvw[:, 1]), np.ascontiguousarray(uvw[:, 2]))


def max_distance_bound(points: Points) -> float:
    """An upper bound (km) on any pair distance among ``points``."""
    if points.n < 2:
        return 1.0
    span = float(np.hypot(np.ptp(points.xy[:, 0]), np.ptp(points.xy[:, 1])))
    if points.metric == "great_circle":
        # a planar distance understates the true one by at most the projection's inverse scale
        span = min(span * points.inflate * 1.05, math.pi * EARTH_RADIUS_KM)
    return span * 1.0001 + 1e-6


@dataclass(frozen=True)
class DistanceSummary:
    """Moments and quartiles of all ``n(n-1)/2`` pair distances (km)."""

    n_pairs: int
    mean: float
    sd: float
    q25: float
    q75: float


def quartile_ranks(npairs: int) -> list[tuple[int, int, float]]:
    """For the first and third quartiles (type-7, as R and numpy): ``(lower rank, upper rank, fraction)`` of
    the two order statistics (0-based) to interpolate between among ``npairs`` sorted distances."""
    out = []
    for p in (0.25, 0.75):
        hpos = (npairs - 1) * p
        lo = int(math.floor(hpos))
        out.append((lo, min(lo + 1, npairs - 1), hpos - lo))
    return out


def all_pair_summary(points: Points, *, nbins: int = 1 << 16) -> DistanceSummary:
    """Mean, standard deviation (``n - 1`` denominator) and exact type-7 quartiles of all pair distances.

    Two O(n^2) passes with O(nbins) memory: a histogram locates the bins holding the order statistics,
    the second pass collects only those bins and sorts them.
    """
    n = points.n
    npairs = n * (n - 1) // 2
    if npairs == 0:
        return DistanceSummary(0, math.nan, math.nan, math.nan, math.nan)
    dmax = max_distance_bound(points)
    binw = dmax / nbins
    nch = min(NCHUNKS, max(1, n))
    s1, _, hist = K.all_pairs_pass(points.xy, points.uvw, points.metric_code, EARTH_RADIUS_KM, 0.0, binw,
                                   nbins, nch)
    mean = s1 / npairs
    t1, t2, _ = K.all_pairs_pass(points.xy, points.uvw, points.metric_code, EARTH_RADIUS_KM, mean, binw,
                                 1, nch)
    var = (t2 - t1 * t1 / npairs) / (npairs - 1) if npairs > 1 else 0.0
    cum = np.cumsum(hist)
    ranks = quartile_ranks(npairs)
    wanted = np.zeros(nbins, dtype=np.bool_)
    for lo, hi, _ in ranks:
        for r in (lo, hi):
            wanted[int(np.searchsorted(cum, r + 1))] = True
    vals = np.sort(K.collect_in_bins(points.xy, points.uvw, points.metric_code, EARTH_RADIUS_KM, binw, nbins,
                                     wanted, hist))
    first = np.concatenate([[0], cum[:-1]]).astype(np.int64)
    # rank r sits in bin b at position r - first[b] among that bin's sorted values; wanted bins are
    # concatenated in bin order in ``vals``
    offsets = {}
    pos = 0
    for b in np.flatnonzero(wanted):
        offsets[int(b)] = pos
        pos += int(hist[b])

    def order_stat(r: int) -> float:
        b = int(np.searchsorted(cum, r + 1))
        return float(vals[offsets[b] + (r - int(first[b]))])

    qs = []
    for lo, hi, frac in ranks:
        a, b = order_stat(lo), order_stat(hi)
        qs.append(a + frac * (b - a))
    return DistanceSummary(npairs, float(mean), float(math.sqrt(max(var, 0.0))), qs[0], qs[1])


def window_pair_summary(points: Points, cutoff_km: float, *, nbins: int = 1 << 16) -> DistanceSummary:
    """Like :func:`all_pair_summary` over the pairs closer than ``cutoff_km`` only (cell lists): exact
    mean and standard deviation from per-bin moments, exact type-7 quartiles by refinement."""
    if points.n < 2:
        return DistanceSummary(0, math.nan, math.nan, math.nan, math.nan)
    binw = cutoff_km / nbins
    mom = pair_histogram(points, None, cutoff_km=cutoff_km, binw_km=binw, nmom=3, hscale_km=1.0)
    cnt = mom[:, 0]
    npairs = int(round(cnt.sum()))
    if npairs == 0:
        return DistanceSummary(0, math.nan, math.nan, math.nan, math.nan)
    cb = (np.arange(nbins) + 0.5) * binw
    s1 = float(np.sum(cb * cnt + mom[:, 1]))
    mean = s1 / npairs
    # sum (d - mean)^2 = sum ((c_b - mean) + delta)^2
    e = cb - mean
    ss = float(np.sum(e * e * cnt + 2 * e * mom[:, 1] + mom[:, 2]))
    sd = math.sqrt(max(ss / (npairs - 1), 0.0)) if npairs > 1 else 0.0
    cum = np.cumsum(cnt)
    ranks = quartile_ranks(npairs)
    wanted = np.zeros(nbins, dtype=np.bool_)
    for lo, hi, _ in ranks:
        for r in (lo, hi):
            wanted[min(int(np.searchsorted(cum, r + 0.5)), nbins - 1)] = True
    grid, reach, cut_plane = cutoff_grid(points, cutoff_km)
    s = sort_points(points, None, grid)
    vals = np.sort(K.collect_cells(s.start, grid.nx, grid.ny, reach, grid.cell, cut_plane, s.xy, s.uvw,
                                   points.metric_code, EARTH_RADIUS_KM, float(cutoff_km), binw, nbins, wanted,
                                   cnt))
    first = np.concatenate([[0], cum[:-1]])
    offsets, pos = {}, 0
    for b in np.flatnonzero(wanted):
        offsets[int(b)] = pos
        pos += int(round(cnt[b]))

    def order_stat(r: int) -> float:
        b = min(int(np.searchsorted(cum, r + 0.5)), nbins - 1)
        return float(vals[offsets[b] + (r - int(round(first[b])))])

    qs = [order_stat(lo) + frac * (order_stat(hi) - order_stat(lo)) for lo, hi, frac in ranks]
    return DistanceSummary(npairs, mean, sd, qs[0], qs[1])


def silverman_from_summary(s: DistanceSummary) -> float:
    """R's ``bw.nrd0`` on the pair distances: ``0.9 * min(sd, IQR/1.34) * N^(-1/5)`` (sd if IQR is 0)."""
    if s.n_pairs < 2:
        return math.nan
    lo = min(s.sd, (s.q75 - s.q25) / 1.34)
    if not lo > 0:
        lo = s.sd
    return 0.9 * lo * s.n_pairs ** (-0.2)
