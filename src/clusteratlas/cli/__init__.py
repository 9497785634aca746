"""The ``clusteratlas`` command line: a typer app whose commands are thin wrappers over library calls.

Each command group lives in its own module exposing ``register(app)``; this module only assembles them and
turns :class:`clusteratlas.errors.AtlasError` into a one-line message with exit code 1.
"""

from __future__ import annotations

import importlib
import sys

import typer

#: Modules under ``clusteratlas.cli`` that each add commands with ``register(app)``.
COMMAND_MODULES = ["atlas_cmds", "coverage_cmds", "serve_cmds", "place_cmds", "measure_cmds", "match_cmds"]

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def build_app() -> typer.Typer:
    """Assemble the typer app from :data:`COMMAND_MODULES`."""
    app = typer.Typer(
        name="clusteratlas",
        help="The open atlas of China's industrial clusters: where is it made, and what is each place like?",
        context_settings=CONTEXT_SETTINGS,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name in COMMAND_MODULES:
        importlib.import_module(f"clusteratlas.cli.{name}").register(app)
    return app


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, mapping AtlasError to a one-line message and exit 1."""
    from clusteratlas.errors import AtlasError

    app = build_app()
    try:
        app(args=argv, prog_name="clusteratlas")  # standalone: click handles usage errors (exit 2)
    except AtlasError as exc:
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except (OSError, UnicodeError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(1)
