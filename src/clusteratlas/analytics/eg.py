"""Ellison-Glaeser and Maurel-Sédillot indices of geographic concentration (plant sizes required).

For industry ``i`` with plant employment shares ``z_j`` (``H = sum z_j^2``, the plant Herfindahl),
regional industry shares ``s_r`` and regional shares of total employment ``x_r``:

    G        = sum_r (s_r - x_r)^2
    gamma_EG = (G / (1 - sum x_r^2) - H) / (1 - H)                         (Ellison & Glaeser 1997, eq. 5)
    gamma_MS = ((sum s_r^2 - sum x_r^2) / (1 - sum x_r^2) - H) / (1 - H)   (Maurel & Sédillot 1999)

Both are 0 in expectation when plants locate independently with probabilities ``x_r`` (the "dartboard").
Under that null ``E[G] = (1 - sum x^2) H`` and, from Ellison & Glaeser's appendix,

    Var[G] = 2 { H^2 [sum x^2 - 2 sum x^3 + (sum x^2)^2] - sum z^4 [sum x^2 - 4 sum x^3 + 3 (sum x^2)^2] },

which gives the reported z-score. Ellison & Glaeser call an industry highly localised above 0.05 and
not very localised below 0.02.

References
----------
Ellison, G., Glaeser, E. L. (1997). Geographic concentration in U.S. manufacturing industries: a
dartboard approach. *Journal of Political Economy* 105(5), 889-927.
Maurel, F., Sédillot, B. (1999). A measure of the geographic concentration in French manufacturing
industries. *Regional Science and Urban Economics* 29(5), 575-604.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

import polars as pl

from clusteratlas.analytics.firms import Firms, as_firms
from clusteratlas.analytics.regional import _need_regions
from clusteratlas.analytics.results import TableResult, frozen_mapping, new_figure, save_figure
from clusteratlas.errors import BadQueryError, DataValidationError


@dataclass(frozen=True)
class EGResult(TableResult):
    """Per-industry ``gamma_eg``, ``gamma_ms``, ``G``, ``H`` (plant Herfindahl), ``expected_G``,
    ``sd_G``, ``z`` (of G under the dartboard null), ``localisation`` (high / moderate / low, or
    ``n/a`` where gamma is undefined: a single plant, H = 1, or a single region) and ``plants``, in
    ``table`` (pandas), highest gamma first and undefined rows last."""

    measure: ClassVar[str] = "ellison_glaeser"
    table: Any
    n: int
    method: str
    parameters: MappingProxyType

    @property
    def estimate(self):
        return self.table[["industry", "gamma_eg", "gamma_ms"]]

    @property
    def inference(self):
        return self.table[["industry", "expected_G", "sd_G", "z"]]




    def plot(self, ax=None, path=None):
        """Bars of gamma_EG by industry with the 0.02 / 0.05 thresholds."""
        fig = ax.figure if ax is not None else new_figure()
        ax = ax or fig.add_subplot()
        t = self.table.sort_values("gamma_eg")
        ax.barh(t["industry"], t["gamma_eg"], color="tab:blue")
        for x in (0.02, 0.05):
            ax.axvline(x, color="0.4", ls=":")
        ax.set_xlabel("Ellison-Glaeser gamma")
        ax.set_title("Ellison-Glaeser index", fontsize=10)
        return save_figure(fig, path)


def ellison_glaeser(firms: Firms | Any, *, industries: list[str] | None = None) -> EGResult:
    """Ellison-Glaeser gamma (with the plant Herfindahl) and the Maurel-Sédillot variant, per industry.

    Parameters
    ----------
    firms : Firms or table
        One row per plant with a weight (employment) column and a region.
    industries : list of str, optional
        Keep only these industries in the output.

    Raises
    ------
    BadQueryError
        No weight column (the plant Herfindahl needs plant sizes) or no region.
    DataValidationError
        Total employment zero.
    """
    firms = as_firms(firms)
    if not firms.weighted:
        raise BadQueryError("Ellison-Glaeser needs plant sizes: give a weight (employment) column "
                            "(weight_col)")
    t = _need_regions(firms).lazy().filter(pl.col("weight") > 0)
    total = t.select(pl.col("weight").sum()).collect().item()
    if not total or total <= 0:
        raise DataValidationError("total employment is zero: Ellison-Glaeser is undefined")
    xr = t.group_by("region").agg((pl.col("weight").sum() / total).alias("x"))
    sx = xr.select((pl.col("x") ** 2).sum().alias("sx2"), (pl.col("x") ** 3).sum().alias("sx3")).collect()
    sx2, sx3 = float(sx["sx2"][0]), float(sx["sx3"][0])
    plants = (t.group_by("industry")
              .agg(pl.col("weight").sum().alias("e"), (pl.col("weight") ** 2).sum().alias("e2"),
                   (pl.col("weight") ** 4).sum().alias("e4"), pl.len().alias("plants")))
    ri = (t.group_by("industry", "region").agg(pl.col("weight").sum().alias("eri"))
          .join(plants.select("industry", "e"), on="industry")
          .with_columns((pl.col("eri") / pl.col("e")).alias("s"))
          .join(xr, on="region"))
    # G = sum_r (s - x)^2 over all regions = sum_present (s - x)^2 + (sum x^2 - sum_present x^2)
    g = ri.group_by("industry").agg(((pl.col("s") - pl.col("x")) ** 2).sum().alias("g_present"),
                                    (pl.col("x") ** 2).sum().alias("x2_present"),
                                    (pl.col("s") ** 2).sum().alias("s2"))
    out = (g.join(plants, on="industry")
           .with_columns((pl.col("g_present") + sx2 - pl.col("x2_present")).alias("G"),
                         (pl.col("e2") / pl.col("e") ** 2).alias("H"),
                         (pl.col("e4") / pl.col("e") ** 4).alias("_z4"))
           .with_columns(((pl.col("G") / (1 - sx2) - pl.col("H")) / (1 - pl.col("H"))).alias("gamma_eg"),
                         (((pl.col("s2") - sx2) / (1 - sx2) - pl.col("H")) / (1 - pl.col("H"))).alias("gamma_ms"),
                         ((1 - sx2) * pl.col("H")).alias("expected_G"),
                         (2 * (pl.col("H") ** 2 * (sx2 - 2 * sx3 + sx2**2)
                               - pl.col("_z4") * (sx2 - 4 * sx3 + 3 * sx2**2))).clip(lower_bound=0).sqrt()
                         .alias("sd_G"))
           .with_columns(((pl.col("G") - pl.col("expected_G")) / pl.col("sd_G")).alias("z"),
                         pl.when(pl.col("gamma_eg") > 0.05).then(pl.lit("high"))
                         .when(pl.col("gamma_eg") >= 0.02).then(pl.lit("moderate"))
                         .otherwise(pl.lit("low")).alias("localisation"))
           .select("industry", "plants", pl.col("e").alias("employment"), "G", "H", "gamma_eg", "gamma_ms",
                   "expected_G", "sd_G", "z", "localisation")
           .sort("gamma_eg", descending=True)
           .collect())
    # one plant (H = 1) or one region (sum x^2 = 1): gamma undefined
    # one plant (H = 1) or one region (sum x^2 = 1): gamma undefined, localisation "n/a", listed last
    undefined = (pl.col("H") >= 1 - 1e-12) | pl.lit(sx2 >= 1 - 1e-12) | pl.col("gamma_eg").is_nan()
    out = (out.with_columns([pl.when(undefined).then(None).otherwise(pl.col(c)).alias(c)
                             for c in ("gamma_eg", "gamma_ms", "z")]
                            + [pl.when(undefined).then(pl.lit("n/a")).otherwise(pl.col("localisation"))
                               .alias("localisation")])
           .sort(["gamma_eg", "industry"], descending=[True, False], nulls_last=True))
    if industries is not None:
        out = out.filter(pl.col("industry").is_in([str(i) for i in industries]))
    params = {"sum_x2": sx2, "regions": int(xr.select(pl.len()).collect().item()),
              "thresholds": {"high": 0.05, "moderate": 0.02}, "n_unplaced": firms.unplaced.height,
              "zero_weight_plants_dropped": int(firms.table.filter(pl.col("weight") <= 0).height)}
    pdf = out.to_pandas()
    return EGResult(pdf, int(pdf["plants"].sum()) if len(pdf) else 0,
                    "Ellison-Glaeser gamma (plant Herfindahl) and Maurel-Sedillot gamma",
                    frozen_mapping(params))


def dartboard_moments(x: list[float], z: list[float]) -> tuple[float, float]:
    """``(E[G], sd[G])`` under independent location (Ellison & Glaeser 1997), for regional shares ``x``
    and plant shares ``z`` (each summing to 1)."""
    sx2 = sum(v * v for v in x)
    sx3 = sum(v**3 for v in x)
    h = sum(v * v for v in z)
    z4 = sum(v**4 for v in z)
    var = 2 * (h * h * (sx2 - 2 * sx3 + sx2 * sx2) - z4 * (sx2 - 4 * sx3 + 3 * sx2 * sx2))
    return (1 - sx2) * h, math.sqrt(max(var, 0.0))
