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

#: Modules under ``clusteratlas.cli`` that each add commands with ``register(app)``.
COMMAND_MODULES = ["atlas_cmds", "coverage_cmds", "serve_cmds", "place_cmds", "measure_cmds", "match_cmds",
                   "plan_cmds", "diff_cmds"]

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def build_app():
    """Assemble the typer app from :data:`COMMAND_MODULES`."""
    import typer

    from clusteratlas.cli._root import root

    app = typer.Typer(
        name="clusteratlas",
        help="The open atlas of China's industrial clusters: where is it made, and what is each place like?",
        context_settings=CONTEXT_SETTINGS,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(root)
    for name in COMMAND_MODULES:
        importlib.import_module(f"clusteratlas.cli.{name}").register(app)
    return app


def _broken_pipe(exc: BaseException | None) -> bool:
    """True when ``exc`` (or the error it was raised while handling) is a write to a closed pipe."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
            return True
        exc, seen = exc.__context__, seen + 1
    return False


def _quiet_exit_on_broken_pipe() -> None:
    """End with one line on stderr and exit 1: the reader of stdout went away before everything was written
    (``clusteratlas list clusters | head -0``). stdout is pointed at /dev/null first so that the flush at exit
    cannot fail again; no traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    try:
        sys.stderr.write("Error: the output was closed before everything was written (broken pipe)\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, mapping AtlasError to a one-line message and exit 1.

    Usage errors exit 2 (click); a closed output pipe is one line and exit 1; no arguments print the help (exit 0).
    """
    from clusteratlas.errors import AtlasError

    args = sys.argv[1:] if argv is None else list(argv)
    if not args:
        args = ["--help"]  # help asked for implicitly: on stdout, exit 0
    _terminate_cleanly()
    try:
        from clusteratlas.cli._hot import fast

        if fast(args):  # find / place in their plain form: no typer to import
            sys.stdout.flush()
            return
        app = build_app()
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
        _error(exc)
    except (OSError, UnicodeError) as exc:
        if _broken_pipe(exc):
            _quiet_exit_on_broken_pipe()
        _error(_describe_os_error(exc) if isinstance(exc, OSError) else exc)
    except MemoryError:
        _error("out of memory; work on less data at once (a smaller file, fewer simulations or a shorter "
               "distance), or set --max-memory below what the machine can give to stop such a job early")
    except KeyboardInterrupt:
        _error("interrupted; a file being written was discarded, earlier files are unchanged", code=130)
    except _Terminated as exc:
        import signal

        name = signal.Signals(exc.signum).name if exc.signum in signal.valid_signals() else str(exc.signum)
        _error(f"stopped by {name}; a file being written was discarded, earlier files are unchanged",
               code=128 + exc.signum)


class _Terminated(BaseException):
    """Raised in the main thread when the process receives SIGTERM (or SIGHUP), so that ``finally`` blocks and
    :func:`clusteratlas.tables.atomic_write` remove their temporary files before the process ends."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate_cleanly() -> None:
    """Turn SIGTERM and SIGHUP into :class:`_Terminated` (only in the main thread, only when default)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    main_pid = os.getpid()

    def handler(signum, frame):  # noqa: ANN001, ARG001 - signal handler signature
        if os.getpid() != main_pid:  # a forked worker (match's pool): end as it would have
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise _Terminated(signum)

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, handler)


def _describe_os_error(exc: OSError) -> str:
    """One line: what failed, on which file (``No space left on device: out.xlsx``)."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the disk"
    elif exc.errno == errno.EFBIG:
        reason = "file too large for this system or its limits"
    where = exc.filename if exc.filename not in (None, "") else None
    if where is None:
        text = str(exc)
        return text if not exc.strerror else f"{reason}; the output was not written (earlier files unchanged)"
    return f"{reason}: {where}"


def _error(exc: BaseException | str, code: int = 1) -> None:
    """One line on stderr and exit code ``code`` (1)."""
    line = " ".join(str(exc).split())
    try:
        sys.stderr.write(f"Error: {line}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    sys.exit(code)
