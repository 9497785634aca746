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


def cluster_summary(cluster: Any, evidence: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The short shape of one cluster used by listings and search pages.

    ``evidence`` (from :func:`clusteratlas.evidence.cluster_evidence`) is added as ``evidence: {level, weak,
    note, …}`` when given, so that a listing can flag a cluster resting on the seed or a single blog alone.
    """
    out = {
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
    if evidence is not None:
        out["evidence"] = dict(evidence)
    return out


def tier_shape(cluster: Any) -> dict[str, Any] | None:
    """A cluster's quality/price tier with what its source says: ``{quality, price, statement, source,
    confidence}`` (``source`` is a source id); None when the cluster has no tier."""
    if not (cluster.quality_tier or cluster.price_tier):
        return None
    return {"quality": cluster.quality_tier, "price": cluster.price_tier, "statement": cluster.tier_statement,
            "source": cluster.tier_source, "confidence": cluster.tier_confidence}


def market_brief(market: Any) -> dict[str, Any]:
    """The short shape of a market or fair: ``{id, name, name_zh, kind, address, address_zh, adcode, lat, lon,
    sells, when, source, confidence}``. ``lat``/``lon`` are WGS-84 degrees (None when unplaced); ``when`` is
    the opening hours of a market, or the dated editions (``start–end``) and rhythm of a fair, or None."""
    return {
        "id": market.id, "name": market.name_en, "name_zh": market.name_zh, "kind": market.kind,
        "address": market.address_en, "address_zh": market.address_zh, "adcode": market.adcode,
        "lat": market.lat, "lon": market.lon, "sells": list(market.sells), "when": market_when(market),
        "source": market.source, "confidence": market.confidence,
    }


def cluster_extras(cluster: Any, sources: Mapping[str, Any]) -> dict[str, Any]:
    """What a buyer needs beside a search result: ``evidence`` (what the cluster rests on), ``tier`` (with its
    statement and ``source_ref``) and ``markets`` (:func:`market_brief`, each with its ``source_ref``).

    ``source_ref`` is :func:`clusteratlas.evidence.source_reference`: the original publisher's address (or an
    official document's number) and, apart, the copy the text was read on (``read_at``).
    """
    from clusteratlas.evidence import cluster_evidence, source_reference

    def ref(sid: str | None) -> dict[str, Any] | None:
        return source_reference(sources[sid]) if sid in sources else None

    tier = tier_shape(cluster)
    if tier is not None:
        tier["source_ref"] = ref(tier["source"])
    return {"evidence": cluster_evidence(cluster, sources), "tier": tier,
            "markets": [market_brief(m) | {"source_ref": ref(m.source)} for m in cluster.markets]}


def market_when(market: Any) -> str | None:
    """Opening hours, fair dates (``2025-04-15–2025-04-19``, latest first) and rhythm, joined; None when the
    sources give none."""
    parts = [market.opening_hours] if market.opening_hours else []
    dates = sorted(market.fair_dates, key=lambda d: d.start, reverse=True)
    parts += [f"{d.start}–{d.end}" + (f" ({d.edition})" if d.edition else "") for d in dates]
    if market.recurrence:
        parts.append(market.recurrence)
    return "; ".join(parts) or None


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
