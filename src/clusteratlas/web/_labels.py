"""Place labels for the map's base map: prefecture, county and town names by bounding box and zoom.

The points and names are the gazetteer's own (the MCA table with its WGS-84 points), so the labels agree
with every place the atlas shows and need nothing from outside. Which levels a zoom shows:

====================  ==========================================================
zoom < 6              none (the base map carries the province names)
6 ≤ zoom < 7.5        prefectures
7.5 ≤ zoom < 9.5      prefectures and counties
zoom ≥ 9.5            prefectures, counties and towns that have a point of their own
====================  ==========================================================

Towns without a point of their own (the gazetteer gives them their county's point) are never labelled:
a label would sit on the county's. At most :data:`MAX_LABELS` labels are returned, the coarsest level and
the most prominent places first.
"""

from __future__ import annotations

import bisect
import threading
from typing import Any

#: Most labels one answer carries.
MAX_LABELS = 600
#: Lowest zoom of each level's labels.
MIN_ZOOM = {2: 6.0, 3: 7.5, 4: 9.5}
LEVEL_NAMES = {2: "prefecture", 3: "county", 4: "township"}

_lock = threading.Lock()
_index: dict[int, tuple[list[float], list[tuple[float, float, float, str, str, str]]]] | None = None


def levels_for_zoom(zoom: float) -> list[int]:
    """Gazetteer levels (2 prefecture, 3 county, 4 township) labelled at ``zoom``."""
    return [lvl for lvl, z in MIN_ZOOM.items() if zoom >= z]


def _build() -> dict[int, tuple[list[float], list[tuple[float, float, float, str, str, str]]]]:
    # The gazetteer's unit table (private to the gazetteer; read here, never modified).
    from clusteratlas.gazetteer import _tables

    per_level: dict[int, list[tuple[float, float, float, str, str, str]]] = {2: [], 3: [], 4: []}
    for u in _tables.units().values():
        if u.level not in per_level:
            continue
        if u.level == 4 and u.coord_src != "geonames":
            continue  # no point of its own
        per_level[u.level].append((u.lon, u.lat, u.prominence, u.code, u.name, u.name_en))
    out = {}
    for lvl, rows in per_level.items():
        rows.sort()
        out[lvl] = ([r[0] for r in rows], rows)
    return out


def _get_index():
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _build()
    return _index


def labels_in(bbox: tuple[float, float, float, float], zoom: float, limit: int = MAX_LABELS) -> dict[str, Any]:
    """Labels inside ``bbox`` (west, south, east, north; WGS-84 degrees) for ``zoom``.

    Returns
    -------
    dict
        ``levels`` (names), ``items`` (``adcode, level, name_zh, name_en, lat, lon``; coarsest level first,
        then by prominence) and ``truncated`` (more places were inside than ``limit``).
    """
    west, south, east, north = bbox
    levels = levels_for_zoom(zoom)
    found: list[tuple[int, float, tuple]] = []
    if levels:
        index = _get_index()
        for lvl in levels:
            lons, rows = index[lvl]
            lo, hi = bisect.bisect_left(lons, west), bisect.bisect_right(lons, east)
            for r in rows[lo:hi]:
                if south <= r[1] <= north:
                    found.append((lvl, -r[2], r))
    found.sort(key=lambda f: (f[0], f[1], f[2][3]))
    items = [{"adcode": r[3], "level": LEVEL_NAMES[lvl], "name_zh": r[4], "name_en": r[5], "lat": r[1], "lon": r[0]}
             for lvl, _, r in found[:limit]]
    return {"levels": [LEVEL_NAMES[lv] for lv in levels], "items": items, "truncated": len(found) > limit}
