"""Dask backend: Monte-Carlo simulations and large aggregations across ``dask.distributed`` workers.

Simulations: the simulation task (site coordinates, weights, kernel settings) is scattered once to every
worker, then one future per batch of seeds is submitted; results are gathered in order, so the envelopes
equal those of a local run with the same seed. Inside a worker the kernels run single-threaded (the
parallelism comes from Dask), which avoids oversubscription and numba threading-layer conflicts.

Aggregations: :func:`location_quotients_dask` computes location quotients from a ``dask.dataframe``
(for example ``dd.read_parquet`` over many files) with one group-by, then applies the in-memory rules.

Usage on a real cluster::

    from distributed import Client
    client = Client("tcp://scheduler:8786")          # workers need clusteratlas[analytics] installed
    res = k_density(firms, "socks", simulations=9999, seed=1, backend=client)
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from clusteratlas.errors import BadQueryError


def _client(client: Any = None):
    try:
        from distributed import get_client
    except ImportError as exc:  # pragma: no cover - extra not installed
        raise BadQueryError("the Dask backend needs dask[distributed] (pip install 'clusteratlas[analytics]')") \
            from exc
    if client is not None:
        return client
    try:
        return get_client()
    except ValueError as exc:
        raise BadQueryError("backend='dask' needs a running dask.distributed Client (or pass the Client)") \
            from exc


def _run_batch(task: Callable, seeds: Sequence[np.random.SeedSequence]) -> np.ndarray:
    return task(seeds)


def map_batches(task: Callable, batches: Sequence[Sequence[np.random.SeedSequence]], *, client: Any = None,
                progress: Callable[[int], None] | None = None) -> list[np.ndarray]:
    """Run ``task(batch)`` for every batch on the cluster; results in batch order."""
    from distributed import as_completed

    client = _client(client)
    if dataclasses.is_dataclass(task) and any(f.name == "parallel" for f in dataclasses.fields(task)):
        task = dataclasses.replace(task, parallel=False)
    remote = client.scatter(task, broadcast=True, hash=False)
    token = uuid.uuid4().hex[:8]
    futures = [client.submit(_run_batch, remote, list(b), key=f"clusteratlas-sim-{token}-{i}", pure=False)
               for i, b in enumerate(batches)]
    index = {f.key: i for i, f in enumerate(futures)}
    out: list[np.ndarray | None] = [None] * len(futures)
    for fut in as_completed(futures):
        i = index[fut.key]
        out[i] = fut.result()
        if progress is not None:
            progress(len(batches[i]))
    client.cancel(remote)
    return [o for o in out if o is not None]


def location_quotients_dask(ddf: Any, *, industry_col: str = "industry", region_col: str = "region",
                            weight_col: str | None = None, classify: bool = True):
    """Location quotients from a ``dask.dataframe`` (rows = establishments) via one distributed
    group-by; returns :class:`clusteratlas.analytics.regional.LQResult`.

    Raises
    ------
    InputFileError
        A named column is missing.
    """
    import polars as pl

    from clusteratlas.analytics.regional import lq_from_aggregates
    from clusteratlas.errors import InputFileError

    for col in (industry_col, region_col, weight_col):
        if col is not None and col not in ddf.columns:
            raise InputFileError(f"column {col!r} not found; columns are: {', '.join(map(str, ddf.columns))}")
    cols = [industry_col, region_col] + ([weight_col] if weight_col else [])
    d = ddf[cols].dropna(subset=[industry_col, region_col])
    if weight_col:
        d = d.assign(_w2=d[weight_col].astype(float) ** 2)
        agg = d.groupby([region_col, industry_col]).agg(
            employment=(weight_col, "sum"), employment_sq=("_w2", "sum"),
            establishments=(weight_col, "count")).compute()
    else:
        agg = d.groupby([region_col, industry_col]).size().to_frame("establishments").compute()
        agg["employment"] = agg["establishments"].astype(float)
        agg["employment_sq"] = agg["employment"]
    agg = agg.reset_index()
    table = pl.DataFrame({"region": agg[region_col].astype(str).to_numpy(),
                          "industry": agg[industry_col].astype(str).to_numpy(),
                          "employment": agg["employment"].astype(float).to_numpy(),
                          "employment_sq": agg["employment_sq"].astype(float).to_numpy(),
                          "establishments": agg["establishments"].astype(np.int64).to_numpy()})
    res = lq_from_aggregates(table, weighted=weight_col is not None, classify=classify)
    from clusteratlas.analytics.results import frozen_mapping

    return type(res)(res.table, res.n, res.method, frozen_mapping(dict(res.parameters, backend="dask")))
