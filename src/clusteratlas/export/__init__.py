"""Exports of the whole atlas.

* One row per cluster (:func:`export_rows`, :func:`write_export`): GeoJSON, JSON, NDJSON and CSV. Each row
  carries the cluster's identity, its place (MCA code, names, WGS-84 point and its precision), tiers, and the
  ids and addresses of the sources behind it, so that provenance travels with the data. GeoJSON is the map
  layer.
* Every table of the model (:func:`write_open_data`): a Frictionless Data Package, a SQLite database for
  Datasette, or Parquet files, all from one table schema (:mod:`clusteratlas.export._tables`), all carrying
  the data release (version, build date, licence, citation: :mod:`clusteratlas.release`), all written
  atomically and reproducibly (same data, byte-identical files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The formats :func:`write_export` writes (one row per cluster).
EXPORT_FORMATS = ("geojson", "json", "ndjson", "csv")
#: The formats :func:`write_open_data` writes (every table): a folder, a file, a folder.
OPEN_DATA_FORMATS = ("datapackage", "sqlite", "parquet")


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


def open_data_tables(atlas) -> dict[str, list[tuple]]:
    """Every table of the model as rows (tuples aligned with the columns of
    :data:`clusteratlas.export._tables.TABLES`), sorted by primary key."""
    from clusteratlas.export._rows import table_rows

    return table_rows(atlas)


def check_open_data_target(fmt: str, out: str | Path) -> None:
    """Check, before any work, that ``out`` can take ``fmt`` (InputFileError with one line if not)."""
    from clusteratlas.export._formats import check_target

    check_target(fmt, out)


def write_open_data(atlas, fmt: str, out: str | Path) -> dict[str, int]:
    """Write every table of the model in ``fmt``, with the data release of the atlas's folder.

    Parameters
    ----------
    atlas : clusteratlas.atlas.Atlas
    fmt : {"datapackage", "sqlite", "parquet"}
        ``datapackage``: a folder with ``datapackage.json`` and ``data/<table>.csv``; ``sqlite``: one file;
        ``parquet``: a folder with ``<table>.parquet``.
    out : str or Path
        The folder or file; its parent folder must exist.

    Returns
    -------
    dict
        Rows written per table.

    Raises
    ------
    BadQueryError
        An unknown ``fmt``.
    InputFileError
        ``out`` cannot be written, or a foreign key does not resolve.
    """
    from clusteratlas.export import _formats
    from clusteratlas.release import load_release

    if fmt not in OPEN_DATA_FORMATS:
        from clusteratlas.errors import BadQueryError

        raise BadQueryError(f"cannot export tables as {fmt!r}; formats: {', '.join(OPEN_DATA_FORMATS)}")
    _formats.check_target(fmt, out)
    release = load_release(atlas.data_dir).as_dict()
    rows = open_data_tables(atlas)
    writer = {"datapackage": _formats.write_datapackage, "sqlite": _formats.write_sqlite,
              "parquet": _formats.write_parquet}[fmt]
    writer(rows, release, out)
    return {name: len(r) for name, r in rows.items()}
