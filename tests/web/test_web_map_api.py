"""The API the map's share, markets, labels, compare-set and about features read (generated web atlas)."""

from __future__ import annotations

import csv
import io
import sys
from urllib.parse import quote

import pytest

from _webatlas import MARKETS, XSS


def ok(client, url):
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return r


def envelope(r, status, code):
    assert r.status_code == status, (r.status_code, r.text[:300])
    err = r.json()["error"]
    assert set(err) == {"status", "code", "message", "details"} and err["code"] == code, err
    return err


# -- markets ------------------------------------------------------------------------------------------

def test_markets_list_every_market_with_points_and_sources(client, web_atlas):
    body = ok(client, "/api/v1/markets").json()
    assert body["total"] == len(web_atlas.markets) == len(MARKETS["markets"])
    hair = next(m for m in body["items"] if m["market_id"] == "xuchang-hair-city")
    assert (hair["lat"], hair["lon"]) == (34.04, 113.83)
    assert hair["opening_hours"] == "daily 08:00-18:00" and hair["sells"] == ["wigs", "hair extensions"]
    assert hair["source_detail"]["id"] == "test-source"
    assert hair["cluster_names"] == [{"cluster_id": "xuchang-wigs", "name": "Xuchang wigs", "name_zh": "许昌假发",
                                      "industry": "wigs"}]
    fair = next(m for m in body["items"] if m["market_id"] == "wig-fair")
    assert fair["fair_dates"][0]["start"] == "2031-09-20" and fair["recurrence"] == "every September"


@pytest.mark.parametrize("q, first", [
    ("Xuchang International Hair City", "xuchang-hair-city"), ("xuchang hair", "xuchang-hair-city"),
    ("许昌国际发制品城", "xuchang-hair-city"), ("hair products fair", "wig-fair"), ("发制品博览会", "wig-fair"),
    ("XUCHANGINTERNATIONAL", "xuchang-hair-city"), ("Weidu", "xuchang-hair-city"),
])
def test_markets_found_by_name(client, q, first):
    items = ok(client, "/api/v1/markets?q=" + quote(q)).json()["items"]
    assert items and items[0]["market_id"] == first, items
    assert all(0 < i["score"] <= 1 for i in items)


def test_markets_name_search_finds_nothing_for_unrelated_words(client):
    assert ok(client, "/api/v1/markets?q=zebra").json() == {"items": [], "total": 0, "limit": 500, "offset": 0}


def test_markets_filters(client):
    ids = lambda url: [m["market_id"] for m in ok(client, url).json()["items"]]  # noqa: E731
    assert ids("/api/v1/markets?cluster=juancheng-wigs") == ["wig-fair"]
    assert ids("/api/v1/markets?kind=" + quote("trade fair")) == ["wig-fair"]
    assert ids("/api/v1/markets?bbox=116,23,117,24") == ["chenghai-toy-market"]
    assert ids("/api/v1/markets?limit=1&offset=1") == ["wig-fair"]


def test_one_market_and_unknown_ones(client):
    assert ok(client, "/api/v1/markets/wig-fair").json()["name_zh"] == "中国发制品博览会"
    envelope(client.get("/api/v1/markets/nope"), 404, "market_not_found")


@pytest.mark.parametrize("query, code", [
    ("kind=bazaar", "bad_query"), ("bbox=1,2,3", "bad_query"), ("q=", "invalid_parameter"),
    ("limit=0", "invalid_parameter"), ("q=" + "x" * 201, "invalid_parameter"),
])
def test_markets_bad_parameters(client, query, code):
    envelope(client.get("/api/v1/markets?" + query), 400, code)


def test_markets_unknown_cluster_is_404(client):
    envelope(client.get("/api/v1/markets?cluster=nope"), 404, "cluster_not_found")


def test_hostile_market_strings_are_data_not_markup(client):
    toy = ok(client, "/api/v1/markets/chenghai-toy-market").json()
    assert XSS in toy["name_en"] and toy["opening_hours"] == XSS  # served as JSON strings; the page escapes


