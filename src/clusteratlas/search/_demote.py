"""Attributes of a marketplace title: terms that describe another industry's product, demoted before ranking.

Private module: used by :mod:`clusteratlas.search._rank` (full ranking), :mod:`clusteratlas.search._fast`
(fast path) and :class:`clusteratlas.match.Matcher`; the head text itself is read by
:mod:`clusteratlas.search._title`.

* :func:`attribute_terms` — terms that other industries' terms use as a modifier ("silk" of "silk scarf",
  陶瓷 of 陶瓷砖), learnt from the vocabulary; :func:`demote_attributes` lowers their hits;
* :func:`demote_premodifiers` — a term directly followed by another industry's term describes it
  ("tempered glass screen protector", 航空铝合金零件), unless its own industry has a term across the two
  ("pearl necklace") or another whole term of its own stands alone in the title; English terms scattered over
  a title and terms after a product's size count less too; in English a material term directly *after* a
  product term describes it the same way ("screen protector tempered glass").
"""

from __future__ import annotations

import re

from clusteratlas._text import CJK_RUN_RE, WORD_RE, light_stem, stem
from clusteratlas.search._words import FUNCTION_WORDS

#: A hit on an attribute term (:func:`attribute_terms`) counts this share when the title also names another
#: industry's product by a term that is no attribute.
ATTRIBUTE_FACTOR = 0.8


def attribute_terms(index) -> frozenset[tuple[str, str]]:
    """``(industry, term text)`` of the terms that other industries' terms use as a modifier: an English
    term found in another industry's term before that term's last word ("silk" in "silk scarf", "ceramic" in
    "ceramic tiles"), a Chinese term found in another industry's term before its last character (陶瓷 in
    陶瓷砖, 水晶 in 水晶灯). Learnt from the vocabulary, cached per index."""
    return index.caches["derived"].get_or_set("attribute_terms", lambda: _attribute_terms(index.industry_voc))


def _attribute_terms(voc) -> frozenset[tuple[str, str]]:
    en: dict[tuple[str, ...], set[str]] = {}
    zh: dict[str, set[str]] = {}
    for t in voc.terms:
        if t.negative:
            continue
        toks = t.tokens
        if not t.cjk and len(toks) >= 2:
            for i in range(len(toks) - 1):
                for j in range(i + 1, len(toks)):
                    en.setdefault(toks[i:j], set()).add(t.owner)
        c = t.cjk
        if len(c) >= 3:
            for i in range(len(c) - 1):
                for j in range(i + 2, len(c)):
                    zh.setdefault(c[i:j], set()).add(t.owner)
    out = set()
    for t in voc.terms:
        if t.negative:
            continue
        if t.cjk:
            owners = zh.get(t.cjk)
        elif t.tokens:
            owners = en.get(t.tokens)
        else:
            continue
        if owners and owners - {t.owner}:
            out.add((t.owner, t.text))
    return frozenset(out)


def demote_attributes(inds: dict, index, floor: float) -> dict:
    """``inds`` (industry → Hit) with hits on attribute terms × :data:`ATTRIBUTE_FACTOR` when another
    industry's hit at least ``floor`` is on a term that is no attribute."""
    if len(inds) < 2:
        return inds
    attrs = attribute_terms(index)
    flagged = {k for k, h in inds.items() if (h.owner, h.term) in attrs}
    if not flagged or not any(k not in flagged and h.score >= floor and h.kind in ("en", "zh", "pinyin")
                              for k, h in inds.items()):
        return inds
    return {k: (h._replace(score=h.score * ATTRIBUTE_FACTOR) if k in flagged else h) for k, h in inds.items()}


def demote_premodifiers(inds: dict, text: str, index) -> dict:
    """``inds`` with the hit of a term that is directly followed by another industry's term in ``text``
    × :data:`ATTRIBUTE_FACTOR` (in "tempered glass screen protector" and 航空铝合金零件 the first term
    describes the second), and so the hit of an English term of several words that are not next to each
    other in a title of four words or more ("LED" … "driver" in "drill driver kit … LED light")."""
    if len(inds) < 2:
        return inds
    from clusteratlas._text import normalize

    stems = [stem(w) for w in WORD_RE.findall(text)]
    words = [s for s in stems if not s.isdigit()]  # a number between two words keeps them together
    cjk = "".join(CJK_RUN_RE.findall(text))
    spans: dict[str, list[tuple[str, int, int]]] = {}
    for k, h in inds.items():
        if h.kind == "en":
            toks = [stem(w) for w in WORD_RE.findall(normalize(h.term))]
            n = len(toks)
            for i in range(len(stems) - n + 1):
                if n and stems[i:i + n] == toks:
                    spans.setdefault(k, []).append(("en", i, i + n))
            if n > 1 and k not in spans and any(set(toks) <= set(words[i:i + n + 1]) for i in range(len(words))):
                spans[k] = []  # one word between ("acoustic classical guitar"): together, though not adjacent
        elif h.kind == "zh" and cjk:
            t = "".join(CJK_RUN_RE.findall(normalize(h.term)))
            i = cjk.find(t) if t else -1
            while i >= 0:
                spans.setdefault(k, []).append(("zh", i, i + len(t)))
                i = cjk.find(t, i + 1)
    demoted = set()
    for k, h in inds.items():  # an English term whose words lie scattered over a title ("led … driver")
        if h.kind == "en" and k not in spans and " " in h.term.strip() and len(stems) >= 4:
            demoted.add(k)
    attrs = attribute_terms(index)
    for a, sa in spans.items():
        for b, sb in spans.items():
            if a == b:
                continue
            nexts = [(x, y) for x in sa for y in sb if x[0] == y[0] and x[2] == y[1]]
            if nexts and all(x[0] == "en" for x, _ in nexts) and _head_then_material(inds[a], inds[b], attrs):
                demoted.add(b)  # "screen protector tempered glass": the material follows the product
            elif any(not _owns_across(a, x, y, text, cjk, index) for x, y in nexts) \
                    and not _named_alone(a, spans, text, cjk, index):
                demoted.add(a)
    size = _size_at(stems)
    if size is not None:  # "… suitcase 20 inch tsa lock": after the size come features
        named_before = any(x[0] == "en" and x[2] <= size[0] for sa in spans.values() for x in sa)
        for k, sa in spans.items():
            en = [x for x in sa if x[0] == "en"]
            if named_before and en and all(x[1] >= size[1] for x in en):
                demoted.add(k)
    if not demoted or len(demoted) == len(inds):
        return inds
    return {k: (h._replace(score=h.score * ATTRIBUTE_FACTOR) if k in demoted else h) for k, h in inds.items()}


