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
Porter, M. E. (2003). The economic performance of regions. *Regional Studies* 37(6-7), 549-578 (traded
and local industries).
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


#: Ranking columns accepted by :meth:`LQResult.top`.
RANK_BY = ("lq_lower", "lq", "lq_shrunk", "employment", "establishments")


@dataclass(frozen=True)
class LQResult(TableResult):
    """Location quotients by region x industry, with the counts behind each ratio.

    ``table`` (pandas) has ``region``, ``industry``, ``employment`` and ``establishments`` (the cell),
    ``region_employment``, ``industry_employment``, ``total_employment`` (the margins of the ratio),
    ``lq``, its confidence bounds ``lq_lower`` / ``lq_upper``, the empirical-Bayes ``lq_shrunk``,
    ``significant`` (``lq_lower > 1``), ``eligible`` (meets the minimum size), ``background`` (a background
    industry, never strong) and, with ``classify=True``, ``strong``, ``qualifying`` and the per-industry
    thresholds ``lq_q75``, ``employment_q25``,
    ``establishments_q25``. Rows are ordered by industry, then ``lq_lower`` (highest first).
    """

    measure: ClassVar[str] = "location_quotient"
    table: Any
    n: int
    method: str
    parameters: MappingProxyType

    @property
    def estimate(self):
        return self.table[["region", "industry", "lq", "lq_lower", "lq_upper", "lq_shrunk"]]

    @property
    def inference(self):
        cols = [c for c in ("region", "industry", "significant", "eligible", "strong", "qualifying")
                if c in self.table.columns]
        return self.table[cols]

    def top(self, *, strong_only: bool = False, rank_by: str = "lq_lower", min_firms: int | None = None,
            min_employment: float | None = None, limit: int | None = None, names: bool = True):
        """The rows a reader should see first: filtered, ranked, with region names.

        Parameters
        ----------
        strong_only : bool
            Only strong clusters (needs ``classify=True``).
        rank_by : {"lq_lower", "lq", "lq_shrunk", "employment", "establishments"}
            Ranking column, highest first. The default, the lower confidence bound, keeps regions with a
            handful of establishments (whose LQ can be huge by chance) from leading the list.
        min_firms, min_employment : optional
            Minimum establishments / employment of a row; default the values the result was computed with.
        limit : int, optional
            Keep the first ``limit`` rows.
        names : bool
            Add ``region_name`` (Chinese and English name and prefecture for MCA codes, else empty).

        Returns
        -------
        pandas.DataFrame

        Raises
        ------
        BadQueryError
            Unknown ``rank_by``, or ``strong_only`` on an unclassified result.
        """
        if rank_by not in RANK_BY:
            raise BadQueryError(f"rank_by must be one of {', '.join(RANK_BY)}; got {rank_by!r}")
        t = self.table
        if strong_only:
            if "strong" not in t.columns:
                raise BadQueryError("location_quotients(..., classify=True) is needed for strong clusters")
            t = t[t["strong"]]
        mf = self.parameters["min_firms"] if min_firms is None else int(min_firms)
        me = self.parameters["min_employment"] if min_employment is None else float(min_employment)
        t = t[(t["establishments"] >= mf) & (t["employment"] >= me)]
        t = t.sort_values([rank_by, "lq"], ascending=False, kind="stable")
        if limit is not None:
            t = t.head(int(limit))
        t = t.reset_index(drop=True)
        if names:
            from clusteratlas.analytics._regions import region_label

            t.insert(1, "region_name", [region_label(str(r)) for r in t["region"]])
        return t

    def strong_clusters(self, rank_by: str = "lq_lower"):
        """The rows classified strong (all meet the minimum size), ranked by ``rank_by`` (highest first)."""
        return self.top(strong_only=True, rank_by=rank_by, names=False)

    def plot(self, ax=None, path=None, top: int = 20, rows=None):
        """Horizontal bars of location quotients with their confidence intervals (strong clusters in red).

        ``rows`` is the table to draw (e.g. :meth:`top` with the same filters as a printed table); default
        ``self.top(limit=top)``. Only its first ``top`` rows are drawn.
        """
        fig = ax.figure if ax is not None else new_figure(7.5, 5.2)
        ax = ax or fig.add_subplot()
        t = (self.top(limit=top) if rows is None else rows).head(top).iloc[::-1]
        if "region_name" not in t.columns:
            from clusteratlas.analytics._regions import region_label

            t = t.assign(region_name=[region_label(str(r)) for r in t["region"]])
        colors = ["tab:red" if s else "tab:blue" for s in t.get("strong", [False] * len(t))]
        # English part of the name (the Agg canvas's default font has no CJK glyphs), else the code
        labels = [f"{_english(n) or r} · {i} ({int(e):,} firms)" for r, n, i, e in
                  zip(t["region"], t["region_name"], t["industry"], t["establishments"], strict=True)]
        y = np.arange(len(t))
        ax.barh(y, t["lq"], color=colors, alpha=0.75)
        xerr = np.clip([t["lq"] - t["lq_lower"], t["lq_upper"] - t["lq"]], 0.0, None)  # rounding: never < 0
        ax.errorbar(t["lq"], y, xerr=xerr, fmt="none",
                    ecolor="0.2", capsize=2, lw=0.8)
        ax.set_yticks(y, labels)
        ax.axvline(1.0, color="0.3", ls=":")
        conf = self.parameters.get("confidence", 0.95)
        ax.set_xlabel(f"location quotient, {conf:.0%} interval (red: strong cluster)")
        ax.tick_params(axis="y", labelsize=7)
        if len(t) == 0:
            ax.text(0.5, 0.5, "no rows pass the filters", ha="center", va="center", transform=ax.transAxes)
        ax.set_title("Location quotients, ranked by the lower confidence bound", fontsize=10)
        return save_figure(fig, path)


