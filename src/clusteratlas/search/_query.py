"""Reading a search query: HS codes, intent words, place words and the product text that is left.

Private module: used by :mod:`clusteratlas.search`; see its module docstring for the whole ranking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clusteratlas._text import CJK_RUN_RE, clean_query, compact_pinyin, has_cjk, normalize, stem
from clusteratlas.search._index import PLACE_SUFFIXES, SearchIndex

_HS_RE = re.compile(r"^(?:hs\s*(?:code)?\s*)?(\d{4})(?:[ .]?(\d{2}))?(?:[ .]?\d{2,4})?$")

INTENT_WORDS: dict[str, tuple[str, str]] = {
    # phrase (normalised) -> (attribute, wanted value)
    "cheap": ("price_tier", "low"), "cheapest": ("price_tier", "low"), "low price": ("price_tier", "low"),
    "low cost": ("price_tier", "low"), "budget": ("price_tier", "low"), "affordable": ("price_tier", "low"),
    "inexpensive": ("price_tier", "low"), "low end": ("price_tier", "low"), "便宜": ("price_tier", "low"),
    "低价": ("price_tier", "low"), "平价": ("price_tier", "low"), "低端": ("price_tier", "low"),
    "high quality": ("quality_tier", "high"), "high end": ("quality_tier", "high"),
    "premium": ("quality_tier", "high"), "luxury": ("quality_tier", "high"), "best quality": ("quality_tier", "high"),
    "top quality": ("quality_tier", "high"), "quality": ("quality_tier", "high"), "高端": ("quality_tier", "high"),
    "优质": ("quality_tier", "high"), "高品质": ("quality_tier", "high"), "高质量": ("quality_tier", "high"),
    "wholesale": ("cluster_type", "trading market"), "wholesaler": ("cluster_type", "trading market"),
    "wholesale market": ("cluster_type", "trading market"), "market": ("cluster_type", "trading market"),
    "批发": ("cluster_type", "trading market"), "批发市场": ("cluster_type", "trading market"),
}
_INTENTS_LONGEST_FIRST = sorted(INTENT_WORDS, key=len, reverse=True)
_INTENT_FIRST_WORDS = frozenset(p.split(" ", 1)[0] for p in INTENT_WORDS if p[0] < "\u2e80")


@dataclass
class QueryAnalysis:
    """What :func:`analyse_query` read from a query."""

    text: str
    product_text: str
    hs_code: str | None = None
    intents: dict[str, str] = field(default_factory=dict)
    places: dict[str, float] = field(default_factory=dict)  # adcode -> match strength
    place_words: list[str] = field(default_factory=list)


# -- query analysis ------------------------------------------------------------------------------------

def analyse_query(query: str, index: SearchIndex) -> QueryAnalysis:
    """Split a query into HS code, intent words, place words and product text (see module docstring).

    Raises
    ------
    BadQueryError
        Empty query, control characters or more than 500 characters.
    """
    return analyse_text(normalize(clean_query(query)), index)


def analyse_text(text: str, index: SearchIndex) -> QueryAnalysis:
    """:func:`analyse_query` for text already validated and normalised."""
    qa = QueryAnalysis(text=text, product_text=text)
    m = _HS_RE.match(text.replace("hs code", "hs")) if text[:1].isdigit() or text[:2] == "hs" else None
    if m:
        qa.hs_code = m.group(1) + (m.group(2) or "")
        qa.product_text = ""
        return qa
    rest = f" {text} "
    cjk = has_cjk(text)
    if cjk or not _INTENT_FIRST_WORDS.isdisjoint(text.split()):
        for phrase in _INTENTS_LONGEST_FIRST:
            if phrase[0] > "\u2e80":
                if not cjk or phrase not in rest:
                    continue
                needle = phrase
            else:
                needle = f" {phrase} "
                if needle not in rest:
                    continue
            attr, value = INTENT_WORDS[phrase]
            qa.intents.setdefault(attr, value)
            rest = rest.replace(needle, " ")
    rest = _take_places(rest, index, qa)
    qa.product_text = " ".join(rest.split())
    if not qa.product_text and qa.intents and not qa.places:
        qa.product_text = text  # "wholesale market": the words were the product after all
        qa.intents = {}
    return qa


def _take_places(rest: str, index: SearchIndex, qa: QueryAnalysis) -> str:
    if index.place_zh and has_cjk(rest):
        rest = _take_zh_places(rest, index, qa)
    words = rest.split()
    if not words:
        return " "
    keys = [compact_pinyin(w) if w.isascii() or not has_cjk(w) else "" for w in words]
    starts = index.caches["derived"].get_or_set(
        "place_prefixes", lambda: frozenset(k[:j] for k in index.place_keys for j in range(1, len(k) + 1)))
    if not any(k in starts for k in keys):
        return f" {rest.strip()} "
    used = [False] * len(words)
    voc = index.industry_voc
    place_keys = index.place_keys
    # Words that together spell a product's pinyin ("jia fa" is 假发) are the product, not a place ("Jia County").
    in_product = [False] * len(words)
    for n in (3, 2):
        for i in range(len(words) - n + 1):
            if all(keys[i:i + n]) and "".join(keys[i:i + n]) in voc.by_pinyin:
                in_product[i:i + n] = [True] * n
    # ... and so do two words that are a product no industry here makes ("boxing gloves" is no glove of 博兴)
    negatives = _negative_pairs(index)
    for i in range(len(words) - 1):
        if (stem(words[i]), stem(words[i + 1])) in negatives:
            in_product[i:i + 2] = [True, True]
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if keys[i] not in starts or any(used[i:i + n]) or not all(keys[i:i + n]) or any(in_product[i:i + n]):
                continue
            gram = words[i:i + n]
            cut = n
            while cut and gram[cut - 1] in PLACE_SUFFIXES:
                cut -= 1
            if not cut:
                continue
            key = "".join(keys[i:i + cut])
            codes = place_keys.get(key)
            if not codes:
                continue
            if n == 1 and key in voc.by_pinyin and not any(
                    stem(w) in voc.by_token for k, w in enumerate(words) if k != i):
                continue  # a product's pinyin ("shuibei" alone is 水杯), not a place ("Shuibei gold")
            for code in codes:
                qa.places[code] = 1.0
            qa.place_words.append(" ".join(gram))
            for j in range(i, i + n):
                used[j] = True
    if not any(used):
        return f" {rest.strip()} "
    kept = []
    for i, (w, u) in enumerate(zip(words, used)):
        if u or (w in PLACE_SUFFIXES and i > 0 and used[i - 1]):  # "Yiwu City": the suffix goes too
            continue
        kept.append(w)
    return " " + " ".join(kept) + " "


def _negative_pairs(index: SearchIndex) -> frozenset[tuple[str, str]]:
    """The two-word negative terms of the industry vocabulary, as stem pairs."""
    return index.caches["derived"].get_or_set("negative_pairs", lambda: frozenset(
        t.tokens for t in index.industry_voc.terms if t.negative and len(t.tokens) == 2))


def _take_zh_places(rest: str, index: SearchIndex, qa: QueryAnalysis) -> str:
    """Chinese place names, longest first, unless inside a longer product term (石狮子 is not 石狮)."""
    exact = index.industry_voc.cjk_exact
    for run in CJK_RUN_RE.findall(rest):
        n = len(run)
        term_spans = [(i, j) for i in range(n) for j in range(i + 3, min(n, i + index.industry_voc.cjk_maxlen) + 1)
                      if run[i:j] in exact]
        found = []
        for i in range(n):
            for j in range(min(n, i + index.place_zh_maxlen), i + 1, -1):
                if run[i:j] in index.place_zh:
                    found.append((j - i, i, j))
                    break
        taken: list[tuple[int, int]] = []
        for _, i, j in sorted(found, reverse=True):
            if any(a <= i and j <= b and b - a > j - i for a, b in term_spans):
                continue
            if any(not (j <= a or b <= i) for a, b in taken):
                continue
            taken.append((i, j))
        for i, j in taken:
            name = run[i:j]
            for code in index.place_zh[name]:
                qa.places[code] = 1.0
            qa.place_words.append(name)
        if taken:
            kept = "".join(" " if any(a <= k < b for a, b in taken) else ch for k, ch in enumerate(run))
            rest = rest.replace(run, f" {kept} ", 1)
    return rest
