"""The map's sharing, markets, Chinese mode and phone layout in a real browser (Debian chromium, offline).

Uses the set-up of ``test_web_browser.py``: every outside address is blocked and every request is recorded;
each test ends by checking that no request left the loopback server and that the page logged no error.
Skipped, with the reason, when chromium, chromedriver or selenium is missing.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from test_web_browser import (WAIT_S, _why_skip, chromium, js_errors, outside, requested_urls, serve_app,
                              wait_for, wait_ready)

pytestmark = pytest.mark.browser

DESKTOP = (1440, 900)
PHONE = (390, 844)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    why = _why_skip()
    if why:
        pytest.skip(why)
    from _webatlas import write_web_atlas

    from clusteratlas.atlas import load_atlas
    from clusteratlas.web import create_app

    atlas = load_atlas(write_web_atlas(tmp_path_factory.mktemp("mapbrowser") / "data"))
    with serve_app(create_app(atlas)) as url:
        yield url


def viewport(driver, size) -> None:
    """The page's viewport in CSS pixels (a phone size also emulates a mobile screen)."""
    w, h = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 800})


def open_page(driver, base, fragment="", size=DESKTOP) -> None:
    viewport(driver, size)
    driver.get(base + "/" + (("#" + fragment) if fragment else ""))
    wait_ready(driver)


def until(driver, predicate, what="condition"):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S).until(lambda d: predicate(d), message=what)


def settled_hash(driver) -> str:
    """The URL fragment once the page has stopped rewriting it."""
    last, same = None, 0
    for _ in range(WAIT_S * 10):
        now = driver.execute_script("return location.hash")
        same = same + 1 if now == last else 0
        if same >= 4:
            return now
        last = now
        time.sleep(0.1)
    return last


def fragment_dict(frag: str) -> dict[str, str]:
    from urllib.parse import unquote

    return {k: unquote(v) for k, _, v in (p.partition("=") for p in frag.lstrip("#").split("&") if p)}


def finish(driver, base) -> None:
    """No request left the loopback server, and the page logged no error."""
    urls = requested_urls(driver)
    assert any("/api/v1/" in u for u in urls), "request log is empty"
    assert outside(urls, {urlsplit(base).netloc}) == [], "the page asked for outside addresses"
    assert js_errors(driver, base) == []


def css(driver, selector):
    return driver.find_elements("css selector", selector)


