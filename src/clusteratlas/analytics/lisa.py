"""Local spatial statistics on regional aggregates: Getis-Ord Gi* and local Moran's I (esda/libpysal).

Each region is placed at the mean position of its establishments (WGS-84, projected to the equal-area
plane for distances). Neighbours are the ``k`` nearest regions (default) or all regions within
``threshold_km``; regions without any neighbour (islands) are left out of the statistics and reported
with ``island = True`` instead of crashing the computation. The statistics and their analytic moments come
from esda; the pseudo p-values from conditional permutations with one shared, seeded table
(:mod:`clusteratlas.analytics._permute`, compiled once and cached, unlike esda's uncached kernels). With
``permutations=0`` the p-values are the normal approximations (Gi*: esda ``p_norm``; local Moran:
two-sided from ``EI`` and ``VI``).

References
----------
Getis, A., Ord, J. K. (1992). The analysis of spatial association by use of distance statistics.
*Geographical Analysis* 24(3), 189-206.
Ord, J. K., Getis, A. (1995). Local spatial autocorrelation statistics: distributional issues and an
application. *Geographical Analysis* 27(4), 286-306.
Anselin, L. (1995). Local indicators of spatial association - LISA. *Geographical Analysis* 27(2),
93-115.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
import polars as pl

from clusteratlas.analytics._geometry import Projection
from clusteratlas.analytics.firms import Firms, as_firms
from clusteratlas.analytics.regional import _emp, _need_regions
from clusteratlas.analytics.results import TableResult, frozen_mapping, new_figure, save_figure
from clusteratlas.errors import BadQueryError, DataValidationError

VALUES = ("lq", "employment", "share")
_QUADS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


@dataclass(frozen=True)
class HotspotResult(TableResult):
    """Per-region ``value``, Gi* (``gi_z``, ``gi_p``, ``gi_class`` hot/cold/ns) and local Moran
    (``moran_i``, ``moran_p``, ``moran_quadrant`` HH/LH/LL/HL, ``moran_class``), ``island``, in ``table``."""

    industry: str
    measure: ClassVar[str] = "hotspots"
    table: Any
    n: int
    method: str
    parameters: MappingProxyType

    @property
    def estimate(self):
        return self.table[["region", "value", "gi_z", "moran_i"]]

    @property
    def inference(self):
        return self.table[["region", "gi_p", "gi_class", "moran_p", "moran_class", "island"]]




    def plot(self, ax=None, path=None):
        """Regions as points (lon, lat): hot spots red, cold spots blue, islands hollow."""
        fig = ax.figure if ax is not None else new_figure(6.5, 5.5)
        ax = ax or fig.add_subplot()
        t = self.table
        colours = {"hot": "tab:red", "cold": "tab:blue", "ns": "0.75"}
        for cls, col in colours.items():
            s = t[(t["gi_class"] == cls) & (~t["island"])]
            ax.scatter(s["lon"], s["lat"], s=12 + 40 * (cls != "ns"), c=col, label=f"Gi* {cls}")
        isl = t[t["island"]]
        if len(isl):
            ax.scatter(isl["lon"], isl["lat"], s=20, facecolors="none", edgecolors="k", label="island")
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
        ax.set_aspect(1 / np.cos(np.radians(np.nanmean(t["lat"]))) if len(t) else "auto")
        ax.legend(fontsize=8, frameon=False)
        ax.set_title(f"{self.industry}: Getis-Ord Gi* hot spots ({self.parameters['value']})", fontsize=10)
        return save_figure(fig, path)


def hotspots(firms: Firms | Any, industry: str, *, value: str = "lq", neighbours: str = "knn", k: int = 8,
             threshold_km: float | None = None, permutations: int = 999, seed: int | None = None,
             alpha: float = 0.05, weighted: bool | None = None) -> HotspotResult:
    """Getis-Ord Gi* and local Moran's I of ``industry`` over regions.

    Parameters
    ----------
    value : {"lq", "employment", "share"}
        Regional variable: location quotient, employment (or count), or the industry's share of the
        region's employment. Regions without the industry get 0.
    neighbours : {"knn", "distance"}
        ``k`` nearest regions, or every region within ``threshold_km`` (binary weights; islands are
        reported and excluded). Weights are row-standardised for local Moran.
    permutations, seed
        Conditional permutations for the pseudo p-values (``seed`` makes them reproducible).

    Raises
    ------
    BadQueryError
        Unknown industry, no regions, bad options.
    DataValidationError
        Fewer than three regions, or fewer than three that have neighbours.
    """
    import libpysal
    from esda import G_Local, Moran_Local

    firms = as_firms(firms)
    if value not in VALUES:
        raise BadQueryError(f"value must be one of {', '.join(VALUES)}; got {value!r}")
    if neighbours not in ("knn", "distance"):
        raise BadQueryError("neighbours must be 'knn' or 'distance'")
    if neighbours == "distance" and not (threshold_km and 0 < threshold_km <= 20_000):
        raise BadQueryError("distance-band neighbours need a threshold between 0 and 20,000 km (threshold_km)")
    if not 1 <= int(k) <= 1000:
        raise BadQueryError(f"k (nearest regions) must be from 1 to 1,000; got {k}")
    from clusteratlas.analytics._simulate import check_simulations

    check_simulations(permutations)
    firms.mask(industry)
    t = _need_regions(firms)
    emp = _emp(firms, weighted)
    reg = (t.lazy().group_by("region")
           .agg(pl.col("lat").mean(), pl.col("lon").mean(), emp.sum().alias("e_r"),
                emp.filter(pl.col("industry") == str(industry)).sum().alias("e_ri"))
           .sort("region").collect())
    if reg.height < 3:
        raise DataValidationError(f"hot spots need at least three regions; found {reg.height}")
    check_simulations(permutations, 2 * reg.height, 0.0, f" ({reg.height:,} regions, Gi* and local Moran)")
    e_i = float(reg["e_ri"].sum())
    e = float(reg["e_r"].sum())
    if not e > 0:
        raise DataValidationError("the weights of every establishment are zero: hot spots are undefined "
                                  "(drop the weight column (weight_col) to count establishments)")
    if not e_i > 0:
        raise DataValidationError(f"the weights of {industry!r} are all zero: there is nothing to map "
                                  "(drop the weight column (weight_col) to count establishments)")
    e_r = reg["e_r"].to_numpy().astype(float)
    e_ri = reg["e_ri"].to_numpy().astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(e_r > 0, e_ri / e_r, 0.0)
    y = {"lq": share / (e_i / e), "employment": e_ri, "share": share}[value]
    proj = Projection.fit(lon=reg["lon"].to_numpy(), lat=reg["lat"].to_numpy())
    x, yy = proj.to_xy(lon=reg["lon"].to_numpy(), lat=reg["lat"].to_numpy())
    pts = np.column_stack([x, yy])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if neighbours == "knn":
            kk = int(min(max(k, 1), reg.height - 1))
            w = libpysal.weights.KNN.from_array(pts, k=kk)
        else:
            w = libpysal.weights.DistanceBand(pts, threshold=float(threshold_km), binary=True,
                                              silence_warnings=True)
    islands = np.zeros(reg.height, dtype=bool)
    if w.islands:
        islands[np.asarray(w.islands, dtype=int)] = True
    keep = np.flatnonzero(~islands)
    if keep.size < 3:
        raise DataValidationError(f"only {keep.size} regions have neighbours within the threshold: widen it")
    if islands.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = (libpysal.weights.KNN.from_array(pts[keep], k=kk) if neighbours == "knn" else
                 libpysal.weights.DistanceBand(pts[keep], threshold=float(threshold_km), binary=True,
                                               silence_warnings=True))
    yk = y[keep].astype(float)
    if not np.ptp(yk) > 0:
        raise DataValidationError(f"the {value} of {industry!r} is the same in every region: no hot or cold spot "
                                  "can stand out (Gi* and local Moran's I are undefined)")
    n = reg.height
    gi_z = np.full(n, np.nan)
    gi_p = np.full(n, np.nan)
    mi = np.full(n, np.nan)
    mp = np.full(n, np.nan)
    mq = np.zeros(n, dtype=int)
    if np.ptp(yk) > 0:
        from clusteratlas.analytics._permute import permutation_p_values

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w.transform = "b"
            g = G_Local(yk, w, transform="B", permutations=0, star=True, keep_simulations=False, n_jobs=1)
            g_p = permutation_p_values(yk, np.ones(keep.size), w, permutations, seed)
            w.transform = "r"
            m = Moran_Local(yk, w, permutations=0, keep_simulations=False, n_jobs=1)
            z = yk - yk.mean()
            m_p = permutation_p_values(z, z, w, permutations, None if seed is None else seed + 1)
        gi_z[keep] = np.asarray(g.Zs, dtype=float)
        gi_p[keep] = g_p if permutations else np.asarray(g.p_norm, dtype=float)
        mi[keep] = np.asarray(m.Is, dtype=float)
        if permutations:
            mp[keep] = m_p
        else:
            from scipy.stats import norm

            mp[keep] = 2 * norm.sf(np.abs((m.Is - m.EI) / np.sqrt(m.VI)))
        mq[keep] = np.asarray(m.q, dtype=int)
    sig_g = gi_p < alpha
    gi_class = np.where(sig_g & (gi_z > 0), "hot", np.where(sig_g & (gi_z < 0), "cold", "ns"))
    mq_lab = np.array([_QUADS.get(int(q), "") for q in mq])
    m_class = np.where(mp < alpha, mq_lab, "ns")
    table = reg.select("region", "lat", "lon").with_columns(
        pl.Series("employment_industry", e_ri), pl.Series("employment_region", e_r), pl.Series("value", y),
        pl.Series("gi_z", gi_z), pl.Series("gi_p", gi_p), pl.Series("gi_class", gi_class),
        pl.Series("moran_i", mi), pl.Series("moran_p", mp), pl.Series("moran_quadrant", mq_lab),
        pl.Series("moran_class", m_class), pl.Series("island", islands)).to_pandas()
    params = {"value": value, "neighbours": neighbours, "k": k if neighbours == "knn" else None,
              "threshold_km": threshold_km, "permutations": permutations, "seed": seed, "alpha": alpha,
              "islands": int(islands.sum()), "region_position": "mean of establishment coordinates",
              "constant_values": bool(np.ptp(yk) == 0), "n_unplaced": firms.unplaced.height}
    return HotspotResult(str(industry), table, n, "Getis-Ord Gi* and local Moran's I (esda)", frozen_mapping(params))
