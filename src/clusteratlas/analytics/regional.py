"""Regional measures from region x industry aggregates: location quotients, the U.S. Cluster Mapping
Project's strong-cluster rule, Hoover and locational Gini coefficients, Herfindahl indices.

"Employment" below is the weight column when the table has one (employment, output …), else the
establishment count. All aggregation runs in polars (10 million rows in seconds).

References
----------
Delgado, M., Porter, M. E., Stern, S. (2016). Defining clusters of related industries. *Journal of
Economic Geography* 16(1), 1-38 (U.S. Cluster Mapping Project; strong-cluster rule as implemented in
clustermapping/cmp).
Hoover, E. M. (1936). The measurement of industrial localization. *Review of Economics and Statistics*
18(4), 162-171.
Krugman, P. (1991). *Geography and Trade*. MIT Press (locational Gini).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
import polars as pl

from clusteratlas.analytics.firms import Firms, as_firms
from clusteratlas.analytics.results import TableResult, frozen_mapping, new_figure, save_figure
from clusteratlas.errors import BadQueryError, DataValidationError


def _frame(df: pl.DataFrame):
    out = df.to_pandas()
    return out


def _need_regions(firms: Firms) -> pl.DataFrame:
    t = firms.table
    if t["region"].null_count() == t.height:
        raise BadQueryError("regional measures need a region: give a region column (region_col), "
                            "or an adcode column with a region level (adcode_col and region_level)")
    missing = t["region"].null_count()
    if missing:
        t = t.filter(pl.col("region").is_not_null())
    return t


def _emp(firms: Firms, weighted: bool | None) -> pl.Expr:
    use_w = firms.weighted if weighted is None else bool(weighted)
    if use_w and not firms.weighted:
        raise BadQueryError("weighted=True needs a weight column (weight_col)")
    return pl.col("weight") if use_w else pl.col("row").is_not_null().cast(pl.Float64)


def region_industry_table(firms: Firms, weighted: bool | None = None) -> pl.DataFrame:
    """Region x industry aggregates: ``region``, ``industry``, ``employment``, ``establishments``."""
    t = _need_regions(firms)
    return (t.lazy().group_by("region", "industry")
            .agg(_emp(firms, weighted).sum().alias("employment"), pl.len().alias("establishments"))
            .collect())


@dataclass(frozen=True)
class LQResult(TableResult):
    """Location quotients by region x industry.

    ``table`` (pandas) has ``region``, ``industry``, ``employment``, ``establishments``, ``lq`` and, with
    ``classify=True``, ``strong``, ``qualifying`` and the per-industry thresholds ``lq_q75``,
    ``employment_q25``, ``establishments_q25``.
    """

    measure: ClassVar[str] = "location_quotient"
    table: Any
    n: int
    method: str
    parameters: MappingProxyType

    @property
    def estimate(self):
        return self.table[["region", "industry", "lq"]]

    @property
    def inference(self):
        cols = [c for c in ("region", "industry", "strong", "qualifying") if c in self.table.columns]
        return self.table[cols]




    def strong_clusters(self):
        """The rows classified strong, highest LQ first."""
        if "strong" not in self.table.columns:
            raise BadQueryError("location_quotients(..., classify=True) is needed for strong clusters")
        return self.table[self.table["strong"]].sort_values("lq", ascending=False).reset_index(drop=True)

    def plot(self, ax=None, path=None, top: int = 20):
        """Horizontal bars of the ``top`` highest location quotients (strong clusters in red)."""
        fig = ax.figure if ax is not None else new_figure(7, 5)
        ax = ax or fig.add_subplot()
        t = self.table.sort_values("lq", ascending=False).head(top).iloc[::-1]
        colors = ["tab:red" if s else "tab:blue" for s in t.get("strong", [False] * len(t))]
        ax.barh([f"{r} · {i}" for r, i in zip(t["region"], t["industry"], strict=True)], t["lq"], color=colors)
        ax.axvline(1.0, color="0.3", ls=":")
        ax.set_xlabel("location quotient (red: strong cluster)")
        ax.tick_params(axis="y", labelsize=7)
        ax.set_title("Highest location quotients", fontsize=10)
        return save_figure(fig, path)


def location_quotients(firms: Firms | Any, *, weighted: bool | None = None, classify: bool = True,
                       industries: list[str] | None = None) -> LQResult:
    """Location quotient ``LQ = (E_ri / E_r) / (E_i / E)`` for every region ``r`` and industry ``i``.

    With ``classify=True`` the U.S. Cluster Mapping Project rule marks, for each industry over the regions
    where it is present, a **strong** cluster when ``LQ >= Q75(LQ)``, ``LQ >= 1``, employment > Q25 and
    establishments > Q25, and a **qualifying** one when ``LQ > Q25(LQ)`` with the same size conditions
    (quantiles with linear interpolation, as d3.quantile / numpy).

    Parameters
    ----------
    firms : Firms or table
        Needs a region (``region_col``, or ``adcode_col`` with ``region_level``).
    weighted : bool, optional
        Employment from the weight column (default when present), else establishment counts.
    industries : list of str, optional
        Keep only these industries in the output (shares still use all industries).

    Returns
    -------
    LQResult

    Raises
    ------
    BadQueryError
        No region information.
    """
    firms = as_firms(firms)
    agg = region_industry_table(firms, weighted)
    total = agg["employment"].sum()
    if not total > 0:
        raise DataValidationError("total employment is zero: location quotients are undefined")
    lq = (agg.lazy()
          .with_columns(pl.col("employment").sum().over("region").alias("_er"),
                        pl.col("employment").sum().over("industry").alias("_ei"))
          .with_columns(((pl.col("employment") / pl.col("_er")) / (pl.col("_ei") / total)).alias("lq")))
    if classify:
        present = pl.col("employment") > 0
        lq = lq.with_columns(
            pl.col("lq").filter(present).quantile(0.75, "linear").over("industry").alias("lq_q75"),
            pl.col("lq").filter(present).quantile(0.25, "linear").over("industry").alias("lq_q25"),
            pl.col("employment").filter(present).quantile(0.25, "linear").over("industry")
            .alias("employment_q25"),
            pl.col("establishments").filter(present).cast(pl.Float64).quantile(0.25, "linear")
            .over("industry").alias("establishments_q25"))
        size_ok = ((pl.col("employment") > pl.col("employment_q25"))
                   & (pl.col("establishments") > pl.col("establishments_q25")))
        lq = lq.with_columns(
            (size_ok & (pl.col("lq") >= pl.col("lq_q75")) & (pl.col("lq") >= 1.0)).alias("strong"),
            (size_ok & (pl.col("lq") > pl.col("lq_q25"))).alias("qualifying"))
    out = lq.drop("_er", "_ei").sort(["industry", "lq"], descending=[False, True]).collect()
    if industries is not None:
        out = out.filter(pl.col("industry").is_in([str(i) for i in industries]))
    params = {"weighted": bool(firms.weighted if weighted is None else weighted), "classify": classify,
              "rule": "U.S. Cluster Mapping Project (Delgado, Porter & Stern 2016)" if classify else None,
              "regions": int(agg["region"].n_unique()), "industries": int(agg["industry"].n_unique()),
              "n_unplaced": firms.unplaced.height}
    return LQResult(_frame(out), int(agg["establishments"].sum()), "location quotient", frozen_mapping(params))


@dataclass(frozen=True)
class IndicesResult(TableResult):
    """Per-industry concentration indices: ``hoover``, ``gini`` (locational), ``herfindahl_regions``
    (sum of squared regional shares), ``herfindahl_plants`` (sum of squared plant shares)."""

    measure: ClassVar[str] = "concentration_indices"
    table: Any
    n: int
    method: str
    parameters: MappingProxyType

    @property
    def estimate(self):
        return self.table

    @property
    def inference(self):
        return None




    def plot(self, ax=None, path=None):
        fig = ax.figure if ax is not None else new_figure()
        ax = ax or fig.add_subplot()
        t = self.table.sort_values("gini")
        ax.barh(t["industry"], t["gini"], color="tab:blue", label="locational Gini")
        ax.barh(t["industry"], t["hoover"], color="tab:orange", alpha=0.6, label="Hoover")
        ax.set_xlim(0, 1)
        ax.legend(fontsize=8, frameon=False)
        return save_figure(fig, path)


def _gini(share_ind: np.ndarray, share_all: np.ndarray) -> float:
    """Locational Gini: 1 - twice the area under the Lorenz curve of the industry's regional shares
    against total shares, regions ordered by increasing LQ."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(share_all > 0, share_ind / share_all, np.inf)
    o = np.argsort(ratio, kind="stable")
    x = np.concatenate([[0.0], np.cumsum(share_all[o])])
    y = np.concatenate([[0.0], np.cumsum(share_ind[o])])
    return float(1.0 - np.sum(np.diff(x) * (y[1:] + y[:-1])))


