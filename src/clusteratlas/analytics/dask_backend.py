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

    from clusteratlas.analytics.firms import Firms
    from clusteratlas.analytics.regional import location_quotients
    from clusteratlas.errors import InputFileError

    for col in (industry_col, region_col, weight_col):
        if col is not None and col not in ddf.columns:
            raise InputFileError(f"column {col!r} not found; columns are: {', '.join(map(str, ddf.columns))}")
    cols = [industry_col, region_col] + ([weight_col] if weight_col else [])
    d = ddf[cols].dropna(subset=[industry_col, region_col])
    if weight_col:
        agg = d.groupby([region_col, industry_col])[weight_col].agg(["sum", "count"]).compute()
    else:
        agg = d.groupby([region_col, industry_col]).size().to_frame("count").compute()
        agg["sum"] = agg["count"].astype(float)
    agg = agg.reset_index()
    # one pseudo-row per region x industry carrying the summed weight, expanded establishment counts kept
    table = pl.DataFrame({"row": np.arange(len(agg)), "industry": agg[industry_col].astype(str).to_numpy(),
                          "lat": np.zeros(len(agg)), "lon": np.zeros(len(agg)),
                          "region": agg[region_col].astype(str).to_numpy(),
                          "weight": agg["sum"].astype(float).to_numpy(),
                          "location_source": ["aggregate"] * len(agg)})
    firms = Firms(table, pl.DataFrame({"row": [], "reason": []}, schema={"row": pl.Int64, "reason": pl.String}),
                  int(agg["count"].sum()), True, "dask dataframe (aggregated)")
    res = location_quotients(firms, weighted=True, classify=False)
    t = res.table.drop(columns=["establishments"]).merge(
        agg.rename(columns={region_col: "region", industry_col: "industry", "count": "establishments"})
        [["region", "industry", "establishments"]].astype({"region": str, "industry": str}),
        on=["region", "industry"])
    if classify:
        t = _classify_pandas(t)
    params = dict(res.parameters, backend="dask", weighted=weight_col is not None)
    from clusteratlas.analytics.results import frozen_mapping

    return type(res)(t, int(agg["count"].sum()), res.method, frozen_mapping(params))


def _classify_pandas(t):
    """The Cluster Mapping rule on a pandas LQ table (see :func:`regional.location_quotients`)."""
    present = t[t["employment"] > 0]
    q = present.groupby("industry").agg(lq_q75=("lq", lambda s: s.quantile(0.75)),
                                        lq_q25=("lq", lambda s: s.quantile(0.25)),
                                        employment_q25=("employment", lambda s: s.quantile(0.25)),
                                        establishments_q25=("establishments", lambda s: s.quantile(0.25)))
    t = t.merge(q, left_on="industry", right_index=True, how="left")
    size_ok = (t["employment"] > t["employment_q25"]) & (t["establishments"] > t["establishments_q25"])
    t["strong"] = size_ok & (t["lq"] >= t["lq_q75"]) & (t["lq"] >= 1.0)
    t["qualifying"] = size_ok & (t["lq"] > t["lq_q25"])
    return t.sort_values(["industry", "lq"], ascending=[True, False]).reset_index(drop=True)
