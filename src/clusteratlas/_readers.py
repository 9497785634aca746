"""The table reader behind :func:`clusteratlas.tables.read_table_stream` (CSV, TSV, XLSX, Parquet).

Private module: use :mod:`clusteratlas.tables`.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

# --------------------------------------------------------------------------------------------------------
# Reading tables (CSV, TSV, XLSX, Parquet) one row at a time, with encoding detection
# --------------------------------------------------------------------------------------------------------

#: Encodings tried, in order, for text tables. GB18030 is a superset of GBK and GB2312.
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
TABLE_FORMATS = ("csv", "tsv", "xlsx", "parquet")


#: A spreadsheet formula pasted into a text cell: ``=`` (after the apostrophe a CSV writer escapes it with,
#: :func:`clusteratlas._writers.escape_formula`) then a function call (``=HYPERLINK(``, no space before the
#: parenthesis) or a cell reference (``=A1``, ``=$B$2``). Text such as ``=== SALE ===`` is not a formula.
_FORMULA_RE = re.compile(r"'?=\s*(?:[A-Za-z_][A-Za-z0-9_.]*\(|\$?[A-Za-z]{1,3}\$?[0-9]+(?![0-9A-Za-z]))")
#: ``=HYPERLINK("link", "label")``: the label is what the cell shows (``,`` or ``;`` between arguments, as
#: locales write them; ``""`` is a quote inside a string).
_HYPERLINK_RE = re.compile(r"""'?=\s*HYPERLINK\(\s*"(?:[^"]|"")*"\s*[,;]\s*"((?:[^"]|"")*)"\s*\)\s*""",
                           re.IGNORECASE)


def formula_display(value: object) -> str | None:
    """What a cell holding a spreadsheet formula's text shows, when the formula itself says it.

    A title or address column sometimes holds a formula pasted as text (``=HYPERLINK("http://…","Lace front
    wig")``, ``=A2&" socks"``): its words are the formula's, not the product's or the place's.

    Returns
    -------
    str or None
        None when ``value`` is not a formula (any non-text value, ``"=== SALE ==="``); the label of a
        ``HYPERLINK`` with a literal label (stripped); ``""`` for any other formula, whose display depends on
        cells this file does not hold.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _FORMULA_RE.match(text):
        return None
    link = _HYPERLINK_RE.fullmatch(text)
    return link.group(1).replace('""', '"').strip() if link else ""


class Row(dict):
    """One input row (column name -> value); ``problem`` says what was wrong with its line, else None.

    Blank lines, lines with more or fewer fields than the header and lines with broken quoting still give
    a row (so that output stays one row per input row); ``problem`` names the line number.
    """

    problem: str | None = None
    #: Set (to the same text as ``problem``) when the row's line could not be decoded: its values are empty
    #: and callers give it ``status=error``.
    error: str | None = None

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
                 n_rows: int | None, *, encoding_detected: bool = False, decision=None) -> None:
        self.path, self.format, self.encoding, self.columns = path, fmt, encoding, columns
        #: The :class:`clusteratlas._encoding.EncodingDecision` of a text file (None for binary formats).
        self.decision = decision
        self.n_rows = n_rows
        self.encoding_detected = encoding_detected
        self._rows = rows

    def __iter__(self) -> Iterator[dict]:
        return self._rows

    def describe(self) -> str:
        """One line for the user: format, encoding, columns."""
        if self.decision is not None:
            enc = f", {self.decision.describe()}"
        else:
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

    Only regular files are read (a FIFO, device, socket or folder is refused, also behind a symlink), up to
    the size limit of their kind (:data:`clusteratlas._safefile.MAX_BYTES`: 8 GiB for CSV/TSV, 1 GiB for
    XLSX, 16 GiB for Parquet).

    Text files are decoded line by line (see :mod:`clusteratlas._encoding`): the encoding is decided from
    samples with charset-normalizer's help and reported by :meth:`TableStream.describe`; in a file mixing
    UTF-8 and GB18030 (GBK) lines each line is decoded UTF-8 first, and a row that needed the other encoding
    has a ``note``. A line that decodes in neither encoding, an unclosed quote or a wrong number of fields
    keeps its row (``problem`` says why; ``error`` for undecodable lines): one bad line never stops a job.

    Parameters
    ----------
    path : str or Path
        A CSV, TSV, XLSX or Parquet file. The format comes from the extension, else from the content.
    column : str, optional
        A column the caller needs: checked now, so that a wrong name fails before any work is done.
    encoding : str, optional
        Force a text encoding instead of detecting it (lines it cannot decode become error rows).
    sheet : str, optional
        XLSX sheet name (default: the first sheet).

    Returns
    -------
    TableStream
        Iterable of row dicts, with ``format``, ``encoding``, ``columns`` and ``n_rows``.

    Raises
    ------
    InputFileError
        Missing, unreadable, not a regular file or too large; unknown format or encoding name, no header, a
        missing ``column``, or a format whose reader (openpyxl, pyarrow) is not installed.
    """
    from clusteratlas._safefile import open_regular
    from clusteratlas.errors import InputFileError

    path = Path(path)
    with open_regular(path, "csv", InputFileError) as fh:  # the kind's own limit is checked below
        try:
            head = fh.read(65536)
        except OSError as exc:
            raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    fmt = _sniff_format(path, head)
    from clusteratlas._safefile import check_regular

    check_regular(path, fmt, InputFileError)
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


