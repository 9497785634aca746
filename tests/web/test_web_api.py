"""The JSON API under /api/v1, through FastAPI's TestClient, on the generated web atlas."""

from __future__ import annotations

import csv
import io
import sys
import types
from urllib.parse import quote

import pytest

from _webatlas import N_EXTRA_SOCKS


def ok(client, url, **kw):
    r = client.get(url, **kw)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return r


def assert_envelope(r, status: int, code: str | None = None):
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"status", "code", "message", "details"}
    assert err["status"] == status
    assert isinstance(err["message"], str) and err["message"] and "\n" not in err["message"]
    if code:
        assert err["code"] == code, err
    return err


# -- index and OpenAPI --------------------------------------------------------------------------------

def test_index_lists_counts_and_endpoints(client, web_atlas):
    body = ok(client, "/api/v1").json()
    assert body["counts"]["clusters"] == len(web_atlas.clusters)
    for ep in ("/api/v1/industries", "/api/v1/clusters/{cluster_id}", "/api/v1/search", "/api/v1/places",
               "/api/v1/places/reverse", "/api/v1/export.geojson", "/api/v1/export.csv"):
        assert ep in body["endpoints"]


def test_openapi_documents_every_endpoint_and_the_error_envelope(client):
    spec = ok(client, "/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for ep in ("/api/v1/industries", "/api/v1/industries/{industry_id}", "/api/v1/industries/{industry_id}/compare",
               "/api/v1/clusters", "/api/v1/clusters/{cluster_id}", "/api/v1/search", "/api/v1/places",
               "/api/v1/places/reverse", "/api/v1/export.geojson", "/api/v1/export.csv"):
        assert "get" in paths[ep], ep
        assert paths[ep]["get"].get("description") or paths[ep]["get"].get("summary"), ep
    assert "ErrorEnvelope" in spec["components"]["schemas"]
    assert "404" in paths["/api/v1/clusters/{cluster_id}"]["get"]["responses"]
    params = {p["name"] for p in paths["/api/v1/clusters"]["get"]["parameters"]}
    assert {"industry", "group", "province", "adcode", "bbox", "q", "limit", "offset"} <= params


def test_no_docs_ui_that_would_load_from_a_cdn(client):
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


# -- industries ---------------------------------------------------------------------------------------

def test_industries_list_with_groups(client):
    body = ok(client, "/api/v1/industries").json()
    ids = [i["industry"] for i in body["items"]]
    assert ids == ["socks", "toys", "wigs"]
    assert body["total"] == 3
    wigs = body["items"][2]
    assert wigs["parent"] == "light-industry" and wigs["parent_name"] == "Light industry"
    assert wigs["clusters"] == 2 and wigs["hs"] == ["6704"]
    groups = {g["group"]: g for g in body["groups"]}
    assert groups["textiles"]["industries"] == ["socks"]
    assert groups["light-industry"]["name_zh"] == "轻工"


def test_industries_filtered_by_group(client):
    body = ok(client, "/api/v1/industries?group=textiles").json()
    assert [i["industry"] for i in body["items"]] == ["socks"]
    assert_envelope(client.get("/api/v1/industries?group=nope"), 404, "industry_not_found")


def test_industry_detail(client):
    body = ok(client, "/api/v1/industries/wigs").json()
    assert body["industry"] == "wigs" and body["name_zh"] == "假发"
    assert body["hs_codes"][0]["code"] == "6704"
    assert [c["cluster_id"] for c in body["clusters"]] == ["xuchang-wigs", "juancheng-wigs"]  # leading first


def test_unknown_industry_is_404_with_suggestion(client):
    err = assert_envelope(client.get("/api/v1/industries/wig"), 404, "industry_not_found")
    assert "wigs" in err["message"]


def test_compare_gives_tiers_figures_and_great_circle_distances(client):
    body = ok(client, "/api/v1/industries/wigs/compare").json()
    assert body["ids"] == ["xuchang-wigs", "juancheng-wigs"]
    d = body["distances_km"]
    assert d[0][0] == 0.0 and d[0][1] == d[1][0]
    # Xuchang (34.03N, 113.85E) to Juancheng (35.56N, 115.51E): haversine on a 6371.0088 km sphere
    assert d[0][1] == pytest.approx(227.85, abs=0.1)
    xu, ju = body["clusters"]
    assert len(xu["figures"]["share_of_world_output"]) == 2  # conflicting claims side by side
    assert ju["quality_tier"] == "mid" and ju["price_tier"] == "low"
    assert xu["titles"][0]["zh"] == "中国发制品之都"
    assert "share_of_world_output" in body["metrics"] and "firm_count" in body["metrics"]
    assert_envelope(client.get("/api/v1/industries/nope/compare"), 404, "industry_not_found")


