"""The ``clusteratlas`` command line: a typer app whose commands are thin wrappers over library calls.

Each command group lives in its own module exposing ``register(app)``; this module only assembles them and
turns :class:`clusteratlas.errors.AtlasError` into a one-line message with exit code 1. A reader that closes
the pipe early (``clusteratlas list clusters | head -2``) ends the command quietly with exit code 0, as most
Unix tools do; ``clusteratlas`` alone prints the help on stdout and exits 0.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from typing import Annotated, Optional

import typer

#: Modules under ``clusteratlas.cli`` that each add commands with ``register(app)``.
COMMAND_MODULES = ["atlas_cmds", "coverage_cmds", "serve_cmds", "place_cmds", "measure_cmds", "match_cmds",
                   "plan_cmds"]

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
    app.callback()(_root)
    for name in COMMAND_MODULES:
        importlib.import_module(f"clusteratlas.cli.{name}").register(app)
    return app


def _version(value: bool) -> None:
    if value:
        from clusteratlas import __version__

        typer.echo(f"clusteratlas {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """The open atlas of China's industrial clusters: where is it made, and what is each place like?"""


def _broken_pipe(exc: BaseException | None) -> bool:
    """True when ``exc`` (or the error it was raised while handling) is a write to a closed pipe."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
            return True
        exc, seen = exc.__context__, seen + 1
    return False


def _quiet_exit_on_broken_pipe() -> None:
    """Exit 0 without a word: point stdout at /dev/null so that the flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(0)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, mapping AtlasError to a one-line message and exit 1.

    Usage errors exit 2 (click); a closed output pipe exits 0 quietly; no arguments print the help (exit 0).
    """
    from clusteratlas.errors import AtlasError

    args = sys.argv[1:] if argv is None else list(argv)
    if not args:
        args = ["--help"]  # help asked for implicitly: on stdout, exit 0
    app = build_app()
    try:
        app(args=args, prog_name="clusteratlas")  # standalone: click handles usage errors (exit 2)
    except SystemExit as exc:
        if exc.code not in (0, None) and _broken_pipe(exc.__context__):  # click's exit 1 after EPIPE
            _quiet_exit_on_broken_pipe()
        try:
            sys.stdout.flush()  # data still buffered would otherwise fail at exit, after our handlers
        except OSError as flush_exc:
            if _broken_pipe(flush_exc):
                _quiet_exit_on_broken_pipe()
            raise
        raise
    except AtlasError as exc:
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except (OSError, UnicodeError) as exc:
        if _broken_pipe(exc):
            _quiet_exit_on_broken_pipe()
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(1)
