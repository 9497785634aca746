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
from typing import IO


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
