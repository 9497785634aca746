"""Shared behaviour of the frozen result objects: read-only arrays, ``to_dict``, ``to_frame``, plotting.

Every measure returns a frozen dataclass with at least ``estimate``, ``inference``, ``n``, ``method``
and ``parameters``; ``to_frame()`` gives a pandas DataFrame and ``plot()`` a matplotlib Figure (drawn
with the Agg canvas, no pyplot state), saved as PNG when ``path`` is given.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np


def frozen_array(a: Any) -> np.ndarray | None:
    """A read-only float copy of ``a`` (None stays None)."""
    if a is None:
        return None
    arr = np.array(a, dtype=float, copy=True)
    arr.setflags(write=False)
    return arr


def frozen_mapping(d: dict[str, Any]) -> MappingProxyType:
    """A read-only view of a copy of ``d``."""
    return MappingProxyType(dict(d))


def jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays, mappings and NaN to JSON-ready Python values (NaN -> None)."""
    if isinstance(value, (MappingProxyType, dict)):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    return value


def new_figure(width: float = 7.0, height: float = 4.2):
    """A matplotlib Figure on the Agg canvas (thread-safe, no global pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=120, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


#: Picture formats a plot may be saved in (by the file's suffix; no suffix means PNG).
PICTURE_FORMATS = ("png", "svg", "pdf")


def picture_format(path: str | Path) -> str:
    """The picture format ``path``'s suffix names (``png`` without a suffix).

    Raises
    ------
    BadQueryError
        The suffix names a format not in :data:`PICTURE_FORMATS` (``kd.txt``).
    """
    from clusteratlas.errors import BadQueryError

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".") or "png"
    if fmt not in PICTURE_FORMATS:
        raise BadQueryError(f"cannot save a plot as {path.name!r}: use a .png, .svg or .pdf file")
    return fmt


def save_figure(fig, path: str | Path | None):
    """Save ``fig`` when ``path`` is given, in the format its suffix names (``.png``, ``.svg``, ``.pdf``;
    PNG without a suffix), written atomically; return the figure.

    Raises
    ------
    BadQueryError
        The suffix names another format (``kd.txt``).
    """
    if path is not None:
        from clusteratlas.tables import atomic_write

        path = Path(path)
        fmt = picture_format(path)
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "wb", encoding=None, newline=None) as fh:
            fig.savefig(fh, format=fmt)
    return fig


class TableResult:
    """Methods shared by the results whose figures live in one pandas ``table`` (location quotients,
    concentration indices, Ellison–Glaeser, hot spots). Subclasses set ``measure`` and hold ``table``,
    ``n``, ``method`` and ``parameters`` (and ``industry`` where the result is about one industry)."""

    measure: ClassVar[str] = ""

    def to_frame(self):
        """A copy of the result table (pandas)."""
        return self.table.copy()

    def rows(self) -> list[dict[str, Any]]:
        """The table as JSON-ready records."""
        return jsonable(self.table.to_dict(orient="records"))

    def to_dict(self) -> dict[str, Any]:
        """``{"measure", ["industry",] "n", "method", "parameters", "rows"}``, JSON-ready."""
        head: dict[str, Any] = {"measure": self.measure}
        if getattr(self, "industry", None) is not None:
            head["industry"] = self.industry
        return jsonable({**head, "n": self.n, "method": self.method, "parameters": self.parameters,
                         "rows": self.rows()})

