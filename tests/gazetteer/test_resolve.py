"""The gazetteer's resolver: names, pinyin, English, former names, aliases, addresses, context, ambiguity."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from clusteratlas.errors import BadQueryError, PlaceNotFound
from clusteratlas.gazetteer import (PlaceCandidate, children_of, division_name, is_adcode, place_for_adcode,
                                    resolve_place)
from clusteratlas.model import Place

from atlas_fixtures import TEST_DATA

DEV = TEST_DATA / "dev_places.tsv"


def top(query: str) -> PlaceCandidate:
    found = resolve_place(query)
    assert found, f"nothing for {query!r}"
    return found[0]


def _dev_rows():
    rows = []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, expected = line.split("\t")
            rows.append((query, expected))
    return rows


@pytest.mark.parametrize("query,expected", _dev_rows())
def test_dev_places_top_candidate(query, expected):
    assert any(top(query).adcode.startswith(e) for e in expected.split("|"))


def test_candidate_contract():
    d = top("Lishui Town, Nanhai, Foshan").to_dict()
    for key in ("adcode", "name", "name_zh", "level", "lat", "lon", "path", "precision", "match", "score",
                "ambiguous", "note"):
        assert key in d
    assert d["adcode"] == "440605100" and d["name_zh"] == "里水镇" and d["level"] == "township"
    assert [p["adcode"] for p in d["path"]] == ["440000", "440600", "440605"]
    assert set(d["path"][0]) == {"adcode", "level", "name_zh", "name_en"}
    assert d["precision"] in ("township", "county") and 0 < d["score"] <= 1
    assert 22 < d["lat"] < 24 and 112 < d["lon"] < 114


@pytest.mark.parametrize("query,code,match", [
    ("北滘", "440606101", "exact"),
    ("北滘镇", "440606101", "exact"),
    ("Beijiao", "440606101", "pinyin"),
    ("Bei-jiao", "440606101", "pinyin"),
    ("Běijiào", "440606101", "pinyin"),
    ("bei3jiao4", "440606101", "pinyin"),
    ("Beijiao Town", "440606101", "english"),
    ("Beijiao Zhen", "440606101", "pinyin"),
    ("許昌市", "411000", "exact"),
    ("Shunde City", "440606", "former_name"),
    ("顺德市", "440606", "former_name"),
    ("即墨市", "370215", "former_name"),
    ("澄海市", "440515", "former_name"),
    ("Beirong", "440606101", "misspelling"),
    ("华强北", "440304010", "alias"),
    ("白沟新城", "130684106", "alias"),
    ("440606", "440606", "exact"),
])
def test_forms_and_match_kinds(query, code, match):
    c = top(query)
    assert (c.adcode, c.match) == (code, match)


def test_former_name_note_has_years_and_code():
    c = top("顺德市")
    assert "顺德市" in c.note and "440681" in c.note and "1992" in c.note


def test_context_picks_the_deepest_consistent_unit():
    assert top("Lishui Town, Nanhai, Foshan").adcode == "440605100"
    assert top("Lishui, Zhejiang").adcode == "331100"
    assert top("Liaoyuan, Jilin").adcode == "220400"
    assert top("Datang Town, Zhuji").adcode == "330681005"
    assert top("Shiling Town, Huadu District, Guangzhou").adcode == "440114109"


def test_homonym_alone_is_flagged_and_ranked_by_prominence():
    found = resolve_place("新塘镇")
    assert len(found) >= 4 and all(c.ambiguous for c in found)
    assert found[0].adcode == "440118102"  # 增城区's jeans town first
    assert {c.adcode for c in found} >= {"440118102", "445122108", "430424102", "450803106"}


def test_context_removes_the_ambiguity():
    found = resolve_place("新塘镇, 饶平县")
    assert found[0].adcode == "445122108" and not found[0].ambiguous


def test_area_alias_lists_its_units():
    found = resolve_place("雄安新区")
    # spread over three counties with no main one: their prefecture first, then the three as members
    assert found[0].adcode == "130600" and "spans several county-level units" in found[0].note
    codes = [c.adcode for c in found[1:4]]
    assert sorted(codes) == ["130629", "130632", "130638"]
    assert all(c.match == "alias" and "not an administrative unit" in c.note for c in found[:4])
    assert not found[0].ambiguous


@pytest.mark.parametrize("address,code", [
    ("浙江省诸暨市大唐街道某路1号", "330681005"),
    ("浙江省诸暨市大唐镇工业区", "330681005"),  # 大唐镇 became 大唐街道: still found by its stem
    ("广东省佛山市顺德区北滘镇美的大道6号", "440606101"),
    ("中国广东省东莞市虎门镇虎门大道123号", "441900121"),
    ("哈尔滨市通河县通河镇中山路98号", "230128100"),  # 中山路 is a road, not 中山路街道
    ("深圳市福田区华强北路1002号", "440304"),  # 华强北路 is a road: the district, not the subdistrict
])
def test_addresses_resolve_to_the_deepest_unit(address, code):
    c = top(address)
    assert c.adcode == code
    assert c.match in ("address", "exact")


def test_traditional_characters_keep_protected_names():
    assert top("乾县").adcode == "610424"  # OpenCC would turn 乾 into 干
    assert top("廣州市花都區獅嶺鎮").adcode == "440114109"


def test_apostrophe_marks_syllables():
    assert top("Gu'an").adcode == "131022"
    assert top("Xi'an").adcode == "610100"


@pytest.mark.parametrize("query", ["", "   ", "，。！？", "!!!", "🙂🙂", "\u200b", "12", "???", "xq"])
def test_empty_and_junk_give_no_result(query):
    assert resolve_place(query) == []


@pytest.mark.parametrize("query", [None, float("nan"), 12, "x" * 10_000])
def test_bad_types_and_huge_queries_raise_one_error(query):
    with pytest.raises(BadQueryError):
        resolve_place(query)


def test_limit():
    assert len(resolve_place("新塘", limit=2)) == 2
    assert resolve_place("新塘", limit=0) == []


def test_place_for_adcode_builds_a_model_place():
    p = place_for_adcode("440606101")
    assert isinstance(p, Place)
    assert (p.name_zh, p.name_en, p.level) == ("北滘镇", "Beijiao Town", "township")
    assert [e.adcode for e in p.path] == ["440000", "440600", "440606"]
    assert p.coord_precision == "township" and "GeoNames" in p.coord_source
    assert p.code_system == "MCA" and p.code_vintage == "2025-12-31"
    shunde = place_for_adcode("440606")
    names = {(f.name_zh, f.adcode) for f in shunde.former_names}
    assert ("顺德市", "440681") in names
    assert any(f.name_en == "Shunde City" and f.until == 2002 for f in shunde.former_names)


def test_place_for_adcode_errors():
    with pytest.raises(PlaceNotFound):
        place_for_adcode("999999")
    with pytest.raises(PlaceNotFound):
        place_for_adcode("")
    with pytest.raises(LookupError):  # PlaceNotFound is a LookupError
        place_for_adcode("abc")


def test_names_children_and_codes():
    assert division_name("440606") == "顺德区"
    assert division_name("440606", lang="en") == "Shunde District"
    assert len(children_of("")) == 33
    assert "440606101" in children_of("440606")
    assert is_adcode("440606") and not is_adcode("440681")


def test_every_candidate_point_is_a_number_in_china():
    for c in resolve_place("城关镇", limit=50):
        assert math.isfinite(c.lat) and math.isfinite(c.lon)
        assert 3 <= c.lat <= 54 and 73 <= c.lon <= 136


def test_import_is_cheap():
    import subprocess
    import sys

    code = ("import sys, clusteratlas.gazetteer as g; "
            "print(any(m in sys.modules for m in ('pypinyin', 'opencc', 'shapely', 'rapidfuzz', 'yaml')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_pure_python_scan_equals_the_automaton(monkeypatch):
    from clusteratlas.gazetteer import _tables as gd
    from clusteratlas.gazetteer import _scan as sc
    from clusteratlas.gazetteer._names import normalize_cjk

    texts = ["浙江省诸暨市大唐镇工业区", "广东中山古镇", "南安省新镇", "哈尔滨市通河县通河镇中山路98号",
             "深圳市福田区华强北路1002号", "云南德宏芒市芒市镇人民路", "江苏省苏州市吴江区盛泽镇", "香港",
             "湖南怀化通道坪坦乡", "内蒙古自治区呼和浩特市新城区西街街道和平路780号"]
    norm = [normalize_cjk(t, gd.protected_chars()) for t in texts]
    with_automaton = [sc.zh_scan(t) for t in norm]
    monkeypatch.setattr(sc, "automaton", lambda: None)
    assert [sc.zh_scan(t) for t in norm] == with_automaton
    assert [sc._scan_keys(t) for t in norm] == [[k for k, _, _ in s] for s in with_automaton]


def test_codes_current_former_and_statistical():
    assert top("440606").adcode == "440606"
    c = top("440681")  # 顺德市's code 1995-2001
    assert c.adcode == "440606" and c.match == "former_name"
    # 12 digits (statistics bureau, NBS): the MCA township matched to it (another code system: NBS
    # 440606101 is 陈村镇, MCA 440606101 is 北滘镇)
    c = top("440606101000")
    assert (c.adcode, c.name_zh) == ("440606100", "陈村镇") and "NBS code" in c.note
    assert place_for_adcode("440606101000").adcode == "440606100"
    assert place_for_adcode("440606102000").name_zh == "北滘镇"
    assert resolve_place("528311") == []  # a postcode is not a code


@pytest.mark.parametrize("code,english", [("440114", "Huadu District"), ("371722", "Shan County"),
                                          ("510100", "Chengdu City"), ("500230", "Fengdu County")])
def test_english_names_use_place_readings_of_polyphonic_characters(code, english):
    from clusteratlas.gazetteer import place_for_adcode

    assert place_for_adcode(code).name_en == english


@pytest.mark.parametrize("code,english", [
    ("411100", "Luohe City"), ("411082", "Changge City"), ("220623", "Changbai Autonomous County"),
    ("341181", "Tianchang City"), ("510682", "Shifang City"), ("410621", "Xun County"), ("410923", "Nanle County"),
    ("421303", "Zengdu District"), ("440606003", "Leliu Subdistrict"), ("150425", "Hexigten Banner"),
    ("140428", "Zhangzi County"), ("330382", "Yueqing City"), ("310112", "Minhang District"),
    ("130125", "Xingtang County"), ("140109", "Wanbailin District"), ("441821", "Fogang County"),
])
def test_place_readings_of_polyphones_in_english_names(code, english):
    assert place_for_adcode(code).name_en == english


def test_no_unit_name_reads_a_polyphone_with_its_rare_reading():
    from clusteratlas.gazetteer import _tables as gd

    for u in gd.units().values():
        stem = [c for c in u.stem if "\u4e00" <= c <= "\u9fff"]
        syl = list(u.pinyin)
        if len(stem) != len(syl):
            continue
        for ch, s in zip(stem, syl):
            assert not (ch == "长" and s == "zhang" and not u.name.startswith("长子")), u.name
            assert (ch, s) not in {("什", "shen"), ("漯", "ta"), ("勒", "lei"), ("曾", "ceng"), ("都", "dou")}, u.name


@pytest.mark.parametrize("query,code", [
    ("Luohe", "411100"), ("Changge", "411082"), ("Shifang", "510682"), ("Xun County", "410621"),
    ("Changbai", "220623"), ("Zhangzhou", "350600"), ("Changzhou", "320400"), ("Hexigten", "150425"),
    ("Keshiketeng", "150425"), ("Zengdu", "421303"),
])
def test_correct_spellings_resolve_first(query, code):
    assert resolve_place(query)[0].adcode == code


@pytest.mark.parametrize("query", ["台湾省", "台湾", "臺灣省", "Taiwan", "Taipei", "Taiwan Province", "台湾省台北市",
                                   "中国台湾高雄市"])
def test_taiwan_is_never_matched_elsewhere(query):
    from clusteratlas.gazetteer import resolve_address, uncoded_note

    assert resolve_place(query) == []
    row = resolve_address(query)
    assert row["status"] == "not_found" and row["adcode"] is None and "MCA" in row["note"]
    assert "MCA" in uncoded_note(query)
    assert uncoded_note("湖北省武汉市江岸区台北街道") == ""
    assert resolve_address("湖北省武汉市江岸区台北街道")["adcode"] == "420102014"


def test_a_named_province_that_does_not_contain_the_place_blocks_matched():
    from clusteratlas.gazetteer import resolve_address

    row = resolve_address("浙江省佛山市顺德区")
    assert row["status"] == "ambiguous" and "浙江省" in row["note"]
    row = resolve_address("Zhejiang, Shunde District, Foshan")
    assert row["status"] != "matched"
    assert resolve_address("广东省佛山市顺德区")["status"] == "matched"


@pytest.mark.parametrize("query", ["Taiwna", "Xinxiang County", "Datang", "新塘", "Guangzhou Shunde"])
def test_candidates_are_sorted_by_score(query):
    scores = [c.score for c in resolve_place(query, limit=50)]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("lat,lon", [(float("nan"), 113.0), (23.0, float("inf")), ("nan", "113"), (-float("inf"), 0)])
def test_reverse_geocode_non_finite_is_a_bad_query(lat, lon):
    from clusteratlas.errors import BadQueryError
    from clusteratlas.gazetteer import reverse_geocode

    with pytest.raises(BadQueryError, match="finite"):
        reverse_geocode(lat=lat, lon=lon)
