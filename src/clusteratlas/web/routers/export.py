"""``/api/v1/export.geojson`` and ``/api/v1/export.csv``: the whole atlas with provenance."""

from __future__ import annotations

import io

from fastapi import APIRouter, Depends, Request

from clusteratlas.web._http import cached, json_bytes
from clusteratlas.web._params import get_atlas

router = APIRouter(tags=["export"])


def _export_bodies(request: Request, atlas) -> dict[str, bytes]:
    """Both exports, built once per app (the atlas is read-only)."""
    cache = request.app.state.export_cache
    if "geojson" not in cache:
        from clusteratlas.export import export_rows
        from clusteratlas.shapes import to_geojson
        from clusteratlas.tables import write_rows

        rows = export_rows(atlas)
        cache["geojson"] = json_bytes(to_geojson(rows))
        buf = io.StringIO()
        write_rows(rows, buf, "csv")
        cache["csv"] = buf.getvalue().encode("utf-8")
    return cache


@router.get("/export.geojson", summary="Every cluster as GeoJSON")
async def export_geojson(request: Request, atlas=Depends(get_atlas)):
    """A FeatureCollection (RFC 7946): Point ``[lon, lat]`` (WGS-84), properties as ``clusteratlas export``
    (``cluster_id``, ``industry``, ``adcode``, ``name``, ``name_zh``, tiers, ``source_ids``, ``source_urls`` …)."""
    return cached(request, _export_bodies(request, atlas)["geojson"], "application/geo+json",
                  {"Content-Disposition": 'inline; filename="clusteratlas-clusters.geojson"'})


@router.get("/export.csv", summary="Every cluster as CSV")
async def export_csv(request: Request, atlas=Depends(get_atlas)):
    """One row per cluster, UTF-8, the columns of ``clusteratlas export --format csv``."""
    return cached(request, _export_bodies(request, atlas)["csv"], "text/csv; charset=utf-8",
                  {"Content-Disposition": 'attachment; filename="clusteratlas-clusters.csv"'})
