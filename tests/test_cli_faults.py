"""Issue 15, item 4 (faults): a full disk, a read-only folder, a vanished input, a broken pipe and a killed
process each end with at most one line and no traceback, leave earlier files intact and no temporary file
behind (a killed job's leftovers are removed by the next run); ``--out`` equal to the input is refused."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import clusteratlas.cli as cli
from clusteratlas import _writers
from clusteratlas.tables import read_table_stream, remove_stale_temporaries

EARLIER = b"an earlier output, to keep\n"


def catalogue(path: Path, rows: int) -> Path:
    path.write_text("sku,title\n" + "".join(f"{i},不锈钢保温杯 型号{i} 500ml\n" for i in range(rows)),
                    encoding="utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


def cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "clusteratlas", *args]


def one_line(stderr: str) -> None:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    errors = [ln for ln in stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, stderr


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_disk_full_is_one_line_and_keeps_the_earlier_file(tmp_path, ext):
    """The file-size limit (RLIMIT_FSIZE) makes the kernel refuse writes past 128 KiB, as a full disk would."""
    resource = pytest.importorskip("resource")
    src = catalogue(tmp_path / "in.csv", 12_000)
    out = tmp_path / "out" / f"matched.{ext}"
    out.parent.mkdir()
    out.write_bytes(EARLIER)

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (128 * 1024, 128 * 1024))

    res = subprocess.run(cmd("match", str(src), "--column", "title", "--out", str(out)), capture_output=True,
                         text=True, timeout=300, preexec_fn=limit)
    assert res.returncode == 1, res.stderr
    one_line(res.stderr)
    assert "too large" in res.stderr
    assert out.read_bytes() == EARLIER and leftovers(out.parent) == []


def test_enospc_while_writing_is_one_line(tmp_path, monkeypatch, capsys):
    src = catalogue(tmp_path / "in.csv", 50)
    out = tmp_path / "matched.csv"
    out.write_bytes(EARLIER)
    calls = {"n": 0}
    real = _writers.CsvWriter.write

    def write(self, row):
        calls["n"] += 1
        if calls["n"] > 10:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self, row)

    monkeypatch.setattr(_writers.CsvWriter, "write", write)
    with pytest.raises(SystemExit) as exc:
        cli.main(["match", str(src), "--column", "title", "--out", str(out), "--no-progress"])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    one_line(err)
    assert "no space left on the disk" in err
    assert out.read_bytes() == EARLIER and leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_one_line(tmp_path):
    src = catalogue(tmp_path / "in.csv", 5)
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        res = subprocess.run(cmd("match", str(src), "--column", "title", "--out", str(folder / "o.csv")),
                             capture_output=True, text=True, timeout=120)
    finally:
        folder.chmod(0o755)
    assert res.returncode == 1 and "not writable" in res.stderr
    one_line(res.stderr)
    assert list(folder.iterdir()) == []


def test_vanished_input(tmp_path):
    res = subprocess.run(cmd("match", str(tmp_path / "gone.csv"), "--column", "title"), capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 1 and "no such file" in res.stderr
    one_line(res.stderr)
    src = catalogue(tmp_path / "in.csv", 100)
    stream = read_table_stream(src, column="title")
    src.unlink()  # removed once open: the rows still come, from the open file
    assert len(list(stream)) == 100


def test_broken_pipe_is_one_line_and_exit_1(tmp_path):
    """``clusteratlas find wig | head -0``: the reader has gone; one line on stderr, exit 1, no traceback."""
    for args in (["find", "wig"], ["list", "clusters", "--format", "csv"]):
        proc = subprocess.Popen(cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.wait(timeout=120)
        proc.stderr.close()
        assert proc.returncode == 1, err
        assert err.strip().splitlines() == ["Error: the output was closed before everything was written (broken pipe)"]


def _start_and_wait_for_part(args: list[str], folder: Path) -> subprocess.Popen:
    proc = subprocess.Popen(cmd(*args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not any(".part-" in p.name for p in folder.iterdir()):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the job ended before writing: {proc.stderr.read()}")
        time.sleep(0.05)
    return proc


def _long_xlsx_job(tmp_path: Path) -> tuple[subprocess.Popen, Path, Path]:
    """A match job of 150,000 rows into an .xlsx over an earlier file, once it has begun writing."""
    src = catalogue(tmp_path / "in.csv", 150_000)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "matched.xlsx"
    out.write_bytes(EARLIER)
    return _start_and_wait_for_part(["match", str(src), "--column", "title", "--out", str(out)], folder), folder, out


def test_sigterm_leaves_no_temporary_file(tmp_path):
    proc, folder, out = _long_xlsx_job(tmp_path)
    proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=120)[1]
    if proc.returncode == 0:
        pytest.skip("the job finished before the signal arrived")
    assert proc.returncode == 128 + signal.SIGTERM
    one_line(err)
    assert "stopped by SIGTERM" in err
    assert out.read_bytes() == EARLIER and leftovers(folder) == []


def test_kill_9_leftovers_are_removed_by_the_next_run(tmp_path):
    proc, folder, out = _long_xlsx_job(tmp_path)
    proc.kill()
    proc.communicate(timeout=60)
    left = leftovers(folder)
    assert out.read_bytes() == EARLIER and left and all(".part-" in n for n in left)
    small = catalogue(tmp_path / "small.csv", 3)
    res = subprocess.run(cmd("match", str(small), "--column", "title", "--out", str(out)), capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert leftovers(folder) == []


def test_stale_cleanup_keeps_live_jobs(tmp_path):
    target = tmp_path / "o.csv"
    live = tmp_path / f".o.csv.part-{os.getpid()}.abc.tmp"
    dead_pid = 2**22 + 12345  # above Linux's default pid_max: never a live process
    dead = tmp_path / f".o.csv.part-{dead_pid}.abc.tmp"
    other = tmp_path / f".x.csv.part-{dead_pid}.abc.tmp"
    for p in (live, dead, other):
        p.write_text("x")
    assert remove_stale_temporaries(target) == [dead]
    assert live.exists() and other.exists() and not dead.exists()


@pytest.mark.parametrize("command", ["match", "geocode"])
def test_out_equal_to_input_is_refused(tmp_path, command):
    src = catalogue(tmp_path / "in.csv", 5)
    before = src.read_bytes()
    res = subprocess.run(cmd(command, str(src), "--column", "title", "--out", str(src)), capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 1 and "is the input file" in res.stderr, res.stderr
    one_line(res.stderr)
    assert src.read_bytes() == before


def test_out_equal_to_input_through_another_name(tmp_path):
    from clusteratlas.errors import InputFileError
    from clusteratlas.match import match_file

    src = catalogue(tmp_path / "in.csv", 5)
    before = src.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(src)
    hard = tmp_path / "hard.csv"
    os.link(src, hard)
    for out in (tmp_path / "." / "in.csv", link, hard):
        with pytest.raises(InputFileError, match="is the input file"):
            match_file(src, "title", out, workers=1)
    assert src.read_bytes() == before


def test_csv_cells_that_start_a_formula_are_escaped(tmp_path):
    import csv

    from clusteratlas.tables import write_rows

    out = tmp_path / "o.csv"
    write_rows([{"a": "=HYPERLINK(\"http://x\")", "b": "+1", "c": "-3.5", "d": "@SUM(A1)", "e": "-x", "f": 2}],
               out)
    row = list(csv.DictReader(out.open(encoding="utf-8")))[0]
    assert row == {"a": "'=HYPERLINK(\"http://x\")", "b": "+1", "c": "-3.5", "d": "'@SUM(A1)", "e": "'-x",
                   "f": "2"}
