"""The FastAPI app factory: ``/api/v1`` (JSON), ``/`` (the map page) and ``/static`` (its files).

The app is read-only and holds no logic of its own: routers parse parameters, call the library
(:mod:`clusteratlas.atlas`, :mod:`clusteratlas.search`, :mod:`clusteratlas.gazetteer`,
:mod:`clusteratlas.export`) and format the answer. Nothing is fetched from outside the server: the map's
libraries and base map are files in ``static/``; the optional online tile layer is off by default.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel
from fastapi.staticfiles import StaticFiles

from clusteratlas import __version__
from clusteratlas._paths import STATIC_DIR
from clusteratlas.web._errors import CODES, ErrorEnvelope, error_response, install_error_handlers
from clusteratlas.web._http import PAGE_CSP, GuardMiddleware, data_response
from clusteratlas.web._params import MAX_PAGE, MAX_QUERY_CHARS
from clusteratlas.web._respcache import ResponseCache


class ReadyBody(BaseModel):
    """The answer of ``/api/v1/ready``."""

    ready: bool
    indexes: list[str]

API_PREFIX = "/api/v1"
#: Environment variable read by :func:`app_from_env` (used by ``serve --workers N``).
DATA_DIR_ENV = "CLUSTERATLAS_DATA_DIR"

DESCRIPTION = f"""Read-only JSON API of clusteratlas, the open atlas of China's industrial clusters.

Coordinates are WGS-84 degrees; bbox is `west,south,east,north`. Data responses carry `ETag` and
`Cache-Control` (send `If-None-Match` to get `304`). Text queries are at most {MAX_QUERY_CHARS} characters,
pages at most {MAX_PAGE} items, addresses at most 4096 bytes.

Input rules, the same on every endpoint: a parameter or path holding a control character (U+0000–U+001F
except tab, line feed and carriage return, and U+007F) answers `400 bad_query`; a `bbox` is four finite
numbers `west,south,east,north` with -180 ≤ west < east ≤ 180 and -90 ≤ south < north ≤ 90 (else
`400 bad_query`); an address with a trailing slash answers `308` to the same address without it (the
`Location` is a path: it never names a host).

Responses: data responses are serialised once per data version and kept; bodies of 1 KB or more are sent
gzip-compressed to clients that accept it. `GET /api/v1/ready` answers `200` once every index is loaded
(`503 unavailable` before).

Every error has one shape, `{{"error": {{"status", "code", "message", "details"}}}}`, whatever the status
(a request the server cannot parse, such as a request line or headers over 64 KB, answers `400 bad_request`
in the same shape), with these codes:

""" + "\n".join(f"* `{k}`: {v}" for k, v in CODES.items())


def create_app(atlas=None, *, data_dir: str | Path | None = None) -> FastAPI:
    """Build the web app over ``atlas`` (default: the atlas in ``data_dir``, else the shipped data).

    The atlas is loaded here, once, so that bad data stops the server at start with one message.

    Raises
    ------
    DataValidationError
        When the data folder does not validate.
    """
    if atlas is None:
        from clusteratlas.atlas import load_atlas

        atlas = load_atlas(data_dir)
    app = FastAPI(
        title="clusteratlas API", version=__version__, description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json", docs_url=None, redoc_url=None,  # their UIs load from CDNs
        redirect_slashes=False,  # GuardMiddleware redirects, without echoing the Host header
    )
    app.state.atlas = atlas
    app.state.ready = False
    app.state.export_cache = {}
    install_error_handlers(app)

    from clusteratlas.web.routers import clusters, compare, export, industries, markets, meta, places, search

    for mod in (industries, compare, clusters, markets, search, places, export, meta):
        app.include_router(mod.router, prefix=API_PREFIX)
    app.include_router(importlib.import_module("clusteratlas.web.routers.plan").router, prefix=API_PREFIX)
    app.include_router(importlib.import_module("clusteratlas.web.routers.registers").router, prefix=API_PREFIX)

    @app.get(f"{API_PREFIX}/ready", tags=["meta"], summary="Readiness: every index loaded",
             response_model=ReadyBody, responses={503: {"model": ErrorEnvelope, "description": "Still loading"}})
    async def ready(request: Request):
        """``{"ready": true, "indexes": [...]}`` once the search index, the gazetteer's tables and polygons,
        the cluster summaries and the whole-atlas exports are loaded (they are loaded before the server
        accepts connections, and before worker processes fork); ``503 unavailable`` before. Never cached."""
        if not request.app.state.ready:
            return error_response(503, "unavailable", "the server is still loading its indexes")
        return JSONResponse({"ready": True, "indexes": list(WARMED)}, headers={"Cache-Control": "no-store"})

    @app.get(API_PREFIX, tags=["meta"], summary="What this API serves")
    async def index(request: Request):
        """Counts of the loaded atlas and the API's addresses."""
        return data_response(request, {
            "name": "clusteratlas", "version": __version__,
            "counts": {"industries": len(atlas.industries), "clusters": len(atlas.clusters),
                       "sources": len(atlas.sources), "groups": len(atlas.groups), "markets": len(atlas.markets)},
            "endpoints": sorted(app.openapi()["paths"]),
            "openapi": f"{API_PREFIX}/openapi.json",
        })

    @app.get("/", include_in_schema=False)
    async def map_page():
        # The map page may be embedded in other sites (the embed snippet); the API and static files may not.
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache", "Content-Security-Policy": PAGE_CSP})

    _document_400_not_422(app)
    # StaticFiles resolves every path inside STATIC_DIR and refuses anything outside it (../, symlinks).
    app.mount("/static", StaticFiles(directory=STATIC_DIR, follow_symlink=False), name="static")
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # static files; data responses: ResponseCache
    app.add_middleware(ResponseCache, prefix=f"{API_PREFIX}/")
    app.add_middleware(GuardMiddleware)
    warm_app(app)
    return app


#: What :func:`warm_app` loads, as ``/api/v1/ready`` lists it.
WARMED = ("search", "gazetteer", "gazetteer_polygons", "cluster_summaries", "exports", "about", "labels", "openapi")


def warm_app(app: FastAPI) -> None:
    """Build or load every index now (before the server listens, and before workers fork), so that the first
    request of each kind is as fast as any other; then mark the app ready."""
    from clusteratlas import gazetteer, search
    from clusteratlas.web.routers.clusters import summaries
    from clusteratlas.web.routers.export import warm as warm_exports

    atlas = app.state.atlas
    search.warm(atlas)
    gazetteer.warm(polygons=True)
    summaries(app, atlas)
    warm_exports(app, atlas)
    from clusteratlas.web._labels import labels_in
    from clusteratlas.web.routers.meta import about_payload

    about_payload(app, atlas)  # hashes the data files once
    labels_in((73.0, 18.0, 135.0, 54.0), 10.0)  # the base map's label tables
    app.openapi()
    app.state.ready = True


def _document_400_not_422(app: FastAPI) -> None:
    """Parameter errors answer 400 with the envelope (see :mod:`clusteratlas.web._errors`), not FastAPI's
    422 shape: say so in the OpenAPI document."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            spec = build()
            for ops in spec.get("paths", {}).values():
                for op in ops.values():
                    op.get("responses", {}).pop("422", None)
            for name in ("HTTPValidationError", "ValidationError"):
                spec.get("components", {}).get("schemas", {}).pop(name, None)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory`` (multi-worker serving): data folder from ``$CLUSTERATLAS_DATA_DIR``."""
    return create_app(data_dir=os.environ.get(DATA_DIR_ENV) or None)
