"""Output options shared by every row-producing command (the sqlite-utils pattern).

``--format table|json|ndjson|csv|geojson``: ``table`` is the default on a terminal, ``json`` otherwise.
Data goes to stdout, messages to stderr. Rows are plain dicts (the ``to_dict()`` of result objects);
nested dicts are flattened to dotted column names for CSV and tables.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Annotated, Any

import typer


class OutputFormat(str, Enum):
    """The formats every row-producing command accepts."""

    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    geojson = "geojson"


FormatOption = Annotated[
    OutputFormat | None,
    typer.Option("--format", "-f", help="Output format (default: table on a terminal, json otherwise).",
                 case_sensitive=False),
]


def resolve_format(fmt: OutputFormat | None) -> OutputFormat:
    """The explicit format, else ``table`` on a terminal and ``json`` when piped."""
    if fmt is not None:
        return fmt
    return OutputFormat.table if sys.stdout.isatty() else OutputFormat.json


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested dicts to dotted keys; lists of scalars become ``"; "``-joined strings.

    Lists of dicts are JSON-encoded so that nothing is lost in a CSV cell.
    """
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, prefix=name + "."))
        elif isinstance(value, (list, tuple)):
            if all(not isinstance(v, (dict, list, tuple)) for v in value):
                out[name] = "; ".join("" if v is None else str(v) for v in value)
            else:
                out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out


def _point(row: dict[str, Any]) -> tuple[float, float] | None:
    """``(lon, lat)`` from a row with ``lat``/``lon`` or ``place.lat``/``place.lon``; None if absent."""
    for holder in (row, row.get("place") if isinstance(row.get("place"), dict) else None):
        if holder and holder.get("lat") is not None and holder.get("lon") is not None:
            return float(holder["lon"]), float(holder["lat"])
    return None


def require_points(fmt: OutputFormat | None, what: str) -> None:
    """Refuse ``--format geojson`` (a usage error, exit 2) for rows that have no point, such as ``what``."""
    if fmt is OutputFormat.geojson:
        raise typer.BadParameter(f"{what} have no coordinates, so there is no GeoJSON of them; "
                                 "use table, json, ndjson or csv", param_hint="'--format'")


def to_geojson(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the rows that have a point (RFC 7946: ``[lon, lat]``, WGS-84)."""
    features = []
    for row in rows:
        point = _point(row)
        if point is None:
            continue
        props = {k: v for k, v in flatten(row).items()}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": list(point)},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: OutputFormat | None,
    *,
    columns: Sequence[tuple[str, str]] | None = None,
    title: str | None = None,
    empty_message: str = "No results.",
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
    """
    fmt = resolve_format(fmt)
    out = sys.stdout
    if fmt is OutputFormat.json:
        json.dump(list(rows), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt is OutputFormat.ndjson:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.geojson:
        json.dump(to_geojson(rows), out, ensure_ascii=False)
        out.write("\n")
    elif fmt is OutputFormat.csv:
        flat = [flatten(r) for r in rows]
        keys: list[str] = []
        for r in flat:
            keys.extend(k for k in r if k not in keys)
        if not keys and columns:
            keys = [key for key, _ in columns]  # no rows: still the header, so that readers see the columns
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=keys, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
        out.write(buf.getvalue())
    else:
        _table(rows, columns, title, empty_message)


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]] | None, title: str | None,
           empty_message: str) -> None:
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
    table = Table(title=title, show_lines=False)
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
    typer.echo(message, err=True)
