"""Duranton-Overman K-density with random-location envelopes and localisation / dispersion indices.

The K-density of an industry with establishments ``i = 1..n`` is the kernel density of its pair distances
(Duranton & Overman 2005, eq. 1; employment-weighted variant eq. 5):

    K(t) = 1 / (h W) * sum_{i<j} w_i w_j [phi((t - d_ij)/h) + phi((t + d_ij)/h)],   W = sum_{i<j} w_i w_j,

a Gaussian kernel ``phi`` reflected at 0 km, so ``K`` integrates to 1 over ``[0, inf)`` (Duranton and
Overman's eq. 1 sums over ``i < j`` but divides by ``n (n - 1)``, a factor 2 smaller; R ``dbmss``
normalises like this module). ``h`` defaults to Silverman's rule of thumb (``0.9 min(sd, IQR/1.34)
N^(-1/5)``, R ``bw.nrd0``) over the pair distances up to twice the largest evaluation distance, as
``dbmss`` does (``bandwidth_pairs="window"``); Duranton and Overman used all pairs (``"all"``), which
over-smooths an industry whose clusters lie a thousand kilometres apart. The counterfactual draws the industry's
establishments at random among all establishment sites (without replacement, weights travel with the
firms); the same ``h`` is used for every simulation. Its expectation, the null mean, is the K-density of
all pairs of sites, computed from their pooled histogram.

References
----------
Duranton, G., Overman, H. G. (2005). Testing for localization using micro-geographic data. *Review of
Economic Studies* 72(4), 1077-1106.
Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*. Chapman & Hall.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from clusteratlas.analytics import _kernels as K
from clusteratlas.analytics import _pairs as P
from clusteratlas.analytics import _smooth as S
from clusteratlas.analytics._binned import (POOLED_CELL_PER_BANDWIDTH, POOLED_EXACT_CELLS, SiteCells, _fft_workers,
                                            binned_pair_histogram, fft_pair_histogram, pooled_pair_histogram)
from clusteratlas.analytics._envelopes import envelopes, extreme_rank_p_values
from clusteratlas.analytics._geometry import EARTH_RADIUS_KM, Points, prepare_points
from clusteratlas.analytics._simulate import ProgressFn, run_simulations
from clusteratlas.analytics.firms import Firms, as_firms
from clusteratlas.analytics.results import frozen_array, frozen_mapping, jsonable, new_figure, save_figure
from clusteratlas.errors import BadQueryError, DataValidationError

#: Above this many candidate pairs (cell-list estimate) ``method="auto"`` uses the binned mode.
AUTO_EXACT_PAIRS = 3e8
#: Largest maximum distance (km): half the Earth's circumference.
MAX_DISTANCE_KM = math.pi * EARTH_RADIUS_KM
#: Most evaluation distances of one curve.
MAX_EVALUATIONS = 1_000_000
#: Grid cell of the binned simulations, as a share of the bandwidth (their only approximation, no exact near
#: field: within 0.5 % of exact at 1/4, tests/analytics/test_kdensity.py).
SIM_CELL_PER_BANDWIDTH = 0.25
#: Cost of one cell of a pruned single-precision FFT pass, in candidate pairs of the exact cell-list pass
#: (measured on 20,000-100,000 national sites, one thread: ~2.7 ns per candidate pair, ~11-16 ns per cell).
FFT_CELL_PAIRS = 5.0
#: Silverman's bandwidth is computed exactly (two O(n^2) passes) up to this many establishments.
EXACT_BANDWIDTH_MAX_N = 60_000


@dataclass(frozen=True)
class KDensityResult:
    """A K-density with its envelopes.

    Attributes
    ----------
    industry : str
    distance_km : ndarray, shape (K,)
        Evaluation distances (km, in ``metric``).
    kd : ndarray, shape (K,)
        The K-density (per km).
    null_mean : ndarray or None
        Expected K-density under random location (pooled histogram of all sites).
    lower_local, upper_local, lower_global, upper_global : ndarray or None
        Bands from the simulations (None without simulations): local ``alpha`` / ``1 - alpha``
        quantiles, global bands hit by a share ``alpha`` of simulations.
    localisation_index, dispersion_index : float
        Duranton-Overman Gamma = sum_t max(K - upper_global, 0) * step and Psi = sum_t max(lower_global
        - K, 0) * step where Gamma = 0 (NaN without simulations).
    localised, dispersed : bool
        K above the upper global band somewhere / below the lower one somewhere (and never above).
    p_value_localised, p_value_dispersed : float
        Conservative extreme-rank Monte-Carlo p-values.
    n, n_sites : int
        Establishments of the industry; sites available to the counterfactual.
    method : str
    parameters : mapping
        bandwidth_km, metric, mode of each computation, simulations, seed entropy, alpha …
    """

    industry: str
    distance_km: np.ndarray
    kd: np.ndarray
    null_mean: np.ndarray | None
    lower_local: np.ndarray | None
    upper_local: np.ndarray | None
    lower_global: np.ndarray | None
    upper_global: np.ndarray | None
    localisation_index: float
    dispersion_index: float
    localised: bool
    dispersed: bool
    p_value_localised: float
    p_value_dispersed: float
    n: int
    n_sites: int
    method: str
    parameters: MappingProxyType

    @property
    def estimate(self) -> np.ndarray:
        return self.kd

    @property
    def inference(self) -> dict[str, Any]:
        return {"lower_local": self.lower_local, "upper_local": self.upper_local,
                "lower_global": self.lower_global, "upper_global": self.upper_global,
                "null_mean": self.null_mean, "localised": self.localised, "dispersed": self.dispersed,
                "p_value_localised": self.p_value_localised, "p_value_dispersed": self.p_value_dispersed}

    def to_frame(self):
        """One row per distance: distance_km, kd, null_mean and the four bands."""
        import pandas as pd

        cols = {"distance_km": self.distance_km, "kd": self.kd}
        for name in ("null_mean", "lower_local", "upper_local", "lower_global", "upper_global"):
            v = getattr(self, name)
            cols[name] = v if v is not None else np.full(len(self.kd), np.nan)
        return pd.DataFrame(cols)

    @property
    def tested(self) -> bool:
        """True when simulations were run: without them ``localised`` and ``dispersed`` are False because
        nothing was tested, not because the test came out negative."""
        return int(self.parameters.get("simulations", 0) or 0) > 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (arrays as lists, NaN as None). ``tested`` is False when no simulation was run:
        ``localised`` and ``dispersed`` (booleans) then say nothing."""
        return jsonable({
            "measure": "k_density", "industry": self.industry, "n": self.n, "n_sites": self.n_sites,
            "method": self.method, "tested": self.tested, "localised": self.localised, "dispersed": self.dispersed,
            "localisation_index": self.localisation_index, "dispersion_index": self.dispersion_index,
            "p_value_localised": self.p_value_localised, "p_value_dispersed": self.p_value_dispersed,
            "parameters": self.parameters, "distance_km": self.distance_km, "kd": self.kd,
            "null_mean": self.null_mean, "lower_local": self.lower_local, "upper_local": self.upper_local,
            "lower_global": self.lower_global, "upper_global": self.upper_global})

    def plot(self, ax=None, path=None):
        """K-density (line), local band (shaded), global band (dashed), null mean (dotted).

        Without ``ax``, when the K-density towers over the bands a second panel zooms on the bands.
        """
        zoom = (ax is None and self.upper_global is not None
                and float(np.max(self.kd)) > 4 * float(np.max(self.upper_global)))
        if ax is not None:
            fig = ax.figure
        else:
            fig = new_figure(7.0, 6.0 if zoom else 4.2)
            axes = fig.subplots(2, 1, sharex=True, height_ratios=[2, 1]) if zoom else [fig.add_subplot()]
            ax = axes[0]
        self._draw(ax)
        if zoom:
            self._draw(axes[1], legend=False)
            axes[1].set_ylim(0, 1.6 * float(np.max(self.upper_global)))
            axes[1].set_title("zoom on the envelopes", fontsize=9)
            ax.set_xlabel("")
        return save_figure(fig, path)

    def _draw(self, ax, legend: bool = True) -> None:
        t = self.distance_km
        if self.lower_local is not None:
            ax.fill_between(t, self.lower_local, self.upper_local, color="0.85",
                            label=f"local {1 - 2 * self.parameters['alpha']:.0%} band")
            ax.plot(t, self.upper_global, "--", color="tab:red", lw=1, label="global band")
            ax.plot(t, self.lower_global, "--", color="tab:red", lw=1)
        if self.null_mean is not None:
            ax.plot(t, self.null_mean, ":", color="0.3", lw=1.2, label="random location (mean)")
        ax.plot(t, self.kd, color="tab:blue", lw=2, label=f"K-density: {self.industry}")
        verdict = "localised" if self.localised else ("dispersed" if self.dispersed else "not significant")
        sims = self.parameters.get("simulations", 0)
        ax.set_title(f"{self.industry}: n = {self.n:,} of {self.n_sites:,} sites, {sims} simulations "
                     f"- {verdict}", fontsize=10)
        ax.set_xlabel(f"distance (km, {self.parameters['metric'].replace('_', '-')})")
        ax.set_ylabel("K-density (per km)")
        ax.set_xlim(t[0], t[-1])
        ax.set_ylim(bottom=0)
        if legend:
            ax.legend(fontsize=8, frameon=False)
        ax.grid(alpha=0.3)


