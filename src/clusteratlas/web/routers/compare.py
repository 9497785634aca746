"""``/api/v1/compare``: any set of clusters side by side (the map's compare set), across industries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from clusteratlas.errors import BadQueryError
from clusteratlas.web import _schemas as S
from clusteratlas.web._errors import ERROR_RESPONSES
from clusteratlas.web._http import data_response
from clusteratlas.web._params import get_atlas

router = APIRouter(tags=["industries"], responses=ERROR_RESPONSES)

#: Most clusters one comparison takes.
MAX_COMPARE = 12


@router.get("/compare", summary="Chosen clusters side by side", response_model=S.Comparison)
async def compare_set(
    request: Request,
    ids: Annotated[str, Query(min_length=1, max_length=1500,
                              description=f"Cluster ids, comma-separated, 1–{MAX_COMPARE}.")],
    atlas=Depends(get_atlas),
):
    """The shape of ``/industries/{id}/compare`` for the clusters named (in the order given, duplicates
    dropped): each cluster's row as in its industry's comparison, the union of their metrics, and
    great-circle distances in km between them. ``industry`` is the shared industry, or null."""
    from clusteratlas.filters import compare_industry
    from clusteratlas.geo import great_circle_km

    wanted = list(dict.fromkeys(i.strip() for i in ids.split(",") if i.strip()))
    if not wanted:
        raise BadQueryError("ids: name at least one cluster id")
    if len(wanted) > MAX_COMPARE:
        raise BadQueryError(f"ids: at most {MAX_COMPARE} clusters can be compared, not {len(wanted)}")
    clusters = [atlas.cluster(i) for i in wanted]
    by_industry: dict[str, dict[str, Any]] = {}
    rows, metrics = [], []
    for c in clusters:
        if c.industry not in by_industry:
            by_industry[c.industry] = compare_industry(atlas, c.industry)
        cmp = by_industry[c.industry]
        row = cmp["clusters"][cmp["ids"].index(c.id)]
        rows.append(row | {"industry_name": cmp["name"], "industry_name_zh": cmp["name_zh"]})
        metrics.extend(m for m in row["figures"] if m not in metrics)
    dist = [[round(great_circle_km(a.place.lon, a.place.lat, b.place.lon, b.place.lat), 1) if a is not b else 0.0
             for b in clusters] for a in clusters]
    one = next(iter(by_industry.values())) if len(by_industry) == 1 else None
    return data_response(request, {
        "industry": one["industry"] if one else None,
        "name": one["name"] if one else "Chosen clusters",
        "name_zh": one["name_zh"] if one else "所选产业带",
        "metrics": metrics, "clusters": rows, "ids": [c.id for c in clusters], "distances_km": dist,
        "distance_method": next(iter(by_industry.values()))["distance_method"],
    })
