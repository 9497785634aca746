"""The map page in a real browser: Debian's chromium driven by Selenium through chromium-driver.

Every address outside the machine is blocked (a dead proxy for everything but loopback, and a resolver that
answers no name), and every request the page makes is recorded: the test fails if any goes anywhere but the
two loopback servers (the app, and a stand-in for a source's web page).

Skipped, with the reason, when chromium, chromedriver or selenium is missing
(``scripts/install-system-deps.sh`` installs them).

Run as a script to take one screenshot of the shipped atlas (the README's set: tests/web/screenshots.py)::

    python tests/web/test_web_browser.py --screenshot /tmp/map.png
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,900", "--force-device-scale-factor=1",
                "--lang=en-US"]
SOURCE_TITLE = "Test source document"
WAIT_S = 20


def _why_skip() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install 'clusteratlas[web]')"
    if not Path(CHROMIUM).exists():
        return f"chromium not found at {CHROMIUM} (run scripts/install-system-deps.sh as root)"
    if not Path(CHROMEDRIVER).exists():
        return f"chromedriver not found at {CHROMEDRIVER} (apt-get install chromium-driver)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(app):
    """uvicorn in a thread on a free loopback port; yields the base address."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(WAIT_S * 20):
            if server.started:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("uvicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def serve_folder(folder: Path):
    """A plain static server on loopback (stands in for the web site a source link points to)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - keep test output clean
        pass


@contextlib.contextmanager
def chromium():
    """A fresh headless chromium (own profile) with every outside address blocked."""
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not go online
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="clusteratlas-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    # Outside addresses: names resolve to nothing, and anything not loopback goes to a dead proxy.
    opts.add_argument("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1")
    opts.add_argument("--proxy-server=http://127.0.0.1:9")
    opts.add_argument("--proxy-bypass-list=127.0.0.1;localhost")
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> list[str]:
    """Every address the browser asked for since the last call (from the DevTools performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def outside(urls: list[str], allowed_hosts: set[str]) -> list[str]:
    bad = []
    for u in urls:
        parts = urlsplit(u)
        if parts.scheme in ("data", "blob", "about", "chrome", "chrome-untrusted", "chrome-error", "devtools"):
            continue  # inside the browser (its own new-tab page resources), not the network
        if parts.scheme not in ("http", "https") or parts.netloc not in allowed_hosts:
            bad.append(u)
    return bad


def wait_for(driver, css: str, *, visible: bool = True):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    cond = EC.visibility_of_element_located if visible else EC.presence_of_element_located
    return WebDriverWait(driver, WAIT_S).until(cond((By.CSS_SELECTOR, css)))


def wait_ready(driver) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT_S).until(
        lambda d: d.find_element("css selector", "body").get_attribute("data-ready"))
    assert driver.find_element("css selector", "body").get_attribute("data-ready") == "1"


def type_and_pick(driver, text: str, cluster_id: str) -> None:
    box = driver.find_element("css selector", "#q")
    box.clear()
    box.send_keys(text)
    wait_for(driver, f'#suggest .sg-item[data-cluster-id="{cluster_id}"]').click()
    wait_for(driver, f'#panel article.cluster[data-cluster-id="{cluster_id}"]')


def js_errors(driver, base: str) -> list[str]:
    """Console errors of the map page (not of the stand-in source site opened in another tab)."""
    errors = []
    for e in driver.get_log("browser"):
        if e["level"] != "SEVERE" or (e.get("source") == "network" and not e["message"].startswith(base)):
            continue
        # an optional part answering 503 (no gazetteer installed) is reported by the console, not a bug
        if "/api/v1/places" in e["message"] and "503" in e["message"]:
            continue
        errors.append(e["message"])
    return errors


@pytest.mark.browser
def test_map_in_a_real_browser_offline(tmp_path):
    why = _why_skip()
    if why:
        pytest.skip(why)
    from _webatlas import write_web_atlas

    from clusteratlas.atlas import load_atlas
    from clusteratlas.web import create_app

    site = tmp_path / "site"
    site.mkdir()
    (site / "source.html").write_text(f"<!doctype html><title>{SOURCE_TITLE}</title><p>The source.</p>", "utf-8")
    with serve_folder(site) as source_base:
        atlas = load_atlas(write_web_atlas(tmp_path / "data", source_url=f"{source_base}/source.html"))
        with serve_app(create_app(atlas)) as base, chromium() as driver:
            allowed = {urlsplit(base).netloc, urlsplit(source_base).netloc}
            driver.get(base + "/")
            wait_ready(driver)
            assert driver.execute_script("return typeof L") == "object"
            assert len(driver.find_elements("css selector", ".leaflet-basemap-pane path")) > 30  # base map

            # search "wig": the Xuchang suggestion, its panel, its marker
            type_and_pick(driver, "wig", "xuchang-wigs")
            panel = driver.find_element("css selector", "#panel")
            assert "Xuchang" in panel.find_element("css selector", "h2").text
            marker = wait_for(driver, '.cl-marker[data-cluster-id="xuchang-wigs"]')
            assert "selected" in marker.get_attribute("class")
            assert panel.find_elements("css selector", ".metric.conflict .side-by-side .claim")
            assert panel.find_elements("css selector", ".badge.conf-unverified"), "unverified items are marked"
            assert "中国发制品之都" in panel.text and "Xuchang, Henan" in panel.text

            # open a source link: a new tab with the source's page
            link = panel.find_element("css selector", "a.src-link")
            assert link.get_attribute("href") == f"{source_base}/source.html"
            assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
            main = driver.current_window_handle
            link.click()
            for _ in range(WAIT_S * 10):
                if len(driver.window_handles) > 1:
                    break
                time.sleep(0.1)
            other = [h for h in driver.window_handles if h != main]
            assert other, "the source link opened no tab"
            driver.switch_to.window(other[0])
            for _ in range(WAIT_S * 10):
                if driver.title == SOURCE_TITLE:
                    break
                time.sleep(0.1)
            assert driver.title == SOURCE_TITLE
            driver.close()
            driver.switch_to.window(main)

            # compare view: great-circle distances between the wig clusters
            panel.find_element("css selector", "article.cluster p > .link-btn").click()
            wait_for(driver, '#panel article.compare[data-industry="wigs"] table.distances')
            assert "228" in driver.find_element("css selector", "table.distances").text  # 227.85 km

            # hostile strings from the data come out as text
            type_and_pick(driver, "toy", "chenghai-toys")
            text = driver.find_element("css selector", "#panel").text
            assert '<img src=x onerror="window.__xss=1">' in text
            assert "<script>window.__xss=2</script>" in text
            assert driver.execute_script("return window.__xss === undefined")
            assert not driver.find_elements("css selector", '#panel img, #suggest img, #legend img')
            assert not driver.find_elements("css selector", "#panel a[href*='script']")

            # Chinese labels
            driver.find_element("css selector", '#lang button[data-lang="zh"]').click()
            assert "搜索" in driver.find_element("css selector", "#q").get_attribute("placeholder")
            wait_for(driver, '#panel article.cluster[data-cluster-id="chenghai-toys"]')
            assert "澄海玩具" in driver.find_element("css selector", "#panel h2").text

            driver.save_screenshot(str(tmp_path / "map.png"))
            urls = requested_urls(driver)
            assert any(u.endswith("/api/v1/industries") for u in urls), "request log is empty"
            assert outside(urls, allowed) == [], "the page asked for outside addresses"
            assert js_errors(driver, base) == []


def screenshot(out: Path, query: str | None = None, lang: str = "en") -> None:
    """Screenshot of the map over the shipped atlas (offline), optionally after a search."""
    from clusteratlas.web import create_app

    with serve_app(create_app()) as base, chromium() as driver:
        driver.get(base + "/")
        wait_ready(driver)
        driver.find_element("css selector", f'#lang button[data-lang="{lang}"]').click()
        time.sleep(1.0)
        if query:
            box = driver.find_element("css selector", "#q")
            box.send_keys(query)
            item = wait_for(driver, "#suggest .sg-item")
            item.click()
            wait_for(driver, "#panel article.cluster")
            time.sleep(1.5)
        driver.save_screenshot(str(out))
        bad = outside(requested_urls(driver), {urlsplit(base).netloc})
        if bad:
            raise SystemExit(f"outside requests: {bad}")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Screenshot of the map over the shipped atlas.")
    ap.add_argument("--screenshot", type=Path, required=True)
    ap.add_argument("--query", default=None, help="search this and open the first suggestion")
    ap.add_argument("--lang", default="en", choices=["en", "zh"], help="page language")
    args = ap.parse_args()
    reason = _why_skip()
    if reason:
        sys.exit(reason)
    screenshot(args.screenshot, args.query, args.lang)
    print(f"wrote {args.screenshot}", file=sys.stderr)
