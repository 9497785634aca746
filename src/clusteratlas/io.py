"""Readers and writers: atomic file writes, table formats and encoding detection.

Every file the project writes goes through :func:`atomic_write`: the data is written to a temporary file in
the target's folder and renamed over the target only when complete, so an interrupted job never leaves a
half-written file.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Self


def _umask() -> int:
    """The process umask, read without changing it where the system allows (Linux ``/proc``)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _output_problem(path: Path) -> tuple[type[OSError], str] | None:
    """Why a file cannot be written at ``path`` (an OSError class and one line), or None."""
    if str(path) == "" or path.is_dir():
        return IsADirectoryError, f"{path} is a folder; give a file name to write (e.g. {path / 'out'}.<ext>)"
    folder = path.parent
    if not folder.exists():
        return FileNotFoundError, f"cannot write {path}: folder {folder} does not exist"
    if not folder.is_dir():
        return NotADirectoryError, f"cannot write {path}: {folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return PermissionError, f"cannot write {path}: folder {folder} is not writable"
    if path.exists() and not path.is_file():
        return IsADirectoryError, f"cannot write {path}: it exists and is not a regular file"
    return None


def check_output_path(path: str | Path | None) -> Path | None:
    """Check that a file can be written at ``path``; call it before any work is done.

    Parameters
    ----------
    path : str, Path or None
        The output file; None or ``"-"`` (stdout) always pass.

    Returns
    -------
    Path or None
        ``path`` as a Path (None for stdout).

    Raises
    ------
    InputFileError
        One line: the path is a folder; its folder does not exist, is not a folder, or is not writable.
    """
    from clusteratlas.errors import InputFileError

    if path is None or str(path) == "-":
        return None
    path = Path(path)
    problem = _output_problem(path)
    if problem is not None:
        raise InputFileError(problem[1])
    return path


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = "") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it to ``path``, on error delete it.

    The final file gets the permissions a plain ``open()`` would give it: those of the file it replaces,
    else ``0o666`` less the umask.

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
        When ``path`` is a folder or its folder is missing or not writable, with a one-line message (see
        :func:`check_output_path`), or on any write error; the target is left untouched.
    """
    path = Path(path)
    problem = _output_problem(path)
    if problem is not None:
        raise problem[0](problem[1])
    folder = path.parent
    try:
        perms = path.stat().st_mode & 0o7777
    except OSError:
        perms = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, perms)
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


# --------------------------------------------------------------------------------------------------------
# Writing tables (CSV, TSV, XLSX, Parquet) one row at a time, atomically
# --------------------------------------------------------------------------------------------------------

#: Output formats by file extension.
OUTPUT_SUFFIXES = {"csv": "csv", "tsv": "tsv", "tab": "tsv", "xlsx": "xlsx", "parquet": "parquet", "pq": "parquet",
                   "json": "json", "ndjson": "ndjson", "jsonl": "ndjson"}


def table_format_for(path: str | Path | None) -> str:
    """``csv``, ``tsv``, ``xlsx``, ``parquet``, ``json`` or ``ndjson`` from a file name's extension
    (see :data:`OUTPUT_SUFFIXES`; ``-``/None: ``csv`` on stdout).

    Raises
    ------
    InputFileError
        For any other extension (or none): the file would otherwise hold a format its name does not say.
    """
    from clusteratlas.errors import InputFileError

    if path is None or str(path) == "-":
        return "csv"
    suffix = Path(path).suffix.lower().lstrip(".")
    try:
        return OUTPUT_SUFFIXES[suffix]
    except KeyError:
        known = ", ".join(f".{s}" for s in OUTPUT_SUFFIXES)
        what = f"extension .{suffix}" if suffix else "no extension"
        raise InputFileError(f"cannot tell the output format of {Path(path).name} ({what}); "
                             f"use one of {known}") from None


def _xlsx_cell(ws, value):
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


class TableWriter:
    """Write rows (sequences aligned with ``columns``) to a CSV, TSV, XLSX, Parquet, JSON or NDJSON file,
    streaming; the format comes from the extension (:func:`table_format_for`).

    Use as a context manager. The file appears only when the block ends without an error (a temporary file
    beside it is renamed); ``path`` None or ``"-"`` writes CSV to stdout. CSV, TSV, JSON and NDJSON are
    UTF-8; JSON is an array of objects, NDJSON one object a line. XLSX cells are values, never formulas.
    Parquet and JSON values are strings except those named in ``float_columns`` (numbers); rows are written
    in groups of ``batch_rows``, so memory stays constant.

    Raises
    ------
    InputFileError
        When the extension names no supported format, or the format's writer (openpyxl, pyarrow) is not
        installed.
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
            self._ws.append([_xlsx_cell(self._ws, c) for c in self.columns])
            self.write = self._xlsx_row
        elif fmt in ("json", "ndjson"):
            self._fh = self._stack.enter_context(atomic_write(self.path))
            self._first = True
            if fmt == "json":
                self._fh.write("[")
            self.write = self._json_row
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
        ws = self._ws
        ws.append([_xlsx_cell(ws, v) for v in row])

    def _json_row(self, row) -> None:
        import json

        obj = {}
        for name, v in zip(self.columns, row):
            if v == "":
                v = None
            elif v is not None and name in self.float_columns:
                v = float(v)
            elif v is not None and not isinstance(v, (str, int, float, bool)):
                v = str(v)
            obj[name] = v
        text = json.dumps(obj, ensure_ascii=False)
        if self.format == "ndjson":
            self._fh.write(text + "\n")
        else:
            self._fh.write(("\n" if self._first else ",\n") + text)
        self._first = False

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
                if self.path is None:
                    sys.stdout.flush()  # a closed pipe shows here, inside the command, not at exit
                elif self.format == "xlsx":
                    self._wb.save(self._fh)
                elif self.format == "json":
                    self._fh.write("]\n" if self._first else "\n]\n")
                elif self.format == "parquet":
                    self._flush()
                    self._pq.close()
            elif self.format == "parquet":
                with contextlib.suppress(Exception):
                    self._pq.close()
            elif self.format == "xlsx":
                with contextlib.suppress(Exception):  # stop openpyxl's row writer before its file goes
                    self._ws.close()
        finally:
            self._stack.__exit__(exc_type, exc, tb)
        return False