#: Last words of English terms that name a material (stemmed): such a term after a product term describes it.
MATERIAL_WORDS = frozenset(stem(w) for w in (
    "glass", "leather", "steel", "silver", "gold", "wood", "bamboo", "ceramic", "porcelain", "silicone", "cotton",
    "silk", "wool", "cashmere", "linen", "polyester", "nylon", "plastic", "aluminium", "aluminum", "copper",
    "brass", "titanium", "carbide", "zirconia", "stone", "marble", "granite", "rubber", "acrylic", "pvc", "tpu",
    "resin", "crystal", "canvas", "velvet", "fibre", "fiber", "carbon", "iron", "zinc", "alloy", "jade", "pearl"))


def _head_then_material(first, second, attrs) -> bool:
    """True when an English product term is directly followed by another industry's material term (its last
    word a material, :data:`MATERIAL_WORDS`: "screen protector tempered glass", "earrings sterling silver")
    or attribute term: the second describes the first, as it would before it. Not when the first names a
    material itself ("silicon carbide ceramic …")."""
    def last(h):
        words = WORD_RE.findall(h.term.lower())
        return stem(words[-1]) if words else ""
    return (first.owner, first.term) not in attrs and last(first) not in MATERIAL_WORDS and (
        last(second) in MATERIAL_WORDS or (second.owner, second.term) in attrs)


def _named_alone(owner: str, spans: dict, text: str, cjk: str, index) -> bool:
    """True when some whole English term of two words or more of ``owner`` in the title is followed by no
    other industry's term: "cultured pearl" in "freshwater cultured pearl strand necklace" names the pearls
    even where "pearl strand" comes before "necklace". (Not for Chinese: in 智能门锁指纹锁…防盗门…入户门 the
    doors are named last and still describe the locks.)"""
    from clusteratlas.search._fast import MAX_WORDS, fast_titles

    ft = fast_titles(index)
    starts = {(x[0], x[1]) for o, sp in spans.items() if o != owner for x in sp}
    words = WORD_RE.findall(text)
    lights = [light_stem(w) for w in words]
    for i in range(len(words)):
        for j in range(i + 2, min(len(words), i + MAX_WORDS) + 1):
            if ("en", j) not in starts and any(o == owner for o, _, _ in ft.phrases.get(tuple(lights[i:j]), ())):
                return True
    return False


def _owns_across(owner: str, x: tuple, y: tuple, text: str, cjk: str, index) -> bool:
    """True when ``owner`` has a whole term of its own that starts inside its span ``x`` and covers the next
    industry's span ``y`` ("pearl necklace" across "freshwater pearl" + "necklace", "piano keys" across
    "upright piano" + "keys"): then the first term names the product and the second is part of it."""
    from clusteratlas.search._fast import MAX_WORDS, fast_titles

    ft = fast_titles(index)
    if x[0] == "zh":
        for s in range(x[1], x[2]):
            for e in range(y[2], min(len(cjk), s + 8) + 1):
                if owner in ft.zh_owners.get(cjk[s:e], ()):
                    return True
        return False
    words = WORD_RE.findall(text)
    for s in range(x[1], x[2]):
        for e in range(y[2], min(len(words), s + MAX_WORDS) + 1):
            key = tuple(light_stem(w) for w in words[s:e] if w not in FUNCTION_WORDS)
            if any(o == owner for o, _, _ in ft.phrases.get(key, ())):
                return True
    return False


#: Units of a product's size in English titles ("20 inch", "30cm"), stemmed.
SIZE_UNITS = frozenset(("inch", "in", "cm", "mm", "ft"))
_SIZE_WORD_RE = re.compile(r"\d+(?:\.\d+)?(?:inch|in|cm|mm|ft)")


def _size_at(stems: list[str]) -> tuple[int, int] | None:
    """``(start, end)`` word positions of the first size ("20 inch", "30cm") in a title's stemmed words, or
    None."""
    for i, s in enumerate(stems):
        if _SIZE_WORD_RE.fullmatch(s):
            return i, i + 1
        if s in SIZE_UNITS:
            if i > 0 and stems[i - 1].replace(".", "", 1).isdigit():
                return i - 1, i + 1
            if s != "in":
                return i, i + 1  # the number was dropped (reduce_head)
    return None
