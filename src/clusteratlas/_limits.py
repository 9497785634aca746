"""Resource limits shared by every command: the memory budget and the check made before large allocations.

The budget defaults to half of the machine's physical memory (``os.sysconf``; 4 GiB when it cannot be read).
It can be set for a process with :func:`set_max_memory` (the CLI's ``--max-memory``) or the environment
variable ``CLUSTERATLAS_MAX_MEMORY`` (bytes, or a number with a K/M/G/T suffix, powers of 1024).
The value is held in a :class:`contextvars.ContextVar`, so threads and asyncio tasks may each override it
without affecting the others; the process default applies where nothing was set.
"""

from __future__ import annotations

import contextvars
import os
import re

from .errors import AtlasError

__all__ = ["ResourceLimitError", "parse_size", "max_memory_bytes", "set_max_memory", "check_memory"]

_FALLBACK_TOTAL = 8 * 1024**3
_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_budget: contextvars.ContextVar[int | None] = contextvars.ContextVar("clusteratlas_max_memory", default=None)


class ResourceLimitError(AtlasError, MemoryError):
    """A computation would need more memory (or other resource) than the budget allows."""


def parse_size(text: str | int | float) -> int:
    """Parse a memory size: ``4000000``, ``512M``, ``2.5G``, ``1T`` (binary units; a trailing ``B``/``iB`` is allowed).

    Raises
    ------
    ValueError
        The text is not a positive size.
    """
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(?:i?B)?\s*", str(text), flags=re.IGNORECASE)
        if not m:
            raise ValueError(f"not a memory size: {text!r} (use e.g. 512M, 4G)")
        value = float(m.group(1)) * _UNITS[m.group(2).upper()]
    if not value > 0 or value != value or value == float("inf"):
        raise ValueError(f"memory size must be positive: {text!r}")
    return int(value)


def _physical_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return _FALLBACK_TOTAL


def max_memory_bytes() -> int:
    """Return the memory budget in bytes: the value set in this context, else the environment, else half of RAM."""
    value = _budget.get()
    if value is not None:
        return value
    env = os.environ.get("CLUSTERATLAS_MAX_MEMORY")
    if env:
        try:
            return parse_size(env)
        except ValueError:
            pass
    return _physical_memory() // 2


def set_max_memory(size: str | int | None) -> contextvars.Token:
    """Set the budget for the current context (``None`` restores the default); returns a token for ``_budget.reset``."""
    return _budget.set(None if size is None else parse_size(size))


def check_memory(estimate_bytes: float, what: str, hint: str = "") -> None:
    """Raise :class:`ResourceLimitError` when ``estimate_bytes`` exceeds the budget.

    Parameters
    ----------
    estimate_bytes
        Peak memory the caller is about to need, in bytes.
    what
        What would need it, e.g. ``"the K-density distance band (2,000,000 x 1,000 float64)"``.
    hint
        How to need less, in words that do not name a CLI flag (the CLI adds its own wording).
    """
    budget = max_memory_bytes()
    if estimate_bytes > budget:
        msg = f"{what} would need about {estimate_bytes / 1024**3:.1f} GiB, over the memory budget of {budget / 1024**3:.1f} GiB"
        raise ResourceLimitError(msg + (f"; {hint}" if hint else ""))
