"""The table writers behind :class:`clusteratlas.tables.TableWriter`, one per format, in one registry.

A writer receives rows one at a time, either as a sequence aligned with its columns or as a mapping (nested
values allowed: the JSON formats keep them, the flat formats flatten them to dotted columns), and streams
them to an open file. :data:`WRITERS` maps a format name to its writer; :data:`SUFFIXES` maps file-name
extensions to formats. Add a format by decorating a :class:`Writer` subclass with :func:`register`.
"""

from __future__ import annotations

import csv
import json
import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from clusteratlas._text import is_number
from clusteratlas.shapes import flatten, geojson_feature

#: Format name -> writer class.
WRITERS: dict[str, type[Writer]] = {}
#: File-name extension (no dot) -> format name.
SUFFIXES: dict[str, str] = {}


def register(name: str, *suffixes: str) -> Callable[[type[Writer]], type[Writer]]:
    """Class decorator: make ``cls`` the writer of format ``name``, chosen for files ending in ``suffixes``."""

    def deco(cls: type[Writer]) -> type[Writer]:
        cls.format = name
        WRITERS[name] = cls
        for s in suffixes:
            SUFFIXES[s] = name
        return cls

    return deco


class Writer:
    """Base class: ``write(row)`` for each row, then ``close()`` (or ``abort()`` after an error).

    Parameters
    ----------
    fh : file object
        Text (``binary = False``) or binary (``binary = True``) file, already open.
    columns : sequence of str
        Column names, in order.
    float_columns : tuple of str
        Columns written as numbers where the format has types (JSON, Parquet).
    """

    format = ""
    binary = False
    stdout_ok = True

    def __init__(self, fh: IO, columns: Sequence[str], float_columns: tuple[str, ...] = (), *,
                 target: Path | None = None) -> None:
        self.fh = fh
        self.columns = list(columns)
        self.float_columns = frozenset(float_columns)
        #: The final file, when writing to one: scratch files go beside it, named as its temporary files
        #: (see :func:`clusteratlas.tables.atomic_write`), so that a killed job's leftovers are cleaned up.
        self.target = target

    def _flat(self, row: Sequence[Any] | Mapping[str, Any]) -> Sequence[Any]:
        if isinstance(row, Mapping):
            flat = flatten(row)
            return [flat.get(c) for c in self.columns]
        return row

    def _record(self, row: Sequence[Any] | Mapping[str, Any]) -> Mapping[str, Any]:
        if isinstance(row, Mapping):
            return row
        obj: dict[str, Any] = {}
        for name, v in zip(self.columns, row):
            if v == "":
                v = None
            elif v is not None and name in self.float_columns:
                v = float(v)
            elif v is not None and not isinstance(v, (str, int, float, bool)):
                v = str(v)
            obj[name] = v
        return obj

    def write(self, row: Sequence[Any] | Mapping[str, Any]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        """Finish the file (footers, buffered rows)."""

    def abort(self) -> None:
        """Release what the writer holds after an error (the file itself is discarded by the caller)."""


#: A text cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """``value`` safe for a spreadsheet: text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
    gets a leading apostrophe (``'=SUM(A1)``), as OWASP advises for CSV; numbers, and text that is a plain
    number (``-3.5``), are left as they are. XLSX output keeps such text as a string cell instead.

    References
    ----------
    OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not is_number(value):
        return "'" + value
    return value


@register("csv", "csv")
class CsvWriter(Writer):
    """Comma-separated values, UTF-8, a header line first; text that a spreadsheet would take for a formula
    is escaped (see :func:`escape_formula`)."""

    delimiter = ","

    def __init__(self, fh: IO, columns: Sequence[str], float_columns: tuple[str, ...] = (), *,
                 target: Path | None = None) -> None:
        super().__init__(fh, columns, float_columns, target=target)
        self._csv = csv.writer(fh, delimiter=self.delimiter, lineterminator="\n")
        self._csv.writerow([escape_formula(c) for c in self.columns])

    def write(self, row: Sequence[Any] | Mapping[str, Any]) -> None:
        self._csv.writerow([escape_formula(v) for v in self._flat(row)])


@register("tsv", "tsv", "tab")
class TsvWriter(CsvWriter):
    """Tab-separated values, UTF-8, a header line first."""

    delimiter = "\t"


@register("json", "json")
class JsonWriter(Writer):
    """One JSON array of objects, one object a line."""

    head, tail = "[", "]\n"

    def __init__(self, fh: IO, columns: Sequence[str], float_columns: tuple[str, ...] = (), *,
                 target: Path | None = None) -> None:
        super().__init__(fh, columns, float_columns, target=target)
        self._first = True
        fh.write(self.head)

    def _item(self, row: Sequence[Any] | Mapping[str, Any]) -> Any:
        """The JSON value written for ``row`` (None: nothing)."""
        return self._record(row)

    def write(self, row: Sequence[Any] | Mapping[str, Any]) -> None:
        item = self._item(row)
        if item is not None:
            self.fh.write(("\n" if self._first else ",\n") + json.dumps(item, ensure_ascii=False))
            self._first = False

    def close(self) -> None:
        self.fh.write(self.tail if self._first else "\n" + self.tail)


@register("ndjson", "ndjson", "jsonl")
class NdjsonWriter(Writer):
    """Newline-delimited JSON: one object a line."""

    def write(self, row: Sequence[Any] | Mapping[str, Any]) -> None:
        self.fh.write(json.dumps(self._record(row), ensure_ascii=False, default=str) + "\n")


@register("geojson", "geojson")
class GeojsonWriter(JsonWriter):
    """A GeoJSON FeatureCollection (RFC 7946) of the rows that have a point; properties flattened."""

    head, tail = '{"type": "FeatureCollection", "features": [', "]}\n"

    def _item(self, row: Sequence[Any] | Mapping[str, Any]) -> Any:
        return geojson_feature(self._record(row))


def _xlsx_cell(ws: Any, value: Any) -> Any:
    """A write-only cell holding ``value`` as data: text is always a string cell, never a formula (a title
    starting with ``=`` stays text), with the characters XLSX cannot hold removed."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return WriteOnlyCell(ws, value=None)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"  # openpyxl would make "=..." a formula
        return cell
    return WriteOnlyCell(ws, value=value)


@register("xlsx", "xlsx")
class XlsxWriter(Writer):
    """An Excel workbook (one sheet); every cell a value, never a formula."""

    binary = True
    stdout_ok = False

    def __init__(self, fh: IO, columns: Sequence[str], float_columns: tuple[str, ...] = (), *,
                 target: Path | None = None) -> None:
        super().__init__(fh, columns, float_columns, target=target)
        try:
            import openpyxl
        except ImportError:
            from clusteratlas.errors import InputFileError

            raise InputFileError("writing .xlsx needs openpyxl (pip install openpyxl)") from None
        self._wb = openpyxl.Workbook(write_only=True)
        self._ws = self._wb.create_sheet("rows")
        self._scratch = self._sheet_beside_target()
        self._ws.append([_xlsx_cell(self._ws, c) for c in self.columns])

    def _sheet_beside_target(self) -> str | None:
        """Put openpyxl's scratch file of the sheet beside the target (not in the system's temp folder), named
        like the target's temporary files, so that one left by a killed job is removed by the next run."""
        if self.target is None:
            return None
        import tempfile

        from clusteratlas.tables import _temp_prefix

        try:
            from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter
        except ImportError:  # pragma: no cover - openpyxl's layout changed: keep its own scratch file
            return None
        fd, name = tempfile.mkstemp(prefix=f"{_temp_prefix(self.target)}{os.getpid()}.", suffix=".sheet.tmp",
                                    dir=self.target.parent)
        os.close(fd)
        ALL_TEMP_FILES.append(name)
        self._ws._writer = WorksheetWriter(self._ws, out=name)
        self._ws._writer.write_top()
        return name

    def write(self, row: Sequence[Any] | Mapping[str, Any]) -> None:
        ws = self._ws
        ws.append([_xlsx_cell(ws, v) for v in self._flat(row)])

    def close(self) -> None:
        self._wb.save(self.fh)

    def abort(self) -> None:
        try:
            self._ws.close()  # stop openpyxl's row writer before its file goes
        except Exception:  # noqa: BLE001, S110 - best effort after an error
            pass
        if self._scratch is not None:
            from openpyxl.worksheet._writer import ALL_TEMP_FILES

            with contextlib.suppress(OSError):
                os.unlink(self._scratch)
            with contextlib.suppress(ValueError):
                ALL_TEMP_FILES.remove(self._scratch)


@register("parquet", "parquet", "pq")
class ParquetWriter(Writer):
    """Apache Parquet: strings, except ``float_columns`` (float64); written in groups of 50,000 rows."""

    binary = True
    stdout_ok = False
    batch_rows = 50_000

    def __init__(self, fh: IO, columns: Sequence[str], float_columns: tuple[str, ...] = (), *,
                 target: Path | None = None) -> None:
        super().__init__(fh, columns, float_columns, target=target)
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            from clusteratlas.errors import InputFileError

            raise InputFileError("writing Parquet needs pyarrow (pip install pyarrow)") from None
        self._pa = pa
        self._schema = pa.schema([(c, pa.float64() if c in self.float_columns else pa.string())
                                  for c in self.columns])
        self._pq = pq.ParquetWriter(fh, self._schema)
        self._batch: list[list[Any]] = [[] for _ in self.columns]

    def write(self, row: Sequence[Any] | Mapping[str, Any]) -> None:
        for col, v, name in zip(self._batch, self._flat(row), self.columns):
            if v is None or v == "":
                col.append(None)
            elif name in self.float_columns:
                col.append(float(v))
            else:
                col.append(v if isinstance(v, str) else str(v))
        if len(self._batch[0]) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        if self._batch[0]:
            self._pq.write_table(self._pa.Table.from_arrays(self._batch, schema=self._schema))
            self._batch = [[] for _ in self.columns]

    def close(self) -> None:
        self._flush()
        self._pq.close()

    def abort(self) -> None:
        try:
            self._pq.close()
        except Exception:  # noqa: BLE001, S110 - best effort after an error
            pass
