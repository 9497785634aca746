"""A real point pattern: the atlas's own cluster points and wholesale markets, as an establishment table.

The atlas places each of its documented industrial clusters at a point (the town or county seat the
sources name, WGS-84) and each wholesale market or fair at its address. These points are real, openly
licensed (the atlas's own data) and small enough for exact measures with many simulations, so they show
what the measures say on something that is not synthetic. The question they can answer is relative: are
the clusters of one industry group closer to each other than the atlas's clusters in general (the
K-density with random location among all cluster points)? They cannot say how concentrated an industry's
firms are: a cluster point stands for many firms.
"""

from __future__ import annotations

from typing import Any

from clusteratlas.errors import BadQueryError

KINDS = ("clusters", "markets")


def atlas_points(kind: str = "clusters", atlas: Any = None):
    """The atlas's cluster points or wholesale-market points (pandas DataFrame).

    Parameters
    ----------
    kind : {"clusters", "markets"}
        ``clusters``: one row per cluster; ``markets``: one row per wholesale market or fair.
    atlas : Atlas, optional
        Default :func:`clusteratlas.load_atlas`.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``industry`` (clusters: the industry slug; markets: the first served cluster's industry,
        else ``"trade"``), ``group`` (the industry's group, e.g. ``textiles-apparel``), ``lat``, ``lon``
        (WGS-84 degrees), ``region`` (six-digit county adcode) and ``kind``.

    Raises
    ------
    BadQueryError
        Unknown ``kind``.
    """
    import pandas as pd

    if kind not in KINDS:
        raise BadQueryError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if atlas is None:
        from clusteratlas import load_atlas

        atlas = load_atlas()
    clusters = atlas.clusters
    clusters = list(clusters.values()) if isinstance(clusters, dict) else list(clusters)
    by_id = {c.id: c for c in clusters}

    def group(industry: str) -> str:
        try:
            return str(getattr(atlas.industry(industry), "parent", None) or "")
        except Exception:  # noqa: BLE001 - an unknown industry has no group
            return ""

    rows = []
    if kind == "clusters":
        for c in clusters:
            rows.append({"id": c.id, "industry": c.industry, "group": group(c.industry), "lat": float(c.place.lat),
                         "lon": float(c.place.lon), "region": str(c.place.adcode)[:6], "kind": "cluster"})
    else:
        markets = atlas.markets
        markets = list(markets.values()) if isinstance(markets, dict) else list(markets)
        for m in markets:
            if m.lat is None or m.lon is None:
                continue
            served = [by_id[c].industry for c in (m.clusters or []) if c in by_id]
            ind = served[0] if served else "trade"
            rows.append({"id": m.id, "industry": ind, "group": group(ind) if served else "trade",
                         "lat": float(m.lat), "lon": float(m.lon), "region": str(m.adcode or "")[:6] or None,
                         "kind": str(m.kind)})
    return pd.DataFrame(rows)