def rect(driver, selector) -> dict:
    return driver.execute_script("var r = document.querySelector(arguments[0]).getBoundingClientRect();"
                                 "return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, "
                                 "width: r.width, height: r.height};", selector)


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def search_enter(driver, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element("css selector", "#q")
    box.clear()
    box.send_keys(text + Keys.ENTER)


def pick(driver, text: str, selector: str) -> None:
    box = driver.find_element("css selector", "#q")
    box.clear()
    box.send_keys(text)
    wait_for(driver, f"#suggest .sg-item{selector}").click()


def view_state(driver) -> dict:
    """What a person sees, read from the page: panel, its subject, language, filters, set, markers shown."""
    return driver.execute_script("""
        var a = document.querySelector('#panel:not([hidden]) article');
        return {
          view: document.querySelector('#panel:not([hidden])') ? document.querySelector('#panel').getAttribute('data-view') : null,
          subject: a ? (a.getAttribute('data-cluster-id') || a.getAttribute('data-ids') || a.getAttribute('data-market-id')
                        || a.getAttribute('data-industry')) : null,
          title: a ? a.querySelector('h2').textContent : null,
          lang: document.documentElement.lang, q: document.getElementById('q').value,
          group: document.getElementById('group').value, industry: document.getElementById('industry').value,
          count: document.getElementById('compare-count').textContent, status: document.getElementById('status').textContent,
          markets: document.querySelectorAll('.mk-marker').length
        };""")


# -- the URL round trip -----------------------------------------------------------------------------------

def test_a_copied_url_opens_the_same_view_in_a_fresh_browser(base):
    with chromium() as a:
        open_page(a, base)
        search_enter(a, "wig")  # two wig clusters: the results panel
        wait_for(a, '#panel article.results li[data-cluster-id="juancheng-wigs"]')
        a.find_element("css selector", '#panel li[data-cluster-id="xuchang-wigs"] .link-btn').click()
        wait_for(a, '#panel article.cluster[data-cluster-id="xuchang-wigs"]')
        a.find_element("css selector", "#set-toggle").click()
        a.find_element("css selector", '#panel-close').click()
        search_enter(a, "wig")
        wait_for(a, '#panel li[data-cluster-id="juancheng-wigs"] .link-btn').click()
        wait_for(a, '#panel article.cluster[data-cluster-id="juancheng-wigs"]')
        a.find_element("css selector", "#set-toggle").click()
        a.find_element("css selector", '#lang button[data-lang="zh"]').click()
        wait_for(a, '#panel article.cluster[data-cluster-id="juancheng-wigs"]')
        a.find_element("css selector", ".leaflet-control-zoom-out").click()
        time.sleep(0.6)
        frag = settled_hash(a)
        got = fragment_dict(frag)
        assert got["lang"] == "zh" and got["q"] == "wig" and got["view"] == "cluster"
        assert got["cluster"] == "juancheng-wigs" and got["compare"] == "xuchang-wigs,juancheng-wigs"
        assert len(got["map"].split("/")) == 3
        seen = view_state(a)
        assert seen["count"] == " (2)" and "鄄城" in seen["title"]
        finish(a, base)
        url = a.current_url

    with chromium() as b:  # a fresh browser: own profile, nothing stored
        viewport(b, DESKTOP)
        b.get(url)
        wait_ready(b)
        wait_for(b, '#panel article.cluster[data-cluster-id="juancheng-wigs"]')
        assert settled_hash(b) == frag, "the restored view writes back the same address"
        assert view_state(b) == seen
        finish(b, base)


def test_every_view_survives_the_round_trip(base):
    views = {
        "compare of an industry": ("lang=en&industry=wigs&view=compare&map=6/34.5000/114.0000", '#panel article.compare[data-industry="wigs"]'),
        "compare set": ("lang=en&view=set&compare=xuchang-wigs,lishui-socks&map=5/30.0000/113.0000",
                        '#panel article.compare-set[data-ids="xuchang-wigs,lishui-socks"]'),
        "market": ("lang=zh&view=market&market=wig-fair&map=9/34.0000/113.9000", '#panel article.market[data-market-id="wig-fair"]'),
        "search results": ("lang=en&q=socks&view=results&map=6/23.0000/113.0000", "#panel article.results"),
        "about": ("lang=en&view=about&markets=0&map=4/35.0000/105.0000", "#panel article.about"),
        "group filter": ("lang=en&group=textiles&map=5/28.0000/112.0000", None),
    }
    with chromium() as d:
        viewport(d, DESKTOP)
        for name, (frag, selector) in views.items():
            d.get("about:blank")  # a new document each time: nothing kept but the address
            d.get(base + "/#" + frag)
            wait_ready(d)
            if selector:
                wait_for(d, selector)
            assert fragment_dict(settled_hash(d)) == fragment_dict(frag), name
        assert view_state(d)["group"] == "textiles"
        assert all(c.get_attribute("data-industry") == "socks" for c in css(d, ".cl-marker"))
        finish(d, base)


def test_old_links_and_editing_the_address_in_place(base):
    with chromium() as d:
        open_page(d, base, "cluster=xuchang-wigs")  # the links of earlier versions
        wait_for(d, '#panel article.cluster[data-cluster-id="xuchang-wigs"]')
        assert fragment_dict(settled_hash(d))["view"] == "cluster"
        d.execute_script("location.hash = '#view=market&market=xuchang-hair-city'")  # pasted into the same tab
        wait_for(d, '#panel article.market[data-market-id="xuchang-hair-city"]')
        d.execute_script("location.hash = '#map=bad&view=nonsense&compare=nope'")  # junk is ignored
        until(d, lambda d: d.find_element("css selector", "#panel").get_attribute("hidden") is not None, "panel closes")
        assert view_state(d)["count"] == ""
        finish(d, base)


# -- downloads, embed, about, corrections -------------------------------------------------------------

def test_download_the_clusters_shown(base, tmp_path):
    with chromium() as d:
        d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
        open_page(d, base)
        search_enter(d, "wig")
        wait_for(d, "#panel article.results")
        d.find_element("css selector", "#share-btn").click()
        wait_for(d, "#panel article.share")
        assert "2 " in d.find_element("css selector", "#panel article.share .muted").text
        link = d.find_element("css selector", ".dl-selection .dl-csv")
        assert "ids=" in link.get_attribute("href")
        link.click()
        d.find_element("css selector", ".dl-selection .dl-geojson").click()
        csv_file = tmp_path / "clusteratlas-selection.csv"
        geo_file = tmp_path / "clusteratlas-selection.geojson"
        until(d, lambda _: csv_file.exists() and geo_file.exists(), "both downloads")
        time.sleep(0.3)
        rows = list(csv.DictReader(io.StringIO(csv_file.read_text("utf-8"))))
        assert sorted(r["cluster_id"] for r in rows) == ["juancheng-wigs", "xuchang-wigs"]
        fc = json.loads(geo_file.read_text("utf-8"))
        assert len(fc["features"]) == 2 and fc["features"][0]["geometry"]["type"] == "Point"
        # the link shown is the view under the share panel, and it restores it
        link = d.find_element("css selector", "#share-link").get_attribute("value")
        assert "view=results" in link and "q=wig" in link and "view=share" not in link
        finish(d, base)


def test_embed_snippet_and_embedded_page(base):
    with chromium() as d:
        open_page(d, base, "view=cluster&cluster=xuchang-wigs&map=8/34.0300/113.8500")
        wait_for(d, '#panel article.cluster[data-cluster-id="xuchang-wigs"]')
        d.find_element("css selector", "#share-btn").click()
        snippet = wait_for(d, "#embed-code").get_attribute("value")
        assert snippet.startswith('<iframe src="' + base + '/?embed=1#') and "cluster=xuchang-wigs" in snippet
        src = snippet.split('src="')[1].split('"')[0]
        d.get(src)
        wait_ready(d)
        wait_for(d, '#panel article.cluster[data-cluster-id="xuchang-wigs"]')
        assert not d.find_element("css selector", "#bar").is_displayed()
        full = wait_for(d, "#embed-open")
        assert "cluster=xuchang-wigs" in full.get_attribute("href") and full.get_attribute("target") == "_blank"
        finish(d, base)


def test_about_panel_shows_licence_citation_and_data_version(base):
    with chromium() as d:
        open_page(d, base)
        about = d.execute_script("return fetch('/api/v1/about').then(r => r.json())")
        d.find_element("css selector", "#about-btn").click()
        panel = wait_for(d, "#panel article.about")
        text = panel.text
        assert "CC BY 4.0" in text and "MIT" in text and about["data_version"] in text
        assert panel.find_element("css selector", ".cite").text == about["cite_as"]
        assert panel.find_element("css selector", ".build-date").text == (about["build_date"] or "…")
        assert "export --format" in panel.find_element("css selector", "code.open-data").text
        lic = panel.find_element("css selector", "a.licence-data")
        assert lic.get_attribute("target") == "_blank" and "noopener" in lic.get_attribute("rel")
        finish(d, base)


def test_suggest_a_correction_makes_a_yaml_patch_and_sends_nothing(base, tmp_path):
    with chromium() as d:
        d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
        open_page(d, base, "view=cluster&cluster=xuchang-wigs")
        wait_for(d, '#panel article.cluster[data-cluster-id="xuchang-wigs"]')
        d.find_element("css selector", "details.fix summary").click()
        from selenium.webdriver.support.ui import Select

        Select(d.find_element("css selector", "#fix-field")).select_by_value("quality_tier")
        d.find_element("css selector", "#fix-value").send_keys("high")
        d.find_element("css selector", "#fix-make").click()
        assert "http" in d.find_element("css selector", ".fix-msg").text  # a source is required
        d.find_element("css selector", "#fix-url").send_keys("https://example.org/report")
        d.find_element("css selector", "#fix-title").send_keys('Report "2024": <b>tiers</b>')
        d.find_element("css selector", "#fix-note").send_keys("line one\nline two: with a colon")
        assert any("/api/v1/clusters/xuchang-wigs" in u for u in requested_urls(d))  # (empties the request log)
        d.find_element("css selector", "#fix-make").click()
        text = wait_for(d, "#fix-yaml").get_attribute("value")
        doc = yaml.safe_load(text)
        fix = doc["correction"]
        assert fix["cluster"] == "xuchang-wigs" and fix["field"] == "quality_tier"
        assert fix["old"] is None and fix["new"] == "high" and fix["data_file"] == "industries/wigs.yaml"
        assert fix["source"]["url"] == "https://example.org/report" and fix["source"]["title"] == 'Report "2024": <b>tiers</b>'
        assert fix["note"] == "line one\nline two: with a colon"
        assert doc["patched"]["quality_tier"] == "high" and doc["patched"]["id"] == "xuchang-wigs"
        d.find_element("css selector", "#fix-download").click()
        saved = tmp_path / "correction-xuchang-wigs.yaml"
        until(d, lambda _: saved.exists() and saved.stat().st_size > 0, "the patch is saved")
        assert yaml.safe_load(saved.read_text("utf-8")) == doc
        sent = [u for u in requested_urls(d) if urlsplit(u).scheme in ("http", "https")]
        assert sent == [], "making and saving the patch sends nothing"
        assert js_errors(d, base) == []


# -- markets and fairs ----------------------------------------------------------------------------------

def test_market_pins_panel_and_search(base):
    with chromium() as d:
        open_page(d, base, "map=8/34.0200/113.8600")
        pin = wait_for(d, '.mk-marker[data-market-id="xuchang-hair-city"]')
        assert pin.get_attribute("data-kind") == "wholesale market"
        assert css(d, '.mk-marker[data-market-id="wig-fair"]')
        d.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", pin)
        panel = wait_for(d, '#panel article.market[data-market-id="xuchang-hair-city"]')
        text = panel.text
        assert "Weidu District, Xuchang, Henan" in text and "daily 08:00-18:00" in text and "hair extensions" in text
        assert panel.find_element("css selector", "a.src-link").get_attribute("href") == "https://example.org/test"
        assert panel.find_element("css selector", '[data-cluster-id="xuchang-wigs"]')

        # a fair: its dates, marked upcoming
        pick(d, "发制品博览会", '[data-market-id="wig-fair"]')
        fair = wait_for(d, '#panel article.market[data-market-id="wig-fair"]')
        date = fair.find_element("css selector", '.fair-dates li[data-start="2031-09-20"]')
        assert "2031-09-20 – 2031-09-22" in date.text and "upcoming" in date.get_attribute("class")
        assert "every September" in fair.text

        # Enter on a market name: one market, no cluster → its panel
        search_enter(d, "Xuchang International Hair City")
        wait_for(d, '#panel article.market[data-market-id="xuchang-hair-city"]')

        # the cluster's panel lists its markets with hours and a way to the pin
        open_page(d, base, "view=cluster&cluster=xuchang-wigs")
        item = wait_for(d, '#panel section.markets li[data-market-id="xuchang-hair-city"]')
        assert "daily 08:00-18:00" in item.text
        item.find_element("css selector", ".link-btn").click()
        wait_for(d, '#panel article.market[data-market-id="xuchang-hair-city"]')

        # hostile strings in a market are text
        open_page(d, base, "view=market&market=chenghai-toy-market")
        toy = wait_for(d, '#panel article.market[data-market-id="chenghai-toy-market"]')
        assert '<img src=x onerror="window.__xss=1">' in toy.text
        assert d.execute_script("return window.__xss === undefined") and not css(d, "#panel img")

        # the layer can be hidden (and that is part of the view)
        if not d.find_element("css selector", "#markets-toggle").is_displayed():
            d.find_element("css selector", "#legend .legend-toggle").click()
        d.find_element("css selector", "#markets-toggle").click()
        until(d, lambda d: not css(d, ".mk-marker"), "market pins hidden")
        assert fragment_dict(settled_hash(d))["markets"] == "0"
        finish(d, base)


# -- Chinese --------------------------------------------------------------------------------------------

def test_chinese_mode_names_units_headings_and_results(base):
    from _webatlas import _has_description_zh

    with chromium() as d:
        open_page(d, base, "lang=zh")
        assert d.execute_script("return document.documentElement.lang") == "zh-Hans"
        assert "个产业带" in d.find_element("css selector", "#status").text
        search_enter(d, "wig")
        results = wait_for(d, "#panel article.results")
        assert results.find_element("css selector", "h2").text.startswith("搜索结果")
        assert "许昌假发" in results.text and "龙头" in results.text and "假发" in results.text
        results.find_element("css selector", 'li[data-cluster-id="xuchang-wigs"] .link-btn').click()
        panel = wait_for(d, '#panel article.cluster[data-cluster-id="xuchang-wigs"]')
        heads = [e.text for e in panel.find_elements("css selector", "h3")]
        assert "数据与说法" in heads and "市场与展会" in heads and "来源" in heads
        assert panel.find_element("css selector", "h2").text.startswith("许昌假发")
        assert "全球产量占比" in panel.text and "许昌市" in panel.text and "批发市场" in panel.text
        assert "已核实" in panel.text or "未核实" in panel.text
        desc = panel.find_element("css selector", "p.description")
        if _has_description_zh():
            assert desc.text == "许昌是假发之都。" and desc.get_attribute("lang") == "zh-Hans"
        else:  # English until the Chinese text is written, and marked as English
            assert desc.text == "A wig town." and desc.get_attribute("lang") == "en"
        # units: a count in 万/个, a share in %
        assert "> 60%" in panel.text
        # the industry's description heads its comparison
        open_page(d, base, "lang=zh&industry=wigs&view=compare")
        head = wait_for(d, '#panel article.compare[data-industry="wigs"] p.description')
        assert head.text == ("假发与发制品。" if _has_description_zh() else "Hairpieces.")
        # place names on the base map are Chinese
        open_page(d, base, "lang=zh&map=7.5/34.0300/113.8500")
        read = ("return Array.from(document.querySelectorAll('.pl-label .pl-text'))"
                ".map(function (e) { return [e.textContent, e.getAttribute('lang')]; })")
        labels = until(d, lambda d: d.execute_script(read), "place labels")
        assert any(x.endswith(("市", "县", "区")) for x, _ in labels), labels
        assert {lang for _, lang in labels} == {"zh-Hans"}
        d.find_element("css selector", '#lang button[data-lang="en"]').click()
        until(d, lambda d: (lambda got: got and all(not any("\u4e00" <= ch <= "\u9fff" for ch in x) for x, _ in got))(
            d.execute_script(read)), "English labels")
        finish(d, base)


def test_place_labels_appear_as_you_zoom(base):
    with chromium() as d:
        open_page(d, base, "lang=en&map=4/35.0000/105.0000")
        time.sleep(0.8)
        assert not css(d, ".pl-label")  # country view: province names only (the base map's own)
        d.execute_script("location.hash = '#lang=en&map=6/34.0300/113.8500'")
        until(d, lambda d: css(d, ".pl-label.lvl-prefecture"), "prefecture names")
        assert not css(d, ".pl-label.lvl-county")
        d.execute_script("location.hash = '#lang=en&map=8/34.0300/113.8500'")  # counties from 7.5
        until(d, lambda d: css(d, ".pl-label.lvl-county"), "county names")
        d.execute_script("location.hash = '#lang=en&map=10/34.0300/113.8500'")
        until(d, lambda d: css(d, ".pl-label.lvl-township"), "town points")
        n = int(d.find_element("css selector", "body").get_attribute("data-labels"))
        assert 0 < n <= 140
        finish(d, base)


# -- phone ----------------------------------------------------------------------------------------------

def test_phone_layout(base):
    with chromium() as d:
        open_page(d, base, size=PHONE)
        bar, mapbox = rect(d, "#bar"), rect(d, "#map")
        assert bar["height"] <= 60, bar
        assert mapbox["height"] >= 0.9 * (PHONE[1] - bar["height"]), mapbox
        assert not d.find_element("css selector", "#group").is_displayed()  # the controls fold away
        d.find_element("css selector", "#menu-btn").click()
        wait_for(d, "#group")
        assert d.find_element("css selector", "#menu-btn").get_attribute("aria-expanded") == "true"
        d.find_element("css selector", "#menu-btn").click()
        until(d, lambda d: not d.find_element("css selector", "#group").is_displayed(), "controls fold")

        # the legend is reachable
        toggle = wait_for(d, "#legend .legend-toggle")
        toggle.click()
        wait_for(d, "#legend .legend-body li")

        # a cluster: the panel is a bottom sheet; the zoom buttons stay clear of it
        pick(d, "wig", '[data-cluster-id="xuchang-wigs"]')
        wait_for(d, '#panel article.cluster[data-cluster-id="xuchang-wigs"]')
        panel, zoom = rect(d, "#panel"), rect(d, ".leaflet-control-zoom")
        assert panel["height"] <= 0.55 * PHONE[1] and panel["width"] == PHONE[0], panel
        assert not overlap(panel, zoom), (panel, zoom)
        assert not overlap(rect(d, "#legend"), panel)
        marker = rect(d, '.cl-marker[data-cluster-id="xuchang-wigs"]')
        assert marker["bottom"] < panel["top"], "the chosen cluster is above the sheet"
        # the compare view (wide on a desktop) stays inside the screen
        d.find_element("css selector", "#panel article.cluster p > .link-btn").click()
        wait_for(d, '#panel article.compare[data-industry="wigs"]')
        assert rect(d, "#panel")["width"] == PHONE[0]
        assert d.execute_script("return document.querySelector('#panel').scrollWidth") <= PHONE[0]
        d.find_element("css selector", "#sheet-toggle").click()
        until(d, lambda d: rect(d, "#panel")["height"] < 100, "the sheet folds")
        d.find_element("css selector", "#sheet-toggle").click()
        until(d, lambda d: rect(d, "#panel")["height"] > 300, "the sheet opens")
        finish(d, base)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_enter_pressed_quickly_never_leaves_suggestions_open(base, size):
    from selenium.webdriver.common.keys import Keys

    with chromium() as d:
        open_page(d, base, size=size)
        box = d.find_element("css selector", "#q")
        for text in ("wig", "socks", "许昌"):
            box.clear()
            box.send_keys(text + Keys.ENTER)  # typed and entered within the suggestion delay
            wait_for(d, "#panel:not([hidden]) article")
            time.sleep(0.8)  # longer than the suggestion delay and the answers
            assert d.find_element("css selector", "#suggest").get_attribute("hidden") is not None, text
            assert d.find_element("css selector", "#q").get_attribute("aria-expanded") == "false"
        # typing again brings suggestions back
        box.clear()
        box.send_keys("socks")
        wait_for(d, "#suggest .sg-item")
        finish(d, base)


# -- supplier leads (once the leads module is installed) ---------------------------------------------------

def test_supplier_leads_are_outside_links_never_fetched(base):
    pytest.importorskip("clusteratlas.leads", reason="supplier leads come with the trip planner")
    with chromium() as d:
        open_page(d, base, "view=cluster&cluster=xuchang-wigs")
        links = until(d, lambda d: css(d, "#leads a.lead-link"), "lead links")
        assert len(links) >= 4
        for a in links:
            assert a.get_attribute("target") == "_blank" and "noopener" in a.get_attribute("rel")
            assert a.get_attribute("href").startswith("https://")
        finish(d, base)


def test_screenshots_folder_is_documented():
    """The README shows the screenshots that tests/web/screenshots.py takes (all present, all PNG)."""
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text("utf-8")
    shots = sorted((root / "docs" / "screenshots").glob("*.png"))
    assert shots, "no screenshots in docs/screenshots"
    for p in shots:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"docs/screenshots/{p.name}" in readme, p.name
        assert p.stat().st_size < 400_000, p.name


# -- the trip (last: the planner came with the trip branch) ---------------------------------------------

def test_a_trip_planned_drawn_and_shared(base):
    pytest.importorskip("clusteratlas.trip", reason="the trip planner is not in this tree")
    with chromium() as a:
        open_page(a, base)
        a.find_element("css selector", "#trip-btn").click()
        form = wait_for(a, "#trip-form")
        items = form.find_element("css selector", "#trip-items")
        items.clear()
        items.send_keys("wigs, socks")
        frm = form.find_element("css selector", "#trip-from")
        frm.clear()
        frm.send_keys("Shanghai")
        days = form.find_element("css selector", "#trip-days")
        days.clear()
        days.send_keys("3")
        form.find_element("css selector", "#trip-go").click()
        summary = wait_for(a, "#trip-result .trip-summary")
        plan = a.execute_script("return fetch('/api/v1/plan?items=' + encodeURIComponent('wigs, socks') + "
                                "'&from=Shanghai&days=3&modes=drive,rail,flight').then(r => r.json())")
        n = plan["totals"]["stops"]
        assert n >= 2 and summary.get_attribute("data-stops") == str(n)
        assert f"{round(plan['totals']['great_circle_km'])} km" in summary.text and "est." in summary.text
        # on the map: one numbered pin per stop plus the start, one line per leg
        until(a, lambda d: len(css(d, ".trip-pin[data-stop]")) == n + 1, "stop pins")
        assert len(css(a, "path.trip-leg")) == len(plan["legs"])
        modes = {e.get_attribute("data-mode") for e in css(a, "path.trip-leg")}
        assert modes == {leg["mode"] for leg in plan["legs"]}
        # the itinerary: stops in order, legs between, every estimate marked
        stops = [e.get_attribute("data-stop") for e in css(a, ".itinerary > li.it-stop")]
        assert stops == [str(i) for i in range(1, n + 1)]
        assert len(css(a, ".itinerary > li.it-leg")) == len(plan["legs"])
        assert all(e.find_elements("css selector", ".est") for e in css(a, ".itinerary > li.it-leg"))
        first = plan["stops"][0]["clusters"][0]["cluster_id"]
        assert css(a, f'.itinerary button[data-cluster-id="{first}"]')
        for link in css(a, ".itinerary a.lead-link"):
            assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
        frag = settled_hash(a)
        got = fragment_dict(frag)
        assert got["view"] == "trip" and got["trip_items"] == "wigs, socks" and got["trip_from"] == "Shanghai"
        assert got["trip_days"] == "3"
        finish(a, base)
        url = a.current_url

    with chromium() as b:  # the shared trip in a fresh browser: same plan, same drawing
        viewport(b, DESKTOP)
        b.get(url)
        wait_ready(b)
        wait_for(b, "#trip-result .trip-summary")
        assert settled_hash(b) == frag
        assert len(css(b, ".trip-pin[data-stop]")) == n + 1 and len(css(b, "path.trip-leg")) == len(plan["legs"])
        assert b.find_element("css selector", "#trip-items").get_attribute("value") == "wigs, socks"
        # the trip stays drawn under another view, and that view's URL keeps it
        b.find_element("css selector", f'.itinerary button[data-cluster-id="{first}"]').click()
        wait_for(b, f'#panel article.cluster[data-cluster-id="{first}"]')
        assert len(css(b, "path.trip-leg")) == len(plan["legs"])
        assert fragment_dict(settled_hash(b))["trip_items"] == "wigs, socks"
        finish(b, base)


def test_a_trip_that_cannot_be_planned_says_why(base):
    pytest.importorskip("clusteratlas.trip", reason="the trip planner is not in this tree")
    with chromium() as d:
        open_page(d, base, "view=trip&trip_items=wigs&trip_from=Nowhereville&trip_days=2")
        msg = until(d, lambda d: d.find_element("css selector", ".trip-msg").text, "an error message")
        assert "Nowhereville" in msg
        assert not css(d, "path.trip-leg") and not css(d, ".trip-pin[data-stop]")
        errors = [e for e in js_errors(d, base) if "/api/v1/plan" not in e]  # the 404 itself is logged by the browser
        assert errors == []
        assert outside(requested_urls(d), {urlsplit(base).netloc}) == []


def test_weakly_sourced_clusters_say_so_in_both_languages(base):
    with chromium() as d:
        open_page(d, base, "cluster=town00-socks")
        panel = wait_for(d, '#panel article.cluster[data-cluster-id="town00-socks"]')
        box = panel.find_element("css selector", "p.evidence-weak")
        assert box.get_attribute("data-level") == "seed-only"
        assert box.text.startswith("Weakly sourced:") and "seed document alone" in box.text
        open_page(d, base, "lang=zh&cluster=chenghai-toys")
        panel = wait_for(d, '#panel article.cluster[data-cluster-id="chenghai-toys"]')
        box = panel.find_element("css selector", "p.evidence-weak")
        assert box.get_attribute("data-level") == "single-blog" and box.text.startswith("依据薄弱")
        open_page(d, base, "cluster=xuchang-wigs")
        panel = wait_for(d, '#panel article.cluster[data-cluster-id="xuchang-wigs"]')
        assert not panel.find_elements("css selector", "p.evidence-weak")
        finish(d, base)
