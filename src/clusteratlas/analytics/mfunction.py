"""Marcon-Puech M function: relative concentration of an industry within radius r, with envelopes.

For reference (case) establishments ``i`` of the industry, neighbours ``j != i`` within ``r`` and
weights ``w``:

    M(r) = sum_i [ W_case(i, r) / W_all(i, r) ] / sum_i [ (W_case - w_i) / (W_all - w_i) ],

where ``W_case(i, r)`` and ``W_all(i, r)`` are the weights of the case / all establishments within ``r``
of ``i`` (``d <= r``) and ``W_case``, ``W_all`` the totals. Reference points without any neighbour
within ``r`` are left out of both sums (as R ``dbmss::Mhat`` does). ``M = 1`` when the industry is
distributed like all establishments; ``M > 1`` means relative concentration. The null model relocates
every establishment (with its industry and weight) to a random permutation of the sites (``dbmss``'s
random location).

References
----------
Marcon, E., Puech, F. (2010). Measures of the geographic concentration of industries: improving
distance-based methods. *Journal of Economic Geography* 10(5), 745-762.
Marcon, E., Puech, F. (2017). A typology of distance-based measures of spatial concentration. *Regional
Science and Urban Economics* 62, 56-67.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from clusteratlas.analytics import _kernels as K
from clusteratlas.analytics import _pairs as P
from clusteratlas.analytics._binned import binned_m_neighbours
from clusteratlas.analytics._envelopes import envelopes, extreme_rank_p_values
from clusteratlas.analytics._geometry import EARTH_RADIUS_KM, Points, prepare_points
from clusteratlas.analytics._simulate import ProgressFn, run_simulations
from clusteratlas.analytics.firms import Firms, as_firms
from clusteratlas.analytics.results import frozen_array, frozen_mapping, jsonable, new_figure, save_figure
from clusteratlas.errors import BadQueryError, DataValidationError

AUTO_EXACT_PAIRS = 3e8
DEFAULT_RADII_KM = tuple(float(r) for r in range(1, 21))


@dataclass(frozen=True)
class MResult:
    """The M function at each radius, with random-location envelopes when simulated.

    ``m`` (the estimate), ``lower_local``/``upper_local``/``lower_global``/``upper_global`` (None
    without simulations), ``concentrated`` (M above the upper global band at some radius; False without
    simulations, when ``tested`` is False: nothing was tested), ``p_value`` (extreme-rank-length test of
    concentration), ``n`` cases, ``n_sites``.
    """

    industry: str
    radius_km: np.ndarray
    m: np.ndarray
    lower_local: np.ndarray | None
    upper_local: np.ndarray | None
    lower_global: np.ndarray | None
    upper_global: np.ndarray | None
    concentrated: bool
    p_value: float
    n: int
    n_sites: int
    method: str
    parameters: MappingProxyType

    @property
    def estimate(self) -> np.ndarray:
        return self.m

    @property
    def inference(self) -> dict[str, Any]:
        return {"lower_local": self.lower_local, "upper_local": self.upper_local,
                "lower_global": self.lower_global, "upper_global": self.upper_global,
                "concentrated": self.concentrated, "p_value": self.p_value}

    def to_frame(self):
        import pandas as pd

        cols = {"radius_km": self.radius_km, "m": self.m}
        for name in ("lower_local", "upper_local", "lower_global", "upper_global"):
            v = getattr(self, name)
            cols[name] = v if v is not None else np.full(len(self.m), np.nan)
        return pd.DataFrame(cols)

    @property
    def tested(self) -> bool:
        """True when simulations were run (else ``concentrated`` is False because nothing was tested)."""
        return int(self.parameters.get("simulations", 0) or 0) > 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; ``tested`` is False when no simulation was run."""
        return jsonable({"measure": "m_function", "industry": self.industry, "n": self.n,
                         "n_sites": self.n_sites, "method": self.method, "tested": self.tested,
                         "concentrated": self.concentrated,
                         "p_value": self.p_value, "parameters": self.parameters, "radius_km": self.radius_km,
                         "m": self.m, "lower_local": self.lower_local, "upper_local": self.upper_local,
                         "lower_global": self.lower_global, "upper_global": self.upper_global})

    def plot(self, ax=None, path=None):
        fig = ax.figure if ax is not None else new_figure()
        ax = ax or fig.add_subplot()
        r = self.radius_km
        if self.lower_local is not None:
            ax.fill_between(r, self.lower_local, self.upper_local, color="0.85", label="local band")
            ax.plot(r, self.upper_global, "--", color="tab:red", lw=1, label="global band")
            ax.plot(r, self.lower_global, "--", color="tab:red", lw=1)
        ax.axhline(1.0, color="0.3", ls=":", lw=1.2, label="no relative concentration")
        ax.plot(r, self.m, "o-", color="tab:blue", lw=2, ms=3, label=f"M: {self.industry}")
        ax.set_xlabel(f"radius r (km, {self.parameters['metric'].replace('_', '-')})")
        ax.set_ylabel("M(r)")
        finite = self.m[np.isfinite(self.m)]
        low = self.lower_global if self.lower_global is not None else finite
        if finite.size and np.nanmin(low) > 0 and np.nanmax(finite) > 5:
            ax.set_yscale("log")  # M = 1 and the bands stay visible next to large values
            ax.set_ylabel("M(r) (log scale)")
        ax.set_title(f"{self.industry}: M function, n = {self.n:,} of {self.n_sites:,}", fontsize=10)
        ax.legend(fontsize=8, frameon=False)
        ax.grid(alpha=0.3)
        return save_figure(fig, path)


