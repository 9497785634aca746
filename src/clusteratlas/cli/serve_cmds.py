"""``clusteratlas serve``: the map and the JSON API (read-only, offline), or one API request in-process."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from clusteratlas.cli._options import DataDirOption
from clusteratlas.errors import AtlasError


def _need_web() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        from clusteratlas.errors import AtlasError

        raise AtlasError(f"the web front end needs the 'web' extra: pip install 'clusteratlas[web]' ({exc.name} "
                         f"is missing)") from None


def get_once(path: str, data_dir: Path | None) -> int:
    """Answer one GET request for ``path`` in-process; print the body on stdout. Returns the exit code
    (0 for a 2xx/3xx answer, 1 otherwise, with the error message also on stderr)."""
    _need_web()
    import warnings

    with warnings.catch_warnings():  # newer Starlette warns that its test client prefers another HTTP package
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from clusteratlas.web import create_app

    if not path.startswith("/"):
        path = "/" + path
    with TestClient(create_app(data_dir=data_dir), raise_server_exceptions=False) as client:
        resp = client.get(path)
    sys.stdout.buffer.write(resp.content)
    if resp.content and not resp.content.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()
    if resp.status_code >= 400:
        try:
            message = resp.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = resp.reason_phrase
        typer.echo(f"Error: HTTP {resp.status_code}: {message}", err=True)
        return 1
    return 0


def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="Port to listen on.")] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the map in the default browser.")] = False,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", min=1, max=1024,
        help="Worker processes (default: one per usable core; capped by the cores and by the memory available, "
             "about 512 MiB each).")] = None,
    get: Annotated[Optional[str], typer.Option(
        "--get", metavar="PATH",
        help="Answer one GET request (e.g. /api/v1/search?q=wig) in-process, print it and exit.")] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Serve the map (/) and the read-only JSON API (/api/v1) with uvicorn; nothing is fetched from outside.

    Example: clusteratlas serve --open        (then http://127.0.0.1:8000/)
    Example: clusteratlas serve --get "/api/v1/search?q=wig"
    """
    if get is not None:
        raise typer.Exit(get_once(get, data_dir))
    _need_web()
    from clusteratlas.web._serve import run, worker_plan
    from clusteratlas.web.app import create_app

    plan = worker_plan(workers)
    if plan.note:
        typer.echo(f"clusteratlas: {plan.note}", err=True)
    # Load and warm every index once, here, before the workers fork: they share it and are ready at once.
    app = create_app(data_dir=data_dir)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"

    def announce() -> None:
        typer.echo(f"clusteratlas: serving the map at {url} and the API at {url}api/v1 with {plan.workers} "
                   f"worker(s) (Ctrl-C stops)", err=True)
        if open_browser:
            import threading
            import webbrowser

            threading.Timer(1.0, webbrowser.open, args=(url,)).start()

    try:
        run(app, host=host, port=port, workers=plan.workers, on_listening=announce)
    except OSError as exc:
        raise AtlasError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve")(serve_cmd)
