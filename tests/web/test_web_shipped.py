"""The web app over the shipped atlas: every cluster and industry answers, never a 500."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def shipped_client():
    from fastapi.testclient import TestClient

    from clusteratlas.atlas import load_atlas
    from clusteratlas.errors import DataValidationError
    from clusteratlas.web import create_app

    try:
        atlas = load_atlas()
    except DataValidationError as exc:  # the data's own tests report this; here it only stops the web checks
        pytest.skip(f"the shipped data does not load: {exc}")
    with TestClient(create_app(atlas), raise_server_exceptions=False) as c:
        yield c, atlas


def test_wig_search_finds_xuchang(shipped_client):
    client, atlas = shipped_client
    if "xuchang-wigs" not in atlas.clusters:
        pytest.skip("the shipped data has no xuchang-wigs yet")
    items = client.get("/api/v1/search?q=wig").json()["items"]
    assert items[0]["cluster_id"] == "xuchang-wigs"


def test_every_cluster_and_industry_answers(shipped_client):
    client, atlas = shipped_client
    for cid in atlas.clusters:
        r = client.get(f"/api/v1/clusters/{cid}")
        assert r.status_code == 200, (cid, r.text[:200])
    for ind in atlas.industries:
        for path in (f"/api/v1/industries/{ind}", f"/api/v1/industries/{ind}/compare"):
            r = client.get(path)
            assert r.status_code == 200, (path, r.text[:200])
            if path.endswith("compare"):
                d = r.json()["distances_km"]
                assert all(0 <= km < 6000 for row in d for km in row)


def test_all_pages_cover_the_atlas(shipped_client):
    client, atlas = shipped_client
    seen, url = [], "/api/v1/clusters?limit=500"
    while url:
        body = client.get(url).json()
        seen += [c["cluster_id"] for c in body["items"]]
        url = body["next"]
    assert sorted(seen) == sorted(atlas.clusters)


def test_exports_cover_the_atlas(shipped_client):
    client, atlas = shipped_client
    fc = client.get("/api/v1/export.geojson").json()
    assert len(fc["features"]) == len(atlas.clusters)
    assert client.get("/api/v1/export.csv").status_code == 200
