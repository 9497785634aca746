"""``/api/v1/clusters``: filtered, paginated listing and one cluster in full."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request

from clusteratlas.web import _schemas as S
from clusteratlas.web._errors import ERROR_RESPONSES, error_response
from clusteratlas.web._http import cached, data_response, json_bytes
from clusteratlas.web._params import DEFAULT_PAGE, MAX_QUERY_CHARS, Limit, Offset, get_atlas
from clusteratlas.filters import select_clusters

router = APIRouter(prefix="/clusters", tags=["clusters"], responses=ERROR_RESPONSES)


def summaries(app, atlas) -> dict:
    """Every cluster's summary, computed once per app (the atlas is read-only): ``{"ids": [...] in atlas order,
    "by_id": {id: summary}}``. Thread-safe: concurrent first calls compute the same value."""
    cached = getattr(app.state, "cluster_summaries", None)
    if cached is None:
        ids = [c.id for c in atlas.clusters.values()]
        by_id = {c.id: atlas.cluster_summary(c) for c in atlas.clusters.values()}
        cached = {"ids": ids, "by_id": by_id, "json": {cid: json_bytes(row) for cid, row in by_id.items()}}
        app.state.cluster_summaries = cached
    return cached


@router.get("", summary="List clusters (filters, pagination)", response_model=S.ClusterPage)
async def list_clusters(
    request: Request,
    industry: Annotated[str | None, Query(max_length=400, description="Industry id(s), comma-separated.")] = None,
    group: Annotated[str | None, Query(max_length=80, description="Industry group id (`Industry.parent`).")] = None,
    province: Annotated[str | None, Query(max_length=40, description="Province: `41`, `410000`, `Henan` "
                                                                     "or `河南省`.")] = None,
    adcode: Annotated[str | None, Query(max_length=9, description="MCA code prefix: `4406` = Foshan.")] = None,
    bbox: Annotated[str | None, Query(max_length=100, description="`west,south,east,north`, WGS-84 "
                                                                  "degrees.")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=MAX_QUERY_CHARS,
                                   description="Text query (the same search as `/search`); orders by "
                                               "score.")] = None,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
    atlas=Depends(get_atlas),
):
    """Cluster summaries passing every filter given (AND), in atlas order, or best first with ``q``. Each
    carries ``evidence: {level, weak, note, …}`` (what the cluster rests on).

    The page is ``items[offset:offset+limit]``; ``next`` and ``prev`` are the addresses of the
    neighbouring pages (null at the ends), ``total`` the number of matching clusters.
    """
    every = summaries(request.app, atlas)
    if all(v is None for v in (industry, group, province, adcode, bbox, q)):
        ids = every["ids"]  # no filter: the precomputed list, in atlas order
        scores: dict[str, float] = {}
    else:
        sel = select_clusters(atlas, industry=industry, group=group, province=province, adcode=adcode,
                              bbox=bbox, q=q)
        ids, scores = [c.id for c in sel.clusters], sel.scores
    frags = every["json"]
    page = ids[offset:offset + limit]
    if q is None:
        items = b",".join(frags[cid] for cid in page)
    else:  # the summary's JSON object with the score added before its closing brace
        items = b",".join(frags[cid][:-1] + b',"score":' + json_bytes(scores.get(cid)) + b"}" for cid in page)
    total = len(ids)
    params = {k: v for k, v in request.query_params.items() if k not in ("limit", "offset")}

    def link(off: int) -> str:
        return f"{request.url.path}?{urlencode(params | {'limit': limit, 'offset': off})}"

    rest = json_bytes({
        "total": total, "limit": limit, "offset": offset,
        "next": link(offset + limit) if offset + limit < total else None,
        "prev": link(max(0, offset - limit)) if offset > 0 else None,
    })
    # the page's JSON assembled from each summary's JSON, encoded once per app
    return cached(request, b'{"items":[' + items + b"]," + rest[1:], "application/json")


@router.get("/{cluster_id}", summary="One cluster in full", response_model=S.ClusterDetail)
async def get_cluster(
    request: Request,
    cluster_id: Annotated[str, Path(max_length=120, description="Cluster id, e.g. `xuchang-wigs`.")],
    atlas=Depends(get_atlas),
):
    """Place, claims with their sources expanded, conflicting figures grouped (``conflicts``: metric →
    indexes into ``claims``), titles, markets, corrections of the seed, and the sources themselves;
    ``data_file`` is the file of the data folder the cluster is read from (for corrections).

    ``evidence`` says what the cluster rests on (``weak`` when on the seed or a single blog alone, or only on
    unverified items); each claim carries ``age_years`` and ``stale`` (older than ten years); ``tier`` is the
    quality/price tier with its statement and source; a source read on a copy keeps the original as ``url``
    and the copy as ``read_at``."""
    cluster = atlas.cluster(cluster_id)
    body = atlas.cluster_detail(cluster)
    body["data_file"] = _data_file(atlas, cluster.id)
    return data_response(request, body)


def _data_file(atlas, cluster_id: str) -> str | None:
    """The cluster's file relative to the data folder (``industries/wigs.yaml``), or null when unknown."""
    try:
        return atlas.file_of(cluster_id).resolve().relative_to(atlas.data_dir.resolve()).as_posix()
    except ValueError:
        return None


@router.get("/{cluster_id}/leads", summary="Supplier leads: outside search links for a cluster's product",
            response_model=S.Leads)
async def leads(
    request: Request,
    cluster_id: Annotated[str, Path(max_length=120, description="Cluster id, e.g. `xuchang-wigs`.")],
    product: Annotated[str | None, Query(min_length=1, max_length=MAX_QUERY_CHARS,
                                         description="The buyer's words for the product (default: the "
                                                     "industry's).")] = None,
    atlas=Depends(get_atlas),
):
    """Addresses of supplier searches for the product at the cluster's place on 1688, Made-in-China,
    Alibaba and Open Supply Hub. They are built from the query: the server fetches nothing from those sites
    and vouches for nothing they show (``outside: true`` on each, and ``notice``). Answers 503
    ``unavailable`` when this installation has no leads module."""
    cluster = atlas.cluster(cluster_id)
    try:
        from clusteratlas import leads as leads_mod
    except ImportError:
        return error_response(503, "unavailable", "supplier leads are not available in this installation")
    items = [lead.to_dict() for lead in leads_mod.leads_for_cluster(atlas, cluster, product)]
    return data_response(request, {"cluster_id": cluster.id, "product": product, "items": items,
                                   "notice": leads_mod.LEADS_NOTICE})
