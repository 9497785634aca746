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


#: Most Monte-Carlo simulations one call accepts (999 is the usual choice; 100,000 already gives p-values
#: to 1e-5).
MAX_SIMULATIONS = 100_000


def check_simulations(simulations: Any, curve_len: int = 0, batch_bytes: float = 0.0, what: str = "") -> None:
    """Refuse a simulation count outside ``0 .. MAX_SIMULATIONS`` and, given the length of one simulated
    curve and the bytes of one batch, a run whose curves would not fit in the memory budget.

    Raises
    ------
    BadQueryError
        Not a whole number in range.
    ResourceLimitError
        ``simulations x curve_len`` doubles (kept for the envelopes, twice while stacked) plus a batch
        exceed the budget.
    """
    from clusteratlas._limits import check_memory

    if isinstance(simulations, bool) or not isinstance(simulations, (int, np.integer)) or not (
            0 <= simulations <= MAX_SIMULATIONS):
        raise BadQueryError(f"simulations must be a whole number from 0 to {MAX_SIMULATIONS:,}; got {simulations!r}")
    if simulations and curve_len:
        check_memory(2.0 * 8 * simulations * curve_len + batch_bytes,
                     f"{simulations:,} simulated curves of {curve_len:,} values{what}",
                     "use fewer simulations or fewer evaluation distances")


def run_simulations(task: Callable[[Sequence[np.random.SeedSequence]], np.ndarray], simulations: int,
                    seed: Any, *, batch_size: int = 32, backend: Any = None,
                    progress: ProgressFn | None = None) -> SimulationRun:
    """Run ``simulations`` draws of ``task`` (a picklable callable mapping a list of SeedSequences to an
    array with one row per seed).

    ``backend``: None or ``"local"`` (this process; the task parallelises with numba), ``"dask"`` (the
    current ``dask.distributed`` client) or a ``distributed.Client``.
    """
    check_simulations(simulations)
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
