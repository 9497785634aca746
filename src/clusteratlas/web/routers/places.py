"""``/api/v1/places``: place names to MCA administrative units, and points to units (the gazetteer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from clusteratlas.web import _schemas as S
from clusteratlas.web._errors import ERROR_RESPONSES, error_response
from clusteratlas.web._http import data_response
from clusteratlas.web._params import MAX_QUERY_CHARS, MAX_RESULTS, Text

router = APIRouter(prefix="/places", tags=["places"], responses=ERROR_RESPONSES)


def _gazetteer():
    try:
        from clusteratlas import gazetteer
    except ImportError:
        return None
    return gazetteer


def _as_dicts(found: Any) -> list[dict[str, Any]]:
    if found is None:
        return []
    if not isinstance(found, (list, tuple)):
        found = [found]
    return [f.to_dict() if hasattr(f, "to_dict") else dict(f) for f in found]


def _unavailable():
    return error_response(503, "unavailable", "the gazetteer is not available in this installation")


@router.get("", summary="Resolve a place name", response_model=S.PlaceResults)
async def places(
    request: Request,
    q: Text,
    limit: Annotated[int, Query(ge=1, le=MAX_RESULTS, description=f"At most this many, 1–{MAX_RESULTS}.")] = 10,
):
    """Candidates for a place name in Chinese, English or pinyin (former names and common misspellings
    included), best first; each with ``adcode``, ``name``, ``name_zh``, ``level``, ``lat``, ``lon``
    (WGS-84), ``path``. ``[]`` when nothing matches."""
    from clusteratlas._text import clean_query

    q = clean_query(q, max_length=MAX_QUERY_CHARS)  # the rules of /search: no control characters, not blank
    gaz = _gazetteer()
    if gaz is None:
        return _unavailable()
    return data_response(request, {"query": q, "items": _as_dicts(gaz.resolve_place(q, limit=limit))})


@router.get("/labels", summary="Place names for the base map, by bounding box and zoom",
            response_model=S.LabelResults)
async def labels(
    request: Request,
    bbox: Annotated[str, Query(max_length=100, description="`west,south,east,north`, WGS-84 degrees.")],
    zoom: Annotated[float, Query(ge=0, le=22, allow_inf_nan=False, description="Map zoom level (Leaflet).")],
):
    """Prefecture names from zoom 6, county names from zoom 7.5, and towns with a point of their own from zoom 9.5,
    inside ``bbox``: ``adcode``, ``level``, ``name_zh``, ``name_en``, ``lat``, ``lon`` (WGS-84), coarsest level
    and most prominent first, at most 600 (``truncated`` says when more were inside). The gazetteer's own
    points and names; nothing comes from outside."""
    from clusteratlas.geo import parse_bbox

    box = parse_bbox(bbox)
    if _gazetteer() is None:
        return _unavailable()
    from clusteratlas.web._labels import labels_in

    return data_response(request, {"bbox": list(box), "zoom": zoom} | labels_in(box, zoom))


@router.get("/reverse", summary="The administrative units at a point", response_model=S.ReverseResults)
async def reverse(
    request: Request,
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False, description="Latitude, WGS-84 degrees.")],
    lon: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False, description="Longitude, WGS-84 degrees.")],
):
    """The units containing the point (WGS-84), finest first; ``[]`` outside China."""
    gaz = _gazetteer()
    if gaz is None:
        return _unavailable()
    return data_response(request, {"lat": lat, "lon": lon, "items": _as_dicts(gaz.reverse_geocode(lat=lat, lon=lon))})
