"""What an address names that the resolver could not place: invented provinces, unknown county names under a
named prefecture (with the one correction allowed: one character replaced by a homophone or a look-alike),
and the reason a geocoding row failed.

Private module: the public API is :mod:`clusteratlas.gazetteer`. Sound-alike matching of whole names is for
Latin input only (:func:`clusteratlas.gazetteer._latin.fuzzy_mentions`); Chinese input gets exactly one kind
of correction, here: a county-level name written with one character replaced by another of the same
pinyin (卫都区 for 魏都区, 丕州市 for 邳州市) or by a well-known look-alike (:data:`LOOK_ALIKES`: 义鸟 for 义乌,
沐阳 for 沭阳), and only among the county-level units of the province or prefecture the address names (and
the prefectures of a named province: 毫州 for 亳州). A written name that is itself a real name is never
corrected. Anything else that looks like a county name and matches nothing is reported, not guessed
("county not found under 许昌市: 卫都区").
"""

from __future__ import annotations

import re
from functools import lru_cache

from clusteratlas.gazetteer import _tables as gd
from clusteratlas.gazetteer._rank import Ranked, is_ambiguous

_PROVINCE_RE = re.compile(r"^(?:中国|中华人民共和国)?([\u4e00-\u9fff]{2,3}?)省")
_COUNTY_RE = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:自治县|县|区|市|旗)")
_COUNTY_SUFFIXES = ("自治县", "县", "区", "市", "旗")


def unknown_province(norm: str) -> str:
    """``"青云省"`` when normalised text starts with a province that does not exist, else ``""``."""
    m = _PROVINCE_RE.match(norm)
    if m is None:
        return ""
    names = _province_names()
    if m.group(1) in names or any(norm.startswith(k) for k in names):
        return ""
    return m.group(1) + "省"


@lru_cache(maxsize=1)
def _province_names() -> frozenset[str]:
    """Names and stems of the provinces, current and former (四川, 四川省, 广东省 …)."""
    units = gd.units()
    return frozenset(n for u in units.values() if u.level == 1 for n in (u.name, u.stem))


@lru_cache(maxsize=4096)
def _syllables(ch: str) -> tuple[str, ...]:
    from clusteratlas._text import pinyin_syllables

    return tuple(pinyin_syllables(ch))


#: Pairs of characters of different sound that are commonly written for each other because they look alike
#: (形近字): 乌/鸟 (乌鲁木齐), 沭/沐 (沭阳), 睢/雎 (睢宁), 亳/毫 (亳州), 荥/荧 (荥阳), 鄄/甄 (鄄城), 柘/拓 (柘城) …
LOOK_ALIKES = frozenset(frozenset(p) for p in (
    "乌鸟", "己已", "已巳", "未末", "戊戌", "戌戍", "日曰", "土士", "大太", "太犬", "天夭", "贝见", "拨拔", "折析",
    "汩汨", "冶治", "鸣呜", "徽微", "沭沐", "睢雎", "亳毫", "兖衮", "郴彬", "柘拓", "荥荧", "鄄甄", "崇祟", "冼洗",
    "壶壸", "淅浙", "暨既"))


def _one_char_slip(right: str, written: str) -> bool:
    """Whether ``written`` is ``right`` with its one differing character replaced by a homophone or a
    look-alike."""
    a, b = _syllables(right), _syllables(written)
    return bool(a) and a == b or frozenset((right, written)) in LOOK_ALIKES


def _counties_under(code: str) -> list[gd.Unit]:
    units = gd.units()
    children = gd.children()
    out = []
    for c in children.get(code, ()):
        u = units[c]
        if u.level == 3:
            out.append(u)
        elif u.level == 2:
            out.append(u)  # a prefecture-level city written under its province (毫州市 for 亳州市)
            out.extend(units[cc] for cc in children.get(c, ()) if units[cc].level == 3)
    return out


def _gap_after_mentions(norm: str, path: set[str]) -> str:
    """The county-like word right after the last name that the answer (its ``path``) explains, when no name
    of that path covers it."""
    from clusteratlas.gazetteer._scan import mention_cands, zh_scan

    end = 0
    for key, _start, stop in zh_scan(norm):
        if any(c in path for c in mention_cands(key)):
            end = stop
    if end == 0 or end >= len(norm):
        return ""
    m = _COUNTY_RE.match(norm, end)
    return m.group(0) if m and len(m.group(0)) >= 2 else ""


