"""``/api/v1/industries``: the product families, their groups, and a side-by-side view of their clusters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from clusteratlas.web import _schemas as S
from clusteratlas.web._errors import ERROR_RESPONSES
from clusteratlas.web._http import data_response
from clusteratlas.web._params import get_atlas
from clusteratlas.filters import compare_industry

router = APIRouter(prefix="/industries", tags=["industries"], responses=ERROR_RESPONSES)

IndustryId = Annotated[str, Path(max_length=80, description="Industry id, e.g. `wigs`.")]


def industry_row(atlas, ind) -> dict[str, Any]:
    """The listing shape of one industry (the CLI's ``list industries`` row plus names of its group)."""
    group = atlas.groups.get(ind.parent) if ind.parent else None
    return {
        "industry": ind.id, "name": ind.name_en, "name_zh": ind.name_zh, "parent": ind.parent,
        "parent_name": group.name_en if group else None, "parent_name_zh": group.name_zh if group else None,
        "clusters": len(atlas.clusters_of(ind.id)), "hs": [h.code for h in ind.hs_codes],
        "description": ind.description, "description_zh": getattr(ind, "description_zh", None),
    }


@router.get("", summary="List industries and industry groups", response_model=S.IndustryList)
async def list_industries(
    request: Request,
    group: Annotated[str | None, Query(max_length=80, description="Only industries of this group "
                                                                   "(`Industry.parent`).")] = None,
    atlas=Depends(get_atlas),
):
    """Every industry (``items``) and every industry group (``groups``), in atlas order."""
    inds = list(atlas.industries.values())
    if group is not None:
        from clusteratlas.filters import industry_ids

        ids = industry_ids(atlas, None, group) or set()
        inds = [i for i in inds if i.id in ids]
    parents = dict.fromkeys(i.parent for i in atlas.industries.values() if i.parent)
    groups = []
    for gid in [*atlas.groups, *(p for p in parents if p not in atlas.groups)]:
        g = atlas.groups.get(gid)
        groups.append({"group": gid, "name": g.name_en if g else gid, "name_zh": g.name_zh if g else None,
                       "industries": [i.id for i in atlas.industries_in_group(gid)]})
    items = [industry_row(atlas, i) for i in inds]
    return data_response(request, {"items": items, "total": len(items), "groups": groups})


@router.get("/{industry_id}", summary="One industry with its clusters", response_model=S.IndustryDetail)
async def get_industry(request: Request, industry_id: IndustryId, atlas=Depends(get_atlas)):
    """The industry record (names, terms, HS 2022 headings, GB/T 4754-2017 codes) and its clusters."""
    ind = atlas.industry(industry_id)
    body = ind.model_dump(mode="json") | {
        "industry": ind.id,
        "clusters": [atlas.cluster_summary(c) for c in atlas.clusters_of(ind.id)],
    }
    return data_response(request, body)


@router.get("/{industry_id}/compare", summary="The clusters of one industry side by side",
            response_model=S.Comparison)
async def compare(request: Request, industry_id: IndustryId, atlas=Depends(get_atlas)):
    """Tiers, sourced figures by metric, titles, and great-circle distances in km between the clusters."""
    return data_response(request, compare_industry(atlas, industry_id))
