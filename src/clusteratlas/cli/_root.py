"""The root of the typer app: ``clusteratlas --version``."""

from __future__ import annotations

from typing import Annotated, Optional

import typer


def _version(value: bool) -> None:
    if value:
        from clusteratlas import __version__

        typer.echo(f"clusteratlas {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """The open atlas of China's industrial clusters: where is it made, and what is each place like?"""