def county_gap(norm: str, top: Ranked) -> tuple[Ranked | None, str]:
    """For an answer stopping at a province or prefecture: the county-level unit under it that the text
    writes with one homophone typo (a new first candidate), or the reason no county was found.

    Returns
    -------
    (Ranked or None, str)
        The corrected candidate (match ``fuzzy``) and its note, or None and a note ("county not found under
        许昌市: 卫都区"), or None and ``""`` when the text names no county-like word.
    """
    units = gd.units()
    unit = units[top.code]
    if unit.level > 2:
        return None, ""
    word = _gap_after_mentions(norm, set(unit.path))
    if not word:
        return None, ""
    index = gd.zh_index()
    hits = []
    for u in _counties_under(unit.code):
        name = u.name
        if len(name) != len(word) or not word.endswith(u.suffix or name[-1]):
            continue
        diff = [k for k in range(len(name)) if name[k] != word[k]]
        if len(diff) == 1 and word not in index and _one_char_slip(name[diff[0]], word[diff[0]]):
            hits.append(u)
    if len(hits) == 1:
        u = hits[0]
        k = next(k for k in range(len(word)) if u.name[k] != word[k])
        how = "the same sound" if _syllables(u.name[k]) == _syllables(word[k]) else "a look-alike character"
        note = f"no {word} under {unit.name}: read as {u.name} ({u.code}), one character differs ({how})"
        return Ranked(u.code, top.explained + 0.8, top.final + 0.8, top.n_mentions + 1, "fuzzy", (note,),
                      False), note
    if len(hits) > 1:
        return None, f"county not found under {unit.name}: {word} (sounds like " + \
            " or ".join(h.name for h in hits) + ")"
    return None, f"county not found under {unit.name}: {word}"


def refine(norm: str, ranked: list[Ranked], ambiguous: bool) -> tuple[list[Ranked], bool, str]:
    """Apply :func:`unknown_province` and :func:`county_gap` to a ranked answer for normalised Chinese
    text; returns the new ranking, the ambiguity flag and, when the ranking is empty, the reason."""
    bad = unknown_province(norm)
    if bad and (not ranked or ranked[0].explained < 1.5):
        # an invented province, and nothing else named firmly enough (two names or more) to place the text
        return [], False, f"no province named {bad}: nothing resolved"
    from clusteratlas.gazetteer._scan import ZONE_NAME_NOTE
    from clusteratlas.gazetteer._zones import cjk_zone, split_zone

    if ranked and ZONE_NAME_NOTE in ranked[0].notes and ranked[0].n_mentions < 2:
        # a district or township named only by a zone's name (东湖高新区 is not 南昌's 东湖区)
        ranked = [r for r in ranked if ZONE_NAME_NOTE not in r.notes]
        ambiguous = is_ambiguous(ranked)
    if ranked and gd.units()[ranked[0].code].level > 2:
        return ranked, ambiguous, ""

    zone, note = cjk_zone(norm, ranked[0] if ranked else None)
    if zone is not None:
        return [zone, *(r for r in ranked if r.code != zone.code)], split_zone(zone), ""
    if not ranked:
        return ranked, ambiguous, note
    if not note:
        fixed, note = county_gap(norm, ranked[0])
    else:
        fixed = None
    if fixed is not None:
        return [fixed, *ranked], False, ""
    if note:
        top = ranked[0]
        return [top._replace(notes=(*top.notes, note)), *ranked[1:]], ambiguous, ""
    return ranked, ambiguous, ""


def failure_reason(address: object, *, cut: bool = False) -> str:
    """Why a geocoding row found nothing (the ``note`` of a ``not_found`` row)."""
    if address is None:
        return "empty value"
    if not isinstance(address, str):
        return f"not text ({type(address).__name__})"
    if not address.strip():
        return "empty value"
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", address):
        return "no place name found (no Chinese or Latin letters)"
    return "no place name found" + (" in the first 300 characters" if cut else "")


def ambiguity_note(ranked: list[Ranked]) -> str:
    """``"ambiguous: 新塘镇 (增城区) or 新塘镇 (…)"`` for the first candidates of an ambiguous answer."""
    units = gd.units()
    top = ranked[0]
    rivals = [r for r in ranked[1:] if r.code not in units[top.code].path][:2]

    def label(code: str) -> str:
        u = units[code]
        parent = units.get(u.parent)
        return f"{u.name} ({parent.name})" if parent is not None else u.name

    return "ambiguous: " + " or ".join(label(r.code) for r in [top, *rivals])
