"""Safe input files: only regular files are read, each kind up to a documented size.

Private module, used by the table reader (:mod:`clusteratlas._readers`) and the YAML loader
(:mod:`clusteratlas.atlas`). A FIFO, a device (``/dev/zero``, ``/dev/stdin``), a socket or a folder is refused
with one line before anything is read, whether named directly or through a symlink (symlinks are resolved
and their target checked), so that a reader can neither hang nor read without end. The file is opened
non-blocking and checked again on the open descriptor, so a file swapped for a FIFO in between is caught too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

#: Largest input accepted per kind of file, in bytes. Text tables are streamed (the limit bounds the time a
#: job takes, not its memory); XLSX is a zip that openpyxl inflates; YAML files are read whole.
MAX_BYTES = {
    "csv": 8 * 1024**3,
    "tsv": 8 * 1024**3,
    "xlsx": 1024**3,
    "parquet": 16 * 1024**3,
    "yaml": 32 * 1024**2,
}


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(n: int) -> str:
    for unit, div in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= div:
            return f"{n / div:.4g} {unit}"
    return f"{n} bytes"


def check_regular(path: str | Path, kind: str, error: type[Exception]) -> os.stat_result:
    """Check that ``path`` (after symlinks) is a regular file within the size limit of ``kind``.

    Parameters
    ----------
    path : str or Path
    kind : str
        A key of :data:`MAX_BYTES` (``csv``, ``tsv``, ``xlsx``, ``parquet``, ``yaml``).
    error : type
        The exception class to raise (an :class:`~clusteratlas.errors.AtlasError` subclass).

    Returns
    -------
    os.stat_result
        The file's status.

    Raises
    ------
    error
        One line: missing, not a regular file (FIFO, device, socket, folder), or larger than the limit.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise error(f"no such file: {path}") from None
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}") from None
    _check_stat(path, st, kind, error)
    return st


def _check_stat(path: Path, st: os.stat_result, kind: str, error: type[Exception]) -> None:
    if not stat.S_ISREG(st.st_mode):
        via = ""
        if path.is_symlink():
            try:
                via = f" (a symlink to {os.path.realpath(path)})"
            except OSError:
                via = " (a symlink)"
        what = _kind_of(st.st_mode)
        if what == "a folder":
            raise error(f"{path} is a folder, not a file")
        raise error(f"{path} is {what}{via}; only regular files are read")
    limit = MAX_BYTES.get(kind)
    if limit is not None and st.st_size > limit:
        raise error(f"{path} is {_size(st.st_size)}; the limit for a {kind} file is {_size(limit)}")


def open_regular(path: str | Path, kind: str, error: type[Exception]) -> BinaryIO:
    """Open a regular file for binary reading, checked as :func:`check_regular` (before and after opening).

    Raises
    ------
    error
        As :func:`check_regular`, or when the file cannot be opened.
    """
    path = Path(path)
    check_regular(path, kind, error)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"no such file: {path} (it vanished while being opened)") from None
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        _check_stat(path, os.fstat(fd), kind, error)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
