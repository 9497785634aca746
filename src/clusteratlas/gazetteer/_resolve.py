"""Query -> mentions -> ranked divisions: the gazetteer's resolver.

Private module: the public API is :mod:`clusteratlas.gazetteer`.

A query is cut into *mentions*, each a set of candidate divisions with a match quality in (0, 1]: Chinese
text is scanned for indexed names (:mod:`clusteratlas.gazetteer._scan`), Latin text and codes are read by
:mod:`clusteratlas.gazetteer._latin`. Every candidate division is then scored by the mentions it explains
(:mod:`clusteratlas.gazetteer._rank`): the deepest unit consistent with every part of the query wins
("Lishui Town, Nanhai, Foshan" -> 里水镇), and a small prior (level, then prominence) orders candidates that
explain the same mentions (丽水市 before a township named Lishui; 新塘镇 of 增城区 before the other three).
"""

from __future__ import annotations

import re

from clusteratlas._text import CJK_RUN_RE, has_cjk
from clusteratlas.gazetteer import _tables as gd
from clusteratlas.gazetteer._history import read_seat_cities, settle_spread
from clusteratlas.gazetteer._latin import TOWN_TYPES, code_mentions, fuzzy_mentions, latin_mentions
from clusteratlas.gazetteer._names import NOISE_WORDS, ROAD_WORDS, TYPE_WORDS, latin_tokens, normalize_cjk, split_parts
from clusteratlas.gazetteer._rank import Mention, Ranked, check_named_regions, drop_ancestors, is_ambiguous, rank
from clusteratlas.gazetteer._scan import drop_lone_typed, zh_mentions
from clusteratlas.gazetteer._zones import LATIN_ZONE_TOKENS


def query_mentions(query: str) -> list[Mention]:
    """All mentions of a free-text query (any mix of Chinese, pinyin, English and codes)."""
    mentions: list[Mention] = []
    protected = gd.protected_chars()
    parts = split_parts(query)
    near = sum(bool(re.search(r"[A-Za-z]", p)) for p in parts) >= 2  # several Latin parts: near misses too
    for part in parts:
        mentions.extend(code_mentions(part))
        if has_cjk(part):
            norm = normalize_cjk(part, protected)
            # no sound-alike matching of Chinese names: a name that matches nothing real gives nothing (a
            # homophone typo of a county under a named prefecture is read by _explain.county_gap)
            mentions.extend(zh_mentions(norm))
            latin = CJK_RUN_RE.sub(" ", part)
        else:
            latin = part
        if re.search(r"[A-Za-z]", latin):
            found = latin_mentions(latin, near)
            if not found:
                toks = [k for k, _ in latin_tokens(latin)]
                words = [k for k in toks if k not in NOISE_WORDS and k not in TYPE_WORDS and k not in LATIN_ZONE_TOKENS]
                if words and not any(k in ROAD_WORDS for k in toks):  # a road name is no place
                    found = _typed_fuzzy("".join(words), [k for k in toks if k in TYPE_WORDS])
            # English puts the specific place first ("Shenzhen City of Guangzhou"): a tiny decay by position
            # breaks ties between rival readings without outweighing a better explanation
            for k, m in enumerate(found):
                if k:
                    factor = 1.0 - 0.01 * k
                    for code, (q, match, note) in list(m.cands.items()):
                        m.cands[code] = (q * factor, match, note)
            mentions.extend(found)
    return read_seat_cities(mentions) if has_cjk(query) else mentions


def _typed_fuzzy(key: str, types: list[str]) -> list[Mention]:
    """Closest names of an unmatched Latin word; when the part also gives a type above townships ("Galaxy
    City", "Moonlight District"), townships are no reading of it (gala is no city)."""
    found = fuzzy_mentions(key, cjk=False)
    if not types or any(TYPE_WORDS[t] & TOWN_TYPES for t in types):
        return found
    units = gd.units()
    out = []
    for m in found:
        cands = {c: v for c, v in m.cands.items() if units[c].level <= 3}
        if cands:
            out.append(m._replace(cands=cands))
    return out


def resolve(query: str, limit: int = 10) -> tuple[list[Ranked], bool, int]:
    """Ranked candidates for a query, the ambiguity flag, and the number of mentions found."""
    return resolve_explained(query, limit)[:3]


def resolve_explained(query: str, limit: int = 10) -> tuple[list[Ranked], bool, int, str]:
    """:func:`resolve` and, when nothing is found, why (``""`` when there is nothing more to say)."""
    from clusteratlas.gazetteer._explain import refine

    mentions = query_mentions(query)
    cjk = has_cjk(query)
    if not mentions:
        if cjk:
            _, _, why = refine(normalize_cjk(query, gd.protected_chars()), [], False)
            return [], False, 0, why
        return [], False, 0, _refine_latin(query, [], False)[2]
    address = cjk and len(mentions) >= 2
    ranked = drop_ancestors(drop_lone_typed(rank(mentions, address=address)))
    ranked, ambiguous = check_named_regions(ranked, mentions, is_ambiguous(ranked))
    settled = settle_spread(ranked, mentions)
    if settled is not ranked:
        ranked, ambiguous = settled, False
    why = ""
    if cjk:
        ranked, ambiguous, why = refine(normalize_cjk(query, gd.protected_chars()), ranked, ambiguous)
    elif not ranked or gd.units()[ranked[0].code].level <= 2:
        ranked, ambiguous, why = _refine_latin(query, ranked, ambiguous)
    elif gd.units()[ranked[0].code].level == 4:
        ranked, ambiguous, why = _township_without_county(query, ranked, ambiguous, mentions)
    return ranked[:limit], ambiguous, len(mentions), why


def _refine_latin(query: str, ranked: list[Ranked], ambiguous: bool) -> tuple[list[Ranked], bool, str]:
    """:func:`clusteratlas.gazetteer._zones.latin_gaps` applied to a Latin answer (see ``_explain.refine``)."""
    from clusteratlas.gazetteer._zones import latin_gaps, split_zone

    zone, note = latin_gaps(query, ranked[0] if ranked else None)
    if zone is not None:
        return [zone, *(r for r in ranked if r.code != zone.code)], split_zone(zone), ""
    if not ranked:
        return ranked, ambiguous, note
    if note:
        top = ranked[0]
        ranked = [top._replace(notes=(*top.notes, note)), *ranked[1:]]
    return ranked, ambiguous, ""


def _township_without_county(query: str, ranked: list[Ranked], ambiguous: bool,
                             mentions: list[Mention]) -> tuple[list[Ranked], bool, str]:
    """A Latin answer that is a township beside a county that does not exist ("Jiaxin Xinyue County"): no
    township or county; the deepest unit above counties that the query itself names (Dongguan), if any."""
    from clusteratlas.gazetteer._zones import latin_unknown_county

    note = latin_unknown_county(query)
    if not note:
        return ranked, ambiguous, ""
    units = gd.units()
    named = {c for m in mentions for c, q in m.cands.items() if q[0] >= 0.8 and q[1] != "fuzzy"}
    for code in reversed(units[ranked[0].code].path):
        if units[code].level <= 2 and code in named:
            return [Ranked(code, 1.0, 1.0, 1, "pinyin", (note,), False)], False, ""
    return [], False, note


__all__ = ["Mention", "Ranked", "query_mentions", "resolve", "resolve_explained"]
