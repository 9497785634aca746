"""Cluster selection by filters and the compare view (library functions behind CLI and API)."""

from __future__ import annotations

import math

import pytest

from clusteratlas.atlas import load_atlas
from clusteratlas.errors import BadQueryError, IndustryNotFound
from clusteratlas.filters import compare_industry, select_clusters
from clusteratlas.geo import great_circle_km, parse_bbox


@pytest.fixture
def atlas(mini_dir):
    return load_atlas(mini_dir)


def test_great_circle_one_degree_on_the_equator():
    assert great_circle_km(lon1=0, lat1=0, lon2=1, lat2=0) == pytest.approx(2 * math.pi * 6371.0088 / 360)
    assert great_circle_km(lon1=113.0, lat1=23.0, lon2=113.0, lat2=24.0) == pytest.approx(111.195, abs=0.01)


def test_filters_combine(atlas):
    ids = lambda **kw: [c.id for c in select_clusters(atlas, **kw).clusters]  # noqa: E731
    assert ids(province="Guangdong") == ["lishui-socks"]
    assert ids(province="41") == ["xuchang-wigs"]
    assert ids(bbox="113,23,114,24") == ["lishui-socks"]
    assert ids(bbox="113,23,114,24", industry="wigs") == []
    assert ids(adcode="4110") == ["xuchang-wigs"]
    assert ids(q="假发") == ["xuchang-wigs"]


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "10,50,5,60", "0,0,200,10", "nan,0,1,1"])
def test_bad_bbox(bbox):
    with pytest.raises(BadQueryError):
        parse_bbox(bbox)


def test_unknown_industry(atlas):
    with pytest.raises(IndustryNotFound):
        select_clusters(atlas, industry="wig")


def test_compare_distances_are_symmetric_with_zero_diagonal(mini_spec, tmp_path):
    from atlas_fixtures import write_atlas_dir

    extra = dict(mini_spec["industries"]["socks"]["clusters"][0], id="other-socks")
    extra["place"] = dict(extra["place"], adcode="440605101", lat=24.2)
    mini_spec["industries"]["socks"]["clusters"].append(extra)
    atlas = load_atlas(write_atlas_dir(tmp_path / "d", mini_spec))
    cmp = compare_industry(atlas, "socks")
    d = cmp["distances_km"]
    assert d[0][0] == 0.0 and d[0][1] == d[1][0] == pytest.approx(111.2, abs=0.05)
