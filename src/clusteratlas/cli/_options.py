"""Options shared by the commands (the sqlite-utils pattern): output format, data folder; the writers of rows,
messages and progress live in :mod:`clusteratlas.cli._emit` (re-exported here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from clusteratlas.cli._emit import (  # noqa: F401 - the commands import them from here
    OutputFormat,
    ProgressBar,
    echo_err,
    emit,
    resolve_format,
)

FormatOption = Annotated[
    OutputFormat | None,
    typer.Option("--format", "-f", help="Output format (default: table on a terminal, json otherwise).",
                 case_sensitive=False),
]


def require_points(fmt: OutputFormat | None, what: str) -> None:
    """Refuse ``--format geojson`` (a usage error, exit 2) for rows that have no point, such as ``what``."""
    if fmt is OutputFormat.geojson:
        raise typer.BadParameter(f"{what} have no coordinates, so there is no GeoJSON of them; "
                                 "use table, json, ndjson or csv", param_hint="'--format'")


DataDirOption = Annotated[
    Optional[Path],
    typer.Option("--data-dir", help="Read this atlas data folder instead of the shipped data.",
                 exists=False, file_okay=False),
]
