"""The table reader behind :func:`clusteratlas.tables.read_table_stream` (CSV, TSV, XLSX, Parquet).

Private module: use :mod:`clusteratlas.tables`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

# --------------------------------------------------------------------------------------------------------
# Reading tables (CSV, TSV, XLSX, Parquet) one row at a time, with encoding detection
# --------------------------------------------------------------------------------------------------------

#: Encodings tried, in order, for text tables. GB18030 is a superset of GBK and GB2312.
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
TABLE_FORMATS = ("csv", "tsv", "xlsx", "parquet")


class Row(dict):
    """One input row (column name -> value); ``problem`` says what was wrong with its line, else None.

    Blank lines, lines with more or fewer fields than the header and lines with broken quoting still give
    a row (so that output stays one row per input row); ``problem`` names the line number.
    """

    problem: str | None = None

    @classmethod
    def blank(cls, header: list[str], problem: str | None) -> Row:
        """A row of empty strings."""
        row = cls.fromkeys(header, "")
        row.problem = problem
        return row


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
    if path.is_dir():
        raise InputFileError(f"{path} is a folder, not a file")
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
    reader = csv.reader(fh, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise InputFileError(f"{path.name} is empty (no header row)") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        fh.close()
        raise InputFileError(f"cannot read {path.name}: {exc}") from None
    header = [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]

    name, width = path.name, len(header)

    def rows() -> Iterator[dict]:
        held: list[Row] = []  # blank lines: kept when a data line follows, dropped at the end of the file
        start = 2
        try:
            while True:
                start = reader.line_num + 1
                try:
                    rec = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    if "unexpected end of data" in str(exc):
                        raise InputFileError(f"{name}: malformed CSV: a quoted field opened on line {start} "
                                             "is never closed") from None
                    row = Row.blank(header, f"line {start}: malformed CSV ({exc}); row left empty")
                    yield from held
                    held.clear()
                    yield row
                    continue
                if not rec:  # in a one-column file a blank line is a blank cell, not a problem
                    held.append(Row.blank(header, None if width == 1 else f"line {start} is blank"))
                    continue
                yield from held
                held.clear()
                row = Row(zip(header, rec))
                if len(rec) < width:
                    row.update((h, "") for h in header[len(rec):])
                    row.problem = (f"line {start} has {len(rec)} fields, the header {width}: "
                                   "missing fields left empty")
                elif len(rec) > width:
                    extra = ",".join(rec[width:])
                    extra = extra if len(extra) <= 60 else extra[:57] + "..."
                    row.problem = (f"line {start} has {len(rec)} fields, the header {width}: "
                                   f"extra fields ignored ({extra!r})")
                yield row
        except UnicodeDecodeError as exc:
            raise InputFileError(f"{name}: bytes that are not {enc} near line {start}: {exc.reason}") from None
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
        held: list[Row] = []  # blank rows: kept when a data row follows, dropped at the end of the sheet
        try:
            for number, rec in enumerate(it, start=2):
                if rec is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in rec):
                    held.append(Row.blank(header, f"row {number} is blank"))
                    continue
                yield from held
                held.clear()
                yield Row((h, "" if v is None else str(v)) for h, v in zip(header, rec))
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


