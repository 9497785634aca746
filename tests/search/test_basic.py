"""Search behaviour on a small generated atlas (the shipped data is tested in test_search_shipped.py)."""

from __future__ import annotations

import pytest

from clusteratlas.atlas import load_atlas
from clusteratlas.errors import BadQueryError
from clusteratlas.search import analyse_query, find, get_index


@pytest.fixture
def atlas(mini_dir):
    return load_atlas(mini_dir)


@pytest.mark.parametrize("query", ["wig", "wigs", "WIGS", "假发", "假髮", "jiafa", "jia fa", "Jiǎ fà",
                                   "hair extensions", "lace front wigs", "wigz", "ＷＩＧ"])
def test_product_queries_find_the_wig_cluster(atlas, query):
    results = find(query, atlas=atlas)
    assert results and results[0].cluster_id == "xuchang-wigs"


@pytest.mark.parametrize("query", ["weather forecast", "legal advice", "hair salon", "zzzz"])
def test_irrelevant_queries_return_nothing(atlas, query):
    assert find(query, atlas=atlas) == []


def test_place_only_query_returns_clusters_there(atlas):
    assert [r.cluster_id for r in find("Lishui Town", atlas=atlas)] == ["lishui-socks"]
    assert [r.cluster_id for r in find("里水", atlas=atlas)] == ["lishui-socks"]


def test_place_words_are_taken_out_of_the_product_text(atlas):
    qa = analyse_query("Xuchang wigs", get_index(atlas))
    assert qa.product_text == "wigs" and "411000" in qa.places


def test_hs_code_query(atlas):
    for q in ("6704", "HS 6704", "hs 6704.20", "670420"):
        res = find(q, atlas=atlas)
        assert [r.cluster_id for r in res] == ["xuchang-wigs"], q
        assert res[0].hs_headings == ("6704",)


def test_intent_reads_tiers(atlas):
    qa = analyse_query("cheap socks", get_index(atlas))
    assert qa.intents == {"price_tier": "low"} and qa.product_text == "socks"
    cheap = find("cheap socks", atlas=atlas)[0]
    plain = find("socks", atlas=atlas)[0]
    assert cheap.score > plain.score


def test_result_shape_matches_contract(atlas):
    d = find("wig", atlas=atlas)[0].to_dict()
    assert {"cluster_id", "industry", "name", "score", "place"} <= d.keys()
    assert {"adcode", "name", "name_zh", "level", "lat", "lon", "path"} <= d["place"].keys()


@pytest.mark.parametrize("query", ["", "   ", "a" * 10_000, "wig\x00", "\x1b[31m", None, 12])
def test_bad_queries_raise_bad_query_error(atlas, query):
    with pytest.raises(BadQueryError):
        find(query, atlas=atlas)


def test_limit_is_validated(atlas):
    with pytest.raises(BadQueryError):
        find("wig", limit=0, atlas=atlas)
