"""Ripley's K with the border (reduced-sample) edge correction, in a rectangular window.

    K(r) = |W| / n * sum_i 1(b_i > r) #{j != i : d_ij <= r} / sum_i 1(b_i > r),

``b_i`` being the distance from point ``i`` to the window's boundary (pairs at ``d_ij >= max(r)`` are
not counted). With radii evenly spaced from 0 the radius index of a distance is ``ceil(d / dt)``, so
the values equal spatstat's ``Kest(X, r = radii, correction = "border")`` bit for bit on ties
(Baddeley, Rubak & Turner 2015, section 7.4.2); ``L = sqrt(K / pi)``.
It serves as a validated building block (checked against spatstat on its own data sets) and for
point patterns in a study window; for establishments over a whole country use the K-density or M.

References
----------
Ripley, B. D. (1977). Modelling spatial patterns. *Journal of the Royal Statistical Society B* 39(2),
172-212.
Baddeley, A., Rubak, E., Turner, R. (2015). *Spatial Point Patterns: Methodology and Applications with
R*. Chapman & Hall/CRC.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from clusteratlas.analytics import _kernels as K
from clusteratlas.analytics._pairs import Grid
from clusteratlas.analytics.results import frozen_array, frozen_mapping, jsonable, new_figure, save_figure
from clusteratlas.errors import BadQueryError, DataValidationError


@dataclass(frozen=True)
class RipleyKResult:
    """``k`` (the estimate at ``r``), ``theo = pi r^2`` (complete spatial randomness), ``n`` points."""

    r: np.ndarray
    k: np.ndarray
    theo: np.ndarray
    n: int
    method: str
    parameters: MappingProxyType

    @property
    def estimate(self) -> np.ndarray:
        return self.k

    @property
    def inference(self) -> dict[str, Any]:
        return {"theo": self.theo}

    @property
    def l(self) -> np.ndarray:
        """Besag's ``L(r) = sqrt(K(r) / pi)``."""
        return np.sqrt(self.k / np.pi)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame({"r": self.r, "k": self.k, "theo": self.theo, "l": self.l})

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"measure": "ripley_k", "n": self.n, "method": self.method,
                         "parameters": self.parameters, "r": self.r, "k": self.k, "theo": self.theo})

    def plot(self, ax=None, path=None):
        fig = ax.figure if ax is not None else new_figure()
        ax = ax or fig.add_subplot()
        ax.plot(self.r, self.theo, ":", color="0.3", label="CSR: pi r^2")
        ax.plot(self.r, self.k, color="tab:blue", lw=2, label="K (border correction)")
        ax.set_xlabel(f"r ({self.parameters['unit']})")
        ax.set_ylabel("K(r)")
        ax.legend(fontsize=8, frameon=False)
        ax.grid(alpha=0.3)
        return save_figure(fig, path)


def ripley_k(x: Any, y: Any, *, window: tuple[float, float, float, float], radii: Any,
             unit: str = "units") -> RipleyKResult:
    """Border-corrected Ripley's K of planar points.

    Parameters
    ----------
    x, y : array-like, shape (n,)
        Planar coordinates (e.g. km on an equal-area projection).
    window : (xmin, ymin, xmax, ymax)
        The rectangular study window (west, south, east, north); every point must lie inside.
    radii : array-like
        Increasing distances ``r >= 0`` at which K is computed.
    unit : str
        Name of the coordinate unit, recorded in the result.

    Raises
    ------
    DataValidationError
        Fewer than two points, points outside the window, non-finite coordinates.
    BadQueryError
        Empty or decreasing radii, degenerate window.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    r = np.asarray(radii, dtype=float)
    xmin, ymin, xmax, ymax = map(float, window)
    if not (xmax > xmin and ymax > ymin):
        raise BadQueryError("window must be (xmin, ymin, xmax, ymax) with xmax > xmin and ymax > ymin")
    if r.ndim != 1 or r.size == 0 or np.any(r < 0) or np.any(np.diff(r) < 0):
        raise BadQueryError("radii must be non-negative and increasing")
    if x.shape != y.shape or x.size < 2:
        raise DataValidationError("Ripley's K needs at least two points (x and y of equal length)")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise DataValidationError("coordinates must be finite")
    if np.any((x < xmin) | (x > xmax) | (y < ymin) | (y > ymax)):
        raise DataValidationError("all points must lie inside the window")
    n = x.size
    from clusteratlas._limits import check_memory

    check_memory(8.0 * n * 6 + 8.0 * r.size * 4 * 2, f"Ripley's K ({n:,} points, {r.size:,} radii)",
                 "use fewer points or radii")
    xy = np.ascontiguousarray(np.column_stack([x, y]))
    rmax = float(r[-1]) if r[-1] > 0 else 1.0
    # cells of a third of the largest radius: the scanned squares hug the disc (unordered pairs, each once)
    grid = Grid.covering(np.vstack([xy, [[xmin, ymin], [xmax, ymax]]]), rmax / 3)
    start, order = K.grid_build(xy, grid.x0, grid.y0, 1.0 / grid.cell, grid.nx, grid.ny)
    xs = np.ascontiguousarray(xy[order])
    bdist = np.minimum.reduce([xs[:, 0] - xmin, xmax - xs[:, 0], xs[:, 1] - ymin, ymax - xs[:, 1]])
    reach = int(np.ceil(rmax / grid.cell))
    dt = float(r[-1] / (r.size - 1)) if r.size > 1 else 1.0
    even = bool(r.size > 1 and r[0] == 0 and np.allclose(np.diff(r), dt, rtol=1e-9, atol=0))
    lmax, dmax2, den = K.border_limits(bdist, r, even, dt)
    num = K.border_pairs_numerator(xs, start, grid.nx, grid.ny, reach, grid.cell, lmax, dmax2, r, even, dt, 64)
    area = (xmax - xmin) * (ymax - ymin)
    lam = n / area
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.where(den > 0, num / (lam * den), np.nan)
    params = {"window": (xmin, ymin, xmax, ymax), "area": area, "unit": unit, "correction": "border"}
    return RipleyKResult(frozen_array(r), frozen_array(k), frozen_array(np.pi * r**2), n,
                         "Ripley's K, border correction", frozen_mapping(params))
