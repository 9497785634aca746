"""Exports of the whole atlas: GeoJSON, JSON, NDJSON and CSV rows with provenance.

Each row carries the cluster's identity, its place (MCA code, names, WGS-84 point and its precision), tiers,
and the ids and addresses of the sources behind it, so that provenance travels with the data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The formats :func:`write_export` writes.
EXPORT_FORMATS = ("geojson", "json", "ndjson", "csv")


def export_rows(atlas) -> list[dict[str, Any]]:
    """One flat-ish dict per cluster: ``cluster_id, industry, name, name_zh, adcode, level, lat, lon`` …

    ``lat``/``lon`` are WGS-84 degrees; ``source_ids`` lists every source the cluster's records cite.
    """
    rows = []
    for c in atlas.clusters.values():
        cited = list(dict.fromkeys([*c.sources, *(x.source for x in (*c.claims, *c.titles, *c.markets))]))
        rows.append({
            "cluster_id": c.id,
            "industry": c.industry,
            "industry_name": atlas.industries[c.industry].name_en,
            "name": c.name_en,
            "name_zh": c.name_zh,
            "adcode": c.place.adcode,
            "code_system": c.place.code_system,
            "code_vintage": c.place.code_vintage,
            "level": c.place.level,
            "place_name": c.place.name_en,
            "place_name_zh": c.place.name_zh,
            "path": " / ".join(e.name_en for e in c.place.path),
            "lat": c.place.lat,
            "lon": c.place.lon,
            "coord_precision": c.place.coord_precision,
            "coord_source": c.place.coord_source,
            "role": c.role,
            "cluster_type": c.cluster_type,
            "quality_tier": c.quality_tier,
            "price_tier": c.price_tier,
            "confidence": c.confidence,
            "claims": len(c.claims),
            "titles": [t.zh or t.en for t in c.titles],
            "source_ids": cited,
            "source_urls": [atlas.sources[s].url for s in cited if atlas.sources[s].url],
        })
    return rows


def write_export(atlas, fmt: str, out: str | Path) -> None:
    """Write the export to ``out`` atomically in ``fmt`` (geojson, json, ndjson, csv).

    Raises
    ------
    BadQueryError
        An unknown ``fmt``.
    InputFileError
        ``out`` is a folder, or its folder is missing or not writable (checked before any work).
    """
    from clusteratlas.tables import check_output_path, write_rows

    if fmt not in EXPORT_FORMATS:
        from clusteratlas.errors import BadQueryError

        raise BadQueryError(f"cannot export as {fmt!r}; formats: {', '.join(EXPORT_FORMATS)}")
    check_output_path(out)
    write_rows(export_rows(atlas), out, fmt)
