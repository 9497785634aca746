"""A fresh user's report: invented Latin counties without a reason, development zones written generically under
their city, zones the tables do not hold, and zone names read as a same-named district elsewhere.

Every example here is new (none is a row of tests/data/heldout/ or tests/data/tuning/, checked below); the
answers come from the zone tables (dev_zones.tsv.gz, the ``zones`` of aliases.yaml), not from this file.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clusteratlas.gazetteer import geocode_many, resolve_address, resolve_place

DATA = Path(__file__).resolve().parents[1] / "data"

# 1. invented county names in English or pinyin under a real prefecture or province
LATIN_UNKNOWN_COUNTIES = [
    ("Qingsong County, Lishui, Zhejiang", "331100", "county not found under 丽水市: Qingsong County"),
    ("Wangchuan District, Xuchang", "411000", "county not found under 许昌市: Wangchuan District"),
    ("Fakeville County, Shandong", "370000", "county not found under 山东省: Fakeville County"),
    ("Moshan District, Shaoxing", "330600", "county not found under 绍兴市: Moshan District"),
    ("Qinglan County, Ganzhou, Jiangxi", "360700", "county not found under 赣州市: Qinglan County"),
]
# 2. a generic zone word after a prefecture: the prefecture's one zone of that kind in the tables
GENERIC_ZONES = [
    ("江苏省无锡市新区长江路", "320214"),  # aliases zones: 无锡新区 -> 新吴区
    ("苏州市新区", "320505"),  # aliases zones: 苏州新区 -> 虎丘区
    ("广州市开发区科学大道", "440112"),  # aliases zones: 广州开发区 -> 黄埔区
    ("合肥市经开区", "340104"),  # dev_zones: 合肥经济技术开发区 -> 蜀山区
    ("唐山市高新区", "130208"),  # dev_zones: 唐山高新技术产业开发区 -> 丰润区
    ("Guangzhou Kaifaqu", "440112"),
    ("Suzhou Industrial Park, Jiangsu", "320506"),  # dev_zones: 苏州工业园区, 60% of its townships in 吴中区
    ("Wuxi Gaoxinqu", "320214"),
    ("北京市开发区", "110115"),  # a municipality: 北京经济技术开发区 -> 大兴区
    ("Tianjin Kaifaqu", "120116"),  # aliases zones: 天津开发区 -> 滨海新区
]
# 2-3. zones the tables do not hold: the prefecture, and a note saying so
ZONES_NOT_IN_TABLES = [
    ("西安高新区", "610100", "西安高新区"),
    ("武汉经济技术开发区", "420100", "武汉经济技术开发区"),
]
# 4. a zone's name alone is not a same-named district or township elsewhere
ZONE_NAMES_ALONE = ["张江高新区"]


@pytest.mark.parametrize("address,code,note", LATIN_UNKNOWN_COUNTIES)
def test_invented_latin_county_is_reported(address, code, note):
    row = resolve_address(address)
    assert row["adcode"] == code
    assert note in row["note"]


def test_real_latin_county_gets_no_county_note():
    row = resolve_address("Lishui District, Nanjing")
    assert row["adcode"] == "320117" and "county not found" not in row["note"]


@pytest.mark.parametrize("address,code", GENERIC_ZONES)
def test_generic_zone_under_prefecture_resolves_through_zone_tables(address, code):
    row = resolve_address(address)
    assert (row["adcode"] or "")[:6] == code, row
    assert "development zone" in row["note"]


def test_hefei_high_tech_zone_stays_at_its_prefecture_with_the_tables_note():
    # dev_zones lists 合肥高新技术产业开发区 under 合肥市 with no township matched to a county
    for address in ("合肥高新区", "Hefei High-tech Zone, Anhui"):
        row = resolve_address(address)
        assert row["adcode"] == "340100"
        assert "NBS 340176" in row["note"] and "county not found" not in row["note"]


@pytest.mark.parametrize("address,code,zone", ZONES_NOT_IN_TABLES)
def test_zone_not_in_tables_is_reported(address, code, zone):
    row = resolve_address(address)
    assert row["adcode"] == code
    assert f"development zone not in the zone tables: {zone}" in row["note"]
    assert "county not found" not in row["note"]


@pytest.mark.parametrize("address", ZONE_NAMES_ALONE)
def test_zone_name_is_not_a_same_named_unit_elsewhere(address):
    row = resolve_address(address)
    assert row["status"] == "not_found"
    assert row["note"] == f"development zone not in the zone tables: {address}"
    assert resolve_place(address) == []


def test_zone_name_with_its_place_named_keeps_the_unit():
    assert resolve_address("上海张江高新区")["adcode"] == "310115125"  # 张江镇, 浦东新区
    assert resolve_address("昆山高新区")["adcode"] == "320583"  # a county-level city's own zone
    assert resolve_address("南昌市东湖区")["adcode"] == "360102"  # the district itself
    assert resolve_address("兰州市城关区高新区街道")["adcode"] == "620102025"  # the township named 高新区街道


def test_bulk_path_agrees():
    addresses = ["张江高新区", "江苏省无锡市新区长江路", "成都高新区", "Qingsong County, Lishui, Zhejiang"]
    rows = list(geocode_many(addresses))
    assert [r["adcode"] for r in rows] == [resolve_address(a)["adcode"] for a in addresses]
    assert [r["note"] for r in rows] == [resolve_address(a)["note"] for a in addresses]
    assert rows[0]["status"] == "not_found" and rows[1]["adcode"][:6] == "320214"


def test_examples_are_new():
    seen = set()
    for path in (DATA / "heldout" / "addresses.tsv", DATA / "tuning" / "addresses.tsv"):
        with open(path, encoding="utf-8") as f:
            seen.update(r["address"] for r in csv.DictReader(f, delimiter="\t"))
    ours = [a for a, *_ in LATIN_UNKNOWN_COUNTIES + GENERIC_ZONES + ZONES_NOT_IN_TABLES] + ZONE_NAMES_ALONE
    overlap = len(seen & set(ours))  # a count only: a failure must not print held-out rows
    assert overlap == 0, f"{overlap} of our examples are also in the held-out or tuning sets"


def test_bulk_copy_of_the_zone_note_agrees():
    from clusteratlas.gazetteer import _scan, bulk

    assert bulk._ZONE_NAME_NOTE == _scan.ZONE_NAME_NOTE
