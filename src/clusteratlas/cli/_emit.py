"""Writing a command's rows and messages, without typer (the fast path of ``find`` and ``place`` uses it).

``--format table|json|ndjson|csv|geojson``: ``table`` is the default on a terminal, ``json`` otherwise.
Data goes to stdout (written by :mod:`clusteratlas.tables`), messages and the progress bar to stderr. Rows
are plain dicts (the ``to_dict()`` of result objects); nested dicts are flattened to dotted column names for
CSV and tables.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Sequence
from enum import Enum
from typing import Any

from clusteratlas.shapes import flatten


class OutputFormat(str, Enum):
    """The formats every row-producing command accepts."""

    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    geojson = "geojson"


def resolve_format(fmt: OutputFormat | None) -> OutputFormat:
    """The explicit format, else ``table`` on a terminal and ``json`` when piped."""
    if fmt is not None:
        return fmt
    return OutputFormat.table if sys.stdout.isatty() else OutputFormat.json


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: OutputFormat | None,
    *,
    columns: Sequence[tuple[str, str]] | None = None,
    title: str | None = None,
    empty_message: str = "No results.",
    caption: str | None = None,
) -> None:
    """Write ``rows`` to stdout in ``fmt``.

    Parameters
    ----------
    rows : sequence of dict
        The records, as produced by the library's ``to_dict()``.
    fmt : OutputFormat or None
        Requested format; None picks by terminal (see :func:`resolve_format`).
    columns : sequence of (dotted key, header), optional
        Columns for the table format; all flattened keys when omitted.
    title : str, optional
        Table title.
    empty_message : str
        Printed on stderr in table format when there are no rows.
    caption : str, optional
        A legend line printed under the table (table format only).
    """
    fmt = resolve_format(fmt)
    if fmt is OutputFormat.table:
        _table(rows, columns, title, empty_message, caption)
        return
    from clusteratlas.tables import write_rows

    header = None
    if fmt is OutputFormat.csv and not rows and columns:
        header = [key for key, _ in columns]  # no rows: still the header, so that readers see the columns
    write_rows(rows, None, fmt.value, columns=header)


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]] | None, title: str | None,
           empty_message: str, caption: str | None = None) -> None:
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    if not rows:
        Console(stderr=True).print(empty_message)
        return
    flat = [flatten(r) for r in rows]
    if columns is None:
        keys: list[str] = []
        for r in flat:
            keys.extend(k for k in r if k not in keys)
        columns = [(k, k) for k in keys]
    console = Console()
    specs = []  # (header, no_wrap, width the column cannot go below)
    for key, header in columns:
        texts = [_cell(r.get(key)) for r in flat]
        widest = max((cell_len(t) for t in texts), default=0)
        if _is_code_column(key, texts) and widest <= MAX_NO_WRAP:
            specs.append((header, True, max(widest, cell_len(header))))
        else:
            specs.append((header, False, min(max(widest, cell_len(header)), 6)))
    # Ids and codes stay whole and text keeps a few characters a line, when the terminal has the room;
    # else every column folds (nothing is cut off at the right edge).
    roomy = sum(w for _, _, w in specs) + 3 * len(specs) + 1 <= console.width
    table = Table(title=title, show_lines=False, caption=caption, caption_justify="left")
    for header, no_wrap, width in specs:
        if roomy and no_wrap:
            table.add_column(header, no_wrap=True)  # an id or code cut mid-number would read as two
        else:
            table.add_column(header, overflow="fold", min_width=width if roomy else None)
    for r in flat:
        table.add_row(*(_cell(r.get(key)) for key, _ in columns))
    console.print(table)


#: Column names (the last dotted part) that hold identifiers or codes.
CODE_COLUMNS = frozenset({"id", "cluster_id", "adcode", "code", "source_id", "hs", "hs_code", "hs_headings",
                          "score", "date", "gbt4754", "lat", "lon"})


_CODE_RE = re.compile(r"(?=.*[0-9])[0-9A-Za-z][0-9A-Za-z._:/-]*")


#: Ids and codes up to this many characters are never folded; longer ones fold like text.
MAX_NO_WRAP = 30


def _is_code_column(key: str, texts: list[str]) -> bool:
    """True for ids and codes: named so (:data:`CODE_COLUMNS`, ``*_id``), or every value a short token of
    ASCII letters, digits and separators that holds a digit (``411000``, ``6704.10``, ``2022-01-26``)."""
    name = key.rsplit(".", 1)[-1]
    if name in CODE_COLUMNS or name.endswith("_id"):
        return True
    texts = [t for t in texts if t]
    return bool(texts) and all(len(t) <= MAX_NO_WRAP and _CODE_RE.fullmatch(t) for t in texts)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def echo_err(message: str) -> None:
    """A message on stderr (never on stdout, which carries data)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


class ProgressBar:
    """The one progress bar of the CLI: a line on stderr, redrawn at most five times a second, drawn only when
    stderr is a terminal (or when forced). Call it as ``bar(done, total)``; :meth:`done` ends the line.

    Parameters
    ----------
    label : str
        What is counted ("rows", "simulations").
    enabled : bool, optional
        Force on or off (default: when stderr is a terminal).
    """

    def __init__(self, label: str = "rows", enabled: bool | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.start = self.last = time.perf_counter()
        self.n, self.total = 0, None
        self.drawn = False

    def __call__(self, n: int, total: int | None = None) -> None:
        self.n, self.total = n, total or None
        now = time.perf_counter()
        if self.enabled and now - self.last >= 0.2:
            self.last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.n / max(now - self.start, 1e-9)
        if self.total:
            frac = min(self.n / self.total, 1.0)
            filled = int(frac * 30)
            line = (f"\r[{'#' * filled}{'.' * (30 - filled)}] {frac:6.1%} {self.n:,} {self.label} "
                    f"{rate:,.0f} {self.label}/s")
        else:
            line = f"\r{self.n:,} {self.label} {rate:,.0f} {self.label}/s"
        sys.stderr.write(line)
        sys.stderr.flush()
        self.drawn = True

    def done(self) -> None:
        """Draw the final count and end the line (nothing when the bar is off)."""
        if self.enabled:
            self._draw(time.perf_counter())
            sys.stderr.write("\n")
            sys.stderr.flush()
