"""Readers and writers: atomic file writes, table formats and encoding detection.

Every file the project writes goes through :func:`atomic_write`: the data is written to a temporary file in
the target's folder and renamed over the target only when complete, so an interrupted job never leaves a
half-written file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Self


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = "") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it to ``path``, on error delete it.

    Parameters
    ----------
    path : str or Path
        The final file.
    mode : {"w", "wb"}
        Text or binary.
    encoding, newline
        For text mode (``newline=""`` suits the csv module).

    Raises
    ------
    OSError
        When the folder is not writable; the target is left untouched.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        if "b" in mode:
            fh = os.fdopen(fd, mode)
        else:
            fh = os.fdopen(fd, mode, encoding=encoding, newline=newline)
        with fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------------------------------------
# Reading tables (CSV, TSV, XLSX, Parquet) one row at a time, with encoding detection
# --------------------------------------------------------------------------------------------------------

#: Encodings tried, in order, for text tables. GB18030 is a superset of GBK and GB2312.
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
TABLE_FORMATS = ("csv", "tsv", "xlsx", "parquet")


class TableStream:
    """Rows of a table file as dicts, read lazily; iterate over it once.

    Attributes
    ----------
    path : Path
    format : str
        csv | tsv | xlsx | parquet (from the file name, else sniffed).
    encoding : str or None
        The text encoding (``utf-8-sig``, ``utf-8`` or ``gb18030``); None for binary formats.
    encoding_detected : bool
        True when the encoding was detected rather than given.
    columns : list of str
        Header names, in file order.
    n_rows : int or None
        Number of data rows when it is cheap to know (Parquet, XLSX, and text files, counted by line
        breaks; a quoted field with line breaks makes it an overestimate), else None.
    """

    def __init__(self, path: Path, fmt: str, encoding: str | None, columns: list[str], rows: Iterator[dict],
                 n_rows: int | None, *, encoding_detected: bool = False) -> None:
        self.path, self.format, self.encoding, self.columns = path, fmt, encoding, columns
        self.n_rows = n_rows
        self.encoding_detected = encoding_detected
        self._rows = rows

    def __iter__(self) -> Iterator[dict]:
        return self._rows

    def describe(self) -> str:
        """One line for the user: format, encoding, columns."""
        how = " (detected)" if self.encoding_detected else ""
        enc = f", encoding {self.encoding}{how}" if self.encoding else ""
        return f"{self.path.name}: {self.format}{enc}, {len(self.columns)} columns"


def detect_encoding(sample: bytes) -> str:
    """``utf-8-sig`` when the bytes decode as UTF-8 (with or without a BOM), else ``gb18030`` (GBK/GB2312
    files), else ``latin-1`` as a last resort.

    The sample may end in the middle of a multi-byte character; up to three trailing bytes are ignored.
    """
    for enc in TEXT_ENCODINGS:
        for cut in range(4):
            try:
                sample[: len(sample) - cut].decode(enc)
                return enc
            except UnicodeDecodeError:
                continue
    return "latin-1"


def _sniff_format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "txt"):
        return "csv"
    if suffix in ("tsv", "tab"):
        return "tsv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("parquet", "pq"):
        return "parquet"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    return "tsv" if head.count(b"\t") > head.count(b",") else "csv"


def read_table_stream(path: str | Path, column: str | None = None, *, encoding: str | None = None,
                      sheet: str | None = None) -> TableStream:
    """Open a table file and stream its rows as dicts of strings (Parquet: native values).

    Parameters
    ----------
    path : str or Path
        A CSV, TSV, XLSX or Parquet file. The format comes from the extension, else from the content.
    column : str, optional
        A column the caller needs: checked now, so that a wrong name fails before any work is done.
    encoding : str, optional
        Force a text encoding instead of detecting UTF-8 / GB18030 (GBK).
    sheet : str, optional
        XLSX sheet name (default: the first sheet).

    Returns
    -------
    TableStream
        Iterable of row dicts, with ``format``, ``encoding``, ``columns`` and ``n_rows``.

    Raises
    ------
    InputFileError
        Missing or unreadable file, unknown format, no header, a missing ``column``, or a format whose
        reader (openpyxl, pyarrow) is not installed.
    """
    from clusteratlas.errors import InputFileError

    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"no such file: {path}")
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    fmt = _sniff_format(path, head)
    if fmt in ("csv", "tsv"):
        stream = _text_stream(path, fmt, head, encoding)
    elif fmt == "xlsx":
        stream = _xlsx_stream(path, sheet)
    else:
        stream = _parquet_stream(path)
    if column is not None and column not in stream.columns:
        shown = ", ".join(repr(c) for c in stream.columns[:20])
        raise InputFileError(f"{path.name} has no column {column!r} (columns: {shown})")
    return stream


def _count_lines(path: Path) -> int:
    n = 0
    last = b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (0 if last == b"\n" else 1)


def _check_further(path: Path, enc: str) -> str:
    """Re-check a UTF-8 guess on samples from the middle and the end of a large file (a GBK file whose
    first 64 KB happen to be ASCII)."""
    size = path.stat().st_size
    if size <= 65536:
        return enc
    with path.open("rb") as fh:
        for frac in (0.25, 0.5, 0.75, 1.0):
            fh.seek(max(0, int(size * frac) - 65536))
            chunk = fh.read(65536)
            start = next((i for i in range(min(4, len(chunk))) if chunk[i] < 0x80 or chunk[i] >= 0xC0), 0)
            if detect_encoding(chunk[start:]) == "gb18030":
                return "gb18030"
    return enc


def _text_stream(path: Path, fmt: str, head: bytes, encoding: str | None) -> TableStream:
    import csv

    from clusteratlas.errors import InputFileError

    enc = encoding or detect_encoding(head)
    if encoding is None and enc != "gb18030":
        enc = _check_further(path, enc)
    try:
        fh = path.open("r", encoding=enc, newline="", errors="strict")
        sample = fh.read(8192)
        fh.seek(0)
    except (LookupError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot decode {path.name} as {enc}: {exc}") from None
    if fmt == "csv":
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    else:
        delimiter = "\t"
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise InputFileError(f"{path.name} is empty (no header row)") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        fh.close()
        raise InputFileError(f"cannot read {path.name}: {exc}") from None
    header = [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]

    def rows() -> Iterator[dict]:
        i = 1
        try:
            single = len(header) == 1
            for i, rec in enumerate(reader, start=2):
                if not rec and not single:  # a blank line; in a one-column file it is a blank cell
                    continue
                if len(rec) < len(header):
                    rec = rec + [""] * (len(header) - len(rec))
                yield dict(zip(header, rec))
        except UnicodeDecodeError as exc:
            raise InputFileError(f"{path.name}: bytes that are not {enc} near line {i}: {exc.reason}") from None
        except csv.Error as exc:
            raise InputFileError(f"{path.name}: malformed CSV near line {i}: {exc}") from None
        finally:
            fh.close()

    return TableStream(path, fmt, enc, header, rows(), max(0, _count_lines(path) - 1),
                       encoding_detected=encoding is None)


def _xlsx_stream(path: Path, sheet: str | None) -> TableStream:
    from clusteratlas.errors import InputFileError

    try:
        import openpyxl
    except ImportError:
        raise InputFileError("reading .xlsx needs openpyxl (pip install openpyxl)") from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = wb[sheet] if sheet else wb.worksheets[0]
    except KeyError:
        raise InputFileError(f"{path.name} has no sheet {sheet!r}") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on corrupt files
        raise InputFileError(f"cannot read {path.name} as XLSX: {exc}") from None
    it = ws.iter_rows(values_only=True)
    try:
        header_row = next(it)
    except StopIteration:
        wb.close()
        raise InputFileError(f"{path.name} is empty (no header row)") from None
    header = [str(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(header_row)]

    def rows() -> Iterator[dict]:
        try:
            for rec in it:
                if rec is None or all(v is None for v in rec):
                    continue
                yield {h: ("" if v is None else str(v)) for h, v in zip(header, rec)}
        finally:
            wb.close()

    n = (ws.max_row - 1) if ws.max_row else None
    return TableStream(path, "xlsx", None, header, rows(), n)


def _parquet_stream(path: Path) -> TableStream:
    from clusteratlas.errors import InputFileError

    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputFileError("reading Parquet needs pyarrow (pip install pyarrow)") from None
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises ArrowInvalid and others
        raise InputFileError(f"cannot read {path.name} as Parquet: {exc}") from None
    header = list(pf.schema_arrow.names)

    def rows() -> Iterator[dict]:
        for batch in pf.iter_batches(batch_size=8192):
            yield from batch.to_pylist()

    return TableStream(path, "parquet", None, header, rows(), pf.metadata.num_rows)


# --------------------------------------------------------------------------------------------------------
# Writing tables (CSV, TSV, XLSX, Parquet) one row at a time, atomically
# --------------------------------------------------------------------------------------------------------

def table_format_for(path: str | Path | None) -> str:
    """``csv``, ``tsv``, ``xlsx`` or ``parquet`` from a file name (``-``/None: ``csv`` on stdout)."""
    if path is None or str(path) == "-":
        return "csv"
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"tsv": "tsv", "tab": "tsv", "xlsx": "xlsx", "parquet": "parquet", "pq": "parquet"}.get(suffix, "csv")


class TableWriter:
    """Write rows (sequences aligned with ``columns``) to a CSV, TSV, XLSX or Parquet file, streaming.

    Use as a context manager. The file appears only when the block ends without an error (a temporary file
    beside it is renamed); ``path`` None or ``"-"`` writes CSV to stdout. CSV and TSV are UTF-8. Parquet
    columns are strings except those named in ``float_columns``; rows are written in groups of
    ``batch_rows``, so memory stays constant.

    Raises
    ------
    InputFileError
        When the format's writer (openpyxl, pyarrow) is not installed.
    OSError
        When the folder is not writable.
    """

    def __init__(self, path: str | Path | None, columns: list[str], *, float_columns: tuple[str, ...] = (),
                 batch_rows: int = 50_000) -> None:
        self.path = None if path is None or str(path) == "-" else Path(path)
        self.columns = list(columns)
        self.format = table_format_for(path)
        self.float_columns = float_columns
        self.batch_rows = batch_rows
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Self:
        import csv
        import sys

        from clusteratlas.errors import InputFileError

        fmt = self.format
        if fmt in ("csv", "tsv"):
            fh = sys.stdout if self.path is None else self._stack.enter_context(atomic_write(self.path))
            self._csv = csv.writer(fh, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
            self._csv.writerow(self.columns)
            self.write = self._csv.writerow
        elif fmt == "xlsx":
            try:
                import openpyxl
            except ImportError:
                raise InputFileError("writing .xlsx needs openpyxl (pip install openpyxl)") from None
            self._fh = self._stack.enter_context(atomic_write(self.path, "wb"))
            self._wb = openpyxl.Workbook(write_only=True)
            self._ws = self._wb.create_sheet("matches")
            self._ws.append(self.columns)
            self.write = self._xlsx_row
        else:
            try:
                import pyarrow as pa
                import pyarrow.parquet as pq
            except ImportError:
                raise InputFileError("writing Parquet needs pyarrow (pip install pyarrow)") from None
            self._pa = pa
            self._schema = pa.schema([(c, pa.float64() if c in self.float_columns else pa.string())
                                      for c in self.columns])
            self._fh = self._stack.enter_context(atomic_write(self.path, "wb"))
            self._pq = pq.ParquetWriter(self._fh, self._schema)
            self._batch: list[list] = [[] for _ in self.columns]
            self.write = self._parquet_row
        return self

    def _xlsx_row(self, row) -> None:
        self._ws.append(["" if v is None else v for v in row])

    def _parquet_row(self, row) -> None:
        for col, v, name in zip(self._batch, row, self.columns):
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

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                if self.format == "xlsx":
                    self._wb.save(self._fh)
                elif self.format == "parquet":
                    self._flush()
                    self._pq.close()
            elif self.format == "parquet":
                with contextlib.suppress(Exception):
                    self._pq.close()
        finally:
            self._stack.__exit__(exc_type, exc, tb)
        return False