# -- clusters -----------------------------------------------------------------------------------------

def test_clusters_default_page(client, web_atlas):
    body = ok(client, "/api/v1/clusters").json()
    assert body["total"] == len(web_atlas.clusters) == N_EXTRA_SOCKS + 4
    assert body["limit"] == 100 and body["offset"] == 0 and body["next"] is None and body["prev"] is None
    first = body["items"][0]
    assert {"cluster_id", "industry", "name", "name_zh", "role", "adcode", "place"} <= set(first)
    assert {"adcode", "name", "name_zh", "level", "lat", "lon", "path"} <= set(first["place"])


def test_clusters_pagination_walks_every_cluster_once(client, web_atlas):
    seen, url, pages = [], "/api/v1/clusters?limit=7", 0
    while url:
        body = ok(client, url).json()
        assert len(body["items"]) <= 7
        seen += [c["cluster_id"] for c in body["items"]]
        if body["offset"]:
            assert body["prev"] is not None
        url = body["next"]
        pages += 1
    assert pages == 5
    assert sorted(seen) == sorted(web_atlas.clusters) and len(seen) == len(set(seen))


def test_clusters_pagination_keeps_filters_in_links(client):
    body = ok(client, "/api/v1/clusters?industry=socks&limit=10&offset=10").json()
    assert "industry=socks" in body["next"] and "offset=20" in body["next"]
    assert "offset=0" in body["prev"]
    assert body["total"] == N_EXTRA_SOCKS + 1
    past = ok(client, "/api/v1/clusters?offset=1000").json()
    assert past["items"] == [] and past["next"] is None


@pytest.mark.parametrize("query, expected", [
    ("industry=wigs", {"xuchang-wigs", "juancheng-wigs"}),
    ("industry=wigs,toys", {"xuchang-wigs", "juancheng-wigs", "chenghai-toys"}),
    ("group=light-industry", {"xuchang-wigs", "juancheng-wigs"}),
    ("province=41", {"xuchang-wigs"}),
    ("province=410000", {"xuchang-wigs"}),
    ("province=Shandong", {"juancheng-wigs"}),
    ("province=" + quote("山东省"), {"juancheng-wigs"}),
    ("adcode=4405", {"chenghai-toys"}),
    ("adcode=3717", {"juancheng-wigs"}),
    ("bbox=113,33,116,36", {"xuchang-wigs", "juancheng-wigs"}),
    ("bbox=113.85,34.03,113.85,34.03", {"xuchang-wigs"}),  # edges included
    ("bbox=100,40,101,41", set()),
    ("industry=wigs&province=37", {"juancheng-wigs"}),
    ("group=textiles&bbox=113,23.1,114,24", {"lishui-socks"}),
])
def test_cluster_filters(client, query, expected):
    body = ok(client, f"/api/v1/clusters?{query}&limit=500").json()
    assert {c["cluster_id"] for c in body["items"]} == expected
    assert body["total"] == len(expected)


def test_clusters_text_query_orders_by_score(client):
    body = ok(client, "/api/v1/clusters?q=wig").json()
    ids = [c["cluster_id"] for c in body["items"]]
    assert ids[0] == "xuchang-wigs" and set(ids) == {"xuchang-wigs", "juancheng-wigs"}
    scores = [c["score"] for c in body["items"]]
    assert scores == sorted(scores, reverse=True)
    both = ok(client, "/api/v1/clusters?q=wig&province=37").json()
    assert [c["cluster_id"] for c in both["items"]] == ["juancheng-wigs"]


def test_cluster_detail_has_claims_sources_conflicts_titles_markets_corrections(client):
    d = ok(client, "/api/v1/clusters/xuchang-wigs").json()
    assert d["cluster_id"] == "xuchang-wigs" and d["industry_name"] == "Wigs"
    assert d["conflicts"] == {"share_of_world_output": [0, 1]}
    assert all(c["source_detail"]["url"] == "https://example.org/test" for c in d["claims"])
    assert any(c["confidence"] == "unverified" for c in d["claims"])
    assert d["titles"][0]["en"] == "Hair Products Capital of China"
    assert d["markets"][0]["confidence"] == "unverified"
    assert d["corrections"][0]["corrected"] == "Xuchang, Henan"
    assert d["sources"][0]["id"] == "test-source"
    assert d["place"]["code_system"] == "MCA"


