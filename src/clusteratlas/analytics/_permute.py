"""Conditional permutation inference for local statistics (one shared permutation table, seeded).

For observation ``i`` with neighbours ``N(i)`` and weights ``w_ik``, the statistic is taken to be
``f_i * sum_k w_ik v_k``; the conditional null keeps ``v_i`` and draws the neighbours' values without
replacement from the other ``n - 1`` observations. One table of ``permutations x max |N(i)|`` draws from
``range(n - 1)`` is shared by all observations (index ``r >= i`` maps to ``r + 1``), as in esda. The pseudo
p-value is folded like esda's: ``(min(#{sim >= obs}, P - #{sim >= obs}) + 1) / (P + 1)``.

References
----------
Anselin, L. (1995). Local indicators of spatial association - LISA. *Geographical Analysis* 27(2), 93-115.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def _pseudo_p(values, factor, indptr, indices, weights, table):
    n = indptr.shape[0] - 1
    perms = table.shape[0]
    out = np.empty(n)
    for i in prange(n):
        a, b = indptr[i], indptr[i + 1]
        k = b - a
        obs = 0.0
        for t in range(a, b):
            obs += weights[t] * values[indices[t]]
        obs *= factor[i]
        larger = 0
        for p in range(perms):
            s = 0.0
            for t in range(k):
                r = table[p, t]
                if r >= i:
                    r += 1
                s += weights[a + t] * values[r]
            if factor[i] * s >= obs:
                larger += 1
        larger = min(larger, perms - larger)
        out[i] = (larger + 1.0) / (perms + 1.0)
    return out


def permutation_p_values(values: np.ndarray, factor: np.ndarray, w, permutations: int, seed) -> np.ndarray:
    """Folded conditional-permutation p-values for ``factor_i * sum_k w_ik values_k`` over the libpysal
    weights ``w`` (its current transform). ``seed`` makes them reproducible."""
    n = len(values)
    sp = w.sparse.tocsr()
    sp.sort_indices()
    kmax = int(np.diff(sp.indptr).max()) if n else 0
    if n < 2 or kmax == 0 or permutations <= 0:
        return np.full(n, np.nan)
    kmax = min(kmax, n - 1)
    rng = np.random.default_rng(seed)
    table = np.empty((permutations, kmax), dtype=np.int64)
    for p in range(permutations):
        table[p] = rng.choice(n - 1, kmax, replace=False)
    return _pseudo_p(np.asarray(values, dtype=float), np.asarray(factor, dtype=float),
                     sp.indptr.astype(np.int64), sp.indices.astype(np.int64), sp.data.astype(float), table)