#: A quoted field may span at most this many lines; beyond, its quote is taken as never closed.
MAX_RECORD_LINES = 10_000


class _RunawayQuote(Exception):
    """A quoted field has run on for :data:`MAX_RECORD_LINES` lines."""


class _Feed:
    """The decoded lines handed to :mod:`csv`, remembering those of the record being read (to replay them
    after a malformed record) and the notes and errors of their decoding."""

    def __init__(self, lines: Iterator[tuple[int, str | None, str | None, str | None]]) -> None:
        self.lines = lines
        self.buf: list[tuple[int, str | None, str | None, str | None]] = []

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        item = next(self.lines)
        self.buf.append(item)
        if len(self.buf) > MAX_RECORD_LINES:
            raise _RunawayQuote
        text = item[1]
        return "\n" if text is None else text  # an undecodable line reads as blank; its error is in buf


def _decoded_lines(path: Path, decision) -> Iterator[tuple[int, str | None, str | None, str | None]]:
    """``(line number, text or None, note or error, escaped)`` for each physical line of the file;
    ``escaped`` is an undecodable line with its bad bytes written as ``\\xNN`` (kept in its row so nothing
    is lost), else None."""
    if decision.encoding.startswith("utf-16"):
        with path.open("r", encoding=decision.encoding, newline="") as fh:
            for n, line in enumerate(fh, start=1):
                yield n, line, None, None
        return
    decode = decision.decoder().decode
    with path.open("rb") as fh:
        first = True
        for n, raw in enumerate(fh, start=1):
            if first:
                first = False
                if raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
            text, note = decode(raw, n)
            yield n, text, note, (raw.decode("utf-8", "backslashreplace").rstrip("\r\n") if text is None else None)


def _text_stream(path: Path, fmt: str, head: bytes, encoding: str | None) -> TableStream:
    import csv

    from clusteratlas._encoding import decide_encoding
    from clusteratlas.errors import InputFileError

    try:
        decision = decide_encoding(path, head, encoding)
    except LookupError:
        raise InputFileError(f"unknown encoding {encoding!r}") from None
    sample = head.decode(decision.encoding if decision.encoding.startswith("utf-16") else "utf-8",
                         errors="replace")[:8192]
    if fmt == "csv":
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    else:
        delimiter = "\t"
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))
    name = path.name
    source = _decoded_lines(path, decision)
    feed = _Feed(source)
    reader = csv.reader(feed, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(f"{name} is empty (no header row)") from None
    except (csv.Error, _RunawayQuote) as exc:
        raise InputFileError(f"cannot read the header line of {name}: {exc or 'a quote never closed'}") from None
    if feed.buf and feed.buf[0][1] is None:
        raise InputFileError(f"{name}: the header {feed.buf[0][2]}")
    header = [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]
    width = len(header)

    def rows() -> Iterator[dict]:
        nonlocal feed, reader
        held: list[Row] = []  # blank lines: kept when a data line follows, dropped at the end of the file
        while True:
            feed.buf.clear()
            try:
                rec = next(reader)
            except StopIteration:
                break
            except (csv.Error, _RunawayQuote) as exc:
                if not feed.buf:  # pragma: no cover - csv raises only after reading a line
                    break
                start = feed.buf[0][0]
                if isinstance(exc, _RunawayQuote) or "unexpected end of data" in str(exc):
                    why = (f"line {start}: a quoted field opened on this line is never closed; row left empty "
                           "(the lines after it are read again)")
                else:
                    why = f"line {start}: malformed CSV ({exc}); row left empty"
                yield from held
                held.clear()
                yield Row.blank(header, why)
                # read again every line after the first line of the bad record
                feed = _Feed(itertools.chain(feed.buf[1:], source))
                reader = csv.reader(feed, delimiter=delimiter, strict=True)
                continue
            lines = feed.buf
            start = lines[0][0] if lines else 0
            errors = [m for _, t, m, _ in lines if t is None]
            notes = [m for _, t, m, _ in lines if t is not None and m]
            if errors:
                yield from held
                held.clear()
                row = Row.blank(header, "; ".join(errors))
                # keep the record's content, bad bytes escaped, split on its own (a stray quote in it
                # cannot swallow the lines after it); fields past the header's width share the last cell
                text = "".join(t if t is not None else e + "\n" for _, t, _, e in lines)
                cells = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
                row.update(zip(header[: width - 1], cells[: width - 1]))
                if len(cells) >= width:
                    row[header[width - 1]] = delimiter.join(cells[width - 1:])
                row.error = row.problem
                yield row
                continue
            if not rec:  # in a one-column file a blank line is a blank cell, not a problem
                held.append(Row.blank(header, None if width == 1 else f"line {start} is blank"))
                continue
            yield from held
            held.clear()
            row = Row(zip(header, rec))
            problems = list(notes)
            if len(rec) < width:
                row.update((h, "") for h in header[len(rec):])
                problems.append(f"line {start} has {len(rec)} fields, the header {width}: "
                                "missing fields left empty")
            elif len(rec) > width:
                extra = ",".join(rec[width:])
                extra = extra if len(extra) <= 60 else extra[:57] + "..."
                problems.append(f"line {start} has {len(rec)} fields, the header {width}: "
                                f"extra fields ignored ({extra!r})")
            if problems:
                row.problem = "; ".join(problems)
            yield row

    return TableStream(path, fmt, decision.encoding, header, rows(), max(0, _count_lines(path) - 1),
                       encoding_detected=decision.detected, decision=decision)


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


