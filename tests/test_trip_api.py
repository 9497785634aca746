"""``/api/v1/plan``: the same plan as the CLI; bad input answers 4xx in the one error envelope."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'clusteratlas[web]')")

from trip_fixtures import write_trip_atlas  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from clusteratlas.atlas import load_atlas
    from clusteratlas.web import create_app

    atlas = load_atlas(write_trip_atlas(tmp_path_factory.mktemp("tripapi") / "data"))
    with TestClient(create_app(atlas), raise_server_exceptions=False) as c:
        yield c


def test_plan_json_equals_the_library(client):
    from clusteratlas.trip import plan_trip

    r = client.get("/api/v1/plan", params={"items": "socks, wigs, eyeglasses", "from": "Shanghai", "days": 4})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    d = r.json()
    want = plan_trip("socks, wigs, eyeglasses", start="Shanghai", days=4, atlas=client.app.state.atlas).to_dict()
    assert d == want
    assert r.headers["etag"] and client.get(r.url, headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_plan_geojson_and_ics(client):
    r = client.get("/api/v1/plan", params={"items": "socks,wigs", "from": "Shanghai", "format": "geojson"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert r.json()["type"] == "FeatureCollection"
    r = client.get("/api/v1/plan", params={"items": "socks", "from": "Shanghai", "start": "2099-03-09",
                                           "days": 2, "format": "ics"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert r.text.startswith("BEGIN:VCALENDAR") and "trip.ics" in r.headers["content-disposition"]


@pytest.mark.parametrize("params, status, code", [
    ({"items": "socks", "from": "Xyzzyqq"}, 404, "place_not_found"),
    ({"items": "zzqx unobtainium", "from": "Shanghai"}, 400, "bad_query"),
    ({"items": "socks", "from": "Shanghai", "start": "2001-01-01"}, 400, "bad_query"),
    ({"items": "socks", "from": "Shanghai", "start": "2001-13-01"}, 400, "invalid_parameter"),
    ({"items": "socks", "from": "Shanghai", "days": 0}, 400, "invalid_parameter"),
    ({"items": "socks", "from": "Shanghai", "format": "ics"}, 400, "bad_query"),
    ({"items": "socks", "from": "Shanghai", "tier": "gold"}, 400, "bad_query"),
    ({"items": "socks", "from": "Shanghai", "modes": "boat"}, 400, "bad_query"),
    ({"items": "socks"}, 400, "invalid_parameter"),
    ({"items": ",".join(f"x{i}" for i in range(60)), "from": "Shanghai"}, 400, "bad_query"),
    ({"items": "wigs", "from": "Urumqi", "days": 1}, 400, "bad_query"),
])
def test_bad_input_is_a_4xx_envelope(client, params, status, code):
    r = client.get("/api/v1/plan", params=params)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["status"] == status and "\n" not in err["message"]


def test_openapi_documents_the_parameters(client):
    op = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/plan"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"items", "from", "to", "start", "end", "days", "tier", "role", "modes", "format"} <= names
    assert all(p.get("description") for p in op["parameters"])
    assert "422" not in op["responses"] and {"200", "400", "404"} <= set(op["responses"])
