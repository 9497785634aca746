"""Numba kernels of pair-distance moment histograms: row spans within a cutoff, cell boxes of a near field.

A moment histogram has bins ``[b binw, (b + 1) binw)``; a pair at distance ``d`` in bin ``b`` adds
``w_i w_j delta^m`` to entry ``(b, m)`` for ``m < nmom``, ``delta = (d - (b + 0.5) binw) / hscale`` (``w = 1``
unweighted; ``nmom = 1`` is a plain histogram). The moments let a Gaussian kernel be applied afterwards
without binning error (:mod:`._smooth`).

Within a cutoff (:func:`span_pairs_parallel`, :func:`hist_many`) the points are sorted by cell of a dense
row-major grid, so the cells of one grid row are contiguous: each point meets, in each row that can hold a
partner, one contiguous run of points (the cells its cutoff circle can reach in that row), about 1.3 times
the pairs within the cutoff instead of 2.5 times for the 5 x 5 cells around a cell of half the cutoff. The
pairs are processed in blocks of :data:`BLOCK`, in two passes: distances, bins and offsets into small
buffers (a loop the compiler vectorises), then the scatter into the histogram (a pair beyond the cutoff goes
to a spare bin past the last, so the scatter has no branch). Long runs are read in place; the pairs of short
ones are pooled and read by index. Every pair adds exactly what it added in the former one-pass cell loop;
only the order of the floating-point sums differs (relative differences ~1e-15).

Parallel loops run over a fixed number of chunks (interleaved points), each with its own accumulator, summed
in a fixed order, so results do not depend on the number of threads. Metric codes and the distance
primitives are those of :mod:`._kernels`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from clusteratlas.analytics._kernels import (ASIN_TAYLOR_MAX, _cut_proxy2, _dist, _from_proxy2, _proxy2, asin_taylor,
                                             grid_build)

#: Pairs per block of the two-pass span loop (six buffers of 2 KB, in L1).
BLOCK = 256
#: Spans shorter than this pool their pairs (read by index) instead of a vectorised loop each.
LONG_SPAN = 16
#: Spans batched per call of the span loop (at least one point's).
SPAN_BATCH = 4096


@njit(cache=True, inline="always")
def _bins_block(q, d, m, qcut, cutoff, binw, inv_binw, inv_h, nbins, bb, bd):
    """Bin ``bb[k]`` and offset ``bd[k]`` (from the bin centre, in bandwidths) of ``m`` pairs at proxy ``q``
    and distance ``d`` (``d`` may be ``bd``); a pair not within the cutoff gets the spare bin ``nbins``."""
    fnb = float(nbins)
    for k in range(m):
        dk = d[k]
        b = int(min(dk * inv_binw, fnb))
        b = b if (q[k] < qcut) & (dk < cutoff) & (b < nbins) else nbins
        bb[k] = b
        bd[k] = (dk - (b + 0.5) * binw) * inv_h


@njit(cache=True, inline="always")
def _plane_run(i, s0, m, xs, ys, qcut, cutoff, binw, inv_binw, inv_h, nbins, bb, bd):
    """:func:`_bins_block` of the planar pairs ``(i, s0 + k)``, ``k < m``, in one vectorised loop (unsigned
    indices: no negative-index wraparound, which would turn the loads into gathers)."""
    fnb = float(nbins)
    xi = xs[i]
    yi = ys[i]
    u0 = np.uint64(s0)
    for k in range(np.uint64(m)):
        dx = xi - xs[u0 + k]
        dy = yi - ys[u0 + k]
        q = dx * dx + dy * dy
        d = math.sqrt(q)
        b = int(min(d * inv_binw, fnb))
        b = b if (q < qcut) & (d < cutoff) & (b < nbins) else nbins
        bb[k] = b
        bd[k] = (d - (b + 0.5) * binw) * inv_h


@njit(cache=True, inline="always")
def _plane_pairs(pi, pj, m, xs, ys, bq, bd):
    """Squared distances ``bq[k]`` and planar distances ``bd[k]`` of the pairs ``(pi[k], pj[k])``."""
    for k in range(m):
        i = pi[k]
        j = pj[k]
        dx = xs[i] - xs[j]
        dy = ys[i] - ys[j]
        q = dx * dx + dy * dy
        bq[k] = q
        bd[k] = math.sqrt(q)


@njit(cache=True, inline="always")
def _sphere_run(i, s0, m, us, vs, ws, two_r, bq, bd):
    """Squared chords ``bq[k]`` (unit sphere) and great-circle distances ``bd[k]`` of the pairs
    ``(i, s0 + k)``, ``k < m``, as :func:`._kernels._from_proxy2` computes them."""
    far = 0
    ui = us[i]
    vi = vs[i]
    wi = ws[i]
    u0 = np.uint64(s0)
    for k in range(np.uint64(m)):
        du = ui - us[u0 + k]
        dv = vi - vs[u0 + k]
        dw = wi - ws[u0 + k]
        q = du * du + dv * dv + dw * dw
        x = 0.5 * math.sqrt(q)
        bq[k] = q
        bd[k] = two_r * asin_taylor(x)
        far += x >= ASIN_TAYLOR_MAX
    if far:
        _far_arcs(bq, bd, m, two_r)


@njit(cache=True, inline="always")
def _sphere_pairs(pi, pj, m, us, vs, ws, two_r, bq, bd):
    """As :func:`_sphere_run` for the pairs ``(pi[k], pj[k])``."""
    far = 0
    for k in range(m):
        i = pi[k]
        j = pj[k]
        du = us[i] - us[j]
        dv = vs[i] - vs[j]
        dw = ws[i] - ws[j]
        q = du * du + dv * dv + dw * dw
        x = 0.5 * math.sqrt(q)
        bq[k] = q
        bd[k] = two_r * asin_taylor(x)
        far += x >= ASIN_TAYLOR_MAX
    if far:
        _far_arcs(bq, bd, m, two_r)


@njit(cache=True)
def _far_arcs(bq, bd, m, two_r):
    """Great-circle distances ``bd[k]`` by ``math.asin`` where the half-chord is beyond the Taylor range."""
    for k in range(m):
        x = 0.5 * math.sqrt(bq[k])
        if x >= ASIN_TAYLOR_MAX:
            bd[k] = two_r * math.asin(min(x, 1.0))


@njit(cache=True, inline="always")
def _scatter_block(bb, bd, bp, m, weighted, nmom, out):
    """Add ``p delta^m`` (``p = bp[k] = w_i w_j`` when weighted, else 1) of ``m`` binned pairs to ``out`` (flat
    ``(nbins + 1) * nmom``)."""
    if weighted:
        for k in range(m):
            p = bp[k]
            delta = bd[k]
            if nmom == 3:
                b = 3 * bb[k]
                pd = p * delta
                out[b] += p
                out[b + 1] += pd
                out[b + 2] += pd * delta
            else:
                base = bb[k] * nmom
                for mm in range(nmom):
                    out[base + mm] += p
                    p *= delta
    elif nmom == 3:  # the simulations' and the null mean's moments, unrolled
        for k in range(m):
            b = 3 * bb[k]
            delta = bd[k]
            out[b] += 1.0
            out[b + 1] += delta
            out[b + 2] += delta * delta
    elif nmom == 1:
        for k in range(m):
            out[bb[k]] += 1.0
    else:
        for k in range(m):
            delta = bd[k]
            base = bb[k] * nmom
            p = 1.0
            for mm in range(nmom):
                out[base + mm] += p
                p *= delta


@njit(cache=True, inline="always")
def _pool_block(pi, pj, m, xs, ys, us, vs, ws, w, weighted, metric, two_r, qcut, cutoff, binw, inv_binw, inv_h,
                nbins, nmom, out, bq, bd, bp, bb):
    """Add the pooled pairs ``(pi[k], pj[k])``, ``k < m``, to ``out``."""
    if metric == 0:
        _plane_pairs(pi, pj, m, xs, ys, bq, bd)
    else:
        _sphere_pairs(pi, pj, m, us, vs, ws, two_r, bq, bd)
    _bins_block(bq, bd, m, qcut, cutoff, binw, inv_binw, inv_h, nbins, bb, bd)
    if weighted:
        for k in range(m):
            bp[k] = w[pi[k]] * w[pj[k]]
    _scatter_block(bb, bd, bp, m, weighted, nmom, out)


@njit(cache=True)
def _spans(todo, ntodo, xs, ys, us, vs, ws, w, weighted, metric, radius_km, qcut, cutoff, binw, nmom, hscale, out):
    """Add the pairs ``(i, j)``, ``lo <= j < hi``, of the spans ``todo[t] = (i, lo, hi)``, ``t < ntodo``, to
    the moment histogram ``out`` (flat, ``nbins + 1`` bins of ``nmom``: the last bin collects the pairs
    beyond the cutoff).

    Spans are batched so that this loop, with the block steps inlined, is entered once per batch (a call
    per span cost as much as its pairs). A span of at least :data:`LONG_SPAN` partners is read in place,
    :data:`BLOCK` at a time; the pairs of shorter ones are pooled and read by index, a block at a time (a
    vectorised loop per short span cost more than its pairs, as in sparse simulated industries).
    """
    nbins = out.shape[0] // nmom - 1
    inv_binw = 1.0 / binw
    inv_h = 1.0 / hscale
    two_r = 2.0 * radius_km
    bq = np.empty(BLOCK)
    bd = np.empty(BLOCK)
    bp = np.empty(BLOCK)
    bb = np.empty(BLOCK, np.int64)
    pi = np.empty(BLOCK, np.int64)
    pj = np.empty(BLOCK, np.int64)
    npool = 0
    for t in range(ntodo):
        i = todo[t, 0]
        lo = todo[t, 1]
        hi = todo[t, 2]
        if hi - lo < LONG_SPAN:
            if npool + hi - lo > BLOCK:
                _pool_block(pi, pj, npool, xs, ys, us, vs, ws, w, weighted, metric, two_r, qcut, cutoff, binw,
                            inv_binw, inv_h, nbins, nmom, out, bq, bd, bp, bb)
                npool = 0
            for j in range(lo, hi):
                pi[npool] = i
                pj[npool] = j
                npool += 1
            continue
        for s0 in range(lo, hi, BLOCK):
            m = min(BLOCK, hi - s0)
            if metric == 0:
                _plane_run(i, s0, m, xs, ys, qcut, cutoff, binw, inv_binw, inv_h, nbins, bb, bd)
            else:
                _sphere_run(i, s0, m, us, vs, ws, two_r, bq, bd)
                _bins_block(bq, bd, m, qcut, cutoff, binw, inv_binw, inv_h, nbins, bb, bd)
            if weighted:
                wi = w[i]
                for k in range(m):
                    bp[k] = wi * w[s0 + k]
            _scatter_block(bb, bd, bp, m, weighted, nmom, out)
    if npool:
        _pool_block(pi, pj, npool, xs, ys, us, vs, ws, w, weighted, metric, two_r, qcut, cutoff, binw, inv_binw,
                    inv_h, nbins, nmom, out, bq, bd, bp, bb)


@njit(cache=True)
def _span_points(first, step, start, rowid, nx, ny, x0, y0, cell, cut_plane, xs, ys, us, vs, ws, w, weighted,
                 metric, radius_km, cutoff, binw, nmom, hscale, out):
    """Visit each unordered pair within ``cutoff`` once, with sorted points ``first, first + step, ...`` as
    its lower end (in row order, then point order), adding it to ``out`` (see :func:`_spans`).

    ``start`` is the CSR offset array of the dense ``nx * ny`` grid of cell ``cell`` km from ``(x0, y0)``
    the points are sorted by (:func:`._kernels.grid_build`), ``rowid`` each sorted point's grid row. A point
    meets the later points of its own row up to ``cut_plane`` east of it, and in each following row whose
    lower edge is within ``cut_plane`` north of it the cells within the half-chord of its cutoff circle at
    that edge. The cell bounds are widened by a relative 1e-9 (far above the rounding of the cell
    assignment); the exact distance test follows.
    """
    qcut = _cut_proxy2(cutoff, metric, radius_km)
    inv_c = 1.0 / cell
    eps = 1e-9 * (abs(x0) + abs(y0) + (nx + ny) * cell + cut_plane)
    cutm = cut_plane + eps
    per = min(ny, int(cutm * inv_c) + 3) + 1  # spans of one point, at most
    todo = np.empty((max(SPAN_BATCH, per), 3), np.int64)
    nt = 0
    n = xs.shape[0]
    for i in range(first, n, step):
        if nt + per > todo.shape[0]:
            _spans(todo, nt, xs, ys, us, vs, ws, w, weighted, metric, radius_km, qcut, cutoff, binw, nmom, hscale,
                   out)
            nt = 0
        r = rowid[i]
        xi = xs[i]
        yi = ys[i]
        v = (xi + cutm - x0) * inv_c
        xh = int(v) if v < nx - 1 else nx - 1
        todo[nt, 0] = i
        todo[nt, 1] = i + 1
        todo[nt, 2] = start[r * nx + xh + 1]
        nt += 1
        for rr in range(r + 1, ny):
            gy = y0 + rr * cell - yi - eps
            if gy > cutm:
                break
            hw = math.sqrt(cutm * cutm - gy * gy) + eps if gy > 0.0 else cutm
            v = (xi - hw - x0) * inv_c
            xl = int(v) if v > 0.0 else 0
            v = (xi + hw - x0) * inv_c
            xh = int(v) if v < nx - 1 else nx - 1
            lo = start[rr * nx + xl]
            hi = start[rr * nx + xh + 1]
            if lo < hi:
                todo[nt, 0] = i
                todo[nt, 1] = lo
                todo[nt, 2] = hi
                nt += 1
    _spans(todo, nt, xs, ys, us, vs, ws, w, weighted, metric, radius_km, qcut, cutoff, binw, nmom, hscale, out)


@njit(cache=True)
def row_ids(start, nx, ny):
    """Grid row of each point sorted by cell (``start``: CSR offsets of the ``nx * ny`` grid)."""
    rowid = np.empty(start[nx * ny], np.int64)
    for r in range(ny):
        rowid[start[r * nx]:start[(r + 1) * nx]] = r
    return rowid


@njit(cache=True, parallel=True)
def span_pairs_parallel(start, nx, ny, x0, y0, cell, cut_plane, xs, ys, us, vs, ws, w, weighted, metric,
                        radius_km, cutoff, nbins, binw, nmom, hscale, nchunks):
    """Moment histogram (flat, ``nbins * nmom``) of the pairs within ``cutoff`` (see :func:`_span_points`),
    in parallel over ``nchunks`` interleaved sets of points, summed in chunk order."""
    rowid = row_ids(start, nx, ny)
    size = (nbins + 1) * nmom
    acc = np.zeros((nchunks, size))
    for ch in prange(nchunks):
        _span_points(ch, nchunks, start, rowid, nx, ny, x0, y0, cell, cut_plane, xs, ys, us, vs, ws, w, weighted,
                     metric, radius_km, cutoff, binw, nmom, hscale, acc[ch])
    out = np.zeros(nbins * nmom)
    for ch in range(nchunks):
        out += acc[ch, :nbins * nmom]
    return out


@njit(cache=True)
def _hist_subset(idx, xy_all, uvw_all, w, weighted, metric, radius_km, x0, y0, cell, nx, ny, cut_plane, cutoff,
                 binw, nmom, hscale, out):
    """Moment histogram (flat, ``nbins + 1`` bins, the last spare) of the pairs within ``cutoff`` among the
    sites ``idx`` (firm k sits at site ``idx[k]``, weight ``w[k]``), on the grid of all sites."""
    n = idx.shape[0]
    sub = np.empty((n, 2))
    for k in range(n):
        sub[k, 0] = xy_all[idx[k], 0]
        sub[k, 1] = xy_all[idx[k], 1]
    start, order = grid_build(sub, x0, y0, 1.0 / cell, nx, ny)
    xs = np.empty(n)
    ys = np.empty(n)
    nu = n if metric == 1 else 0
    us = np.empty(nu)
    vs = np.empty(nu)
    ws = np.empty(nu)
    wt = np.empty(n)
    for k in range(n):
        o = order[k]
        xs[k] = sub[o, 0]
        ys[k] = sub[o, 1]
        if metric == 1:
            s = idx[o]
            us[k] = uvw_all[s, 0]
            vs[k] = uvw_all[s, 1]
            ws[k] = uvw_all[s, 2]
        wt[k] = w[o] if weighted else 1.0
    _span_points(0, 1, start, row_ids(start, nx, ny), nx, ny, x0, y0, cell, cut_plane, xs, ys, us, vs, ws, wt,
                 weighted, metric, radius_km, cutoff, binw, nmom, hscale, out)


@njit(cache=True, parallel=True)
def hist_many(idx_mat, xy_all, uvw_all, w, weighted, metric, radius_km, x0, y0, cell, nx, ny, cut_plane, cutoff,
              binw, nbins, nmom, hscale):
    """One moment histogram (``nbins * nmom``, see :func:`_span_points`) per row of ``idx_mat`` (one
    simulation each), in parallel over rows; ``(x0, y0, cell, nx, ny)`` is a grid covering all sites."""
    s = idx_mat.shape[0]
    out = np.zeros((s, (nbins + 1) * nmom))
    for r in prange(s):
        _hist_subset(idx_mat[r], xy_all, uvw_all, w, weighted, metric, radius_km, x0, y0, cell, nx, ny, cut_plane,
                     cutoff, binw, nmom, hscale, out[r])
    return out[:, :nbins * nmom]


@njit(cache=True)
def hist_many_serial(idx_mat, xy_all, uvw_all, w, weighted, metric, radius_km, x0, y0, cell, nx, ny, cut_plane,
                     cutoff, binw, nbins, nmom, hscale):
    """Single-threaded twin of :func:`hist_many` (for use inside Dask tasks); same result."""
    s = idx_mat.shape[0]
    out = np.zeros((s, (nbins + 1) * nmom))
    for r in range(s):
        _hist_subset(idx_mat[r], xy_all, uvw_all, w, weighted, metric, radius_km, x0, y0, cell, nx, ny, cut_plane,
                     cutoff, binw, nmom, hscale, out[r])
    return out[:, :nbins * nmom]


@njit(cache=True)
def _pairs_in_boxes(c_first, c_step, start, nx, ny, reach, xy, uvw, w, weighted, metric, radius_km, cutoff, out,
                    binw, nmom, hscale):
    """Add to the moment histogram ``out`` (flat, ``nbins * nmom``) each unordered pair closer than
    ``cutoff`` whose cells are within ``reach`` of each other in both axes (the near field of the binned
    mode), once (cells ``c_first, c_first + c_step, ...`` as first cell)."""
    nbins = out.shape[0] // nmom
    inv_binw = 1.0 / binw
    inv_h = 1.0 / hscale
    qcut = _cut_proxy2(cutoff, metric, radius_km)
    for c in range(c_first, nx * ny, c_step):
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
                c2 = yy * nx + xx
                b0 = start[c2]
                b1 = start[c2 + 1]
                if b0 == b1:
                    continue
                for i in range(a0, a1):
                    j0 = i + 1 if c2 == c else b0
                    wi = w[i] if weighted else 1.0
                    for j in range(j0, b1):
                        q = _proxy2(xy, uvw, i, j, metric)
                        if q >= qcut:
                            continue
                        d = _from_proxy2(q, metric, radius_km)
                        if d >= cutoff:
                            continue
                        b = int(d * inv_binw)
                        if b >= nbins:
                            continue
                        p = wi * w[j] if weighted else 1.0
                        if nmom == 1:
                            out[b] += p
                        elif nmom == 3:  # the simulations' and the null mean's moments, unrolled
                            delta = (d - (b + 0.5) * binw) * inv_h
                            pd = p * delta
                            out[3 * b] += p
                            out[3 * b + 1] += pd
                            out[3 * b + 2] += pd * delta
                        else:
                            delta = (d - (b + 0.5) * binw) * inv_h
                            base = b * nmom
                            for m in range(nmom):
                                out[base + m] += p
                                p *= delta


@njit(cache=True, parallel=True)
def box_pairs_parallel(start, nx, ny, reach, xy, uvw, w, weighted, metric, radius_km, cutoff, nout, binw, nmom,
                       hscale, nchunks):
    """Parallel driver of :func:`_pairs_in_boxes` over ``nchunks`` interleaved cell sets (balanced on
    clustered data); returns the summed output."""
    acc = np.zeros((nchunks, nout))
    for ch in prange(nchunks):
        _pairs_in_boxes(ch, nchunks, start, nx, ny, reach, xy, uvw, w, weighted, metric, radius_km, cutoff,
                        acc[ch], binw, nmom, hscale)
    out = np.zeros(nout)
    for ch in range(nchunks):
        out += acc[ch]
    return out


@njit(cache=True)
def box_pairs_serial(start, nx, ny, reach, xy, uvw, w, weighted, metric, radius_km, cutoff, nout, binw, nmom,
                     hscale, nchunks):
    """Single-threaded twin of :func:`box_pairs_parallel` (for use inside Dask tasks); same result."""
    acc = np.zeros((nchunks, nout))
    for ch in range(nchunks):
        _pairs_in_boxes(ch, nchunks, start, nx, ny, reach, xy, uvw, w, weighted, metric, radius_km, cutoff,
                        acc[ch], binw, nmom, hscale)
    out = np.zeros(nout)
    for ch in range(nchunks):
        out += acc[ch]
    return out


@njit(cache=True)
def near_box_pairs(start, nx, ny, fx, fy, exact_cells, xy, uvw, w, weighted, metric, radius_km, cutoff, nout,
                   binw, nmom, hscale):
    """Moment histogram (as :func:`_pairs_in_boxes`) of the unordered pairs whose cells on a fine grid are
    within ``exact_cells`` of each other in both axes (``fx``, ``fy``: fine cell of each sorted point).

    The points are sorted on a coarse grid whose cell is a whole number (> ``exact_cells``) of fine cells,
    aligned with it, so such pairs lie in the same or adjacent coarse cells: a dense fine grid (tens of
    millions of cells at a national extent) is never built. Single-threaded.
    """
    out = np.zeros(nout)
    nbins = nout // nmom
    inv_binw = 1.0 / binw
    inv_h = 1.0 / hscale
    for c in range(nx * ny):
        a0 = start[c]
        a1 = start[c + 1]
        if a0 == a1:
            continue
        cx = c % nx
        cy = c // nx
        for dy in range(2):
            yy = cy + dy
            if yy >= ny:
                break
            for dx in range(-1, 2):
                if dy == 0 and dx < 0:
                    continue
                xx = cx + dx
                if xx < 0 or xx >= nx:
                    continue
                c2 = yy * nx + xx
                b0 = start[c2]
                b1 = start[c2 + 1]
                for i in range(a0, a1):
                    j0 = i + 1 if c2 == c else b0
                    wi = w[i] if weighted else 1.0
                    for j in range(j0, b1):
                        if abs(fx[i] - fx[j]) > exact_cells or abs(fy[i] - fy[j]) > exact_cells:
                            continue
                        d = _dist(xy, uvw, i, j, metric, radius_km)
                        if d >= cutoff:
                            continue
                        b = int(d * inv_binw)
                        if b >= nbins:
                            continue
                        p = wi * w[j] if weighted else 1.0
                        delta = (d - (b + 0.5) * binw) * inv_h
                        base = b * nmom
                        for m in range(nmom):
                            out[base + m] += p
                            p *= delta
    return out
