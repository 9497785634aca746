"""Checks of a cluster's place against the MCA table and the county polygons (via the gazetteer)."""

from __future__ import annotations

from clusteratlas.errors import PlaceNotFound
from clusteratlas.model import Cluster


def check_cluster_place(cluster: Cluster) -> str | None:
    """None when the place is consistent, else a one-line description of the problem.

    Checks: the code exists in the MCA table (vintage 2025-12-31) with the Chinese name the record claims
    and the same level; every ancestor in ``path`` matches the table; the WGS-84 point lies inside the
    polygon of the place's county (prefecture or province above county level); area codes exist.
    """
    from clusteratlas import gazetteer

    p = cluster.place
    try:
        official = gazetteer.place_for_adcode(p.adcode)
    except PlaceNotFound:
        return f"adcode {p.adcode} is not in the MCA table"
    if official.name_zh != p.name_zh:
        return f"adcode {p.adcode} is {official.name_zh} in the MCA table, not {p.name_zh}"
    if official.level != p.level:
        return f"adcode {p.adcode} is a {official.level}, not a {p.level}"
    for entry in p.path:
        try:
            anc = gazetteer.place_for_adcode(entry.adcode)
        except PlaceNotFound:
            return f"path code {entry.adcode} is not in the MCA table"
        if anc.name_zh != entry.name_zh:
            return f"path code {entry.adcode} is {anc.name_zh}, not {entry.name_zh}"
    if not gazetteer.polygon_contains(p.adcode, lon=p.lon, lat=p.lat):
        return f"point (lon={p.lon}, lat={p.lat}) lies outside the polygon of {p.adcode[:6]}"
    for code in cluster.area.adcodes if cluster.area else []:
        try:
            gazetteer.place_for_adcode(code)
        except PlaceNotFound:
            return f"area code {code} is not in the MCA table"
    return None