def concentration_indices(firms: Firms | Any, *, weighted: bool | None = None) -> IndicesResult:
    """Hoover coefficient ``0.5 * sum_r |s_ri - s_r|``, locational Gini, and the regional and plant
    Herfindahl indices of every industry (0 = spread like all employment, 1 = in one region).

    Raises
    ------
    BadQueryError
        No region information.
    """
    firms = as_firms(firms)
    agg = region_industry_table(firms, weighted)
    total = float(agg["employment"].sum())
    if not total > 0:
        raise DataValidationError("total employment is zero: concentration indices are undefined")
    regions = agg.group_by("region").agg(pl.col("employment").sum().alias("er")).sort("region")
    s_all = (regions["er"] / total).to_numpy()
    ridx = {r: k for k, r in enumerate(regions["region"].to_list())}
    emp = _emp(firms, weighted)
    plants = (_need_regions(firms).lazy().group_by("industry")
              .agg(emp.sum().alias("e"), (emp * emp).sum().alias("e2"), pl.len().alias("establishments"))
              .collect())
    rows = []
    for (ind,), g in agg.group_by(["industry"], maintain_order=False):
        share = np.zeros(len(s_all))
        ei = float(g["employment"].sum())
        if ei > 0:
            share[[ridx[r] for r in g["region"].to_list()]] = g["employment"].to_numpy() / ei
        rows.append({"industry": ind, "employment": ei, "hoover": 0.5 * float(np.abs(share - s_all).sum()),
                     "gini": _gini(share, s_all), "herfindahl_regions": float(np.sum(share**2))})
    out = pl.DataFrame(rows).join(plants.with_columns(
        pl.when(pl.col("e") > 0).then(pl.col("e2") / pl.col("e") ** 2).otherwise(None)
        .alias("herfindahl_plants")).select("industry", "establishments", "herfindahl_plants"),
        on="industry").sort("gini", descending=True)
    params = {"weighted": bool(firms.weighted if weighted is None else weighted), "regions": len(s_all),
              "n_unplaced": firms.unplaced.height}
    return IndicesResult(_frame(out), int(out["establishments"].sum()), "Hoover / locational Gini / Herfindahl",
                         frozen_mapping(params))
