"""``/api/v1/registers``: the official cluster lists and the lines of each entered in the atlas."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from clusteratlas.coverage import register_coverage, register_entries, register_row
from clusteratlas.web import _schemas as S
from clusteratlas.web._errors import ERROR_RESPONSES
from clusteratlas.web._http import data_response
from clusteratlas.web._params import get_atlas

router = APIRouter(prefix="/registers", tags=["registers"], responses=ERROR_RESPONSES)


@router.get("", summary="List the registers, lines listed vs entered", response_model=S.RegisterList)
async def list_registers(request: Request, atlas=Depends(get_atlas)):
    """Every register (MIIT featured SME clusters by batch, the national advanced manufacturing clusters,
    association and provincial lists) with its list source and how many of its lines the atlas holds
    (``listed`` vs ``entered``); national lists first."""
    items = register_coverage(atlas)
    return data_response(request, {"items": items, "total": len(items)})


@router.get("/{register_id}", summary="One register and its lines entered", response_model=S.RegisterDetail)
async def get_register(
    request: Request,
    register_id: Annotated[str, Path(max_length=120, description="Register id, e.g. `miit-featured-sme-2024`.")],
    atlas=Depends(get_atlas),
):
    """The register (as in the listing) and its lines entered so far, in list order: the list's wording,
    place, industry, the atlas cluster, confidence and the page the line was read on (``read_at``)."""
    items = register_entries(atlas, register_id)  # RegisterNotFound → 404 register_not_found
    return data_response(request, register_row(atlas, register_id) | {"items": items, "total": len(items)})
