"""Cluster zones: DBSCAN / HDBSCAN (scikit-learn) on the equal-area plane, distances in km.

Establishments of one industry are projected with a Lambert azimuthal equal-area projection centred
on them, so ``eps_km`` is a true distance to within 0.3 % over 2,000 km; the zones are summarised by
their establishment count, employment, centre (WGS-84; the coordinate-wise median on the plane, robust to
the stray members HDBSCAN attaches to a dense core) and radius (90th percentile distance to the centre,
km). Label -1 is noise.

References
----------
Ester, M., Kriegel, H.-P., Sander, J., Xu, X. (1996). A density-based algorithm for discovering clusters
in large spatial databases with noise. *Proc. KDD-96*, 226-231.
Campello, R. J. G. B., Moulavi, D., Sander, J. (2013). Density-based clustering based on hierarchical
density estimates. *PAKDD 2013*, LNCS 7819, 160-172.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import polars as pl

from clusteratlas.analytics._geometry import Projection
from clusteratlas.analytics.firms import Firms, as_firms
from clusteratlas.analytics.results import frozen_mapping, jsonable, new_figure, save_figure
from clusteratlas.errors import BadQueryError, DataValidationError


@dataclass(frozen=True)
class ZoneResult:
    """``zones`` (pandas: ``zone``, ``establishments``, ``employment``, ``share``, ``lat``, ``lon``,
    ``radius_km``), ``labels`` (one per establishment of the industry, -1 noise) and ``rows`` (input row
    numbers of those establishments)."""

    industry: str
    zones: Any
    labels: np.ndarray
    rows: np.ndarray
    n: int
    method: str
    parameters: MappingProxyType

    @property
    def estimate(self):
        return self.zones

    @property
    def inference(self):
        return None

    def to_frame(self):
        return self.zones.copy()

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"measure": "zones", "industry": self.industry, "n": self.n, "method": self.method,
                         "parameters": self.parameters, "zones": self.zones.to_dict(orient="records")})

    def plot(self, ax=None, path=None, firms: Firms | None = None):
        fig = ax.figure if ax is not None else new_figure(6.5, 5.5)
        ax = ax or fig.add_subplot()
        z = self.zones
        ax.scatter(z["lon"], z["lat"], s=10 + 200 * z["share"], alpha=0.6, c="tab:red", label="zones")
        for _, r in z.iterrows():
            ax.annotate(str(int(r["zone"])), (r["lon"], r["lat"]), fontsize=7)
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
        ax.set_title(f"{self.industry}: {len(z)} zones ({self.parameters['algorithm']})", fontsize=10)
        return save_figure(fig, path)


def zones(firms: Firms | Any, industry: str, *, algorithm: str = "dbscan", eps_km: float = 3.0,
          min_samples: int = 10, min_cluster_size: int = 25, weighted: bool | None = None) -> ZoneResult:
    """Dense zones of an industry's establishments.

    Parameters
    ----------
    algorithm : {"dbscan", "hdbscan"}
        DBSCAN with radius ``eps_km`` and ``min_samples``; HDBSCAN with ``min_cluster_size`` and
        ``min_samples`` (no radius).
    weighted : bool, optional
        DBSCAN counts weights towards ``min_samples`` (``sample_weight``); zone employment uses weights.

    Raises
    ------
    BadQueryError
        Unknown industry or algorithm, non-positive parameters.
    DataValidationError
        Fewer than two establishments.
    """
    from sklearn.cluster import DBSCAN, HDBSCAN

    firms = as_firms(firms)
    if algorithm not in ("dbscan", "hdbscan"):
        raise BadQueryError(f"algorithm must be 'dbscan' or 'hdbscan'; got {algorithm!r}")
    if not (eps_km > 0 and min_samples >= 1 and min_cluster_size >= 2):
        raise BadQueryError("need eps_km > 0, min_samples >= 1, min_cluster_size >= 2")
    mask = firms.mask(industry)
    idx = np.flatnonzero(mask)
    if idx.size < 2:
        raise DataValidationError(f"zones need at least two establishments of {industry!r}; found {idx.size}")
    lon, lat = firms.lon[idx], firms.lat[idx]
    use_w = firms.weighted if weighted is None else bool(weighted)
    w = firms.weights[idx] if use_w and firms.weighted else np.ones(idx.size)
    proj = Projection.fit(lon=lon, lat=lat)
    x, y = proj.to_xy(lon=lon, lat=lat)
    xy = np.column_stack([x, y])
    if algorithm == "dbscan":
        labels = DBSCAN(eps=eps_km, min_samples=min_samples, algorithm="kd_tree").fit(
            xy, sample_weight=w if use_w else None).labels_
    else:
        if idx.size <= min_cluster_size:
            labels = np.full(idx.size, -1)
        else:
            labels = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples, copy=True).fit(xy).labels_
    rows = []
    total = float(w.sum()) or 1.0
    for z in np.unique(labels[labels >= 0]):
        m = labels == z
        cx, cy = np.median(xy[m], axis=0)
        clon, clat = proj.to_lonlat(x=np.array([cx]), y=np.array([cy]))
        r90 = float(np.quantile(np.hypot(xy[m, 0] - cx, xy[m, 1] - cy), 0.9))
        rows.append({"zone": int(z), "establishments": int(m.sum()), "employment": float(w[m].sum()),
                     "share": float(w[m].sum()) / total, "lat": float(clat[0]), "lon": float(clon[0]),
                     "radius_km": r90})
    schema = {"zone": pl.Int64, "establishments": pl.Int64, "employment": pl.Float64, "share": pl.Float64,
              "lat": pl.Float64, "lon": pl.Float64, "radius_km": pl.Float64}
    table = pl.DataFrame(rows, schema=schema).sort("establishments", descending=True).to_pandas()
    params = {"algorithm": algorithm, "eps_km": eps_km if algorithm == "dbscan" else None,
              "min_samples": min_samples, "min_cluster_size": min_cluster_size if algorithm == "hdbscan" else None,
              "weighted": use_w, "noise": int((labels < 0).sum()), "distance": "equal-area plane, km",
              "n_unplaced": firms.unplaced.height}
    lab = np.asarray(labels, dtype=np.int64).copy()
    lab.setflags(write=False)
    rws = firms.table["row"].to_numpy()[idx].copy()
    rws.setflags(write=False)
    return ZoneResult(str(industry), table, lab, rws, int(idx.size), f"{algorithm.upper()} zones (scikit-learn)",
                      frozen_mapping(params))



