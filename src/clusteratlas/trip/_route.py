"""Ordering the stops of a trip: an exact travelling-salesman solve (Held–Karp dynamic programme).

The cost of going from one place to another is the estimated door-to-door time of the leg (hours). The
route starts at the start city and visits every stop once; it then ends at the last stop (``open``), at a
given end city (``fixed``) or back at the start (``return``).

The solver is the Held–Karp dynamic programme (Held & Karp 1962, "A dynamic programming approach to
sequencing problems", J. SIAM 10(1):196–210), vectorised over subsets with NumPy: ``best[S, j]`` is the cheapest
path from the start through the stop set ``S`` ending at stop ``j``. It takes O(2ⁿ n²) time and O(2ⁿ n)
memory: a few milliseconds for 12 stops, which is why trips keep at most :data:`clusteratlas.trip.MAX_STOPS`
stops. (python-tsp implements the same programme, but its dependency tsplib95 pins networkx < 3 and
tabulate < 0.9, which a base install should not impose.) The tests check it against brute force.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

EndKind = Literal["open", "fixed", "return"]


def route_cost(cost: Sequence[Sequence[float]], nodes: Sequence[int], end: EndKind) -> float:
    """Cost of visiting ``nodes`` (stop node numbers, 1-based) in this order from node 0, ending as ``end``
    says (the end city is node ``len(cost) - 1`` when ``end == "fixed"``)."""
    path = [0, *nodes]
    if end == "fixed":
        path.append(len(cost) - 1)
    elif end == "return":
        path.append(0)
    return float(sum(cost[a][b] for a, b in zip(path, path[1:])))


def best_order(cost: Sequence[Sequence[float]], end: EndKind = "open") -> tuple[list[int], float]:
    """The order of the stops that minimises the total cost, exactly.

    Parameters
    ----------
    cost : square matrix of float
        ``cost[i][j]`` is the cost (hours) from node i to node j; node 0 is the start, nodes 1…n the stops,
        and, when ``end == "fixed"``, the last node is the end city.
    end : {"open", "fixed", "return"}
        Where the route ends (see the module docstring).

    Returns
    -------
    order : list of int
        Stop node numbers in visiting order (neither the start nor the end city).
    total : float
        The route's cost, as :func:`route_cost` computes it.
    """
    import numpy as np

    m = np.asarray(cost, dtype=float)
    n = m.shape[0]
    stops = list(range(1, n - 1 if end == "fixed" else n))
    k = len(stops)
    if k <= 1:
        return stops, route_cost(cost, stops, end)
    idx = np.array(stops)
    # Cost of finishing after stop j: nothing (open), to the end city (fixed) or back to the start (return).
    if end == "open":
        finish = np.zeros(k)
    elif end == "fixed":
        finish = m[idx, n - 1]
    else:
        finish = m[idx, 0]
    step = m[np.ix_(idx, idx)]                       # step[i, j]: stop i -> stop j
    full = 1 << k
    best = np.full((full, k), np.inf)
    parent = np.full((full, k), -1, dtype=np.int64)
    best[1 << np.arange(k), np.arange(k)] = m[0, idx]
    for subset in range(1, full):
        row = best[subset]
        if not np.isfinite(row).any():
            continue
        members = [j for j in range(k) if subset >> j & 1]
        for j in range(k):
            if subset >> j & 1:
                continue
            cand = row[members] + step[members, j]
            i = int(np.argmin(cand))
            nxt = subset | 1 << j
            if cand[i] < best[nxt, j]:
                best[nxt, j] = cand[i]
                parent[nxt, j] = members[i]
    totals = best[full - 1] + finish
    j = int(np.argmin(totals))
    order_idx, subset = [], full - 1
    while j >= 0:
        order_idx.append(j)
        j, subset = int(parent[subset, j]), subset & ~(1 << j)
    order = [stops[i] for i in reversed(order_idx)]
    return order, route_cost(cost, order, end)