def test_cluster_detail_carries_the_markets_file_markets(client):
    d = ok(client, "/api/v1/clusters/xuchang-wigs").json()
    names = [m["name_en"] for m in d["markets"]]
    assert "Xuchang International Hair City" in names and "China Hair Products Fair" in names
    hair = next(m for m in d["markets"] if m.get("id") == "xuchang-hair-city")
    assert hair["lat"] == 34.04 and hair["source_detail"]["id"] == "test-source"


# -- compare set --------------------------------------------------------------------------------------

def test_compare_set_across_industries(client):
    body = ok(client, "/api/v1/compare?ids=xuchang-wigs,lishui-socks,xuchang-wigs").json()
    assert body["ids"] == ["xuchang-wigs", "lishui-socks"] and body["industry"] is None
    assert [c["industry_name"] for c in body["clusters"]] == ["Wigs", "Socks"]
    d = body["distances_km"]
    assert d[0][0] == 0.0 and d[0][1] == d[1][0] and 1000 < d[0][1] < 1300
    assert "share_of_world_output" in body["metrics"]


def test_compare_set_of_one_industry_matches_the_industry_comparison(client):
    one = ok(client, "/api/v1/compare?ids=juancheng-wigs,xuchang-wigs").json()
    full = ok(client, "/api/v1/industries/wigs/compare").json()
    assert one["industry"] == "wigs" and one["ids"] == ["juancheng-wigs", "xuchang-wigs"]
    assert one["distances_km"][0][1] == full["distances_km"][0][1]


@pytest.mark.parametrize("query, status, code", [
    ("", 400, "invalid_parameter"), ("ids=", 400, "invalid_parameter"), ("ids=,,", 400, "bad_query"),
    ("ids=" + ",".join(f"town{i:02d}-socks" for i in range(13)), 400, "bad_query"),
    ("ids=xuchang-wigs,nope", 404, "cluster_not_found"),
])
def test_compare_set_bad_input(client, query, status, code):
    envelope(client.get("/api/v1/compare?" + query), status, code)


# -- exports of a selection ---------------------------------------------------------------------------

def test_export_of_a_selection_by_ids_keeps_their_order(client):
    fc = ok(client, "/api/v1/export.geojson?ids=lishui-socks,xuchang-wigs").json()
    assert [f["properties"]["cluster_id"] for f in fc["features"]] == ["lishui-socks", "xuchang-wigs"]
    r = ok(client, "/api/v1/export.csv?ids=lishui-socks,xuchang-wigs")
    assert 'filename="clusteratlas-selection.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["cluster_id"] for row in rows] == ["lishui-socks", "xuchang-wigs"]


def test_export_of_a_selection_by_filters(client, web_atlas):
    fc = ok(client, "/api/v1/export.geojson?industry=wigs").json()
    assert sorted(f["properties"]["cluster_id"] for f in fc["features"]) == ["juancheng-wigs", "xuchang-wigs"]
    fc = ok(client, "/api/v1/export.geojson?group=textiles").json()
    assert len(fc["features"]) == len(web_atlas.clusters_of("socks"))
    both = ok(client, "/api/v1/export.geojson?industry=wigs&ids=xuchang-wigs,lishui-socks").json()
    assert [f["properties"]["cluster_id"] for f in both["features"]] == ["xuchang-wigs"]
    whole = ok(client, "/api/v1/export.csv")
    assert 'filename="clusteratlas-clusters.csv"' in whole.headers["content-disposition"]


@pytest.mark.parametrize("query, status, code", [
    ("ids=nope", 404, "cluster_not_found"), ("industry=nope", 404, "industry_not_found"),
    ("bbox=1,2", 400, "bad_query"), ("q=", 400, "invalid_parameter"),
    ("ids=" + ",".join(f"c{i}" for i in range(501)), 400, "bad_query"),
])
def test_export_selection_bad_input(client, query, status, code):
    envelope(client.get("/api/v1/export.csv?" + query), status, code)


