"""Numba kernels: distances, cell lists, pair-distance summaries, neighbour counts by radius, Ripley numerators.

Nothing here allocates O(n^2): every pair distance is computed, used and forgotten. Parallel loops run
over a fixed number of chunks (not threads), each with its own accumulator, summed in a fixed order, so
results do not depend on the number of threads. All functions are compiled with ``cache=True``. The
moment histograms of pair distances are in :mod:`._pairkernels`.

Conventions: ``metric`` is 0 for planar (equal-area km) and 1 for great-circle (unit vectors ``uvw``,
sphere radius ``radius_km``). Points handed to the pair loops are already sorted by cell; ``start`` is the
CSR offset array of a dense ``nx * ny`` grid.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

_SQRT2PI = math.sqrt(2.0 * math.pi)


#: Below this ``x`` (half-chord on the unit sphere: chords under ~640 km on the Earth) the arc sine is its
#: odd Taylor series up to x^11 (relative error < 1e-16 there).
ASIN_TAYLOR_MAX = 0.05


@njit(cache=True, inline="always")
def asin_taylor(x):
    """The odd Taylor series of ``asin(x)`` up to x^11 (``asin`` itself for ``0 <= x < ASIN_TAYLOR_MAX``)."""
    x2 = x * x
    return x * (1.0 + x2 * (1.0 / 6.0 + x2 * (3.0 / 40.0 + x2 * (5.0 / 112.0 + x2 * (35.0 / 1152.0
                                                                              + x2 * (63.0 / 2816.0))))))


@njit(cache=True, inline="always")
def _asin_small(x):
    """``asin(x)`` for ``0 <= x <= 1``: :func:`asin_taylor` below :data:`ASIN_TAYLOR_MAX`, ``math.asin``
    above."""
    if x < ASIN_TAYLOR_MAX:
        return asin_taylor(x)
    return math.asin(min(x, 1.0))


@njit(cache=True, inline="always")
def _dist(xy, uvw, i, j, metric, radius_km):
    if metric == 0:
        dx = xy[i, 0] - xy[j, 0]
        dy = xy[i, 1] - xy[j, 1]
        return math.sqrt(dx * dx + dy * dy)
    du = uvw[i, 0] - uvw[j, 0]
    dv = uvw[i, 1] - uvw[j, 1]
    dw = uvw[i, 2] - uvw[j, 2]
    return 2.0 * radius_km * _asin_small(0.5 * math.sqrt(du * du + dv * dv + dw * dw))


@njit(cache=True, inline="always")
def _proxy2(xy, uvw, i, j, metric):
    """Squared planar distance, or squared chord on the unit sphere: monotone in the true distance."""
    if metric == 0:
        dx = xy[i, 0] - xy[j, 0]
        dy = xy[i, 1] - xy[j, 1]
        return dx * dx + dy * dy
    du = uvw[i, 0] - uvw[j, 0]
    dv = uvw[i, 1] - uvw[j, 1]
    dw = uvw[i, 2] - uvw[j, 2]
    return du * du + dv * dv + dw * dw


@njit(cache=True, inline="always")
def _from_proxy2(q, metric, radius_km):
    if metric == 0:
        return math.sqrt(q)
    return 2.0 * radius_km * _asin_small(0.5 * math.sqrt(q))


@njit(cache=True)
def _cut_proxy2(cutoff, metric, radius_km):
    """The proxy of a distance cutoff (slightly widened; the exact test on ``d`` follows)."""
    if not cutoff < 1e300:
        return 1e308
    if metric == 0:
        return cutoff * cutoff * (1.0 + 1e-9)
    half = cutoff / (2.0 * radius_km)
    if half >= math.pi / 2:
        return 1e308
    ch = 2.0 * math.sin(half)
    return ch * ch * (1.0 + 1e-9)


@njit(cache=True)
def grid_build(xy, x0, y0, inv_cell, nx, ny):
    """Counting sort of points into a dense ``nx * ny`` grid: ``(start, order)``.

    ``order[k]`` is the original index of the k-th point in cell order; cell ``c`` holds
    ``order[start[c]:start[c + 1]]``. Points outside the grid are clamped to its edge cells.
    """
    n = xy.shape[0]
    ncell = nx * ny
    cid = np.empty(n, np.int64)
    start = np.zeros(ncell + 1, np.int64)
    for i in range(n):
        ix = int((xy[i, 0] - x0) * inv_cell)
        iy = int((xy[i, 1] - y0) * inv_cell)
        ix = min(max(ix, 0), nx - 1)
        iy = min(max(iy, 0), ny - 1)
        c = iy * nx + ix
        cid[i] = c
        start[c + 1] += 1
    for c in range(ncell):
        start[c + 1] += start[c]
    pos = start[:-1].copy()
    order = np.empty(n, np.int64)
    for i in range(n):
        c = cid[i]
        order[pos[c]] = i
        pos[c] += 1
    return start, order


@njit(cache=True)
def neighbour_cell_pairs(xy, x0, y0, cell, nx, ny):
    """``sum_c count[c] * (points in the 3 x 3 cells around c)`` on the grid of cell ``cell`` from
    ``(x0, y0)``: twice the pairs a cell-list search of reach 1 visits, plus ``n``. Cells as
    :meth:`._pairs.Grid.cell_of` assigns them (``int((x - x0) / cell)``, clamped). Exact (integers)."""
    n = xy.shape[0]
    cnt = np.zeros(nx * ny, np.int64)
    cid = np.empty(n, np.int64)
    for i in range(n):
        ix = min(max(int((xy[i, 0] - x0) / cell), 0), nx - 1)
        iy = min(max(int((xy[i, 1] - y0) / cell), 0), ny - 1)
        cid[i] = iy * nx + ix
        cnt[iy * nx + ix] += 1
    total = 0
    for i in range(n):
        ix = cid[i] % nx
        iy = cid[i] // nx
        for yy in range(max(iy - 1, 0), min(iy + 2, ny)):
            for xx in range(max(ix - 1, 0), min(ix + 2, nx)):
                total += cnt[yy * nx + xx]
    return total


@njit(cache=True, parallel=True)
def all_pairs_pass(xy, uvw, metric, radius_km, shift, binw, nbins, nchunks):
    """Brute-force pass over all unordered pairs: ``(sum(d - shift), sum((d - shift)^2), histogram)``.

    Memory O(nbins * nchunks); time O(n^2). Used for the Silverman bandwidth over all pair distances.
    """
    n = xy.shape[0]
    s1 = np.zeros(nchunks)
    s2 = np.zeros(nchunks)
    hist = np.zeros((nchunks, nbins))
    inv = 1.0 / binw
    for ch in prange(nchunks):
        for i in range(ch, n, nchunks):
            for j in range(i + 1, n):
                d = _dist(xy, uvw, i, j, metric, radius_km)
                e = d - shift
                s1[ch] += e
                s2[ch] += e * e
                b = int(d * inv)
                if b >= nbins:
                    b = nbins - 1
                hist[ch, b] += 1.0
    t1 = 0.0
    t2 = 0.0
    h = np.zeros(nbins)
    for ch in range(nchunks):
        t1 += s1[ch]
        t2 += s2[ch]
        h += hist[ch]
    return t1, t2, h


@njit(cache=True)
def collect_cells(start, nx, ny, reach, cell, cut_plane, xy, uvw, metric, radius_km, cutoff, binw, nbins,
                  wanted, counts):
    """Distances ``d < cutoff`` of the pairs (visited through the cell list) whose bin is flagged."""
    total = 0
    for b in range(nbins):
        if wanted[b]:
            total += int(counts[b])
    out = np.empty(total)
    k = 0
    inv = 1.0 / binw
    cut2 = cut_plane * cut_plane
    for c in range(nx * ny):
        a0 = start[c]
        a1 = start[c + 1]
        if a0 == a1:
            continue
        cx = c % nx
        cy = c // nx
        for dy in range(reach + 1):
            yy = cy + dy
            if yy >= ny:
                break
            for dx in range(-reach, reach + 1):
                if dy == 0 and dx < 0:
                    continue
                xx = cx + dx
                if xx < 0 or xx >= nx:
                    continue
                gx = (abs(dx) - 1) * cell if abs(dx) > 0 else 0.0
                gy = (dy - 1) * cell if dy > 0 else 0.0
                if gx * gx + gy * gy > cut2:
                    continue
                c2 = yy * nx + xx
                for i in range(a0, a1):
                    j0 = i + 1 if c2 == c else start[c2]
                    for j in range(j0, start[c2 + 1]):
                        d = _dist(xy, uvw, i, j, metric, radius_km)
                        if d >= cutoff:
                            continue
                        b = int(d * inv)
                        if b < nbins and wanted[b] and k < total:
                            out[k] = d
                            k += 1
    return out[:k]


@njit(cache=True)
def collect_in_bins(xy, uvw, metric, radius_km, binw, nbins, wanted, counts):
    """Distances of all pairs whose histogram bin is flagged in ``wanted`` (sizes known from ``counts``)."""
    n = xy.shape[0]
    total = 0
    for b in range(nbins):
        if wanted[b]:
            total += int(counts[b])
    out = np.empty(total)
    k = 0
    inv = 1.0 / binw
    for i in range(n):
        for j in range(i + 1, n):
            d = _dist(xy, uvw, i, j, metric, radius_km)
            b = int(d * inv)
            if b >= nbins:
                b = nbins - 1
            if wanted[b] and k < total:
                out[k] = d
                k += 1
    return out[:k]


@njit(cache=True)
def _cell_of(i, start, ncells):
    """The cell holding sorted point ``i``: the last ``c`` with ``start[c] <= i`` (binary search)."""
    lo = 0
    hi = ncells
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if start[mid] <= i:
            lo = mid
        else:
            hi = mid
    return lo


@njit(cache=True)
def _m_point(i, start, nx, ny, reach, cell, cut_plane, box_only, xy, uvw, w, is_case, metric, radius_km,
             radii, acc_all, acc_case):
    """Neighbour weights of sorted point ``i`` by radius bin (``d <= radii[k]``, first such k)."""
    nr = radii.shape[0]
    rmax = radii[nr - 1]
    cut2 = cut_plane * cut_plane
    c = _cell_of(i, start, nx * ny)
    ix = c % nx
    iy = c // nx
    for dy in range(-reach, reach + 1):
        yy = iy + dy
        if yy < 0 or yy >= ny:
            continue
        for dx in range(-reach, reach + 1):
            xx = ix + dx
            if xx < 0 or xx >= nx:
                continue
            if not box_only:
                gx = (abs(dx) - 1) * cell if dx != 0 else 0.0
                gy = (abs(dy) - 1) * cell if dy != 0 else 0.0
                if gx * gx + gy * gy > cut2:
                    continue
            c2 = yy * nx + xx
            for j in range(start[c2], start[c2 + 1]):
                if j == i:
                    continue
                d = _dist(xy, uvw, i, j, metric, radius_km)
                if d > rmax and not box_only:
                    continue
                # first k with radii[k] >= d
                a = 0
                b = nr
                while a < b:
                    m = (a + b) // 2
                    if radii[m] < d:
                        a = m + 1
                    else:
                        b = m
                if a < nr:
                    acc_all[a] += w[j]
                    if is_case[j]:
                        acc_case[a] += w[j]


@njit(cache=True, parallel=True)
def m_neighbours(case_idx, start, nx, ny, reach, cell, cut_plane, box_only, xy, uvw, w, is_case, metric,
                 radius_km, radii):
    """Per case point (sorted index in ``case_idx``): neighbour weights by radius bin, all and cases.

    Returns two arrays of shape ``(len(case_idx), len(radii))`` (not cumulated). Memory
    O(n_cases * n_radii), never O(n^2).
    """
    nc = case_idx.shape[0]
    nr = radii.shape[0]
    out_all = np.zeros((nc, nr))
    out_case = np.zeros((nc, nr))
    nchunks = min(nc, 256)
    for ch in prange(nchunks):
        for k in range(ch, nc, nchunks):
            _m_point(case_idx[k], start, nx, ny, reach, cell, cut_plane, box_only, xy, uvw, w, is_case, metric,
                     radius_km, radii, out_all[k], out_case[k])
    return out_all, out_case


@njit(cache=True)
def m_neighbours_serial(case_idx, start, nx, ny, reach, cell, cut_plane, box_only, xy, uvw, w, is_case, metric,
                        radius_km, radii):
    """Single-threaded twin of :func:`m_neighbours`."""
    nc = case_idx.shape[0]
    nr = radii.shape[0]
    out_all = np.zeros((nc, nr))
    out_case = np.zeros((nc, nr))
    for k in range(nc):
        _m_point(case_idx[k], start, nx, ny, reach, cell, cut_plane, box_only, xy, uvw, w, is_case, metric,
                 radius_km, radii, out_all[k], out_case[k])
    return out_all, out_case


@njit(cache=True, inline="always")
def _first_at_least(radii, v, even, dt):
    """Index of the first radius ``>= v`` (``ceil(v / dt)`` on an even grid from 0)."""
    if even:
        return int(math.ceil(v / dt))
    a = 0
    b = radii.shape[0]
    while a < b:
        m = (a + b) // 2
        if radii[m] < v:
            a = m + 1
        else:
            b = m
    return a


@njit(cache=True)
def border_limits(bdist, radii, even, dt):
    """Per point: last radius index strictly below its border distance (-1: none), the squared distance
    limit ``min(b_i, r_max)^2`` (-1 when none) and the border-corrected denominator per radius."""
    n = bdist.shape[0]
    nr = radii.shape[0]
    rmax = radii[nr - 1]
    lmax = np.empty(n, np.int64)
    dmax2 = np.empty(n)
    dden = np.zeros(nr + 1)
    for i in range(n):
        lm = min(_first_at_least(radii, bdist[i], even, dt) - 1, nr - 1)
        lmax[i] = lm
        dm = min(bdist[i], rmax)
        dmax2[i] = dm * dm if lm >= 0 else -1.0
        if lm >= 0:
            dden[0] += 1.0
            dden[lm + 1] -= 1.0
    return lmax, dmax2, np.cumsum(dden)[:nr]


@njit(cache=True, parallel=True)
def border_pairs_numerator(xy, start, nx, ny, reach, cell, lmax, dmax2, radii, even, dt, nchunks):
    """Ripley's K, border correction: numerator = number of ordered pairs (i, j) with ``d_ij <= r < b_i``
    (and ``d_ij < r_max``) for each radius ``r``; on an even grid from 0 the radius indices are
    ``ceil(d / dt)``, as spatstat does. Planar distances, difference arrays (O(n_radii) per chunk),
    visiting each unordered pair once (cells ``c, c + nchunks, ...``
    as first cell; neighbour cells skipped when their gap exceeds the largest radius) and crediting both
    ends. ``xy`` must be sorted by cell (``start`` its offsets); ``lmax``, ``dmax2`` from
    :func:`border_limits`."""
    nr = radii.shape[0]
    rmax = radii[nr - 1]
    diff = np.zeros((nchunks, nr + 1))
    cut2 = rmax * rmax
    for ch in prange(nchunks):
        for c in range(ch, nx * ny, nchunks):
            a0 = start[c]
            a1 = start[c + 1]
            if a0 == a1:
                continue
            cx = c % nx
            cy = c // nx
            for dy in range(reach + 1):
                yy = cy + dy
                if yy >= ny:
                    break
                for dx in range(-reach, reach + 1):
                    if dy == 0 and dx < 0:
                        continue
                    xx = cx + dx
                    if xx < 0 or xx >= nx:
                        continue
                    gx = (abs(dx) - 1) * cell if dx != 0 else 0.0
                    gy = (dy - 1) * cell if dy > 0 else 0.0
                    if gx * gx + gy * gy >= cut2:
                        continue
                    c2 = yy * nx + xx
                    b0 = start[c2]
                    b1 = start[c2 + 1]
                    if b0 == b1:
                        continue
                    for i in range(a0, a1):
                        j0 = i + 1 if c2 == c else b0
                        xi = xy[i, 0]
                        yi = xy[i, 1]
                        di = dmax2[i]
                        for j in range(j0, b1):
                            ddx = xi - xy[j, 0]
                            ddy = yi - xy[j, 1]
                            d2 = ddx * ddx + ddy * ddy
                            dj = dmax2[j]
                            if d2 >= di and d2 >= dj:
                                continue
                            lmin = _first_at_least(radii, math.sqrt(d2), even, dt)
                            if d2 < di and lmin <= lmax[i]:
                                diff[ch, lmin] += 1.0
                                diff[ch, lmax[i] + 1] -= 1.0
                            if d2 < dj and lmin <= lmax[j]:
                                diff[ch, lmin] += 1.0
                                diff[ch, lmax[j] + 1] -= 1.0
    num = np.zeros(nr)
    for ch in range(nchunks):
        accn = 0.0
        for k in range(nr):
            accn += diff[ch, k]
            num[k] += accn
    return num
