"""Development zones written generically under their prefecture, and zone or county names nothing matched.

Private module: the public API is :mod:`clusteratlas.gazetteer`. Addresses often name a zone by its city and
a generic word: 成都高新区, 无锡市新区, "Guangzhou Kaifaqu", "Suzhou Industrial Park". Such a zone is read
through the zone tables only (``dev_zones.tsv.gz`` from the NBS code table, and the curated ``zones`` of
``aliases.yaml``; see :mod:`clusteratlas.gazetteer._history`): the written forms of the prefecture's zones of
that kind (高新区 = 高新技术产业开发区 = 国家高新区 …) are looked up, and when exactly one zone of the prefecture
answers, the address resolves to it. Otherwise nothing is guessed and the answer says so ("development zone
not in the zone tables: 成都高新区"). A zone with a specific name that the tables do not hold (东湖高新区) is
reported the same way; the scanner (:mod:`clusteratlas.gazetteer._scan`) already keeps its name from naming
a same-named district elsewhere (东湖区 of 南昌).

Latin input gets the same treatment, and a county or district written in pinyin or English that matches
nothing ("Qingsong County, Lishui") is reported as Chinese input is: "county not found under 丽水市: Qingsong
County".
"""

from __future__ import annotations

import re
from functools import lru_cache

from clusteratlas.gazetteer import _tables as gd
from clusteratlas.gazetteer._history import SPREAD_NOTE
from clusteratlas.gazetteer._rank import Ranked

#: Generic zone words that name the same kind of zone (a prefecture's 高新区 is its 高新技术产业开发区).
ZONE_CLASSES: tuple[tuple[str, ...], ...] = (
    ("高新技术产业开发区", "高新技术开发区", "高新区", "国家高新区", "国家高新技术产业开发区", "新技术产业开发区",
     "新技术开发区"),
    ("经济技术开发区", "经开区", "国家级经济技术开发区", "经济开发区", "开发区"),
    ("新区",),
    ("工业园区", "工业园"),
    ("综合保税区", "保税区"),
)
_CLASS_OF = {w: cls for cls in ZONE_CLASSES for w in cls}
_ZONE_RE = re.compile("|".join(sorted(_CLASS_OF, key=len, reverse=True)))

#: Latin zone words (token keys of :func:`clusteratlas.gazetteer._names.latin_tokens`) -> the Chinese word.
LATIN_ZONES: dict[tuple[str, ...], str] = {
    ("kaifaqu",): "开发区", ("kaifa", "qu"): "开发区", ("development", "zone"): "开发区",
    ("development", "area"): "开发区", ("development", "district"): "开发区",
    ("economic", "development", "zone"): "经济开发区", ("economic", "and", "technological", "development", "zone"):
        "经济技术开发区", ("economic", "technological", "development", "zone"): "经济技术开发区",
    ("economic", "and", "technological", "development", "area"): "经济技术开发区",
    ("jingkaiqu",): "经开区", ("jingji", "kaifaqu"): "经济开发区",
    ("gaoxinqu",): "高新区", ("gaoxin", "qu"): "高新区", ("hitech", "zone"): "高新区", ("hightech", "zone"): "高新区",
    ("hitech", "industrial", "development", "zone"): "高新区", ("hightech", "industrial", "development", "zone"):
        "高新区", ("hitech", "park"): "高新区", ("hightech", "park"): "高新区",
    ("new", "district"): "新区", ("new", "area"): "新区", ("xinqu",): "新区",
    ("industrial", "park"): "工业园区", ("gongyeyuanqu",): "工业园区", ("gongye", "yuanqu"): "工业园区",
    ("industrial", "zone"): "工业园区",
}
#: One-token Latin zone words: never sound-alike matched to a place (kaifaqu is not 开福区).
LATIN_ZONE_TOKENS = frozenset(k[0] for k in LATIN_ZONES if len(k) == 1) | {"kaifa", "gaoxin", "gongye", "yuanqu"}
_COUNTY_WORDS = frozenset(("county", "district", "qu", "xian", "banner", "qi", "autonomouscounty"))


