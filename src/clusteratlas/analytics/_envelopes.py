"""Simulation envelopes: local (pointwise) and global bands, extreme-rank p-values.

Global bands follow Duranton & Overman (2005, section 4.2): the upper band is the pointwise order
statistic chosen so that a share ``alpha`` of the simulated curves lie above it at one distance or more;
the lower band likewise. Ties are handled with strict comparisons (a curve "exceeds" the band only where
it is strictly above it).

References
----------
Duranton, G., Overman, H. G. (2005). Testing for localization using micro-geographic data. *Review of
Economic Studies* 72(4), 1077-1106.
Myllymäki, M., Mrkvička, T., Grabarnik, P., Seijo, H., Hahn, U. (2017). Global envelope tests for
spatial processes. *Journal of the Royal Statistical Society B* 79(2), 381-404.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Envelopes:
    """Bands over the evaluation distances (each shape ``(n_eval,)``) and their settings."""

    lower_local: np.ndarray
    upper_local: np.ndarray
    lower_global: np.ndarray
    upper_global: np.ndarray
    simulations: int
    alpha: float
    global_exceed_upper: float
    global_exceed_lower: float


def _counts_less_greater(sims: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``values`` (shape ``(m, K)``), per column: how many sims are strictly below /
    strictly above it."""
    s = sims.shape[0]
    if values is sims:  # every row against its own column: ranks with ties, vectorised over the columns
        order = np.argsort(sims, axis=0, kind="stable")
        srt = np.take_along_axis(sims, order, axis=0)
        pos = np.broadcast_to(np.arange(s)[:, None], srt.shape)
        new_run = np.ones(srt.shape, dtype=bool)
        new_run[1:] = srt[1:] != srt[:-1]
        first = np.maximum.accumulate(np.where(new_run, pos, 0), axis=0)  # values strictly below
        end_run = np.ones(srt.shape, dtype=bool)
        end_run[:-1] = new_run[1:]
        last = np.minimum.accumulate(np.where(end_run, pos, s - 1)[::-1], axis=0)[::-1]
        less = np.empty(srt.shape, dtype=np.int64)
        greater = np.empty(srt.shape, dtype=np.int64)
        np.put_along_axis(less, order, first, axis=0)
        np.put_along_axis(greater, order, s - 1 - last, axis=0)
        return less, greater
    srt = np.sort(sims, axis=0)
    less = np.empty(values.shape, dtype=np.int64)
    greater = np.empty(values.shape, dtype=np.int64)
    for k in range(sims.shape[1]):
        col = srt[:, k]
        less[:, k] = np.searchsorted(col, values[:, k], side="left")
        greater[:, k] = s - np.searchsorted(col, values[:, k], side="right")
    return less, greater


def envelopes(sims: np.ndarray, alpha: float = 0.05) -> Envelopes:
    """Local ``alpha`` / ``1 - alpha`` quantile bands and Duranton-Overman global bands from ``sims``
    (shape ``(S, K)``)."""
    s = sims.shape[0]
    srt = np.sort(sims, axis=0)
    lower_local = np.quantile(sims, alpha, axis=0)
    upper_local = np.quantile(sims, 1 - alpha, axis=0)
    less, greater = _counts_less_greater(sims, sims)
    r_up = less.max(axis=1)  # a sim exceeds band srt[j] somewhere iff r_up >= j + 1
    r_lo = greater.max(axis=1)  # a sim falls below band srt[s-1-j] somewhere iff r_lo >= j + 1
    allowed = alpha * s

    def pick(r: np.ndarray) -> int:
        # smallest j with #{r >= j + 1} <= allowed
        cnt = np.bincount(r, minlength=s + 1)
        exceed = np.cumsum(cnt[::-1])[::-1]  # exceed[t] = #{r >= t}
        for j in range(s):
            if exceed[j + 1] <= allowed:
                return j
        return s - 1

    ju, jl = pick(r_up), pick(r_lo)
    return Envelopes(lower_local, upper_local, srt[s - 1 - jl], srt[ju], s, alpha,
                     float(np.mean(r_up >= ju + 1)), float(np.mean(r_lo >= jl + 1)))


def extreme_rank_p_values(observed: np.ndarray, sims: np.ndarray) -> tuple[float, float]:
    """Monte-Carlo p-values ``(above, below)`` of the one-sided extreme-rank-length tests (Myllymäki et
    al. 2017): each of the ``S + 1`` curves (observed included) is scored by its pointwise ranks sorted
    from the most extreme; curves are ordered lexicographically by these vectors, which breaks the ties
    of the plain extreme rank. ``p`` is the share of curves at least as extreme as the observed one."""
    pool = np.vstack([observed[None, :], sims])
    less, greater = _counts_less_greater(pool, pool)
    out = []
    for score in (less, greater):
        vec = -np.sort(-score, axis=1)  # descending: most extreme first
        # rank curves lexicographically (larger vector = more extreme)
        order = np.lexsort(vec.T[::-1])
        ranks = np.empty(len(order), dtype=np.int64)
        srt = vec[order]
        same = np.r_[False, np.all(srt[1:] == srt[:-1], axis=1)]
        grp = np.cumsum(~same) - 1
        ranks[order] = grp
        out.append(float(np.sum(ranks >= ranks[0]) / pool.shape[0]))
    return out[0], out[1]
