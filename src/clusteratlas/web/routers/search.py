"""``/api/v1/search``: the same product-or-place search as ``clusteratlas find``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from clusteratlas.web import _schemas as S
from clusteratlas.web._errors import ERROR_RESPONSES
from clusteratlas.web._http import data_response
from clusteratlas.web._params import MAX_RESULTS, Text, get_atlas

router = APIRouter(tags=["search"], responses=ERROR_RESPONSES)


@router.get("/search", summary="Clusters for a product or place query", response_model=S.SearchResults)
async def search(
    request: Request,
    q: Text,
    limit: Annotated[int, Query(ge=1, le=MAX_RESULTS, description=f"At most this many, 1–{MAX_RESULTS}.")] = 10,
    industry: Annotated[str | None, Query(max_length=80, description="Only this industry id.")] = None,
    explain: Annotated[bool, Query(description="Add why each result ranked where it did.")] = False,
    atlas=Depends(get_atlas),
):
    """``items`` are the elements of ``clusteratlas find QUERY --format json``, best first; ``[]`` when
    nothing is relevant. English, Chinese (simplified or traditional), pinyin or an HS code."""
    from clusteratlas.search import find

    if industry is not None:
        atlas.industry(industry)
    results = find(q, limit=limit, atlas=atlas, industry=industry)
    items = [r.to_dict(explain=explain) for r in results]
    return data_response(request, {"query": q, "items": items, "total": len(items)})
