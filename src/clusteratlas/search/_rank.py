"""Ranking: the relevant industries for a query's product text, then every cluster of them, scored.

Private module: the public API is :mod:`clusteratlas.search` (whose docstring describes the whole ranking).
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Any

from clusteratlas._text import CJK_RUN_RE, WORD_RE, has_cjk, normalize, stem, strip_tones
from clusteratlas.search._index import SearchIndex, latin_led_hits
from clusteratlas.search._query import QueryAnalysis
from clusteratlas.search._demote import demote_attributes, demote_premodifiers
from clusteratlas.search._vocab import (
    CONTAIN_BASE,
    NON_PRODUCT,
    NON_PRODUCT_FACTOR,
    ZH_MODIFIERS,
    ZH_NON_PRODUCT,
    ZH_STOPWORDS,
    Hit,
    resolve_words,
    score_chinese,
    score_english,
    score_pinyin,
)
from clusteratlas.search._words import (CONTRACT_STEPS, LESSON_WORDS, MODIFIERS, SERVICE_INDUSTRIES,
                                        SERVICE_SELF_WORDS, ZH_PRODUCT_ENDINGS)

#: Below this industry score nothing is returned for a product query.
RELEVANCE_FLOOR = 0.5
#: A hit on a cluster's own vocabulary counts this much for its industry ...
CLUSTER_LIFT = 0.85
#: ... but at most this share of the best score any industry's own vocabulary reaches (when that one is
#: relevant): "Christmas ceramics" on one ceramics cluster must not put ceramics above Christmas decorations.
LIFT_CAP = 0.9
#: Clusters of an industry relevant only through another cluster's vocabulary count this share of its score.
SIBLING_FACTOR = 0.9
#: When the best industry scores at least FULL_MATCH (a term matching the whole query), industries below
#: RELATIVE_FLOOR × its score are dropped: they share only a minor word ("lace" of "lace front wig").
FULL_MATCH, RELATIVE_FLOOR = 0.9, 0.7
#: Multipliers by cluster role: they order a product's clusters, while the industry score (how well the
#: query names the product) decides between industries.
ROLE_WEIGHTS = {"leading": 1.0, "major": 0.96, "notable": 0.92}
#: Each claim or title adds this much to a cluster's score (at most five count).
PROMINENCE_STEP = 0.005
#: Factor for a cluster without any match on its own vocabulary when the query names a kind of its
#: industry's product (a word of the industry's vocabulary that is not central to it).
UNMATCHED_KIND_FACTOR = 0.95
#: Bonus for a cluster at a place the query names; factor for the other clusters.
PLACE_BONUS, PLACE_FACTOR = 0.5, 0.6
#: Bonus for a cluster whose tier is the one asked for; penalty for a different recorded tier.
INTENT_BONUS, INTENT_PENALTY = 0.15, 0.1


def match_text(text: str, voc, *, english_voc=None, contain: bool = True) -> dict[str, Hit]:
    """Best hit per owner of ``voc`` for normalised product ``text`` (negative hits keyed ``owner\\0neg``).

    ``english_voc`` resolves words and typos against another vocabulary (cluster matching uses the industry
    vocabulary's words). ``contain=False`` scores by coverage of the query alone (cluster vocabularies).
    """
    return score_prepared(prepare_text(text, english_voc or voc), voc, contain=contain)


@dataclass
class PreparedText:
    """A product text read once for every vocabulary: resolved words, Chinese part, Latin words."""

    words: list
    cjk: str
    cjk_len: int
    latin: list[str]
    pinyin: bool
    substrings: bool
    english: bool
    #: one-letter words not glued before Chinese (the "e" of 维生素E, not the "t" of T恤)
    letters: frozenset = frozenset()


def prepare_text(text: str, voc) -> PreparedText:
    """Resolve ``text``'s words against ``voc`` and extract what the scorers need."""
    cjk_in = has_cjk(text)
    if not cjk_in and not text.isascii():
        text = strip_tones(text)  # "jiǎ fà", "café"
    words = resolve_words(text, voc)
    cjk, eff, latin = "", 0, []
    pinyin = substrings = english = False
    if cjk_in:
        cjk = "".join(CJK_RUN_RE.findall(text))
        for stop in ZH_STOPWORDS:
            if stop in cjk:
                cjk = cjk.replace(stop, "")
        eff = len(cjk)
        for mod in ZH_MODIFIERS:
            if mod in cjk:
                eff -= len(mod) * cjk.count(mod)
    else:
        latin = text.split()
        # pinyin only when some word is no English vocabulary word (unknown, or read as a typo)
        odd = any((w.stem is None and w.weight >= voc.max_idf) or (w.stem and w.credit < 1.0) for w in words)
        pinyin = bool(latin) and (odd or not words)
        if pinyin:
            substrings = (any(w.stem is None for w in words) or not words) and len(latin) <= 3
            english = any(w.stem is not None and w.weight > 0 and w.credit == 1.0 for w in words)
    letters = frozenset(_LONE_LETTER_RE.findall(text)) if any(len(w.word) == 1 for w in words) else frozenset()
    return PreparedText(words, cjk, max(eff, 1), latin, pinyin, substrings, english, letters)


#: A one-letter word that is not the prefix of a Chinese word (T恤, U型锁, A字裙 keep theirs).
_LONE_LETTER_RE = re.compile(r"(?<![a-z0-9])([a-z])(?![a-z0-9'\u4e00-\u9fff])")


def _prepared(text: str, index: SearchIndex) -> PreparedText:
    """:func:`prepare_text` against the index's industry vocabulary, remembered for the few calls that follow
    (:func:`product_hits`, then :func:`_specific_industries` on the same text); read-only once made."""
    cache = index.caches["prepared"]
    got = cache.get(text)
    if got is None:
        got = cache.set(text, prepare_text(text, index.industry_voc))
    return got


def score_prepared(prep: PreparedText, voc, *, contain: bool = True) -> dict[str, Hit]:
    """Best hit per owner of ``voc`` for a :class:`PreparedText`."""
    cb = CONTAIN_BASE if contain else 0.0
    best: dict[str, Hit] = {}
    if prep.words:
        score_english(prep.words, voc, best, contain_base=cb)
        if prep.letters or (prep.cjk and any(w.stem in MODIFIERS for w in prep.words)):
            _drop_letter_hits(prep, best)
    if prep.cjk:
        score_chinese(prep.cjk, voc, best, effective_len=prep.cjk_len, contain_base=cb)
        latin_led_hits(prep.words, prep.cjk, prep.cjk_len, voc, best, cb)  # PA66原料 with its code only
    elif prep.pinyin:
        # beside English words the pinyin part explains only its share of the query
        score_pinyin(prep.latin, voc, best, substrings=prep.substrings,
                     contain_base=0.0 if prep.english or not contain else 0.5)
    return best


def _drop_letter_hits(prep: PreparedText, best: dict[str, Hit]) -> None:
    """Drop the English hits that only a one-letter word of the query made: the "e" of 维生素E or 降E is no
    "e-bike"; in a Chinese title, neither is a generic English word (the PACK of 电池PACK is no "fanny pack").
    Not a letter glued before Chinese (the "t" of T恤), nor a term whose words are all such words."""
    stems = {w.stem for w in prep.words if w.stem and (len(w.word) > 1 or w.word in prep.letters)}
    generic = MODIFIERS if prep.cjk else frozenset()
    for key, h in list(best.items()):
        if h.kind != "en":
            continue
        toks = _term_stems(h.term)
        got = toks & stems
        if got and all(len(t) == 1 or t in generic for t in got) \
                and any(len(t) > 1 and t not in generic for t in toks):
            del best[key]


def industry_scores(qa: QueryAnalysis, index: SearchIndex) -> dict[str, Hit]:
    """Relevant industries for an analysed query, with their best hit (negative terms applied)."""
    if qa.hs_code:
        return _hs_scores(qa.hs_code, index)
    if not qa.product_text:
        return {}
    return product_hits(qa.product_text, index)[0]


def product_hits(text: str, index: SearchIndex) -> tuple[dict[str, Hit], dict[str, Hit], dict[str, Hit]]:
    """``(relevant industries, cluster hits, industries relevant by their own vocabulary alone)`` for
    normalised product text, cached per text.

    A cluster's own vocabulary (specialties, titles, extra terms such as a market's name) also speaks for
    its industry, at :data:`CLUSTER_LIFT` of its score, capped at :data:`LIFT_CAP` of the best score of an
    industry's own vocabulary. An industry whose negative term matches at least as well as its best positive
    hit is dropped; what remains must reach :data:`RELEVANCE_FLOOR`, and, when the best industry matches the
    whole query (:data:`FULL_MATCH`), :data:`RELATIVE_FLOOR` of the best score.
    """
    cache = index.caches["product"]
    got = cache.get(text)
    if got is not None:
        return got
    prep = _prepared(text, index)
    raw = score_prepared(prep, index.industry_voc)
    service = _non_product_words(text, index)
    own = _relevant(raw, service)
    cluster_hits = score_prepared(prep, index.cluster_voc, contain=False) if index.cluster_voc.terms else {}
    # a cluster's vocabulary speaks for its industry, but never above LIFT_CAP of the industry whose own
    # vocabulary matches best: the industry match decides, specialties re-rank within and near it
    best_own = max((h.score for h in own.values()), default=0.0)
    cap = LIFT_CAP * best_own if best_own >= RELEVANCE_FLOOR else None
    lifted: dict[str, Hit] = {}
    for key, h in cluster_hits.items():
        if key.endswith("\x00neg"):
            continue
        c = index.clusters[h.owner]
        score = h.score * CLUSTER_LIFT
        if cap is not None and score > cap:
            score = max(cap, own[c.industry].score if c.industry in own else 0.0)
        cur = lifted.get(c.industry)
        if cur is None or score > cur.score:
            lifted[c.industry] = Hit(c.industry, score, h.term, f"cluster {h.field}", h.kind)
    for ind, h in lifted.items():
        cur = raw.get(ind)
        if cur is None or h.score > cur.score:
            raw[ind] = h
    inds = _relevant(raw, service)
    if len(inds) > 1 and (text.count(" ") >= 2 or (len(text) >= 8 and has_cjk(text))):  # a title, not a query
        lowered = demote_premodifiers(demote_attributes(inds, index, RELEVANCE_FLOOR), text, index)
        lowered = {k: h for k, h in lowered.items() if h.score >= RELEVANCE_FLOOR}
        if lowered:  # demotions re-rank the relevant industries; they never leave none
            inds = lowered
    top = max((h.score for h in inds.values()), default=0.0)
    if top >= FULL_MATCH:  # a full match: industries that only share a minor word of the query go
        inds = {k: h for k, h in inds.items() if h.score >= RELATIVE_FLOOR * top}
    return cache.set(text, (inds, cluster_hits, own))


def _relevant(raw: dict[str, Hit], service: list[str]) -> dict[str, Hit]:
    """Industries of ``raw`` whose best hit beats their negative terms and, after the service-word factor,
    reaches :data:`RELEVANCE_FLOOR`."""
    inds = {}
    for key, h in raw.items():
        if key.endswith("\x00neg"):
            continue
        neg = raw.get(key + "\x00neg")
        if neg and neg.score >= h.score:
            continue
        if service and not all(w in normalize(h.term) or stem(w) in _term_stems(h.term) for w in service) \
                and not (h.owner in SERVICE_INDUSTRIES and SERVICE_SELF_WORDS.issuperset(service)):
            h = Hit(h.owner, h.score * NON_PRODUCT_FACTOR, h.term, h.field, h.kind)
        if h.score >= RELEVANCE_FLOOR:
            inds[h.owner] = h
    return inds


def _specific_industries(text: str, inds: dict[str, Hit], index: SearchIndex) -> frozenset[str]:
    """Relevant industries for which ``text`` names a kind of their product: an English query word of the
    industry's matched term (not a bag of words) that is not central to the industry (not in its name or aliases, nor in three of its
    terms), such as "nitrile" for gloves or "sneakers" for footwear."""
    if not any(ch.isascii() and ch.isalpha() for ch in text):
        return frozenset()
    voc = index.industry_voc
    words = [w for w in _prepared(text, index).words if w.stem is not None and w.weight > 0]
    out = set()
    for ind, h in inds.items():
        if h.kind != "en" or h.field.startswith("cluster"):
            continue
        named = _term_stems(h.term)  # the word must be part of the industry's matched term
        central = voc.central.get(ind, frozenset())
        if any(w.stem in named and w.stem not in central for w in words):
            out.add(ind)
    return frozenset(out)


#: An English service word counts only among a text's first this many words: titles name a service first
#: ("car rental …", "pet grooming service …"); later it describes the product ("… salmon recipe").
SERVICE_LEAD_WORDS = 5


def _non_product_words(text: str, index: SearchIndex | None = None) -> list[str]:
    lead = WORD_RE.findall(text)[:SERVICE_LEAD_WORDS]
    words = [w for i, w in enumerate(lead) if stem(w) in NON_PRODUCT and not (i and (
        stem(lead[i - 1]) in CONTRACT_STEPS or (lead[i - 1] == "all" and w == "weather")
        or lead[i - 1] == "self"))]
    if LESSON_WORDS.intersection(lead):
        words += [w for i, w in enumerate(lead) if w in LESSON_WORDS and i and not (
            i + 1 < len(lead) and lead[i + 1].isdigit())]  # "tea ceremony class", not "class 2"
    # "PCBA assembly SMT service", "all weather floor mats", "self cleaning litter box": no service asked for
    if has_cjk(text):
        terms = _zh_terms(index) if index is not None else frozenset()
        words += [w for w in ZH_NON_PRODUCT if w in text and _zh_service_use(text, w, terms)
                  and not _after_product_segment(text, w, index)]
    return words


def _after_product_segment(text: str, word: str, index: SearchIndex | None) -> bool:
    """True when the Chinese service word ``word`` comes after the title's first two segments and a whole
    segment before it names a product (ends with an industry's term): the service word then says what the
    product is for (铝箔餐盒 一次性 外卖打包, 旋翼桨叶 … 维修替换), not that a service is sold (空调维修 … 上门,
    钢琴 陪练: a title names its service first)."""
    if index is None:
        return False
    from clusteratlas.search._title import _product_segment_before

    before = text[:text.find(word)]
    return before.count(" ") >= 2 and _product_segment_before(before[:before.rfind(" ") + 1], index)


def _zh_terms(index: SearchIndex) -> frozenset[str]:
    """The industries' whole Chinese terms (cached per index)."""
    return index.caches["derived"].get_or_set(
        "zh_terms", lambda: frozenset(t.cjk for t in index.industry_voc.terms if t.cjk and not t.negative))



def _zh_service_use(text: str, word: str, terms: frozenset[str] = frozenset()) -> bool:
    """True when some occurrence of the Chinese service word ``word`` in ``text`` is not the start of a
    product's name (``服务器``, ``咨询台``, ``摄影灯``) nor directly followed by an industry's Chinese term
    (``terms``): 外卖打包袋 is a bag for take-away food."""
    i = text.find(word)
    while i >= 0:
        k = i + len(word)
        if k >= len(text) or (text[k] not in ZH_PRODUCT_ENDINGS
                              and not any(text[k:k + n] in terms for n in range(2, 7))):
            return True
        i = text.find(word, k)
    return False


def _term_stems(term: str) -> set[str]:
    return {stem(w) for w in WORD_RE.findall(normalize(term))}


def _hs_scores(code: str, index: SearchIndex) -> dict[str, Hit]:
    """Industries whose HS codes cover ``code``: exact 1.0, industry code more specific 0.8, less specific
    0.9; score 0.6 + 0.3 × that + 0.1 × how much of the code's description the industry's words cover."""
    out = {}
    for ind, codes in index.hs.items():
        best, hits = -1.0, []
        for c in codes:
            if c == code:
                exact = 1.0
            elif c.startswith(code):
                exact = 0.8
            elif code.startswith(c):
                exact = 0.9
            else:
                continue
            hits.append(c)
            best = max(best, 0.6 + 0.3 * exact + 0.1 * index.hs_centrality.get((ind, c), 0.0))
        if hits:
            out[ind] = Hit(ind, best, ",".join(hits), "hs", "hs")
    return out


def _top_roles(index: SearchIndex) -> dict[str, float]:
    """Per industry, the role weight of its best cluster: roles order an industry's clusters, and an
    industry whose clusters are all ``major`` is not thereby ranked below one with a ``leading`` cluster."""
    return index.caches["derived"].get_or_set("top_roles", lambda: {
        ind: max(ROLE_WEIGHTS[c.role] for c in cs) for ind, cs in index.by_industry.items() if cs})


def best_hs_code(industry: str, text: str, index: SearchIndex) -> str | None:
    """The HS code of ``industry`` whose description shares most words with ``text`` (a subheading only
    when it shares more than its heading), else the industry's first code."""
    codes = index.hs.get(industry) or []
    if not codes:
        return None
    descs = index.caches["hs_words"]
    words = {stem(w) for w in WORD_RE.findall(text)}
    best, best_key = codes[0], (0, 0)
    for c in codes:
        toks = descs.get((industry, c))
        if toks is None:
            toks = descs.set((industry, c), _hs_tokens(industry, c, index))
        key = (len(words & toks), -len(c))
        if key > best_key:
            best, best_key = c, key
    return best


def _hs_tokens(industry: str, code: str, index: SearchIndex) -> frozenset[str]:
    desc = index.hs_desc.get((industry, code), "")
    return frozenset(stem(w) for w in WORD_RE.findall(normalize(desc))) if desc else frozenset()


def rank_clusters(qa: QueryAnalysis, index: SearchIndex, *, semantic: bool = False,
                  explain: bool = True) -> list[tuple[float, Any, list[dict[str, Any]], Hit | None]]:
    """``(score, ClusterInfo, explanation parts, industry hit)`` for every cluster of the relevant
    industries (or at the named places), best first."""
    inds = industry_scores(qa, index)
    if semantic and inds and qa.product_text:
        from clusteratlas.search._semantic import rerank

        inds = rerank(qa.product_text, inds, index)
    if inds:
        pool = [c for ind in inds for c in index.by_industry.get(ind, ())]
    elif qa.places and not qa.product_text:
        pool = [c for c in index.clusters.values() if c.codes & qa.places.keys()]
    else:
        return []
    cluster_hits, own = product_hits(qa.product_text, index)[1:] if qa.product_text else ({}, {})
    specific = _specific_industries(qa.product_text, inds, index) if qa.product_text and inds else frozenset()
    top_role = _top_roles(index)
    # a query that is an industry's own name or alias asks for that industry: no cluster's specialty (of that
    # industry or another: "lead-acid batteries" is also a specialty of a battery-recycling town) lifts it
    named_industry = any(h.field in ("name", "alias") and h.score >= FULL_MATCH for h in inds.values())
    scored = []
    for c in pool:
        m = inds.get(c.industry)
        parts: list[dict[str, Any]] = []
        ch = cluster_hits.get(c.id)
        if m:
            base = m.score
            if m.field.startswith("cluster") and (ch is None or ch.term != m.term):
                # the industry is relevant through a sibling's specialty: this cluster has no part in it
                o = own.get(c.industry)
                base = max(o.score if o else 0.0, m.score * SIBLING_FACTOR)
            if explain:
                parts.append({"part": "industry", "term": m.term, "field": m.field, "kind": m.kind,
                              "score": round(m.score, 4)})
        else:
            base = 0.8
            if explain:
                parts.append({"part": "place only", "score": base})
        role_w = ROLE_WEIGHTS[c.role] / top_role.get(c.industry, 1.0)
        score = base * role_w
        if explain:
            parts.append({"part": "role", "role": c.role, "factor": role_w})
        if c.evidence:
            score += PROMINENCE_STEP * c.evidence
            if explain:
                parts.append({"part": "prominence", "claims_and_titles": c.evidence,
                              "bonus": round(PROMINENCE_STEP * c.evidence, 4)})
        names_industry = named_industry
        if ch and ch.score >= 0.3 and not (m and m.field.startswith("cluster")) and not names_industry:
            # (not counted twice; and a query that is the industry's own name asks for the industry, so
            # a cluster's specialty that repeats the name does not put it before the leading cluster)
            bonus = 0.3 * ch.score * min(base, 1.0)
            score += bonus
            if explain:
                parts.append({"part": "cluster match", "term": ch.term, "field": ch.field,
                              "bonus": round(bonus, 4)})
        elif c.industry in specific and not (ch and ch.score >= 0.3):  # the query names a kind of the product that this cluster's
            score *= UNMATCHED_KIND_FACTOR  # specialties do not mention ("nitrile" of "nitrile gloves")
            if explain:
                parts.append({"part": "kind not among specialties", "factor": UNMATCHED_KIND_FACTOR})
        if qa.places:
            if c.codes & qa.places.keys():
                score += PLACE_BONUS
                if explain:
                    parts.append({"part": "place", "words": qa.place_words, "bonus": PLACE_BONUS})
            else:
                score *= PLACE_FACTOR
                if explain:
                    parts.append({"part": "place", "words": qa.place_words, "factor": PLACE_FACTOR})
        for attr, wanted in qa.intents.items():
            have = getattr(c, attr)
            if have == wanted or (attr == "cluster_type" and have == "mixed"):
                score += INTENT_BONUS
                if explain:
                    parts.append({"part": "intent", attr: wanted, "bonus": INTENT_BONUS})
            elif have is not None and attr != "cluster_type":
                score -= INTENT_PENALTY
                if explain:
                    parts.append({"part": "intent", attr: wanted, "has": have, "bonus": -INTENT_PENALTY})
        scored.append((score, c, parts, m))
    scored.sort(key=lambda t: (-t[0], t[1].id))
    return scored