@pytest.mark.parametrize("cid", ["nope", "xuchang-wig", "x" * 120, "%3Cscript%3E", "..%2F..%2Fetc"])
def test_unknown_cluster_is_404_envelope(client, cid):
    assert_envelope(client.get(f"/api/v1/clusters/{cid}"), 404)


def test_unknown_cluster_suggests_close_ids(client):
    err = assert_envelope(client.get("/api/v1/clusters/xuchang-wig"), 404, "cluster_not_found")
    assert "xuchang-wigs" in err["message"]


@pytest.mark.parametrize("query, code", [
    ("limit=0", "invalid_parameter"), ("limit=501", "invalid_parameter"), ("limit=abc", "invalid_parameter"),
    ("limit=1.5", "invalid_parameter"), ("offset=-1", "invalid_parameter"), ("offset=999999999", "invalid_parameter"),
    ("bbox=1,2,3", "bad_query"), ("bbox=a,b,c,d", "bad_query"), ("bbox=10,50,20,40", "bad_query"),
    ("bbox=200,0,210,10", "bad_query"), ("bbox=nan,1,2,3", "bad_query"), ("bbox=inf,1,2,3", "bad_query"),
    ("adcode=44a", "bad_query"), ("adcode=4406050000", "invalid_parameter"),
    ("province=4", "bad_query"), ("province=411000", "bad_query"),
    ("industry=nope", "industry_not_found"), ("group=nope", "industry_not_found"),
    ("province=Atlantis", "place_not_found"),
    ("q=", "invalid_parameter"), ("q=" + "x" * 201, "invalid_parameter"),
    ("q=%00wig", "bad_query"),
])
def test_cluster_list_bad_parameters(client, query, code):
    r = client.get(f"/api/v1/clusters?{query}")
    assert 400 <= r.status_code < 500
    assert_envelope(r, r.status_code, code)


# -- search -------------------------------------------------------------------------------------------

def test_search_matches_the_library(client, web_atlas):
    from clusteratlas.search import find

    body = ok(client, "/api/v1/search?q=wig").json()
    assert body["query"] == "wig"
    assert body["items"] == [r.to_dict() for r in find("wig", limit=10, atlas=web_atlas)]
    assert body["items"][0]["cluster_id"] == "xuchang-wigs"
    assert body["total"] == len(body["items"])


def test_search_options(client):
    assert ok(client, "/api/v1/search?q=" + quote("假发") + "&limit=1").json()["items"][0]["cluster_id"] == "xuchang-wigs"
    explained = ok(client, "/api/v1/search?q=wig&explain=true").json()["items"][0]
    assert explained["explanation"]
    only = ok(client, "/api/v1/search?q=wig&industry=socks").json()
    assert only["items"] == []
    assert ok(client, "/api/v1/search?q=zzzzqqq").json()["items"] == []
    assert_envelope(client.get("/api/v1/search?q=wig&industry=nope"), 404, "industry_not_found")


@pytest.mark.parametrize("query, status, code", [
    ("", 400, "invalid_parameter"),
    ("q=", 400, "invalid_parameter"),
    ("q=%20%20", 400, "bad_query"),
    ("q=" + "w" * 201, 400, "invalid_parameter"),
    ("q=" + "w" * 10_000, 414, "uri_too_long"),
    ("q=" + quote("假") * 3000, 414, "uri_too_long"),
    ("q=wig&limit=0", 400, "invalid_parameter"),
    ("q=wig&limit=101", 400, "invalid_parameter"),
    ("q=wig&limit=ten", 400, "invalid_parameter"),
    ("q=wig&explain=maybe", 400, "invalid_parameter"),
    ("q=%01%02", 400, "bad_query"),
    ("q=%FF%FE", None, None),  # undecodable bytes: either answered or a 4xx, never a 500
])
def test_search_errors(client, query, status, code):
    r = client.get(f"/api/v1/search?{query}")
    if status is None:
        assert r.status_code < 500
        if r.status_code >= 400:
            assert_envelope(r, r.status_code)
        return
    assert_envelope(r, status, code)