@lru_cache(maxsize=1)
def zone_forms() -> dict[str, tuple[tuple[str, ...], str]]:
    """Written form of a zone -> ``(MCA codes, note)``, from the zone tables (a form two zones share is
    dropped)."""
    from clusteratlas.gazetteer._history import _zone_rows

    out: dict[str, tuple[tuple[str, ...], str]] = {}
    shared: set[str] = set()
    for codes, forms, note in _zone_rows():
        for form in forms:
            old = out.get(form)
            if old is not None and old[0] != codes:
                shared.add(form)
            out.setdefault(form, (codes, note))
    for form in shared:
        del out[form]
    return out


def generic_zone(pref: str, word: str) -> tuple[tuple[str, ...], str, str] | None:
    """The one zone of prefecture ``pref`` (MCA code) written as its name and the generic ``word`` (高新区):
    ``(codes, note, form found)``, or None when the tables hold no such zone or more than one."""
    unit = gd.units()[pref]
    forms = zone_forms()
    found: dict[tuple[str, ...], tuple[str, str]] = {}
    for head in dict.fromkeys((unit.name, unit.stem)):
        for w in _CLASS_OF.get(word, (word,)):
            hit = forms.get(head + w)
            if hit is not None:
                found.setdefault(hit[0], (hit[1], head + w))
    if len(found) != 1:
        return None
    codes, (note, form) = next(iter(found.items()))
    return codes, note, form


def _zone_answer(top: Ranked, codes: tuple[str, ...], note: str, written: str, form: str) -> Ranked:
    if note.endswith(SPREAD_NOTE):  # no main unit: the prefecture written before the zone word
        return top._replace(notes=(f"{written} read as {form}: {note}",), area=False)
    note = f"{written} read as {form}: {note}"
    if len(codes) > 1:
        note += _SPLIT
    return Ranked(codes[0], top.explained + 1.0, top.final + 1.0, top.n_mentions + 1, "alias", (note,), False)


_SPLIT = " (the zone lies in several units: the first is shown)"


def split_zone(r: Ranked) -> bool:
    """True when ``r`` is a zone answer of :func:`cjk_zone` or :func:`latin_gaps` that spans several units
    (the answer is then flagged ambiguous)."""
    return bool(r.notes) and r.notes[0].endswith(_SPLIT)


def _prefecture_of(top: Ranked | None, cands) -> str:
    """The prefecture (or municipality: 北京市, 天津市, 上海市, 重庆市) a mention names that is the answer or its
    ancestor ('' when none)."""
    units = gd.units()
    path = set(units[top.code].path) if top is not None else set()
    for code in cands:
        u = units[code]
        if (u.level == 2 or code in _MUNICIPALITIES) and (code in path or top is None):
            return code
    return ""


_MUNICIPALITIES = frozenset(("110000", "120000", "310000", "500000"))


