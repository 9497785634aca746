"""The root of the typer app: ``clusteratlas --version`` and the options every command shares
(``--max-memory``)."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer


def _version(value: bool) -> None:
    if value:
        from clusteratlas import __version__

        typer.echo(f"clusteratlas {__version__}")
        raise typer.Exit()


def _max_memory(value: Optional[str]) -> Optional[str]:
    """Set the memory budget of every computation of this run (see :mod:`clusteratlas._limits`)."""
    if value is None:
        return None
    from clusteratlas._limits import parse_size, set_max_memory

    try:
        size = parse_size(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    set_max_memory(size)
    # threads and worker processes started by the command read the budget from the environment
    os.environ["CLUSTERATLAS_MAX_MEMORY"] = str(size)
    return value


def root(
    version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
    max_memory: Annotated[Optional[str], typer.Option(
        "--max-memory", metavar="SIZE", callback=_max_memory, is_eager=True,
        help="Memory budget of any computation, e.g. 512M, 4G (default: half of the machine's memory, or "
             "$CLUSTERATLAS_MAX_MEMORY). A job that would need more stops with one line naming its estimate.")]
    = None,
) -> None:
    """The open atlas of China's industrial clusters: where is it made, and what is each place like?"""