@dataclass(frozen=True)
class _KdSimTask:
    """One batch of random-location simulations (picklable for Dask)."""

    xy: np.ndarray
    uvw: np.ndarray
    metric: str
    projection: Any
    weights: np.ndarray | None
    n: int
    cutoff: float
    binw: float
    bandwidth: float
    band: S.KernelBand
    norm: float
    mode: str
    cell_km: float
    exact_below_km: float
    parallel: bool = True
    cells: SiteCells | None = None

    def __call__(self, seeds: Sequence[np.random.SeedSequence]) -> np.ndarray:
        nsites = self.xy.shape[0]
        idx = np.empty((len(seeds), self.n), dtype=np.int64)
        for r, ss in enumerate(seeds):
            idx[r] = np.random.default_rng(ss).choice(nsites, self.n, replace=False)
        nbins = self.band.nbins
        if self.mode == "exact":
            pts = Points(self.xy, self.uvw, self.metric, self.projection)
            grid, reach, cut_plane = P.cutoff_grid(pts, self.cutoff)
            w = self.weights if self.weights is not None else np.ones(self.n)
            hist = K.hist_many if self.parallel else K.hist_many_serial
            mom = hist(idx, self.xy, self.uvw, w, self.weights is not None, pts.metric_code, EARTH_RADIUS_KM,
                       grid.x0, grid.y0, grid.cell, grid.nx, grid.ny, reach, cut_plane, self.cutoff, self.binw,
                       nbins * S.SIM_NMOM, S.SIM_NMOM, self.bandwidth)
            mom = mom.reshape(len(seeds), nbins, S.SIM_NMOM)
        elif self.cells is not None:  # one FFT per simulation over the precomputed site cells
            mom = np.empty((len(seeds), nbins, S.SIM_NMOM))

            def one(r: int) -> None:
                mom[r] = fft_pair_histogram(self.cells, idx[r], self.weights, cutoff_km=self.cutoff,
                                            binw_km=self.binw, nbins=nbins, nmom=S.SIM_NMOM,
                                            hscale_km=self.bandwidth, parallel=False)

            # simulations side by side, one single-threaded FFT each (better use of the cores than one
            # multi-threaded FFT at a time); each thread writes its own rows
            threads = min(_fft_workers(), len(seeds)) if self.parallel else 1
            if threads > 1 and _fits(threads * self.cells.memory_bytes()):
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(threads) as ex:
                    list(ex.map(one, range(len(seeds))))
            else:
                for r in range(len(seeds)):
                    one(r)
        else:
            mom = np.empty((len(seeds), nbins, S.SIM_NMOM))
            for r in range(len(seeds)):
                pts = Points(self.xy[idx[r]], self.uvw[idx[r]] if self.uvw.shape[0] else self.uvw,
                             self.metric, self.projection)
                mom[r], _ = binned_pair_histogram(pts, self.weights, cutoff_km=self.cutoff, binw_km=self.binw,
                                                  cell_km=self.cell_km, exact_below_km=self.exact_below_km,
                                                  nmom=S.SIM_NMOM, hscale_km=self.bandwidth,
                                                  parallel=self.parallel)
        return S.apply_band(mom, self.band) / self.norm  # the first SIM_NMOM moments of the band


