"""``clusteratlas serve``: ``--get`` answers one request in-process; the server itself over loopback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusteratlas", *args], capture_output=True, text=True,
                          timeout=120)


def test_get_prints_the_answer(web_dir):
    res = run("serve", "--get", "/api/v1/search?q=wig", "--data-dir", str(web_dir))
    assert res.returncode == 0, res.stderr
    body = json.loads(res.stdout)
    assert body["items"][0]["cluster_id"] == "xuchang-wigs"


def test_get_without_leading_slash(web_dir):
    res = run("serve", "--get", "api/v1/clusters/xuchang-wigs", "--data-dir", str(web_dir))
    assert res.returncode == 0 and json.loads(res.stdout)["cluster_id"] == "xuchang-wigs"


def test_get_error_prints_envelope_and_exits_1(web_dir):
    res = run("serve", "--get", "/api/v1/clusters/nope", "--data-dir", str(web_dir))
    assert res.returncode == 1
    assert json.loads(res.stdout)["error"]["code"] == "cluster_not_found"
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_serve_with_bad_data_is_one_line(tmp_path):
    res = run("serve", "--get", "/api/v1", "--data-dir", str(tmp_path))
    assert res.returncode == 1 and "Traceback" not in res.stderr


def test_serve_help_shows_an_example():
    res = run("serve", "--help")
    assert res.returncode == 0 and "--get" in res.stdout and "Example" in res.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def live_server(web_dir):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "clusteratlas", "serve", "--port", str(port),
                             "--data-dir", str(web_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute: start-up warms every index, slower on a loaded machine
            try:
                urllib.request.urlopen(base + "/api/v1", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stderr.read().decode())
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_uvicorn_serves_api_and_page(live_server):
    with urllib.request.urlopen(live_server + "/api/v1/search?q=wig", timeout=10) as r:
        assert json.loads(r.read())["items"][0]["cluster_id"] == "xuchang-wigs"
    with urllib.request.urlopen(live_server + "/", timeout=10) as r:
        assert b"clusteratlas" in r.read()


def test_serve_announces_only_once_listening(web_dir):
    """The "serving at" line comes after the address is bound: a request sent the moment it appears is
    answered (no connection refused)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "clusteratlas", "serve", "--port", str(port), "--workers", "1",
                             "--data-dir", str(web_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = ""
        while "serving the map" not in line:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "serve ended before announcing"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ready", timeout=30) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_on_a_port_in_use_is_one_line_and_exit_1(web_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        res = run("serve", "--port", str(port), "--data-dir", str(web_dir))
    assert res.returncode == 1, res.stderr
    assert res.stderr.strip().startswith("Error: cannot listen on 127.0.0.1:") and "in use" in res.stderr
    assert "serving the map" not in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
