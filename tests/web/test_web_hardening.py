"""Issue 15, items 5–7 (the server contract): readiness, indexes loaded before serving, worker count from
the machine, one error envelope for every status, redirects that never echo the Host header, the same input
rules on every endpoint, CSV cells that cannot start a formula, an OpenAPI document true to what is sent,
responses cached and compressed."""

from __future__ import annotations

import csv
import gzip
import io
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from clusteratlas._text import is_number
from clusteratlas.web._serve import WORKER_BYTES, worker_plan


def envelope(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:200])
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_ready_only_once_loaded(app, client):
    r = client.get("/api/v1/ready")
    assert r.status_code == 200 and r.json()["ready"] is True
    assert {"search", "gazetteer", "exports", "cluster_summaries"} <= set(r.json()["indexes"])
    assert "no-store" in r.headers["cache-control"]
    app.state.ready = False
    try:
        envelope(client.get("/api/v1/ready"), 503, "unavailable")
    finally:
        app.state.ready = True


def test_indexes_are_built_when_the_app_is(app):
    """Everything a first request would build is there before any request (so forked workers share it)."""
    assert app.state.ready and "all" in app.state.export_cache and app.state.cluster_summaries["ids"]
    assert app.openapi_schema is not None


@pytest.mark.parametrize("requested,cores,memory,expect", [
    (None, 2, 64 * 1024**3, 2), (64, 2, 64 * 1024**3, 2), (1, 8, 64 * 1024**3, 1),
    (None, 16, 2 * WORKER_BYTES, 2), (8, 16, WORKER_BYTES // 2, 1)])
def test_worker_plan(requested, cores, memory, expect):
    plan = worker_plan(requested, cores=cores, memory=memory)
    assert plan.workers == expect and plan.workers <= cores
    assert (plan.note is not None) == (requested is not None and requested > expect)


@pytest.mark.parametrize("method,path,status,code", [
    ("GET", "/api/v1/nope", 404, "not_found"), ("GET", "/nope", 404, "not_found"),
    ("POST", "/api/v1/search?q=wig", 405, "method_not_allowed"), ("DELETE", "/api/v1", 405, "method_not_allowed"),
    ("GET", "/api/v1/clusters?limit=0", 400, "invalid_parameter"),
    ("GET", "/api/v1/search?q=" + "x" * 5000, 414, "uri_too_long")])
def test_one_envelope_for_every_status(client, method, path, status, code):
    envelope(client.request(method, path), status, code)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1@evil.example"])
def test_trailing_slash_redirect_never_echoes_host(client, host):
    r = client.get("/api/v1/clusters/?limit=2", headers={"Host": host}, follow_redirects=False)
    assert r.status_code in (301, 307, 308)
    location = r.headers["location"]
    assert location == "/api/v1/clusters?limit=2" and "evil" not in location


def test_double_slash_redirect_stays_on_this_server(client):
    r = client.get("//evil.example/", follow_redirects=False)
    if r.status_code in (301, 307, 308):
        assert r.headers["location"].startswith("/") and not r.headers["location"].startswith("//")


@pytest.mark.parametrize("path", ["/\\evil.example/", "/\\/evil.example/", "/%5Cevil.example/"])
def test_backslash_redirect_never_names_another_host(client, path):
    """Browsers read a backslash in a path as a slash: "/\\evil.example" would mean //evil.example."""
    r = client.get(path, follow_redirects=False)
    if r.status_code in (301, 307, 308):
        loc = r.headers["location"]
        assert loc.startswith("/") and not loc.startswith("//") and "\\" not in loc, loc


@pytest.mark.parametrize("path", ["/api/v1/places?q=a%00b", "/api/v1/places?q=wig%07", "/api/v1/search?q=a%00b",
                                  "/api/v1/clusters?q=a%1fb", "/api/v1/clusters?industry=wigs%00",
                                  "/api/v1/export.csv?ids=a%00", "/api/v1/clusters/xuchang%00wigs",
                                  "/api/v1/places/labels?bbox=1,2,3,4%00&zoom=3"])
def test_control_characters_refused_on_every_endpoint(client, path):
    err = envelope(client.get(path), 400, "bad_query")
    assert "control characters" in err["message"]


def test_places_and_search_agree_on_blank_queries(client):
    for path in ("/api/v1/places", "/api/v1/search"):
        envelope(client.get(f"{path}?q=%20%20"), 400, "bad_query")


def test_export_csv_escapes_formula_cells(web_atlas):
    from fastapi.testclient import TestClient

    from clusteratlas.web import create_app

    app = create_app(web_atlas)
    rows = app.state.export_cache["rows"]
    evil = {**rows[0], "name": "=HYPERLINK(\"http://evil.example\",\"x\")", "name_zh": "@SUM(1+1)",
            "industry": "+cmd|' /C calc'!A0"}
    app.state.export_cache["rows"] = [evil, *rows[1:]]
    app.state.export_cache.pop("all")
    with TestClient(app) as c:
        body = c.get("/api/v1/export.csv").text
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "'@SUM(1+1)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not is_number(c))]


def test_openapi_true_to_export_media_types_and_rules(client):
    spec = client.get("/api/v1/openapi.json").json()
    csv_ok = spec["paths"]["/api/v1/export.csv"]["get"]["responses"]["200"]["content"]
    geo_ok = spec["paths"]["/api/v1/export.geojson"]["get"]["responses"]["200"]["content"]
    assert list(csv_ok) == ["text/csv"] and list(geo_ok) == ["application/geo+json"]
    assert client.get("/api/v1/export.csv").headers["content-type"].startswith("text/csv")
    assert client.get("/api/v1/export.geojson").headers["content-type"].startswith("application/geo+json")
    text = spec["info"]["description"]
    assert "control character" in text and "bbox" in text and "-180" in text
    assert "/api/v1/ready" in spec["paths"]


def test_responses_cached_compressed_and_revalidated(client):
    url = "/api/v1/clusters?limit=50"
    first = client.get(url, headers={"Accept-Encoding": "identity"})
    again = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == again.status_code == 200
    assert again.headers.get("content-encoding") == "gzip" and "Accept-Encoding" in again.headers["vary"]
    assert again.content == first.content  # httpx decodes gzip: the same bytes
    assert first.headers["etag"] == again.headers["etag"]
    r304 = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert r304.status_code == 304 and r304.content == b""
    small = client.get("/api/v1/ready", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def two_workers(web_dir):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "clusteratlas", "serve", "--port", str(port), "--workers", "2",
                             "--data-dir", str(web_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                with urllib.request.urlopen(base + "/api/v1/ready", timeout=1) as r:
                    if json.loads(r.read())["ready"]:
                        break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stderr.read().decode())
                time.sleep(0.1)
        yield base, port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stderr.close()


def test_two_forked_workers_ready_at_once(two_workers):
    base, _, proc = two_workers
    for _ in range(8):  # whichever worker answers, it is ready and its first place look-up works
        with urllib.request.urlopen(base + "/api/v1/places?q=Yiwu", timeout=30) as r:
            assert r.status == 200
        with urllib.request.urlopen(base + "/api/v1/ready", timeout=30) as r:
            assert json.loads(r.read())["ready"] is True


@pytest.mark.parametrize("size", [70_000, 200_000])
def test_oversize_request_line_gets_the_envelope(two_workers, size):
    _, port, _ = two_workers
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"GET /api/v1/search?q=" + b"a" * size + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 4") and b"application/json" in head.lower()
    err = json.loads(body)["error"]
    assert set(err) == {"status", "code", "message", "details"} and err["status"] >= 400


def test_served_gzip_and_redirect(two_workers):
    base, port, _ = two_workers
    req = urllib.request.Request(base + "/api/v1/clusters?limit=50", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        assert json.loads(gzip.decompress(r.read()))["items"]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"GET /api/v1/clusters/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        head = s.recv(65536).split(b"\r\n\r\n")[0].lower()
    assert b"location: /api/v1/clusters\r\n" in head + b"\r\n" and b"evil" not in head