def _fits(nbytes: float) -> bool:
    from clusteratlas._limits import max_memory_bytes

    return nbytes <= max_memory_bytes()


def estimate_candidate_pairs(points: Points, cutoff_km: float) -> float:
    """Rough count of the pairs a cell-list search within ``cutoff_km`` visits (for choosing a mode)."""
    if points.n < 2:
        return 0.0
    grid = P.Grid.covering(points.xy, cutoff_km * points.inflate, max_cells=4_000_000)
    ix, iy = grid.cell_of(points.xy)
    cnt = np.bincount(iy * grid.nx + ix, minlength=grid.nx * grid.ny).reshape(grid.ny, grid.nx).astype(float)
    pad = np.pad(cnt, 1)
    nb = sum(pad[1 + dy:1 + dy + grid.ny, 1 + dx:1 + dx + grid.nx] for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    return float((cnt * nb).sum() / 2)


def silverman_bandwidth(points: Points, window_km: float | None = None) -> tuple[float, str]:
    """Silverman's bandwidth (km) over the pair distances below ``window_km`` (all pairs when None), and
    how it was computed."""
    if window_km is not None:
        if estimate_candidate_pairs(points, window_km) <= AUTO_EXACT_PAIRS:
            summ = P.window_pair_summary(points, window_km)
            return (P.silverman_from_summary(summ),
                    f"silverman over {summ.n_pairs} pairs closer than {window_km:g} km")
        dmax, how = float(window_km), f"silverman over the pairs closer than {window_km:g} km (binned)"
        cell = dmax / 500
    elif points.n <= EXACT_BANDWIDTH_MAX_N:
        return P.silverman_from_summary(P.all_pair_summary(points)), "silverman over all pairs"
    else:
        dmax, how = P.max_distance_bound(points), "silverman over all pairs (binned)"
        cell = dmax / 3000
    # quartiles and spread from a histogram of bins of half a cell (grid quantisation well below the spread)
    hist, _ = binned_pair_histogram(points, None, cutoff_km=dmax, binw_km=cell / 2, cell_km=cell,
                                    exact_below_km=cell)
    h = hist[:, 0]
    npairs = float(h.sum()) if window_km is not None else points.n * (points.n - 1) / 2
    centres = (np.arange(len(h)) + 0.5) * (cell / 2)
    mean = float((h * centres).sum() / h.sum())
    sd = float(math.sqrt(max(((h * (centres - mean) ** 2).sum()) / (h.sum() - 1), 0.0)))
    cum = np.cumsum(h) / h.sum()
    q25, q75 = np.interp([0.25, 0.75], cum, centres + cell / 4)
    summ = P.DistanceSummary(int(npairs), mean, sd, float(q25), float(q75))
    return P.silverman_from_summary(summ), how


def _mode(method: str, candidates: float) -> str:
    if method in ("exact", "binned"):
        return method
    return "exact" if candidates <= AUTO_EXACT_PAIRS else "binned"


def _null_histogram(sites: Points, method: str, cand_all: float, sim_mode: str | None, site_cells, histogram,
                    grids: dict, *, h: float, cell_km: float | None, cutoff: float, binw: float, nbins: int
                    ) -> tuple[str, np.ndarray]:
    """Pooled moment histogram of all sites for the null mean, and its mode.

    ``auto`` takes the cheapest of (costs in candidate pairs, an FFT cell counted as
    :data:`FFT_CELL_PAIRS` pairs): exact (cell lists); one FFT at a cell of one bandwidth with the pairs
    within two cells exact (:func:`pooled_pair_histogram`, within 0.5 % of exact, tested); or, when the
    simulations are binned, one FFT on their grid of site cells (cell <= h/4, no near field). ``binned``: the
    simulations' grid when it fits. The null mean keeps :data:`NULL_NMOM` moments (within 1e-6 of its peak of
    all eight).
    """
    from clusteratlas._limits import max_memory_bytes

    pool_cell = float(cell_km) if cell_km is not None else h * POOLED_CELL_PER_BANDWIDTH
    pool_cells = SiteCells.memory_estimate(sites.xy, pool_cell, cutoff, sites.inflate) / 12.0
    cost_pool = math.inf
    if 16.0 * pool_cells <= max_memory_bytes():
        near = estimate_candidate_pairs(sites, (POOLED_EXACT_CELLS + 1) * pool_cell / sites.inflate)
        cost_pool = FFT_CELL_PAIRS * pool_cells + near
    sim_cell = min(pool_cell if cell_km is not None else 1.0, h * SIM_CELL_PER_BANDWIDTH)
    cost_cells = FFT_CELL_PAIRS * SiteCells.memory_estimate(sites.xy, sim_cell, cutoff, sites.inflate) / 12.0 \
        if sim_mode == "binned" else math.inf
    cheapest = min(cost_pool, cost_cells)
    if not cheapest < math.inf:
        cheapest = AUTO_EXACT_PAIRS
    if method == "exact" or (method == "auto" and cand_all <= cheapest):
        return "exact", P.pair_histogram(sites, None, cutoff_km=cutoff, binw_km=binw, nmom=S.NULL_NMOM,
                                         hscale_km=h)
    if method == "auto" and cost_pool < cost_cells:
        cells = SiteCells.build(sites.xy, pool_cell, cutoff, sites.inflate)
        grids["null_mean"] = {"cell_km": cells.cell_km, "path": "fft+exact_near",
                              "exact_below_km": POOLED_EXACT_CELLS * cells.cell_km}
        return "binned", pooled_pair_histogram(sites, cells, exact_cells=POOLED_EXACT_CELLS, cutoff_km=cutoff,
                                               binw_km=binw, nbins=nbins, nmom=S.NULL_NMOM, hscale_km=h)
    if (method == "binned" or sim_mode == "binned") and site_cells() is not None:
        cells = site_cells()  # the simulations' grid, all sites at once
        grids["null_mean"] = {"cell_km": cells.cell_km, "path": "fft"}
        return "binned", fft_pair_histogram(cells, np.arange(sites.n), None, cutoff_km=cutoff, binw_km=binw,
                                            nbins=nbins, nmom=S.NULL_NMOM, hscale_km=h)
    return "binned", histogram(sites, None, "binned", "null_mean")


def k_density(firms: Firms | Any, industry: str, *, max_distance_km: float = 200.0, step_km: float = 1.0,
              bandwidth_km: float | None = None, bandwidth_pairs: str = "window", weighted: bool | None = None,
              simulations: int = 999, seed: int | None = None, alpha: float = 0.05,
              metric: str = "great_circle", method: str = "auto", cell_km: float | None = None,
              exact_below_km: float = 2.0, null_mean: bool = True, backend: Any = None, progress: ProgressFn | None = None
              ) -> KDensityResult:
    """Duranton-Overman K-density of ``industry`` with random-location envelopes.

    Parameters
    ----------
    firms : Firms or table
        All establishments (the sites of the counterfactual); a table is read with :func:`load_firms`
        defaults (columns ``industry``, ``lat``, ``lon``).
    industry : str
        Industry code as in the table's industry column.
    max_distance_km, step_km : float
        Evaluation distances ``0, step, ..., max`` (km). Duranton & Overman used 0-180 km by 1 km.
    bandwidth_km : float, optional
        Kernel bandwidth (km); default Silverman's rule over the industry's pair distances.
    bandwidth_pairs : {"window", "all"}
        Pairs entering Silverman's rule: closer than ``2 * max_distance_km`` (``dbmss``) or all pairs
        (Duranton & Overman 2005; two O(n^2) passes, binned above 60,000 establishments).
    weighted : bool, optional
        Weight pairs by ``w_i w_j`` (employment-weighted K-density); default: when the table has weights.
    simulations : int
        Random-location draws for the envelopes (0: none). Duranton & Overman used 1,000.
    seed : int, optional
        Seed of the simulations (one child SeedSequence per simulation): same seed, same envelopes.
    alpha : float
        Local bands at ``alpha`` / ``1 - alpha``; global bands hit by a share ``alpha`` of simulations.
    metric : {"great_circle", "equal_area"}
        Great-circle distance on the sphere (R = 6371.0088 km) or planar distance on a Lambert azimuthal
        equal-area projection centred on the data.
    method : {"auto", "exact", "binned"}
        ``exact``: every pair distance within ``max + 10 h`` computed and kernel-summed exactly (cell
        lists, numba). ``binned``: grid + FFT beyond ``exact_below_km``, exact below. ``auto`` picks per
        computation (observed, null mean, simulations) by the number of candidate pairs.
    cell_km, exact_below_km : float
        Grid cell of the binned mode (default ``min(1, h/4)`` km) and the distance below which it is exact.
        The binned simulations use one grid of all sites at ``min(cell, h/4)`` km and no exact near field (one
        FFT each; within 0.5 % of exact), when that grid fits in the memory budget. The null mean (``auto``) is
        exact, or one FFT at a cell of one bandwidth (``cell_km`` when given) with the pairs within two cells
        exact, or one FFT on the simulations' grid, whichever is estimated cheapest (within 0.5 % of exact).
    null_mean : bool
        Compute the null mean from the pooled histogram of all sites.
    backend : None, "dask" or distributed.Client
        Where the simulations run (default: this process, numba threads).
    progress : callable, optional
        Called with the number of simulations just finished.

    Returns
    -------
    KDensityResult

    Raises
    ------
    BadQueryError
        Unknown industry, bad parameters.
    DataValidationError
        Fewer than two establishments, all at one location (bandwidth 0), zero total weight.

    References
    ----------
    Duranton & Overman (2005), *Review of Economic Studies* 72(4), 1077-1106.
    """
    from clusteratlas._limits import check_memory, max_memory_bytes
    from clusteratlas.analytics._simulate import check_simulations

    if not (max_distance_km > 0 and step_km > 0 and step_km <= max_distance_km):
        raise BadQueryError("need 0 < step <= maximum distance (step_km, max_distance_km)")
    if not max_distance_km <= MAX_DISTANCE_KM:
        raise BadQueryError(f"the maximum distance (max_distance_km) must be at most {MAX_DISTANCE_KM:,.0f} km, half "
                            f"the Earth's circumference (China spans about 5,500 km); got {max_distance_km:g}")
    if max_distance_km / step_km > MAX_EVALUATIONS:
        raise BadQueryError(f"{max_distance_km / step_km:,.0f} evaluation distances: at most {MAX_EVALUATIONS:,} "
                            "(a larger step (step_km) or a shorter maximum distance (max_distance_km))")
    if bandwidth_km is not None and not (0 < bandwidth_km <= max_distance_km and math.isfinite(bandwidth_km)):
        raise BadQueryError(f"the bandwidth (bandwidth_km) must be positive and at most the maximum distance; "
                            f"got {bandwidth_km}")
    check_simulations(simulations)
    firms = as_firms(firms)
    if not 0 < alpha < 0.5:
        raise BadQueryError(f"alpha must be in (0, 0.5); got {alpha}")
    if method not in ("auto", "exact", "binned"):
        raise BadQueryError(f"method must be auto, exact or binned; got {method!r}")
    mask = firms.mask(industry)
    n = int(mask.sum())
    if n < 2:
        raise DataValidationError(f"K-density needs at least two establishments of {industry!r}; found {n}")
    use_w = firms.weighted if weighted is None else bool(weighted)
    if use_w and not firms.weighted:
        raise BadQueryError("weighted=True needs a weight column (weight_col)")
    w_ind = firms.weights[mask] if use_w else None
    norm = S.pair_weight_total(n, w_ind)
    if not norm > 0:
        raise DataValidationError(f"the weights of {industry!r} sum to zero over pairs: nothing to measure")
    sites = prepare_points(lon=firms.lon, lat=firms.lat, metric=metric)
    ind = sites.take(np.flatnonzero(mask))
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    bw_how = "given"
    if bandwidth_pairs not in ("window", "all"):
        raise BadQueryError(f"bandwidth_pairs must be 'window' or 'all'; got {bandwidth_pairs!r}")
    if bandwidth_km is None:
        bandwidth_km, bw_how = silverman_bandwidth(ind, 2 * max_distance_km if bandwidth_pairs == "window"
                                                   else None)
        if not bandwidth_km > 0:
            raise DataValidationError(f"the {n} establishments of {industry!r} have no spread of pair distances "
                                      f"within {2 * max_distance_km:g} km (all at one location, or no pairs): "
                                      "give a bandwidth (bandwidth_km)")
    timings["bandwidth"] = time.perf_counter() - clock
    h = float(bandwidth_km)
    if not (h > 0 and math.isfinite(h)):
        raise BadQueryError(f"the bandwidth (bandwidth_km) must be positive; got {bandwidth_km}")
    t = np.arange(0.0, max_distance_km + step_km / 2, step_km)
    cutoff = S.histogram_cutoff(t, h)
    binw = S.moment_bin_width(h)
    nbins = int(math.ceil(cutoff / binw - 1e-9))
    band = S.kernel_band(t, h, binw, nbins)
    check_memory(8.0 * nbins * S.NMOM * 6 + band.coef.nbytes, f"the K-density moment histograms ({nbins:,} bins "
                 f"of {binw:.3g} km)", "give a larger bandwidth (bandwidth_km) or a shorter maximum distance")
    if simulations:
        per_sim = nbins * S.SIM_NMOM * 8
        check_simulations(simulations, len(t), 64 * (per_sim + 8 * n), f" ({len(t):,} distances)")
    cell = float(cell_km) if cell_km is not None else min(1.0, h / 4)
    if not cell > 0:
        raise BadQueryError(f"the grid cell (cell_km) must be positive; got {cell_km}")
    grids: dict[str, dict] = {}

    def histogram(points: Points, weights: np.ndarray | None, mode: str, what: str) -> np.ndarray:
        if mode == "exact":
            return P.pair_histogram(points, weights, cutoff_km=cutoff, binw_km=binw, nmom=S.NMOM,
                                    hscale_km=h)
        hist, info = binned_pair_histogram(points, weights, cutoff_km=cutoff, binw_km=binw, cell_km=cell,
                                           exact_below_km=exact_below_km, nmom=S.NMOM, hscale_km=h)
        grids[what] = {"cell_km": info["cell_km"], "exact_below_km": info["exact_below_km"], "path": info["path"],
                       **({"tiles": info["tiles"]} if "tiles" in info else {})}
        return hist

    clock = time.perf_counter()
    cand_ind = estimate_candidate_pairs(ind, cutoff)
    obs_mode = _mode(method, cand_ind)
    kd = S.apply_band(histogram(ind, w_ind, obs_mode, "observed"), band) / norm
    timings["observed"] = time.perf_counter() - clock
    clock = time.perf_counter()
    nm = None
    null_mode = None
    cand_all = estimate_candidate_pairs(sites, cutoff) if (null_mean or simulations) else 0.0
    cells_memo: list = []

    def site_cells() -> SiteCells | None:
        """The dense grid of site cells (cell <= h/4) shared by the binned null mean and simulations: under
        random labelling every simulated industry is a subset of the sites, so its grid is a scatter of
        precomputed ids and one FFT, with no exact near field. None when it would not fit in the memory
        budget (each simulation then takes the binned path of the observed curve)."""
        if not cells_memo:
            sim_cell = min(cell, h * SIM_CELL_PER_BANDWIDTH)
            est = SiteCells.memory_estimate(sites.xy, sim_cell, cutoff, sites.inflate)
            fits = est <= max_memory_bytes() - 2.0 * 8 * simulations * len(t)
            cells_memo.append(SiteCells.build(sites.xy, sim_cell, cutoff, sites.inflate) if fits else None)
        return cells_memo[0]

    frac = n * (n - 1) / max(sites.n * (sites.n - 1), 1)
    sim_mode = _mode(method, cand_all * frac) if simulations else None
    if null_mean:
        null_mode, hist = _null_histogram(sites, method, cand_all, sim_mode, site_cells, histogram, grids, h=h,
                                          cell_km=cell_km, cutoff=cutoff, binw=binw, nbins=nbins)
        nm = S.apply_band(hist, band) / S.pair_weight_total(sites.n, None)
    timings["null_mean"] = time.perf_counter() - clock
    clock = time.perf_counter()
    env = None
    p_loc = p_disp = math.nan
    entropy = None
    backend_name = None
    if simulations:
        cells = site_cells() if sim_mode == "binned" else None
        if cells is not None:
            grids["simulations"] = {"cell_km": cells.cell_km, "path": "fft", "grid": [cells.ny, cells.nx],
                                    "fft_shape": list(cells.shape)}
        task = _KdSimTask(sites.xy, sites.uvw, metric, sites.projection, w_ind, n, cutoff, binw, h, band,
                          norm, sim_mode, cell, exact_below_km, cells=cells)
        per_sim = nbins * S.SIM_NMOM * 8
        batch = int(min(64, max(4, 2e8 // max(per_sim, 1))))
        run = run_simulations(task, simulations, seed, batch_size=batch, backend=backend, progress=progress)
        env = envelopes(run.curves, alpha)
        p_loc, p_disp = extreme_rank_p_values(kd, run.curves)
        entropy = run.entropy
        backend_name = run.backend
    timings["simulations"] = time.perf_counter() - clock
    gamma = psi = math.nan
    localised = dispersed = False
    if env is not None:
        # a tolerance of 1e-5 of the peak (above the ~1e-6 kernel truncation of the simulated curves) keeps
        # numerical noise from counting, e.g. when the table holds only this industry and every
        # simulation is a permutation of the same sites
        tol = 1e-5 * float(np.max(np.abs(kd)))
        gamma = float(np.sum(np.maximum(kd - env.upper_global - tol, 0.0)) * step_km)
        psi_raw = float(np.sum(np.maximum(env.lower_global - kd - tol, 0.0)) * step_km)
        psi = psi_raw if gamma == 0 else 0.0
        localised = gamma > 0
        dispersed = (not localised) and psi > 0
    params = {"bandwidth_km": h, "bandwidth": bw_how, "metric": metric, "distance_unit": "km",
              "earth_radius_km": EARTH_RADIUS_KM if metric == "great_circle" else None,
              "projection": ({"type": "lambert_azimuthal_equal_area", "lon0": sites.projection.lon0,
                              "lat0": sites.projection.lat0} if metric == "equal_area" else None),
              "weighted": use_w, "max_distance_km": float(t[-1]), "step_km": step_km, "alpha": alpha,
              "simulations": int(simulations), "seed": seed, "seed_entropy": entropy,
              "null_model": "random location among all establishment sites, without replacement",
              "mode_observed": obs_mode, "mode_null_mean": null_mode, "mode_simulations": sim_mode,
              "binned_grids": grids or None,
              "binned_cell_km": cell if "binned" in (obs_mode, null_mode, sim_mode) else None,
              "exact_below_km": exact_below_km if "binned" in (obs_mode, null_mode, sim_mode) else None,
              "timings_s": {k: round(v, 3) for k, v in timings.items()},
              "backend": backend_name, "n_unplaced": firms.unplaced.height}
    return KDensityResult(
        str(industry), frozen_array(t), frozen_array(kd), frozen_array(nm),
        frozen_array(env.lower_local) if env else None, frozen_array(env.upper_local) if env else None,
        frozen_array(env.lower_global) if env else None, frozen_array(env.upper_global) if env else None,
        gamma, psi, bool(localised), bool(dispersed), p_loc, p_disp, n, sites.n,
        "Duranton-Overman K-density (Gaussian kernel, reflected at 0)", frozen_mapping(params))
