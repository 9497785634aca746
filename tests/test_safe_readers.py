"""Issue 15, item 2: only regular files are read (no hang on a FIFO, no endless read of /dev/zero), each kind
within a size limit; a duplicate YAML key is an error naming the file and line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from clusteratlas._safefile import MAX_BYTES, check_regular
from clusteratlas.errors import DataValidationError, InputFileError
from clusteratlas.tables import read_table_stream

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI, with a timeout: a hang fails the test instead of stalling the suite."""
    return subprocess.run([sys.executable, "-m", "clusteratlas", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def one_line_error(res: subprocess.CompletedProcess, *words: str) -> None:
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    for w in words:
        assert w in res.stderr


def test_fifo_table_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "titles.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match="FIFO"):
        read_table_stream(fifo)
    one_line_error(run("match", str(fifo), "--column", "title", timeout=60), "FIFO")


def test_symlink_to_dev_zero_is_refused(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    link = tmp_path / "titles.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputFileError, match="device.*symlink to /dev/zero"):
        read_table_stream(link)
    one_line_error(run("geocode", str(link), "--column", "title", "--out", str(tmp_path / "o.csv")), "device")


def test_socket_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
    except OSError:
        pytest.skip("cannot bind a unix socket here")
    try:
        with pytest.raises(InputFileError, match="socket"):
            read_table_stream(path)
    finally:
        sock.close()


def test_size_limit_per_kind(tmp_path, monkeypatch):
    src = tmp_path / "t.csv"
    src.write_text("title\nwig\n" * 100, encoding="utf-8")
    monkeypatch.setitem(MAX_BYTES, "csv", 100)
    with pytest.raises(InputFileError, match="the limit for a csv file is 100 bytes"):
        read_table_stream(src)
    assert set(MAX_BYTES) >= {"csv", "tsv", "xlsx", "parquet", "yaml"}
    assert check_regular(tmp_path / "t.csv", "yaml", InputFileError).st_size > 100


def test_validate_refuses_a_fifo_yaml_without_hanging(mini_dir):
    os.mkfifo(mini_dir / "industries" / "zz-fifo.yaml")
    res = run("validate", str(mini_dir), "--no-places", timeout=60)
    assert res.returncode == 1 and "Traceback" not in res.stderr + res.stdout
    assert "FIFO" in res.stdout + res.stderr


def test_validate_refuses_dev_zero_yaml(mini_dir):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    (mini_dir / "sources" / "zero.yaml").symlink_to("/dev/zero")
    res = run("validate", str(mini_dir), "--no-places", timeout=60)
    assert res.returncode == 1 and "Traceback" not in res.stderr + res.stdout and "MemoryError" not in res.stderr
    assert "device" in res.stdout + res.stderr


def test_serve_data_dir_uses_the_same_reader(mini_dir):
    from clusteratlas.atlas import load_atlas

    os.mkfifo(mini_dir / "industries" / "zz-fifo.yaml")
    with pytest.raises(DataValidationError, match="FIFO"):
        load_atlas(mini_dir)


def test_duplicate_key_names_file_and_line(mini_dir):
    industry = sorted((mini_dir / "industries").glob("*.yaml"))[0]
    lines = industry.read_text("utf-8").count("\n")
    with industry.open("a", encoding="utf-8") as fh:
        fh.write("clusters: []\n")
    res = run("validate", str(mini_dir), "--no-places", timeout=120)
    out = res.stdout + res.stderr
    assert res.returncode == 1, out
    assert industry.name in out and "duplicate key 'clusters'" in out and f"line {lines + 1}" in out
    from clusteratlas.atlas import load_atlas

    with pytest.raises(DataValidationError, match="duplicate key 'clusters'"):
        load_atlas(mini_dir)


def test_nested_duplicate_key_and_merge_keys(tmp_path):
    from clusteratlas.atlas import read_yaml

    p = tmp_path / "a.yaml"
    p.write_text("a:\n  b: 1\n  c: 2\n  b: 3\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"a.yaml: line 4, column 3: duplicate key 'b' \(first on line 2\)"):
        read_yaml(p)
    p.write_text("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", encoding="utf-8")
    assert read_yaml(p)["other"] == {"x": 1, "y": 2}