# -- labels -------------------------------------------------------------------------------------------

def test_labels_by_zoom(client):
    pytest.importorskip("clusteratlas.gazetteer")
    far = ok(client, "/api/v1/places/labels?bbox=112,33,115,35&zoom=4").json()
    assert far["items"] == [] and far["levels"] == []
    mid = ok(client, "/api/v1/places/labels?bbox=112,33,115,35&zoom=6").json()
    assert mid["levels"] == ["prefecture"] and {i["level"] for i in mid["items"]} == {"prefecture"}
    assert any(i["name_zh"] == "许昌市" and i["adcode"] == "411000" for i in mid["items"])
    assert ok(client, "/api/v1/places/labels?bbox=112,33,115,35&zoom=5.5").json()["items"] == []
    near = ok(client, "/api/v1/places/labels?bbox=113.6,33.9,114.1,34.3&zoom=9.5").json()
    levels = [i["level"] for i in near["items"]]
    assert {"county", "township"} <= set(levels)
    assert levels == sorted(levels, key=["prefecture", "county", "township"].index)  # coarsest first
    for i in near["items"]:
        assert 113.6 <= i["lon"] <= 114.1 and 33.9 <= i["lat"] <= 34.3


def test_labels_towns_only_with_their_own_point(client):
    gaz = pytest.importorskip("clusteratlas.gazetteer")
    from clusteratlas.gazetteer import _tables

    body = ok(client, "/api/v1/places/labels?bbox=73,3,136,54&zoom=10").json()
    assert body["truncated"] is True and len(body["items"]) == 600
    units = _tables.units()
    for i in body["items"]:
        if i["level"] == "township":
            assert units[i["adcode"]].coord_src == "geonames"
    assert gaz  # the real gazetteer answered


@pytest.mark.parametrize("query", ["", "bbox=1,2,3,4", "zoom=5", "bbox=1,2,3&zoom=5", "bbox=1,2,3,4&zoom=nan",
                                   "bbox=1,2,3,4&zoom=99", "bbox=5,2,3,4&zoom=5"])
def test_labels_bad_parameters(client, query):
    r = client.get("/api/v1/places/labels?" + query)
    assert r.status_code == 400 and r.json()["error"]["code"] in ("invalid_parameter", "bad_query")


# -- leads --------------------------------------------------------------------------------------------

def test_leads_hook(client):
    """Until the leads module is installed the endpoint answers 503 unavailable; with it, outside links."""
    r = client.get("/api/v1/clusters/xuchang-wigs/leads?product=lace+wig")
    try:
        import clusteratlas.leads  # noqa: F401
    except ImportError:
        envelope(r, 503, "unavailable")
        assert ok(client, "/api/v1/about").json()["features"]["leads"] is False
        return
    body = r.json()
    assert body["cluster_id"] == "xuchang-wigs" and body["items"] and body["notice"]
    assert all(i["outside"] is True and i["url"].startswith("https://") for i in body["items"])
    assert any("lace wig" in i["query"] for i in body["items"])


def test_leads_unknown_cluster_is_404(client):
    envelope(client.get("/api/v1/clusters/nope/leads"), 404, "cluster_not_found")


def test_leads_with_a_stand_in_module(client, monkeypatch):
    import types

    mod = types.ModuleType("clusteratlas.leads")

    class Lead:
        def to_dict(self):
            return {"site": "x", "site_name": "X", "query": "许昌 假发", "language": "zh",
                    "url": "https://example.org/?q=x", "outside": True}

    mod.leads_for_cluster = lambda atlas, cluster, product=None: [Lead()]
    mod.LEADS_NOTICE = "Outside links."
    monkeypatch.setitem(sys.modules, "clusteratlas.leads", mod)
    import clusteratlas

    monkeypatch.setattr(clusteratlas, "leads", mod, raising=False)  # when the real module was imported before
    body = ok(client, "/api/v1/clusters/xuchang-wigs/leads").json()
    assert body == {"cluster_id": "xuchang-wigs", "product": None, "items": [Lead().to_dict()],
                    "notice": "Outside links."}


