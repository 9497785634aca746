"""Zones spread over several county-level units, sourced single-unit zones, invented Latin counties after a
real township, and old county-level seat cities read under their old prefecture (issue 14, third pass).

Every example here is new: none is in the tuning or held-out address sets (checked by count only, so that a
failure never prints a held-out row).
"""

import csv
from pathlib import Path

import pytest

from clusteratlas.gazetteer import geocode_many, resolve_address

DATA = Path(__file__).resolve().parents[1] / "data"
SPREAD = "spans several county-level units"

# a zone with no main unit: the unit holding all of them, with the note; a township or unit named settles it
SPREAD_ZONES = [
    ("四川成都高新区益州大道", "510100"),
    ("Wuhan East Lake Hi-tech Zone", "420100"),
    ("贵州贵安新区大数据产业园", "520000"),  # not 安新县 of Hebei (a stem inside a longer word)
    ("雄安新区白洋淀", "130600"),
]
SETTLED = [
    ("四川省成都市高新区桂溪街道天府二街", "510107021"),
    ("雄安新区雄县", "130638"),
    ("贵安新区马场镇", "520403106"),
    ("湘江新区梅溪湖", "430104010"),  # 梅溪湖街道 of 岳麓区  # 马场镇 of 平坝区, not of 普定县: the zone settles it
    ("武汉市东湖高新区关山街道光谷广场", "420111002"),
]
# zones run by one county-level unit, each row of aliases.yaml with its source
ONE_UNIT_ZONES = [
    ("太原市高新技术产业开发区长治路", "140105"),
    ("湖州开发区", "330502"),
    ("金华开发区", "330702"),
    ("Nanning Economic and Technological Development Zone", "450105"),
]
# a real township's pinyin, then a county that does not exist
INVENTED_AFTER_TOWNSHIP = [
    ("Humen Baiyue County, Dongguan", "441900", "county not found: Baiyue County"),
    ("Xiqiao Lanxin County", None, "county not found: Lanxin County"),
]
# the old prefecture, then its seat city by the name the prefecture-level city took
SEAT_CITIES = [
    ("河北省廊坊地区廊坊市光明道", "131002"),
    ("山东省德州地区德州市东风路", "371402"),
    ("河南省许昌地区许昌市七一路", "411002"),
    ("江西省赣州地区赣州市文清路", "360702"),
    ("江苏省扬州地区泰州市海陵北路", "321202"),  # 扬州地区 then held 泰州市; today another prefecture
]


@pytest.mark.parametrize("address,code", SPREAD_ZONES)
def test_spread_zone_answers_the_unit_holding_them_all(address, code):
    row = resolve_address(address)
    assert row["adcode"] == code
    assert SPREAD in row["note"]
    assert row["status"] == "matched"


@pytest.mark.parametrize("address,code", SETTLED)
def test_township_or_unit_named_settles_a_spread_zone(address, code):
    assert resolve_address(address)["adcode"][: len(code)] == code


@pytest.mark.parametrize("address,code", ONE_UNIT_ZONES)
def test_sourced_zone_run_by_one_unit(address, code):
    assert resolve_address(address)["adcode"] == code


@pytest.mark.parametrize("address,code,note", INVENTED_AFTER_TOWNSHIP)
def test_invented_county_after_a_township_gives_no_township(address, code, note):
    row = resolve_address(address)
    assert row["adcode"] == code
    assert row["level"] not in ("county", "township")
    assert note in row["note"]


def test_real_county_after_a_township_keeps_the_township():
    assert resolve_address("Jiaxin Town, Yanshou County")["adcode"] == "230129103"
    assert resolve_address("Houjie Town, Dongguan")["adcode"] == "441900122"


@pytest.mark.parametrize("address,code", SEAT_CITIES)
def test_seat_city_under_its_old_prefecture(address, code):
    row = resolve_address(address)
    assert row["adcode"] == code
    assert "→ now" in row["note"]


def test_prefecture_city_alone_stays_the_prefecture():
    assert resolve_address("河北省廊坊市光明道")["adcode"] == "131000"
    assert resolve_address("江西省赣州市")["adcode"] == "360700"
    assert resolve_address("连云港市新浦区")["adcode"] == "320706"  # old parent named, but not a seat city


def test_bulk_path_agrees():
    addresses = [a for a, *_ in SPREAD_ZONES + SETTLED + SEAT_CITIES]
    rows = list(geocode_many(addresses))
    assert [r["adcode"] for r in rows] == [resolve_address(a)["adcode"] for a in addresses]
    assert [r["note"] for r in rows] == [resolve_address(a)["note"] for a in addresses]


def test_examples_are_new():
    seen = set()
    for path in (DATA / "heldout" / "addresses.tsv", DATA / "tuning" / "addresses.tsv"):
        with open(path, encoding="utf-8") as f:
            seen.update(r["address"] for r in csv.DictReader(f, delimiter="\t"))
    ours = [a for a, *_ in SPREAD_ZONES + SETTLED + ONE_UNIT_ZONES + INVENTED_AFTER_TOWNSHIP + SEAT_CITIES]
    overlap = len(seen & set(ours))  # a count only: a failure must not print held-out rows
    assert overlap == 0, f"{overlap} of our examples are also in the held-out or tuning sets"


@pytest.mark.parametrize("address,code", [
    ("Tianfu New Area, Sichuan", "510000"),  # 成都 and 眉山: the province
    ("成都天府新区", "510100"),  # 成都 named: only the zone's units in 成都
    ("Hunan Xiangjiang New Area", "430100"),
    ("Xixian New Area, Shaanxi", "610000"),
])
def test_national_new_area_spread_over_several_units(address, code):
    row = resolve_address(address)
    assert row["adcode"] == code
    assert SPREAD in row["note"]