def _english(label: str) -> str:
    """``"龙山区 Longshan District (辽源市)"`` -> ``"Longshan District"`` (empty for an empty label)."""
    head = str(label or "").split(" (")[0]
    return head.split(" ", 1)[1] if " " in head else ""


def _wilson(z: float) -> tuple[pl.Expr, pl.Expr]:
    """Wilson score bounds of the region's share ``p = E_ri / E_r`` with (effective) size ``_nr``."""
    p = pl.col("employment") / pl.col("region_employment")
    n = pl.col("_nr")
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)).clip(lower_bound=0.0).sqrt()
    return (centre - half).clip(lower_bound=0.0), (centre + half).clip(upper_bound=1.0)


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


def location_quotients(firms: Firms | Any, *, weighted: bool | None = None, classify: bool = True,
                       industries: list[str] | None = None, confidence: float = 0.95, min_firms: int = 10,
                       min_employment: float = 0.0, background_industries: list[str] | None = None) -> LQResult:
    """Location quotient ``LQ = (E_ri / E_r) / (E_i / E)`` for every region ``r`` and industry ``i``, with a
    confidence interval, an empirical-Bayes shrunk value and the Cluster Mapping strong-cluster rule.

    **Interval**: the Wilson score interval of the region's share ``p = E_ri / E_r`` divided by the
    national share ``E_i / E`` (treated as known: it rests on the whole country). The size of the region is
    its establishment count without weights, and with employment its effective number of establishments
    ``(sum w)^2 / sum w^2`` (Kish), since employees come in firms, not one by one. Moineddin, Beyene & Boyle
    (2003) give the Wald form on ``ln LQ``; it collapses to zero width when a region holds only this
    industry (one firm, say), which is exactly where an honest interval matters, hence the score form.

    **Shrunk LQ** (Marshall 1991, per industry): ``LQ`` pulled towards 1 by ``C = A / (A + 1/e_ri)``, where
    ``e_ri`` is the expected effective count and ``A`` the between-region variance of the relative risk
    (method of moments over all regions, zero cells included; ``A = 0`` shrinks everything to 1).

    **Strong clusters** (U.S. Cluster Mapping Project, Delgado, Porter & Stern 2016): with quantiles over the
    regions where the industry is present (linear interpolation), a row is strong when ``LQ >= Q75(LQ)``,
    ``LQ >= 1``, employment > Q25(employment) and establishments > Q25(establishments), and qualifying when
    ``LQ > Q25(LQ)`` with the same size conditions. Both also need the absolute minimum size
    (``establishments >= min_firms``, ``employment >= min_employment``): relative quartiles alone let a
    county with two firms through when most counties have one.

    **Background industries** are never strong nor qualifying (``background`` is true on their rows; their
    LQs are still computed and count in every share). They are the rest of the economy: local industries in
    the Cluster Mapping Project's sense, "present in most if not all geographic areas, evenly distributed,
    and hence primarily sell locally", whereas clusters are mapped among traded industries only (Porter
    2003; https://www.clustermapping.us/content/cluster-mapping-methodology). The Q75 rule is relative, so
    without this a quarter of the regions of any evenly spread industry would pass it; in the demo data an
    evenly spread industry also has LQ about 1.4 wherever no cluster is planted, since the planted firms take
    their share elsewhere.

    Parameters
    ----------
    firms : Firms or table
        Needs a region (``region_col``, or ``adcode_col`` with ``region_level``).
    weighted : bool, optional
        Employment from the weight column (default when present), else establishment counts.
    classify : bool
        Apply the strong-cluster rule.
    industries : list of str, optional
        Keep only these industries in the output (shares still use all industries).
    confidence : float
        Confidence level of the interval, in (0, 1) (default 0.95).
    min_firms : int
        Minimum establishments for a row to be eligible for the strong-cluster rule (>= 1; default 10).
    min_employment : float
        Minimum employment (weight units) for eligibility (>= 0).
    background_industries : list of str, optional
        Industries of the rest of the economy, not classified; default
        :meth:`~clusteratlas.analytics.firms.Firms.background_industries` (the table's background flag).

    Returns
    -------
    LQResult

    Raises
    ------
    BadQueryError
        No region information; confidence outside (0, 1); negative minimums; an industry in ``industries`` that
        the firm table does not have.
    DataValidationError
        Total employment is zero.

    References
    ----------
    Moineddin, R., Beyene, J., Boyle, E. (2003). On the location quotient confidence interval. *Geographical
    Analysis* 35(3), 249-256.
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. *JASA*
    22(158), 209-212.
    Kish, L. (1965). *Survey Sampling*. Wiley (effective sample size).
    Marshall, R. J. (1991). Mapping disease and mortality rates using empirical Bayes estimators. *Applied
    Statistics* 40(2), 283-294.
    Delgado, M., Porter, M. E., Stern, S. (2016). Defining clusters of related industries. *Journal of
    Economic Geography* 16(1), 1-38.
    """
    firms = as_firms(firms)
    use_w = firms.weighted if weighted is None else bool(weighted)
    t = _need_regions(firms)
    emp = _emp(firms, weighted)
    agg = (t.lazy().group_by("region", "industry")
           .agg(emp.sum().alias("employment"), (emp * emp).sum().alias("employment_sq"),
                pl.len().alias("establishments"))
           .collect())
    if background_industries is None:
        background_industries = firms.background_industries()
    return lq_from_aggregates(agg, weighted=use_w, classify=classify, industries=industries,
                              confidence=confidence, min_firms=min_firms, min_employment=min_employment,
                              n_unplaced=firms.unplaced.height, background_industries=background_industries)


