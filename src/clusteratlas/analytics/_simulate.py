"""Monte-Carlo simulations: one seed per simulation, batches run locally (numba threads) or on Dask.

Each simulation ``s`` draws its randomness from ``SeedSequence(seed).spawn(S)[s]``, so the simulated
curves, and the envelopes built from them, are identical whatever the batch size, the number of threads
or the backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clusteratlas.errors import BadQueryError

ProgressFn = Callable[[int], None]


def seed_sequence(seed: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """A SeedSequence from an int, a SeedSequence or None (fresh entropy, recorded in the result)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
        raise BadQueryError(f"seed must be a non-negative integer; got {seed!r}")
    return np.random.SeedSequence(seed)


@dataclass(frozen=True)
class SimulationRun:
    """Simulated curves (``(S, K)``) and how they were made."""

    curves: np.ndarray
    entropy: int
    backend: str


def run_simulations(task: Callable[[Sequence[np.random.SeedSequence]], np.ndarray], simulations: int,
                    seed: Any, *, batch_size: int = 32, backend: Any = None,
                    progress: ProgressFn | None = None) -> SimulationRun:
    """Run ``simulations`` draws of ``task`` (a picklable callable mapping a list of SeedSequences to an
    array with one row per seed).

    ``backend``: None or ``"local"`` (this process; the task parallelises with numba), ``"dask"`` (the
    current ``dask.distributed`` client) or a ``distributed.Client``.
    """
    if simulations < 0:
        raise BadQueryError(f"simulations must be >= 0; got {simulations}")
    ss = seed_sequence(seed)
    children = ss.spawn(simulations)
    batches = [children[i:i + batch_size] for i in range(0, simulations, batch_size)]
    if backend is None or backend == "local":
        rows = []
        for b in batches:
            rows.append(task(b))
            if progress is not None:
                progress(len(b))
        name = "local"
    else:
        from clusteratlas.analytics.dask_backend import map_batches

        rows = map_batches(task, batches, client=None if backend == "dask" else backend, progress=progress)
        name = "dask"
    curves = np.vstack(rows) if rows else np.zeros((0, 0))
    return SimulationRun(curves, int(ss.entropy) if isinstance(ss.entropy, int) else 0, name)