# -- places -------------------------------------------------------------------------------------------

class _Cand:
    def __init__(self, **kw):
        self.kw = kw

    def to_dict(self):
        return dict(self.kw)


@pytest.fixture()
def fake_gazetteer(monkeypatch):
    calls = []
    mod = types.ModuleType("clusteratlas.gazetteer")

    def resolve_place(query, limit=10):
        calls.append(("resolve", query, limit))
        if query == "Xuchang":
            return [_Cand(adcode="411000", name="Xuchang City", name_zh="许昌市", level="prefecture",
                          lat=34.03, lon=113.85, path=[])]
        return []

    def reverse_geocode(*, lat, lon):
        calls.append(("reverse", lat, lon))
        if 30 < lat < 40:
            return [_Cand(adcode="411002", name="Weidu District", name_zh="魏都区", level="county",
                          lat=lat, lon=lon, path=[])]
        return []

    mod.resolve_place, mod.reverse_geocode, mod.calls = resolve_place, reverse_geocode, calls
    monkeypatch.setitem(sys.modules, "clusteratlas.gazetteer", mod)
    import clusteratlas

    monkeypatch.setattr(clusteratlas, "gazetteer", mod, raising=False)
    return mod


def test_places_calls_the_gazetteer(client, fake_gazetteer):
    body = ok(client, "/api/v1/places?q=Xuchang&limit=3").json()
    assert body == {"query": "Xuchang", "items": [{"adcode": "411000", "name": "Xuchang City", "name_zh": "许昌市",
                                                   "level": "prefecture", "lat": 34.03, "lon": 113.85, "path": []}]}
    assert fake_gazetteer.calls == [("resolve", "Xuchang", 3)]
    assert ok(client, "/api/v1/places?q=Nowhere").json()["items"] == []


def test_reverse_geocoding(client, fake_gazetteer):
    body = ok(client, "/api/v1/places/reverse?lat=34.03&lon=113.85").json()
    assert body["lat"] == 34.03 and body["lon"] == 113.85
    assert body["items"][0]["adcode"] == "411002"
    assert ok(client, "/api/v1/places/reverse?lat=-10&lon=20").json()["items"] == []
    assert fake_gazetteer.calls[0] == ("reverse", 34.03, 113.85)


@pytest.mark.parametrize("query", ["", "lat=34", "lon=113", "lat=91&lon=0", "lat=0&lon=181", "lat=abc&lon=1",
                                   "lat=nan&lon=1", "lat=1e999&lon=1"])
def test_reverse_bad_parameters(client, fake_gazetteer, query):
    assert_envelope(client.get(f"/api/v1/places/reverse?{query}"), 400, "invalid_parameter")


@pytest.mark.parametrize("query", ["", "q=", "q=" + "x" * 201, "q=x&limit=0", "q=x&limit=101"])
def test_places_bad_parameters(client, fake_gazetteer, query):
    assert_envelope(client.get(f"/api/v1/places?{query}"), 400, "invalid_parameter")


def test_province_filter_falls_back_to_the_gazetteer(client, fake_gazetteer, monkeypatch):
    def resolve_place(query, limit=10):
        return [_Cand(adcode="410000", name="Henan Province", name_zh="河南省", level="province", lat=34.0,
                      lon=113.0, path=[])] if query == "Honan" else []

    monkeypatch.setattr(fake_gazetteer, "resolve_place", resolve_place)
    body = ok(client, "/api/v1/clusters?province=Honan").json()
    assert [c["cluster_id"] for c in body["items"]] == ["xuchang-wigs"]


def test_places_with_the_real_gazetteer(client):
    gaz = pytest.importorskip("clusteratlas.gazetteer", reason="the gazetteer module is not in this tree yet")
    body = ok(client, "/api/v1/places?q=" + quote("许昌市")).json()
    assert body["items"] == [c.to_dict() for c in gaz.resolve_place("许昌市", limit=10)]
    assert body["items"] and body["items"][0]["adcode"] == "411000"
    rev = ok(client, "/api/v1/places/reverse?lat=34.03&lon=113.85").json()
    assert rev["items"], rev
    assert any(str(i["adcode"]).startswith("4110") for i in rev["items"])


# -- exports ------------------------------------------------------------------------------------------

