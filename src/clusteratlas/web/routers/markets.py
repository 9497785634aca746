"""``/api/v1/markets``: wholesale markets and trade fairs, with their points, opening hours and fair dates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from clusteratlas.errors import BadQueryError
from clusteratlas.web import _schemas as S
from clusteratlas.web._errors import ERROR_RESPONSES, MarketNotFound
from clusteratlas.web._http import data_response
from clusteratlas.web._markets import market_score, market_shape
from clusteratlas.web._params import MAX_PAGE, MAX_QUERY_CHARS, Offset, get_atlas

router = APIRouter(prefix="/markets", tags=["markets"], responses=ERROR_RESPONSES)

KINDS = ("wholesale market", "distribution centre", "trade fair", "materials market")


@router.get("", summary="List markets and fairs (filters, name search)", response_model=S.MarketList)
async def list_markets(
    request: Request,
    q: Annotated[str | None, Query(min_length=1, max_length=MAX_QUERY_CHARS,
                                   description="Name, in English or Chinese (`Huaqiangbei`, `义乌国际商贸城`); "
                                               "orders by match.")] = None,
    cluster: Annotated[str | None, Query(max_length=120, description="Only markets serving this cluster.")] = None,
    kind: Annotated[str | None, Query(max_length=40, description="One of: " + ", ".join(KINDS) + ".",
                                      json_schema_extra={"enum": list(KINDS)})] = None,
    bbox: Annotated[str | None, Query(max_length=100, description="`west,south,east,north`, WGS-84 degrees "
                                                                  "(markets without a point are left out).")]
    = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size, 1–{MAX_PAGE}.")] = MAX_PAGE,
    offset: Offset = 0,
    atlas=Depends(get_atlas),
):
    """Markets and fairs passing every filter given (AND), in atlas order, or best match first with ``q``
    (``score`` 0–1 on each item). Each has ``market_id``, names, ``kind``, ``clusters`` it serves (with
    ``cluster_names``), address, ``adcode``, ``lat``/``lon`` (WGS-84) and ``coord_source``, ``sells``,
    ``opening_hours``, ``fair_dates`` and ``recurrence``, ``source`` with ``source_detail``, ``confidence``."""
    if kind is not None and kind not in KINDS:
        raise BadQueryError(f"kind must be one of {', '.join(KINDS)}, not {kind[:40]!r}")
    if cluster is not None:
        atlas.cluster(cluster)
    box = None
    if bbox is not None:
        from clusteratlas.geo import parse_bbox

        box = parse_bbox(bbox)
    rows = []
    for m in atlas.markets.values():
        if cluster is not None and cluster not in m.clusters:
            continue
        if kind is not None and m.kind != kind:
            continue
        if box is not None and (m.lat is None or not (box[0] <= m.lon <= box[2] and box[1] <= m.lat <= box[3])):
            continue
        score = market_score(m, q) if q is not None else None
        if score == 0.0:
            continue
        rows.append((m, score))
    if q is not None:
        rows.sort(key=lambda r: -r[1])  # stable: atlas order among equals
    items = []
    for m, score in rows[offset:offset + limit]:
        item = market_shape(atlas, m)
        if score is not None:
            item["score"] = score
        items.append(item)
    return data_response(request, {"items": items, "total": len(rows), "limit": limit, "offset": offset})


@router.get("/{market_id}", summary="One market or fair", response_model=S.MarketOut)
async def get_market(
    request: Request,
    market_id: Annotated[str, Path(max_length=120, description="Market id, e.g. `yiwu-international-trade-city`.")],
    atlas=Depends(get_atlas),
):
    """The market with its source and the clusters it serves."""
    m = atlas.markets.get(market_id)
    if m is None:
        raise MarketNotFound(f"no market with id {market_id[:120]!r}")
    return data_response(request, market_shape(atlas, m))