def cjk_zone(norm: str, top: Ranked | None) -> tuple[Ranked | None, str]:
    """For normalised Chinese text whose answer stops at a province or prefecture (or is empty): the zone a
    generic zone word after the prefecture names (a new first candidate), or the note that the zone is not in
    the zone tables; ``(None, "")`` when the text names no zone."""
    from clusteratlas.gazetteer._scan import mention_cands, zh_scan

    units = gd.units()
    scanned = zh_scan(norm)
    forms = zone_forms()
    for k, (key, start, stop) in enumerate(scanned):
        text = norm[start:stop]
        m = _ZONE_RE.match(norm, stop)
        if text in forms:  # a zone the tables hold, already read by the scanner (合肥高新区)
            codes, note = forms[text]
            if top is not None and top.code != codes[0] and top.code in units[codes[0]].path \
                    and not note.endswith(SPREAD_NOTE):
                # 合肥市经开区: the prefecture's own name inside the zone's won on the prior alone
                return Ranked(codes[0], top.explained, top.final, top.n_mentions, "alias", (note,), False), ""
            continue
        if m is not None:
            end = m.end()
            word = m.group(0)
            head = text
        elif key.endswith("\x1e新区") and len(text) > 2:  # 成都新区: 新区 read as the stem's suffix
            end, word, head = stop, "新区", text[:-2]
        else:
            continue
        if norm.startswith("街道", end) or norm.startswith("路", end):
            continue  # 高新区街道 is a township; 开发区路 a road
        cands = mention_cands(key)
        pref = _prefecture_of(top, cands)
        if pref and head in (units[pref].name, units[pref].stem):
            hit = generic_zone(pref, word)
            phrase = norm[start:end]
            if hit is not None:
                codes, note, form = hit
                base = top if top is not None else Ranked(pref, 1.0, 1.0, 1, "exact", (), False)
                return _zone_answer(base, codes, note, phrase, form), ""
            return None, f"development zone not in the zone tables: {phrase}"
        first = start
        if k and scanned[k - 1][2] == start and not any(units[c].level <= 2 for c in cands):
            first = scanned[k - 1][1]  # 武汉东湖高新区: the city named before the zone's own name
        return None, f"development zone not in the zone tables: {norm[first:end]}"
    return None, ""


def latin_gaps(query: str, top: Ranked | None) -> tuple[Ranked | None, str]:
    """For a Latin query whose answer stops at a province or prefecture (or is empty): the zone a generic
    zone word after the prefecture's name names, the note that a zone is not in the tables, or the note that
    a county-level name matched nothing ("county not found under 丽水市: Qingsong County")."""
    from clusteratlas.gazetteer._latin import latin_mentions
    from clusteratlas.gazetteer._names import latin_tokens, split_parts

    units = gd.units()
    for part in split_parts(query):
        keys = [k for k, _ in latin_tokens(part)]
        written = " ".join(part.split())
        for n in range(min(5, len(keys)), 0, -1):
            word = LATIN_ZONES.get(tuple(keys[-n:]))
            if word is None:
                continue
            head = " ".join(keys[:-n])
            found = latin_mentions(head)
            pref = ""
            if len(found) == 1 and found[0].text == head:
                pref = _prefecture_of(top, found[0].cands)
            if pref:
                hit = generic_zone(pref, word)
                if hit is not None:
                    codes, note, form = hit
                    return _zone_answer(top or Ranked(pref, 1.0, 1.0, 1, "pinyin", (), False), codes, note,
                                        written, form), ""
            return None, f"development zone not in the zone tables: {written}"
        if top is not None and len(keys) >= 2 and keys[-1] in _COUNTY_WORDS:
            named = [c for m in latin_mentions(part) for c, q in m.cands.items() if q[0] >= 0.5]
            if not any(units[c].level >= 3 for c in named):
                return None, f"county not found under {units[top.code].name}: {written}"
    return None, ""


def latin_unknown_county(query: str) -> str:
    """For Latin text answered by a township: the note "county not found: Xinyue County" when a part ends with
    a county word whose name matches no county-level unit ("Jiaxin Xinyue County": a real township's pinyin,
    then an invented county), else ``""``."""
    from clusteratlas.gazetteer._latin import latin_mentions
    from clusteratlas.gazetteer._names import latin_tokens, split_parts

    units = gd.units()
    for part in split_parts(query):
        keys = [k for k, _ in latin_tokens(part)]
        if len(keys) < 3 or keys[-1] not in _COUNTY_WORDS:
            continue
        tails = [" ".join(keys[-n:]) for n in (2, 3) if n < len(keys)]
        if not any(units[c].level == 3 and q[0] >= 0.8 and q[1] != "fuzzy" for tail in tails
                   for m in latin_mentions(tail) for c, q in m.cands.items()):
            return f"county not found: {' '.join(part.split()[-2:])}"
    return ""
