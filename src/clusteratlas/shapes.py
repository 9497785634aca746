"""The output shapes every front end prints: places, cluster summaries, flat rows and GeoJSON.

The CLI, the web API and the exports build their JSON from these functions, so a place or a cluster looks the
same wherever it is printed (see the contracts in ``docs/design.md``). Coordinates are WGS-84 degrees;
GeoJSON follows RFC 7946 (``[lon, lat]``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any


def place_shape(place: Any) -> dict[str, Any]:
    """The place shape of the contracts: ``adcode, name, name_zh, level, lat, lon, path`` (WGS-84 degrees),
    from a :class:`clusteratlas.model.Place`; ``path`` lists the ancestors, province first."""
    return {
        "adcode": place.adcode,
        "name": place.name_en,
        "name_zh": place.name_zh,
        "level": place.level,
        "lat": place.lat,
        "lon": place.lon,
        "path": [e.model_dump() for e in place.path],
    }


def cluster_summary(cluster: Any) -> dict[str, Any]:
    """The short shape of one cluster used by listings, search pages and exports."""
    return {
        "cluster_id": cluster.id,
        "industry": cluster.industry,
        "name": cluster.name_en,
        "name_zh": cluster.name_zh,
        "role": cluster.role,
        "cluster_type": cluster.cluster_type,
        "quality_tier": cluster.quality_tier,
        "price_tier": cluster.price_tier,
        "confidence": cluster.confidence,
        "adcode": cluster.place.adcode,
        "place": place_shape(cluster.place),
    }


def flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts to dotted keys; lists of scalars to ``"; "``-joined strings; lists of dicts to JSON text
    (so that nothing is lost in a CSV cell)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, prefix=name + "."))
        elif isinstance(value, (list, tuple)):
            if all(not isinstance(v, (Mapping, list, tuple)) for v in value):
                out[name] = "; ".join("" if v is None else str(v) for v in value)
            else:
                out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out


def point_of(row: Mapping[str, Any]) -> tuple[float, float] | None:
    """``(lon, lat)`` of a row with ``lat``/``lon``, ``place.lat``/``place.lon`` (flat) or a nested ``place``;
    None when the row has no point."""
    nested = row.get("place")
    for lat_key, lon_key, holder in (("lat", "lon", row), ("place.lat", "place.lon", row),
                                      ("lat", "lon", nested if isinstance(nested, Mapping) else None)):
        if holder and holder.get(lat_key) not in (None, "") and holder.get(lon_key) not in (None, ""):
            return float(holder[lon_key]), float(holder[lat_key])
    return None


def geojson_feature(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """A GeoJSON Point feature with the flattened row as properties; None for a row without a point."""
    point = point_of(row)
    if point is None:
        return None
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(point)},
            "properties": flatten(row)}


def to_geojson(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the rows that have a point (RFC 7946: ``[lon, lat]``, WGS-84)."""
    features = [f for f in (geojson_feature(r) for r in rows) if f is not None]
    return {"type": "FeatureCollection", "features": features}
