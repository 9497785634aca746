"""Concentration analytics over establishment data (install the ``analytics`` extra).

Input
    :func:`load_firms` -> :class:`Firms` (CSV, Parquet, pandas or polars; unplaced rows reported).
Regional measures (region x industry)
    :func:`location_quotients` (with the U.S. Cluster Mapping Project strong-cluster rule),
    :func:`concentration_indices` (Hoover, locational Gini, Herfindahl),
    :func:`ellison_glaeser` (Ellison-Glaeser and Maurel-Sédillot gamma),
    :func:`hotspots` (Getis-Ord Gi*, local Moran's I).
Distance-based measures (points)
    :func:`k_density` (Duranton-Overman, envelopes, localisation / dispersion indices),
    :func:`m_function` (Marcon-Puech), :func:`ripley_k` (border correction, planar window),
    :func:`zones` (DBSCAN / HDBSCAN).
Demo data
    :func:`make_demo_firms`, :func:`demo_firms`, :func:`run_demo`.

Every measure returns a frozen result object with ``estimate``, ``inference``, ``n``, ``method``,
``parameters``, ``to_frame()``, ``to_dict()`` and ``plot()``. Randomness only through ``seed=``.
Imports are lazy: ``import clusteratlas.analytics`` does not load numba.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Firms": "firms", "load_firms": "firms",
    "location_quotients": "regional", "concentration_indices": "regional", "LQResult": "regional",
    "IndicesResult": "regional",
    "ellison_glaeser": "eg", "EGResult": "eg",
    "hotspots": "lisa", "HotspotResult": "lisa",
    "zones": "clustering", "ZoneResult": "clustering",
    "k_density": "kdensity", "KDensityResult": "kdensity",
    "m_function": "mfunction", "MResult": "mfunction",
    "ripley_k": "ripley", "RipleyKResult": "ripley",
    "Anchor": "demo", "make_demo_firms": "demo", "demo_firms": "demo", "anchors_from_atlas": "demo",
    "run_demo": "demo", "atlas_points": "realpoints",
}

__all__ = [
    "Anchor",
    "EGResult",
    "Firms",
    "HotspotResult",
    "IndicesResult",
    "KDensityResult",
    "LQResult",
    "MResult",
    "RipleyKResult",
    "ZoneResult",
    "anchors_from_atlas",
    "atlas_points",
    "concentration_indices",
    "demo_firms",
    "ellison_glaeser",
    "hotspots",
    "k_density",
    "load_firms",
    "location_quotients",
    "m_function",
    "make_demo_firms",
    "ripley_k",
    "run_demo",
    "zones",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"clusteratlas.analytics.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'clusteratlas.analytics' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