def lq_from_aggregates(agg: pl.DataFrame, *, weighted: bool, classify: bool = True,
                       industries: list[str] | None = None, confidence: float = 0.95, min_firms: int = 10,
                       min_employment: float = 0.0, n_unplaced: int = 0,
                       background_industries: list[str] | None = None) -> LQResult:
    """:func:`location_quotients` from region x industry aggregates (e.g. computed by Dask).

    ``agg`` (polars) has ``region``, ``industry``, ``employment`` (sum of weights, or the count),
    ``employment_sq`` (sum of squared weights; equal to ``employment`` for counts) and ``establishments``.
    ``background_industries`` are never classified (see :func:`location_quotients`).

    Raises
    ------
    BadQueryError, DataValidationError
        As :func:`location_quotients`.
    """
    if not 0.0 < float(confidence) < 1.0:
        raise BadQueryError(f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence}")
    if int(min_firms) < 1 or not float(min_employment) >= 0 or float(min_employment) == float("inf"):
        raise BadQueryError("min_firms must be >= 1 and min_employment a finite number >= 0")
    use_w = bool(weighted)
    agg = agg.rename({"employment_sq": "_w2"})
    total = agg["employment"].sum()
    if not total > 0:
        raise DataValidationError("total employment is zero: location quotients are undefined")
    total_w2 = agg["_w2"].sum()
    n_regions = agg["region"].n_unique()
    z = _z(float(confidence))

    def _neff(e: pl.Expr, w2: pl.Expr) -> pl.Expr:
        return pl.when(w2 > 0).then(e * e / w2).otherwise(None)

    lq = (agg.lazy()
          .with_columns(pl.col("employment").sum().over("region").alias("region_employment"),
                        pl.col("employment").sum().over("industry").alias("industry_employment"),
                        pl.col("_w2").sum().over("region").alias("_rw2"),
                        pl.col("_w2").sum().over("industry").alias("_iw2"),
                        pl.lit(float(total)).alias("total_employment"))
          .with_columns(((pl.col("employment") / pl.col("region_employment"))
                         / (pl.col("industry_employment") / total)).alias("lq"),
                        _neff(pl.col("employment"), pl.col("_w2")).alias("_n"),
                        _neff(pl.col("region_employment"), pl.col("_rw2")).alias("_nr"),
                        _neff(pl.col("industry_employment"), pl.col("_iw2")).alias("_ni"),
                        pl.lit(float(total) ** 2 / float(total_w2)).alias("_nt"))
          .with_columns((_wilson(z)[0] / (pl.col("industry_employment") / total)).alias("lq_lower"),
                        (_wilson(z)[1] / (pl.col("industry_employment") / total)).alias("lq_upper"))
          .with_columns((pl.col("lq_lower") > 1.0).alias("significant")))
    # empirical Bayes (Marshall 1991) on the effective-count scale of each industry
    lq = (lq.with_columns((pl.col("industry_employment") / pl.col("_ni")).alias("_d"))
          .with_columns((pl.col("region_employment") * pl.col("industry_employment") / total / pl.col("_d"))
                        .alias("_e"),
                        (pl.col("employment") / pl.col("_d")).alias("_x"))
          .with_columns(
              ((pl.col("_x") - pl.col("_e")) ** 2 / pl.col("_e")).sum().over("industry").alias("_chi"),
              pl.col("_e").sum().over("industry").alias("_esum"),
              pl.col("region_employment").sum().over("industry").alias("_rpresent"))
          .with_columns((pl.col("_ni") * (1 - pl.col("_rpresent") / total)).alias("_eabsent"))
          .with_columns(((pl.col("_chi") + pl.col("_eabsent")) / pl.col("_ni")
                         - n_regions / pl.col("_ni")).clip(lower_bound=0.0).alias("_A"))
          .with_columns((pl.col("_A") / (pl.col("_A") + 1 / pl.col("_e"))).alias("_C"))
          .with_columns((1 + pl.col("_C") * (pl.col("lq") - 1)).alias("lq_shrunk")))
    eligible = (pl.col("establishments") >= int(min_firms)) & (pl.col("employment") >= float(min_employment))
    background = sorted({str(i) for i in background_industries or ()})
    lq = lq.with_columns(eligible.alias("eligible"),
                         pl.col("industry").cast(pl.String).is_in(background).alias("background"))
    if classify:
        pool = pl.col("employment") > 0
        lq = lq.with_columns(
            pl.col("lq").filter(pool).quantile(0.75, "linear").over("industry").alias("lq_q75"),
            pl.col("lq").filter(pool).quantile(0.25, "linear").over("industry").alias("lq_q25"),
            pl.col("employment").filter(pool).quantile(0.25, "linear").over("industry")
            .alias("employment_q25"),
            pl.col("establishments").filter(pool).cast(pl.Float64).quantile(0.25, "linear")
            .over("industry").alias("establishments_q25"))
        size_ok = (pl.col("eligible") & ~pl.col("background") & (pl.col("employment") > pl.col("employment_q25"))
                   & (pl.col("establishments") > pl.col("establishments_q25")))
        lq = lq.with_columns(
            (size_ok & (pl.col("lq") >= pl.col("lq_q75")) & (pl.col("lq") >= 1.0)).fill_null(False).alias("strong"),
            (size_ok & (pl.col("lq") > pl.col("lq_q25"))).fill_null(False).alias("qualifying"))
    out = (lq.drop([c for c in lq.collect_schema().names() if c.startswith("_")])
           .sort(["industry", "lq_lower", "lq"], descending=[False, True, True]).collect())
    if industries is not None:
        wanted = [str(i) for i in industries]
        present = set(out["industry"].unique().to_list())
        missing = [i for i in wanted if i not in present]
        if missing:
            known = sorted(present)
            raise BadQueryError(f"industry {missing[0]!r} is not in the firm table ({len(known)} industries, e.g. "
                                f"{', '.join(known[:5])})")
        out = out.filter(pl.col("industry").is_in(wanted))
    params = {"weighted": bool(use_w), "classify": classify,
              "rule": "U.S. Cluster Mapping Project (Delgado, Porter & Stern 2016)" if classify else None,
              "interval": "Wilson score of the regional share" + (", Kish effective size" if use_w else ""),
              "shrinkage": "empirical Bayes, Marshall (1991) moments per industry",
              "confidence": float(confidence), "min_firms": int(min_firms), "min_employment": float(min_employment),
              "regions": int(n_regions), "industries": int(agg["industry"].n_unique()),
              "n_unplaced": int(n_unplaced), "background_industries": background}
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
