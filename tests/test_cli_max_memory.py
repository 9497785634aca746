"""Issue 15, item 3 (CLI plumbing): ``--max-memory`` sets the budget of every command; a ResourceLimitError
ends the command with one line and exit code 1."""

from __future__ import annotations

import subprocess
import sys

import pytest

import clusteratlas.cli as cli
from clusteratlas import _limits


@pytest.fixture
def probe_app(monkeypatch):
    """The real app plus a ``probe`` command that reports the budget and checks an estimate against it."""
    seen: dict[str, int] = {}
    real = cli.build_app

    def build():
        app = real()

        @app.command("probe")
        def probe(need: int = 0) -> None:
            seen["budget"] = _limits.max_memory_bytes()
            _limits.check_memory(need, "the probe's array", "ask for less")

        return app

    monkeypatch.setattr(cli, "build_app", build)
    monkeypatch.delenv("CLUSTERATLAS_MAX_MEMORY", raising=False)
    yield seen
    _limits.set_max_memory(None)


def test_max_memory_sets_the_budget(probe_app, monkeypatch):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--max-memory", "512M", "probe"])
    assert exc.value.code in (0, None)
    assert probe_app["budget"] == 512 * 1024**2


def test_default_budget_is_half_of_ram(probe_app):
    _limits.set_max_memory(None)
    with pytest.raises(SystemExit):
        cli.main(["probe"])
    assert probe_app["budget"] == _limits._physical_memory() // 2


def test_over_budget_is_one_line_and_exit_1(probe_app, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--max-memory", "1M", "probe", "--need", str(8 * 1024**2)])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Error: the probe's array would need about")
    assert "ask for less" in err and "Traceback" not in err


def test_bad_size_is_a_usage_error():
    res = subprocess.run([sys.executable, "-m", "clusteratlas", "--max-memory", "lots", "list", "industries"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "not a memory size" in res.stderr and "Traceback" not in res.stderr


def test_a_real_memory_error_is_one_line(monkeypatch, capsys):
    real = cli.build_app

    def build():
        app = real()

        @app.command("hog")
        def hog() -> None:
            raise MemoryError

        return app

    monkeypatch.setattr(cli, "build_app", build)
    with pytest.raises(SystemExit) as exc:
        cli.main(["hog"])
    err = capsys.readouterr().err
    assert exc.value.code == 1 and err.startswith("Error: out of memory") and err.count("\n") == 1