def _neighbour_weights(points: Points, weights: np.ndarray, is_case: np.ndarray, radii: np.ndarray, mode: str,
                       cell_km: float, exact_below_km: float, parallel: bool = True
                       ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Cumulative neighbour weights (all, cases) within each radius, per case point, and the grid used."""
    if mode == "binned":
        a, c, info = binned_m_neighbours(points, weights, is_case, radii, cell_km=cell_km,
                                         exact_below_km=exact_below_km, parallel=parallel)
        return a, c, {"cell_km": info["cell_km"], "exact_below_km": info["exact_below_km"]}
    grid, reach, cut_plane = P.cutoff_grid(points, float(radii[-1]))
    s = P.sort_points(points, weights, grid)
    case_sorted = np.ascontiguousarray(is_case[s.order])
    case_idx = np.flatnonzero(case_sorted).astype(np.int64)
    mfun = K.m_neighbours if parallel else K.m_neighbours_serial
    a, c = mfun(case_idx, s.start, grid.nx, grid.ny, reach, grid.cell, cut_plane, False, s.xy, s.uvw,
                          s.w, case_sorted, points.metric_code, EARTH_RADIUS_KM, radii)
    back = np.argsort(s.order[case_idx], kind="stable")
    return np.cumsum(a, axis=1)[back], np.cumsum(c, axis=1)[back], {}


def _m_values(all_cum: np.ndarray, case_cum: np.ndarray, w_case: np.ndarray, w_total: float,
              w_cases_total: float) -> np.ndarray:
    glob = (w_cases_total - w_case) / np.maximum(w_total - w_case, 1e-300)
    finite = all_cum > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        local = np.where(finite, case_cum / np.where(finite, all_cum, 1.0), 0.0)
    den = (glob[:, None] * finite).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, local.sum(axis=0) / den, np.nan)


@dataclass(frozen=True)
class _MSimTask:
    xy: np.ndarray
    uvw: np.ndarray
    metric: str
    projection: Any
    weights: np.ndarray
    is_case: np.ndarray
    radii: np.ndarray
    mode: str
    cell_km: float
    exact_below_km: float
    parallel: bool = True

    def __call__(self, seeds: Sequence[np.random.SeedSequence]) -> np.ndarray:
        pts = Points(self.xy, self.uvw, self.metric, self.projection)
        out = np.empty((len(seeds), len(self.radii)))
        for r, ss in enumerate(seeds):
            perm = np.random.default_rng(ss).permutation(len(self.is_case))
            w, case = self.weights[perm], self.is_case[perm]
            a, c, _ = _neighbour_weights(pts, w, case, self.radii, self.mode, self.cell_km, self.exact_below_km,
                                      self.parallel)
            out[r] = _m_values(a, c, w[case], float(w.sum()), float(w[case].sum()))
        return out


def m_function(firms: Firms | Any, industry: str, *, radii_km: Sequence[float] = DEFAULT_RADII_KM,
               weighted: bool | None = None, simulations: int = 0, seed: int | None = None,
               alpha: float = 0.05, metric: str = "great_circle", method: str = "auto",
               cell_km: float | None = None, exact_below_km: float = 2.0, backend: Any = None,
               progress: ProgressFn | None = None) -> MResult:
    """Marcon-Puech M function of ``industry`` relative to all establishments.

    Parameters
    ----------
    firms : Firms or table
        All establishments (cases = rows of ``industry``, controls = all rows).
    radii_km : sequence of float
        Increasing radii (km, in ``metric``); neighbours count when ``d <= r``.
    weighted : bool, optional
        Use the weight column (default: when the table has one).
    simulations, seed, alpha, backend, progress
        Random-location envelopes (each simulation permutes all sites; cost of one full evaluation).
    metric : {"great_circle", "equal_area"}
    method : {"auto", "exact", "binned"}
        ``exact``: every pair within the largest radius (cell lists). ``binned``: exact below
        ``exact_below_km``, grid disc sums beyond (cells of ``cell_km``, default ``min(0.5, r_1 / 2)``).

    Returns
    -------
    MResult

    Raises
    ------
    BadQueryError
        Unknown industry, radii not positive and increasing.
    DataValidationError
        Fewer than two establishments of the industry, or no other establishment at all.
    """
    from clusteratlas.analytics._simulate import check_simulations
    from clusteratlas.analytics.kdensity import MAX_DISTANCE_KM, MAX_EVALUATIONS

    radii = np.asarray(radii_km, dtype=float)
    if radii.ndim != 1 or radii.size == 0 or not np.all(radii > 0) or np.any(np.diff(radii) <= 0):
        raise BadQueryError("the radii (radii_km) must be positive and strictly increasing")
    if not radii[-1] <= MAX_DISTANCE_KM or radii.size > MAX_EVALUATIONS:
        raise BadQueryError(f"the radii (radii_km) must be at most {MAX_DISTANCE_KM:,.0f} km (half the Earth's "
                            f"circumference) and at most {MAX_EVALUATIONS:,} of them")
    check_simulations(simulations)
    firms = as_firms(firms)
    if method not in ("auto", "exact", "binned"):
        raise BadQueryError(f"method must be auto, exact or binned; got {method!r}")
    is_case = firms.mask(industry)
    n = int(is_case.sum())
    if n < 2:
        raise DataValidationError(f"the M function needs at least two establishments of {industry!r}; found {n}")
    use_w = firms.weighted if weighted is None else bool(weighted)
    if use_w and not firms.weighted:
        raise BadQueryError("weighted=True needs a weight column (weight_col)")
    w = firms.weights if use_w else np.ones(firms.n)
    if not float(w.sum()) > float(w[is_case].max(initial=0.0)):
        raise DataValidationError("the M function needs positive weight outside any single establishment")
    pts = prepare_points(lon=firms.lon, lat=firms.lat, metric=metric)
    cell = float(cell_km) if cell_km is not None else min(0.5, radii[0] / 2)
    if method == "auto":
        from clusteratlas.analytics.kdensity import estimate_candidate_pairs

        frac = n / pts.n
        mode = "exact" if 2 * estimate_candidate_pairs(pts, float(radii[-1])) * frac <= AUTO_EXACT_PAIRS else "binned"
    else:
        mode = method
    from clusteratlas._limits import check_memory

    # per case point: cumulative neighbour weights (all, cases) at every radius, and their working copies
    check_memory(8.0 * n * radii.size * 6 + 64.0 * pts.n, f"the M function's neighbour weights ({n:,} "
                 f"establishments x {radii.size:,} radii)", "use fewer radii (radii_km)")
    if simulations:
        check_simulations(simulations, radii.size, 8.0 * n * radii.size * 6, f" ({radii.size:,} radii)")
    a, c, grid_info = _neighbour_weights(pts, w, is_case, radii, mode, cell, exact_below_km)
    m = _m_values(a, c, w[is_case], float(w.sum()), float(w[is_case].sum()))
    env = None
    p_value = math.nan
    entropy = backend_name = None
    if simulations:
        task = _MSimTask(pts.xy, pts.uvw, metric, pts.projection, w, is_case, radii, mode, cell, exact_below_km)
        run = run_simulations(task, simulations, seed, batch_size=1, backend=backend, progress=progress)
        env = envelopes(run.curves, alpha)
        p_value = extreme_rank_p_values(m, run.curves)[0]
        entropy, backend_name = run.entropy, run.backend
    concentrated = bool(env is not None and np.any(m > env.upper_global * (1 + 1e-9)))
    params = {"metric": metric, "distance_unit": "km", "weighted": use_w, "mode": mode,
              "binned_cell_km": grid_info.get("cell_km"), "exact_below_km": grid_info.get("exact_below_km"),
              "earth_radius_km": EARTH_RADIUS_KM if metric == "great_circle" else None,
              "simulations": int(simulations), "seed": seed, "seed_entropy": entropy, "alpha": alpha,
              "null_model": "random location (permutation of all sites)", "backend": backend_name,
              "n_unplaced": firms.unplaced.height}
    return MResult(str(industry), frozen_array(radii), frozen_array(m),
                   frozen_array(env.lower_local) if env else None, frozen_array(env.upper_local) if env else None,
                   frozen_array(env.lower_global) if env else None,
                   frozen_array(env.upper_global) if env else None, concentrated, p_value, n, pts.n,
                   "Marcon-Puech M function", frozen_mapping(params))
