"""Selecting clusters by filters (industry, group, province, code prefix, bbox, text), and comparing the
clusters of one industry.

Compositions of library calls (:meth:`Atlas.clusters_of`, :meth:`Atlas.clusters_in`,
:meth:`Atlas.industries_in_group`, :func:`clusteratlas.search.find`) shared by the CLI (``list clusters``)
and the web API (``/api/v1/clusters``, ``/api/v1/industries/{id}/compare``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from clusteratlas.errors import BadQueryError, IndustryNotFound, PlaceNotFound
from clusteratlas.geo import great_circle_km, parse_bbox

_CODE_RE = re.compile(r"^\d{1,9}$")


@dataclass(frozen=True)
class Selection:
    """The clusters that pass the filters, in order, with the search score when a text query was given."""

    clusters: list[Any]
    scores: dict[str, float]


def province_prefix(atlas, province: str) -> str:
    """The 2-digit MCA prefix of a province given as ``41``, ``410000``, ``Henan``, ``河南`` or ``河南省``."""
    text = province.strip()
    if _CODE_RE.match(text):
        if len(text) == 2 or (len(text) == 6 and text.endswith("0000")):
            return text[:2]
        raise BadQueryError(f"province code must be 2 digits or a 6-digit province code, not {text!r}")
    from clusteratlas.gazetteer import resolve_place

    for cand in resolve_place(text, limit=5):  # the gazetteer is the one place matcher
        d = cand.to_dict()
        if d.get("level") == "province":
            return str(d["adcode"])[:2]
    raise PlaceNotFound(f"no province named {text[:60]!r}")


def industry_ids(atlas, industry: str | None, group: str | None) -> set[str] | None:
    """The industry ids selected by ``industry`` (ids, comma-separated) and ``group``; None when neither
    is given.

    Raises
    ------
    IndustryNotFound
        An unknown industry or group id (with suggestions).
    """
    ids: set[str] | None = None
    if industry:
        wanted = [p.strip() for p in industry.split(",") if p.strip()]
        for ind in wanted:
            atlas.industry(ind)  # IndustryNotFound with suggestions
        ids = set(wanted)
    if group:
        known = set(atlas.groups) | {i.parent for i in atlas.industries.values() if i.parent}
        if group not in known:
            raise IndustryNotFound(f"no industry group with id {group[:80]!r}"
                                   + (f"; groups: {', '.join(sorted(known))}" if known else ""))
        in_group = {i.id for i in atlas.industries_in_group(group)}
        ids = in_group if ids is None else ids & in_group
    return ids


def select_clusters(atlas, *, industry: str | None = None, group: str | None = None,
                    province: str | None = None, adcode: str | None = None,
                    bbox: str | None = None, q: str | None = None) -> Selection:
    """Clusters passing every given filter (AND), in atlas order, or by search score when ``q`` is given.

    Parameters
    ----------
    industry : str, optional
        One industry id or several, comma-separated (OR).
    group : str, optional
        An industry group id (``Industry.parent``).
    province : str, optional
        See :func:`province_prefix`.
    adcode : str, optional
        MCA code prefix (``4406`` = Foshan), via :meth:`Atlas.clusters_in`.
    bbox : str, optional
        ``west,south,east,north`` in WGS-84 degrees; a cluster is inside when its point is (edges included).
    q : str, optional
        Text query, read by :func:`clusteratlas.search.find`.

    Raises
    ------
    BadQueryError, IndustryNotFound, PlaceNotFound
    """
    ids = industry_ids(atlas, industry, group)
    clusters = list(atlas.clusters.values())
    scores: dict[str, float] = {}
    if q is not None:
        from clusteratlas.search import find

        results = find(q, limit=1000, atlas=atlas)
        scores = {r.cluster_id: r.score for r in results}
        clusters = [atlas.clusters[r.cluster_id] for r in results]
    if ids is not None:
        clusters = [c for c in clusters if c.industry in ids]
    if adcode is not None:
        code = adcode.strip()
        if not _CODE_RE.match(code):
            raise BadQueryError(f"adcode must be 1 to 9 digits (an MCA code prefix), not {adcode[:40]!r}")
        inside = {c.id for c in atlas.clusters_in(code)}
        clusters = [c for c in clusters if c.id in inside]
    if province is not None:
        inside = {c.id for c in atlas.clusters_in(province_prefix(atlas, province))}
        clusters = [c for c in clusters if c.id in inside]
    if bbox is not None:
        west, south, east, north = parse_bbox(bbox)
        clusters = [c for c in clusters if west <= c.place.lon <= east and south <= c.place.lat <= north]
    return Selection(clusters=clusters, scores=scores)


def compare_industry(atlas, industry_id: str) -> dict[str, Any]:
    """The clusters of one industry side by side: tiers, figures (claims by metric) and distances.

    ``distances_km[i][j]`` is the great-circle distance in km (sphere of mean radius 6371.0088 km) between
    the WGS-84 points of ``clusters[i]`` and ``clusters[j]``, rounded to 0.1 km.
    """
    ind = atlas.industry(industry_id)
    clusters = atlas.clusters_of(industry_id)
    rows = []
    metrics: list[str] = []
    for c in clusters:
        figures = {}
        for metric, claims in atlas.claims_by_metric(c).items():
            if metric not in metrics:
                metrics.append(metric)
            figures[metric] = [cl.model_dump(mode="json") for cl in claims]
        rows.append(atlas.cluster_summary(c) | {
            "specialties": list(c.specialties),
            "titles": [t.model_dump(mode="json") for t in c.titles],
            "markets": len(c.markets),
            "figures": figures,
        })
    dist = [[round(great_circle_km(a.place.lon, a.place.lat, b.place.lon, b.place.lat), 1) if a is not b else 0.0
             for b in clusters] for a in clusters]
    return {
        "industry": ind.id, "name": ind.name_en, "name_zh": ind.name_zh,
        "metrics": metrics,
        "clusters": rows,
        "ids": [c.id for c in clusters],
        "distances_km": dist,
        "distance_method": "great-circle (haversine), sphere of radius 6371.0088 km, WGS-84 points",
    }
