"""Tables in and out: the one reader, the one writer, atomic writes, and :func:`annotate_table`.

* :func:`read_table_stream` reads CSV, TSV, XLSX and Parquet one row at a time; the format comes from the
  extension or the content, the text encoding (UTF-8 or GB18030/GBK) is detected, and both are reported.
* :class:`TableWriter` writes rows in any format of the registry in :mod:`clusteratlas._writers` (csv, tsv,
  json, ndjson, geojson, xlsx, parquet), chosen by name or by the file's extension, streaming;
  :func:`write_rows` writes a list of dict rows in one call.
* Every file the project writes goes through :func:`atomic_write`: the data is written to a temporary file in
  the target's folder and renamed over the target only when complete, so an interrupted job never leaves a
  half-written file.
* :func:`annotate_table` is the bulk pipeline of ``match`` and ``geocode``: every input row comes out, in
  order, with the input's columns followed by the columns an annotator computes.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Self

from clusteratlas._readers import (  # noqa: F401 - the reader's public names live here too
    TEXT_ENCODINGS,
    Row,
    TableStream,
    detect_encoding,
    formula_display,
    read_table_stream,
)


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


def _temp_prefix(path: Path) -> str:
    """Temporary files of ``path`` are ``.{name}.part-{pid}.{random}.tmp`` beside it."""
    return f".{path.name}.part-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's live process
    return True


def remove_stale_temporaries(path: str | Path) -> list[Path]:
    """Delete the temporary files an earlier, killed job left beside ``path`` (see :func:`atomic_write`).

    A temporary file names the process that writes it; only those whose process is gone are removed, so
    a job writing the same output at the same time keeps its file.

    Returns
    -------
    list of Path
        The files removed.
    """
    path = Path(path)
    prefix = _temp_prefix(path)
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid_text = name[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def same_file(a: str | Path | None, b: str | Path | None) -> bool:
    """True when ``a`` and ``b`` name the same existing file (through symlinks and hard links too)."""
    if a is None or b is None or str(a) == "-" or str(b) == "-":
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = "") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it to ``path``, on error delete it.

    The final file gets the permissions a plain ``open()`` would give it: those of the file it replaces,
    else ``0o666`` less the umask. The temporary file is named ``.{name}.part-{pid}.{random}.tmp``; one left
    by a killed process (``kill -9``) is removed by the next write of the same file (see
    :func:`remove_stale_temporaries`). A full disk, a vanished folder or any other error while writing
    removes the temporary file and leaves an earlier ``path`` as it was.

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
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f"{_temp_prefix(path)}{os.getpid()}.", suffix=".tmp", dir=folder)
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
# Writing tables: one writer, formats from the registry in clusteratlas._writers
# --------------------------------------------------------------------------------------------------------

def output_formats() -> dict[str, str]:
    """Output formats by file extension (``{"csv": "csv", "jsonl": "ndjson", …}``)."""
    from clusteratlas._writers import SUFFIXES

    return dict(SUFFIXES)


def table_format_for(path: str | Path | None) -> str:
    """The output format of a file name, from its extension (see :func:`output_formats`); ``-``/None (stdout):
    ``csv``.

    Raises
    ------
    InputFileError
        For any other extension (or none): the file would otherwise hold a format its name does not say.
    """
    from clusteratlas.errors import InputFileError

    if path is None or str(path) == "-":
        return "csv"
    suffix = Path(path).suffix.lower().lstrip(".")
    known = output_formats()
    try:
        return known[suffix]
    except KeyError:
        listed = ", ".join(f".{s}" for s in known)
        what = f"extension .{suffix}" if suffix else "no extension"
        raise InputFileError(f"cannot tell the output format of {Path(path).name} ({what}); "
                             f"use one of {listed}") from None


class TableWriter:
    """Write rows to a file (atomically), to stdout or to an open file object, in any registered format.

    Use as a context manager and call :meth:`write` once per row: a sequence aligned with ``columns``, or a
    mapping (nested values are flattened to dotted columns by the flat formats, kept by JSON). The file
    appears only when the block ends without an error.

    Parameters
    ----------
    out : str, Path, file object or None
        A file name (the format follows its extension unless ``fmt`` is given), an open text file, or
        None / ``"-"`` for stdout (text formats only).
    columns : sequence of str
        Column names, in order.
    fmt : str, optional
        Format name (csv, tsv, json, ndjson, geojson, xlsx, parquet).
    float_columns : tuple of str
        Columns written as numbers where the format has types (JSON, Parquet).

    Raises
    ------
    InputFileError
        An unknown format or extension, a binary format on stdout, or a missing writer library.
    OSError
        When the folder is not writable.
    """

    def __init__(self, out: str | Path | IO | None, columns: Sequence[str], *, fmt: str | None = None,
                 float_columns: tuple[str, ...] = ()) -> None:
        from clusteratlas._writers import WRITERS
        from clusteratlas.errors import InputFileError

        self._fh_given = out if hasattr(out, "write") else None
        self.path = None if self._fh_given is not None or out is None or str(out) == "-" else Path(out)
        self.format = fmt or (table_format_for(self.path) if self.path is not None else "csv")
        if self.format not in WRITERS:
            raise InputFileError(f"unknown output format {self.format!r}; formats: {', '.join(WRITERS)}")
        self._cls = WRITERS[self.format]
        if self.path is None and self._fh_given is None and not self._cls.stdout_ok:
            raise InputFileError(f"{self.format} cannot be written to stdout; give an output file")
        self.columns = list(columns)
        self.float_columns = float_columns
        self._stack = contextlib.ExitStack()
        self._writer: Any = None

    def __enter__(self) -> Self:
        if self.path is not None:
            fh = self._stack.enter_context(atomic_write(self.path, "wb" if self._cls.binary else "w"))
        else:
            fh = self._fh_given if self._fh_given is not None else sys.stdout
        import inspect

        extra = {"target": self.path} if "target" in inspect.signature(self._cls).parameters else {}
        self._writer = self._cls(fh, self.columns, self.float_columns, **extra)
        self.write = self._writer.write
        return self

    def write(self, row: Sequence[Any] | Mapping[str, Any]) -> None:
        """Write one row (replaced by the format's writer on entry)."""
        raise RuntimeError("use TableWriter as a context manager")

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                self._writer.close()
                if self.path is None and self._fh_given is None:
                    sys.stdout.flush()  # a closed pipe shows here, inside the command, not at exit
            else:
                self._writer.abort()
        finally:
            self._stack.__exit__(exc_type, exc, tb)
        return False


def write_rows(rows: Iterable[Mapping[str, Any]], out: str | Path | IO | None, fmt: str | None = None, *,
               columns: Sequence[str] | None = None) -> None:
    """Write dict rows in one call (see :class:`TableWriter`); for flat formats without ``columns`` the
    columns are every flattened key, in order of appearance."""
    from clusteratlas._writers import WRITERS
    from clusteratlas.shapes import flatten

    rows = list(rows)
    name = fmt or (table_format_for(out) if isinstance(out, (str, Path)) and str(out) != "-" else "csv")
    if columns is None:
        if name in ("json", "ndjson", "geojson") or name not in WRITERS:
            columns = []
        else:
            keys: dict[str, None] = {}
            for r in rows:
                keys.update(dict.fromkeys(flatten(r)))
            columns = list(keys)
    with TableWriter(out, columns, fmt=name) as writer:
        for r in rows:
            writer.write(r)


# --------------------------------------------------------------------------------------------------------
# annotate_table: the bulk pipeline of match and geocode
# --------------------------------------------------------------------------------------------------------

#: A progress callback: ``progress(rows done, total rows or None)``.
Progress = Callable[[int, "int | None"], None]


@dataclass
class TableReport:
    """What :func:`annotate_table` did: counts, the input's format and encoding, where the output went."""

    rows: int = 0
    #: Rows the input holds, when cheap to know before reading (see :class:`TableStream`).
    total_rows: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    input_format: str | None = None
    encoding: str | None = None
    encoding_detected: bool = False
    described: str = ""
    out: str | None = None
    seconds: float = 0.0
    #: Input lines with a problem (blank, ragged, broken quoting): how many, and the first messages.
    problems: int = 0
    problem_messages: list[str] = field(default_factory=list)
    #: The output column that names each line's problem (``reason`` for match, ``note`` for geocode).
    reason_column: str | None = None

    def problem_summary(self) -> str | None:
        """One line naming the input lines with problems (None when there were none)."""
        if not self.problems:
            return None
        shown = "; ".join(self.problem_messages)
        more = f"; and {self.problems - len(self.problem_messages)} more" if self.problems > len(
            self.problem_messages) else ""
        where = f" (see the {self.reason_column} column)" if self.reason_column else ""
        return f"Warning: {self.problems} input line(s) had problems{where}: {shown}{more}"


def annotate_table(path: str | Path, column: str, out: str | Path | None, fields: Sequence[str],
                   annotate: Callable[[Iterator[list[Row]]], Iterator[tuple[list[Row], list[Sequence[Any]]]]], *,
                   prefix: str, statuses: Sequence[str], report: TableReport | None = None,
                   float_fields: tuple[str, ...] = (), reason_field: str | None = None,
                   out_format: str | None = None, encoding: str | None = None, sheet: str | None = None,
                   progress: Progress | None = None, on_open: Callable[[str], None] | None = None,
                   chunk_rows: int = 4096) -> TableReport:
    """Stream a table file through ``annotate`` and write every row with the columns it adds.

    Parameters
    ----------
    path, column
        The input table (see :func:`read_table_stream`) and the column ``annotate`` reads.
    out : str, Path or None
        The output (format from its extension, or ``out_format``); None or ``"-"``: stdout.
    fields : sequence of str
        The names of the added columns; one that the input already has is renamed ``{prefix}{name}``.
    annotate : callable
        Receives an iterator of row chunks (lists of :class:`Row`) and yields ``(rows, results)`` per chunk, in
        order, where ``results[i]`` holds the values of ``fields`` for ``rows[i]``.
    statuses : sequence of str
        The values of the ``status`` field, counted in the report.
    reason_field : str, optional
        A field that receives the problem of a malformed input line (blank, ragged, broken quoting).
    progress : callable, optional
        ``progress(rows done, total)``, called after each chunk.
    on_open : callable, optional
        Receives one line describing the input (format, encoding, columns) once it is open.

    Returns
    -------
    TableReport
        Counts by status, rows, problems, input format and encoding, seconds.

    Raises
    ------
    InputFileError
        Unreadable input, missing column, unknown output extension, unwritable output folder, an output that
        is the input file; checked before any row is read.
    """
    from clusteratlas.errors import InputFileError

    started = time.perf_counter()
    to_stdout = out is None or str(out) == "-"
    if not to_stdout and same_file(path, out):
        raise InputFileError(f"the output file {out} is the input file; write the output elsewhere")
    if not to_stdout:
        check_output_path(out)  # an unwritable place or an unknown extension fails before the input is read
        if out_format is None:
            table_format_for(out)
    stream = read_table_stream(path, column=column, encoding=encoding, sheet=sheet)
    report = report if report is not None else TableReport()
    report.counts = dict.fromkeys(statuses, 0)
    report.total_rows = stream.n_rows
    report.input_format, report.encoding = stream.format, stream.encoding
    report.encoding_detected, report.described = stream.encoding_detected, stream.describe()
    if on_open is not None:
        on_open(report.described)
    report.out = None if to_stdout else str(out)
    taken = set(stream.columns)
    names = [f"{prefix}{f}" if f in taken else f for f in fields]
    header = [*stream.columns, *names]
    status_at = list(fields).index("status")
    if reason_field is None:  # the problem of a line goes to the first of these fields the output has
        reason_field = next((f for f in ("reason", "note") if f in fields), None)
    reason_at = list(fields).index(reason_field) if reason_field else None
    report.reason_column = names[reason_at] if reason_at is not None else None
    floats = tuple(n for n, f in zip(names, fields) if f in float_fields)
    counts, messages, cols = report.counts, report.problem_messages, stream.columns
    n = 0

    def chunks() -> Iterator[list[Row]]:
        rows: list[Row] = []
        for row in stream:
            rows.append(row)
            if len(rows) >= chunk_rows:
                yield rows
                rows = []
        if rows:
            yield rows

    with TableWriter(None if to_stdout else out, header, fmt=out_format, float_columns=floats) as writer:
        write = writer.write
        for rows, results in annotate(chunks()):
            for row, res in zip(rows, results):
                problem = getattr(row, "problem", None)
                if getattr(row, "error", None):  # an undecodable line: no result, status error
                    res = [None] * len(fields)
                    res[status_at] = "error"
                counts[res[status_at]] = counts.get(res[status_at], 0) + 1
                if problem:
                    report.problems += 1
                    if len(messages) < 5:
                        messages.append(problem)
                    if reason_at is not None:
                        res = list(res)
                        res[reason_at] = problem if not res[reason_at] else f"{problem}; {res[reason_at]}"
                write([row.get(c) for c in cols] + list(res))
            n += len(rows)
            if progress is not None:
                progress(n, stream.n_rows)
    report.rows = n
    report.seconds = time.perf_counter() - started
    return report