def test_export_geojson(client, web_atlas):
    r = ok(client, "/api/v1/export.geojson")
    assert r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == len(web_atlas.clusters)
    xu = next(f for f in fc["features"] if f["properties"]["cluster_id"] == "xuchang-wigs")
    assert xu["geometry"] == {"type": "Point", "coordinates": [113.85, 34.03]}  # [lon, lat]
    assert {"cluster_id", "industry", "adcode", "name", "name_zh"} <= set(xu["properties"])


def test_export_csv(client, web_atlas):
    r = ok(client, "/api/v1/export.csv")
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8"))))
    assert len(rows) == len(web_atlas.clusters)
    xu = next(row for row in rows if row["cluster_id"] == "xuchang-wigs")
    assert xu["name_zh"] == "许昌假发" and xu["source_urls"] == "https://example.org/test"


# -- caching, limits, read-only -----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1", "/api/v1/industries", "/api/v1/industries/wigs", "/api/v1/clusters",
                                 "/api/v1/clusters/xuchang-wigs", "/api/v1/search?q=wig", "/api/v1/export.csv",
                                 "/api/v1/export.geojson", "/api/v1/industries/wigs/compare"])
def test_data_responses_carry_etag_and_cache_control(client, url):
    r = ok(client, url)
    etag = r.headers["etag"]
    assert etag.startswith('W/"') and "max-age" in r.headers["cache-control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get(url, headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.content == r.content


def test_etag_differs_between_different_answers(client):
    a = ok(client, "/api/v1/clusters?limit=1").headers["etag"]
    b = ok(client, "/api/v1/clusters?limit=2").headers["etag"]
    assert a != b


def test_errors_are_not_cached(client):
    r = client.get("/api/v1/clusters/nope")
    assert r.headers["cache-control"] == "no-store" and "etag" not in r.headers


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_read_only(client, method):
    r = client.request(method, "/api/v1/clusters")
    err = assert_envelope(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "GET, HEAD"
    assert "read-only" in err["message"]


def test_head_is_answered_like_get_without_a_body(client):
    r = client.head("/api/v1/industries")
    assert r.status_code == 200 and r.content == b"" and r.headers["etag"]


def test_unknown_address_is_404_envelope(client):
    assert_envelope(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_envelope(client.get("/api/v2/clusters"), 404, "not_found")


def test_long_addresses_are_414(client):
    assert_envelope(client.get("/api/v1/clusters/" + "a" * 5000), 414, "uri_too_long")
    assert_envelope(client.get("/api/v1/clusters?industry=" + "a" * 10_000), 414, "uri_too_long")


def test_gzip_for_large_answers(client):
    r = client.get("/api/v1/export.geojson", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"


def test_a_bug_becomes_a_500_envelope_without_traceback(web_atlas, monkeypatch):
    from fastapi.testclient import TestClient

    from clusteratlas.web import create_app

    app = create_app(web_atlas)
    monkeypatch.setattr(type(web_atlas), "cluster_detail", lambda self, c: 1 / 0)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/v1/clusters/xuchang-wigs")
    err = assert_envelope(r, 500, "internal_error")
    assert "ZeroDivision" not in r.text and err["message"] == "internal error"


def test_create_app_with_bad_data_fails_with_one_line(tmp_path):
    from clusteratlas.errors import DataValidationError
    from clusteratlas.web import create_app

    with pytest.raises(DataValidationError):
        create_app(data_dir=tmp_path)


# -- the documented shapes hold -----------------------------------------------------------------------

@pytest.mark.parametrize("url, model", [
    ("/api/v1/industries", "IndustryList"), ("/api/v1/industries/wigs", "IndustryDetail"),
    ("/api/v1/industries/wigs/compare", "Comparison"), ("/api/v1/clusters?limit=5", "ClusterPage"),
    ("/api/v1/clusters?q=wig", "ClusterPage"), ("/api/v1/clusters/xuchang-wigs", "ClusterDetail"),
    ("/api/v1/search?q=wig", "SearchResults"),
])
def test_answers_match_their_documented_schema(client, url, model):
    from clusteratlas.web import _schemas

    getattr(_schemas, model).model_validate(ok(client, url).json())


def test_openapi_documents_400_not_422(client):
    spec = ok(client, "/api/v1/openapi.json").json()
    for ops in spec["paths"].values():
        for op in ops.values():
            assert "422" not in op["responses"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert "400" in spec["paths"]["/api/v1/search"]["get"]["responses"]
