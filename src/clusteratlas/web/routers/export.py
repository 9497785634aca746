"""``/api/v1/export.geojson`` and ``/api/v1/export.csv``: the atlas, or a selection of it, with provenance.

Without parameters both answer the whole atlas (built once per app). The filters of ``/clusters``
(``industry``, ``group``, ``province``, ``adcode``, ``bbox``, ``q``) and ``ids`` (cluster ids) narrow the
export to a selection, such as what the map shows.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from clusteratlas.errors import BadQueryError
from clusteratlas.web._errors import ERROR_RESPONSES
from clusteratlas.web._http import cached, json_bytes
from clusteratlas.web._params import MAX_QUERY_CHARS, get_atlas

router = APIRouter(tags=["export"], responses=ERROR_RESPONSES)

#: Most ids one ``ids`` parameter takes.
MAX_IDS = 500


def _rows(request: Request, atlas) -> list[dict[str, Any]]:
    cache = request.app.state.export_cache
    if "rows" not in cache:
        from clusteratlas.export import export_rows

        cache["rows"] = export_rows(atlas)
    return cache["rows"]


def _bodies(rows: list[dict[str, Any]]) -> dict[str, bytes]:
    from clusteratlas.shapes import to_geojson
    from clusteratlas.tables import write_rows

    buf = io.StringIO()
    write_rows(rows, buf, "csv")
    return {"geojson": json_bytes(to_geojson(rows)), "csv": buf.getvalue().encode("utf-8")}


class Selection:
    """The export parameters (the filters of ``/clusters`` plus ``ids``)."""

    def __init__(self, filters: dict[str, str | None], ids: str | None) -> None:
        self.filters = filters
        self.ids = ids

    def empty(self) -> bool:
        return self.ids is None and all(v is None for v in self.filters.values())


async def selection(
    industry: Annotated[str | None, Query(max_length=400, description="Industry id(s), comma-separated.")]
    = None,
    group: Annotated[str | None, Query(max_length=80, description="Industry group id.")] = None,
    province: Annotated[str | None, Query(max_length=40, description="Province: `41`, `Henan`, `河南省`.")]
    = None,
    adcode: Annotated[str | None, Query(max_length=9, description="MCA code prefix.")] = None,
    bbox: Annotated[str | None, Query(max_length=100, description="`west,south,east,north`, WGS-84.")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="Text query.")]
    = None,
    ids: Annotated[str | None, Query(max_length=3500, description=f"Cluster ids, comma-separated (at most "
                                                                      f"{MAX_IDS}), in the order wanted.")]
    = None,
) -> Selection:
    """The export parameters as a FastAPI dependency (a coroutine: no thread hop per request)."""
    return Selection({"industry": industry, "group": group, "province": province, "adcode": adcode,
                      "bbox": bbox, "q": q}, ids)


def _export(request: Request, atlas, sel: Selection) -> dict[str, bytes]:
    cache = request.app.state.export_cache
    if sel.empty():
        if "all" not in cache:
            cache["all"] = _bodies(_rows(request, atlas))
        return cache["all"]
    from clusteratlas.filters import select_clusters

    rows = {r["cluster_id"]: r for r in _rows(request, atlas)}
    chosen = [c.id for c in select_clusters(atlas, **sel.filters).clusters]
    if sel.ids is not None:
        wanted = list(dict.fromkeys(i.strip() for i in sel.ids.split(",") if i.strip()))
        if len(wanted) > MAX_IDS:
            raise BadQueryError(f"ids: at most {MAX_IDS} cluster ids, not {len(wanted)}")
        for cid in wanted:
            atlas.cluster(cid)  # unknown ids answer 404 with suggestions
        keep = set(chosen)
        chosen = [cid for cid in wanted if cid in keep]
    return _bodies([rows[cid] for cid in chosen])


def warm(app, atlas) -> None:
    """Build the whole-atlas exports now (at start-up, before workers fork)."""
    cache = app.state.export_cache
    if "all" not in cache:
        from clusteratlas.export import export_rows

        cache.setdefault("rows", export_rows(atlas))
        cache["all"] = _bodies(cache["rows"])


#: The bodies the export endpoints send, for the OpenAPI document (they are not JSON objects).
_GEOJSON_DOC = {200: {"description": "A GeoJSON FeatureCollection (RFC 7946), as an attachment.",
                      "content": {"application/geo+json": {"schema": {
                          "type": "object", "required": ["type", "features"],
                          "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                                         "features": {"type": "array", "items": {"type": "object"}}}}}}}}
_CSV_DOC = {200: {"description": "UTF-8 CSV with a header line, as an attachment; text cells that a "
                                 "spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage "
                                 "return) are prefixed with an apostrophe.",
                  "content": {"text/csv": {"schema": {"type": "string"}}}}}


def _filename(sel: Selection) -> str:
    return "clusteratlas-clusters" if sel.empty() else "clusteratlas-selection"


@router.get("/export.geojson", summary="Clusters as GeoJSON (all, or a selection)", response_class=Response,
            responses=_GEOJSON_DOC)
async def export_geojson(request: Request, sel: Selection = Depends(selection), atlas=Depends(get_atlas)):
    """A FeatureCollection (RFC 7946): Point ``[lon, lat]`` (WGS-84), properties as ``clusteratlas export``
    (``cluster_id``, ``industry``, ``adcode``, ``name``, ``name_zh``, tiers, ``source_ids``, ``source_urls`` …).
    Parameters narrow it to a selection (see the module notes)."""
    name = _filename(sel)
    return cached(request, _export(request, atlas, sel)["geojson"], "application/geo+json",
                  {"Content-Disposition": f'attachment; filename="{name}.geojson"'})


@router.get("/export.csv", summary="Clusters as CSV (all, or a selection)", response_class=Response,
            responses=_CSV_DOC)
async def export_csv(request: Request, sel: Selection = Depends(selection), atlas=Depends(get_atlas)):
    """One row per cluster, UTF-8, the columns of ``clusteratlas export --format csv``; text cells that would
    start a spreadsheet formula are prefixed with an apostrophe. Parameters narrow it to a selection."""
    name = _filename(sel)
    return cached(request, _export(request, atlas, sel)["csv"], "text/csv; charset=utf-8",
                  {"Content-Disposition": f'attachment; filename="{name}.csv"'})