# -- about --------------------------------------------------------------------------------------------

def test_about_has_licences_citation_and_data_version(client, web_atlas):
    body = ok(client, "/api/v1/about").json()
    assert body["licence"]["data"]["name"] == "CC BY 4.0" and body["licence"]["code"]["name"] == "MIT"
    from clusteratlas.release import load_release

    assert body["data_version"] == load_release(web_atlas.data_dir).version  # a folder without release.yaml
    assert len(body["data_fingerprint"]) == 12
    assert body["data_version"] in body["cite_as"] and "CC BY 4.0" in body["cite_as"]
    from clusteratlas.coverage import all_markets

    # every market once, nested ones included: the count `clusteratlas stats` gives
    assert body["counts"]["markets"] == len(all_markets(web_atlas)) > len(web_atlas.markets)
    assert set(body["features"]) == {"markets", "leads", "plan", "labels"}


def test_meta_is_the_data_release_and_about_agrees(client, web_atlas):
    from clusteratlas.release import atlas_counts, load_release

    meta = ok(client, "/api/v1/meta").json()
    release = load_release(web_atlas.data_dir)
    assert meta["version"] == release.version and meta["build_date"] == release.build_date
    assert meta["licence"]["data"]["id"] == "CC-BY-4.0" and meta["licence"]["code"]["id"] == "MIT"
    assert meta["cite_as"] == release.cite_as and meta["counts"] == atlas_counts(web_atlas)
    about = ok(client, "/api/v1/about").json()
    assert (about["data_version"], about["build_date"], about["cite_as"], about["licence"]) == (
        meta["version"], meta["build_date"], meta["cite_as"], meta["licence"])


def test_data_version_follows_the_data_files(tmp_path):
    from clusteratlas.web.routers.meta import data_fingerprint

    (tmp_path / "a.yaml").write_text("x: 1", "utf-8")
    first = data_fingerprint(tmp_path)
    assert first == data_fingerprint(tmp_path)
    (tmp_path / "a.yaml").write_text("x: 2", "utf-8")
    assert data_fingerprint(tmp_path) != first


@pytest.mark.parametrize("url, model", [
    ("/api/v1/markets", "MarketList"), ("/api/v1/markets/wig-fair", "MarketOut"),
    ("/api/v1/compare?ids=xuchang-wigs,lishui-socks", "Comparison"), ("/api/v1/about", "About"),
    ("/api/v1/meta", "Meta"),
])
def test_new_answers_match_their_documented_schema(client, url, model):
    from clusteratlas.web import _schemas

    getattr(_schemas, model).model_validate(ok(client, url).json())


def test_labels_match_their_schema(client):
    pytest.importorskip("clusteratlas.gazetteer")
    from clusteratlas.web import _schemas

    _schemas.LabelResults.model_validate(ok(client, "/api/v1/places/labels?bbox=113,33,115,35&zoom=8").json())


# -- the page may be framed (embed), the API may not ---------------------------------------------------

def test_map_page_may_be_embedded_but_not_the_api(client):
    page = client.get("/")
    assert "frame-ancestors *" in page.headers["content-security-policy"]
    assert "x-frame-options" not in page.headers
    api = client.get("/api/v1/about")
    assert api.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in api.headers["content-security-policy"]


def test_industry_rows_carry_the_chinese_description_when_written(client):
    from _webatlas import _has_description_zh

    rows = {r["industry"]: r for r in ok(client, "/api/v1/industries").json()["items"]}
    assert "description_zh" in rows["wigs"]
    if _has_description_zh():
        assert rows["wigs"]["description_zh"] == "假发与发制品。"
        assert ok(client, "/api/v1/clusters/xuchang-wigs").json()["description_zh"] == "许昌是假发之都。"
