"""clusteratlas: the open atlas of China's industrial clusters (产业带 / 产业集群).

Public Python API (imports are lazy so that ``import clusteratlas`` stays fast):

* :func:`load_atlas` -> :class:`clusteratlas.atlas.Atlas`
* :func:`find` -> list of :class:`clusteratlas.search.SearchResult`
* :func:`resolve_place` -> list of :class:`clusteratlas.gazetteer.PlaceCandidate`
* :func:`match_products` -> bulk matching of product lists
* :func:`plan_trip` -> :class:`clusteratlas.trip.TripPlan`, a sourcing trip (see docs/trip.md)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["load_atlas", "find", "resolve_place", "match_products", "plan_trip", "__version__"]

_LAZY = {
    "load_atlas": ("clusteratlas.atlas", "load_atlas"),
    "find": ("clusteratlas.search", "find"),
    "resolve_place": ("clusteratlas.gazetteer", "resolve_place"),
    "match_products": ("clusteratlas.match", "match_products"),
    "plan_trip": ("clusteratlas.trip", "plan_trip"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'clusteratlas' has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover
    from clusteratlas.atlas import load_atlas
    from clusteratlas.gazetteer import resolve_place
    from clusteratlas.match import match_products
    from clusteratlas.search import find
    from clusteratlas.trip import plan_trip
