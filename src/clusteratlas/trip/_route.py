"""Ordering the stops of a trip: an exact travelling-salesman solve with python-tsp.

The cost of going from one place to another is the estimated door-to-door time of the leg (hours). The
route starts at the start city and visits every stop once; it then ends at the last stop (``open``), at a
given end city (``fixed``) or back at the start (``return``). python-tsp's Held–Karp dynamic programme
(:func:`python_tsp.exact.solve_tsp_dynamic_programming`) solves closed tours from node 0; the open and
fixed-end routes are closed tours on a changed matrix (the standard reduction):

* open: every return to the start costs 0, so the best tour is the best path from the start;
* fixed end: the end city is one more node; only the end returns to the start, at cost 0, any other
  node's return costs more than every route together, so the best tour ends at the end city.

Held–Karp takes O(2ⁿ n²) time: about 0.1 s for 12 nodes, which is why trips keep at most
:data:`clusteratlas.trip.MAX_STOPS` stops.
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
    from python_tsp.exact import solve_tsp_dynamic_programming

    m = np.array(cost, dtype=float)
    n = m.shape[0]
    stops = list(range(1, n - 1 if end == "fixed" else n))
    if len(stops) <= 1:
        return stops, route_cost(cost, stops, end)
    if end == "open":
        m[:, 0] = 0.0
    elif end == "fixed":
        last = n - 1
        big = float(m.sum()) + 1.0
        m[:, 0] = big
        m[last, 0] = 0.0
        m[0, last] = big  # the end city cannot come first
    perm, _ = solve_tsp_dynamic_programming(m)
    order = [int(i) for i in perm[1:] if int(i) in stops]
    return order, route_cost(cost, order, end)
