"""Product or place query → ranked clusters.

How a query is read (:func:`analyse_query`):

1. validated (:func:`clusteratlas._text.clean_query`) and normalised (NFKC, case, traditional → simplified);
2. an HS code (``6704``, ``HS 9004.10``, ``900410``) selects the industries whose HS headings cover it;
3. intent words set tier preferences (``cheap`` → lower price tier, ``high quality`` → higher quality tier,
   ``wholesale`` → trading markets) and are removed;
4. place words that name an atlas place (English, pinyin or Chinese, with or without Town/County/City …)
   boost clusters at that place and are removed;
5. what is left is matched against each industry's vocabulary (:mod:`clusteratlas._vocab`): English tokens
   with idf weights and typo tolerance (rapidfuzz), Chinese by substring coverage, pinyin by compact form.

An industry is relevant when its best term scores at least :data:`RELEVANCE_FLOOR`; then its clusters are
ranked by industry score × role weight, plus bonuses for cluster-level matches (specialties, titles), the
place named in the query and the tiers asked for. A query that names only a place returns the clusters at
that place. Nothing relevant → an empty list.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from clusteratlas._text import clean_query, cjk_text, compact_pinyin, en_tokens, has_cjk, normalize
from clusteratlas._vocab import FIELD_WEIGHTS, STOPWORDS, ZH_STOPWORDS, Vocabulary

#: Below this industry score nothing is returned for a product query.
RELEVANCE_FLOOR = 0.34
#: Multipliers by cluster role.
ROLE_WEIGHTS = {"leading": 1.0, "major": 0.9, "notable": 0.8}
#: A query whose words are spread over several of an industry's terms scores this share of a single-term hit.
BAG_WEIGHT = 0.85
#: Prominence: each claim or title adds this much to a cluster's score, up to PROMINENCE_CAP claims/titles.
PROMINENCE_STEP = 0.01
PROMINENCE_CAP = 5
#: Typo tolerance: at most this many edits (Damerau–Levenshtein) for a token of up to 8 letters, one more
#: for longer ones; a fuzzy match earns this share of an exact one.
FUZZY_MAX_EDITS = 1
FUZZY_CREDIT = 0.85

_HS_RE = re.compile(r"^(?:hs\s*(?:code)?\s*)?(\d{4})(?:[ .]?(\d{2}))?(?:[ .]?\d{2,4})?$")

INTENT_WORDS: dict[str, tuple[str, str]] = {
    # phrase (normalised) -> (attribute, wanted value)
    "cheap": ("price_tier", "low"), "cheapest": ("price_tier", "low"), "low price": ("price_tier", "low"),
    "low cost": ("price_tier", "low"), "budget": ("price_tier", "low"), "affordable": ("price_tier", "low"),
    "inexpensive": ("price_tier", "low"), "便宜": ("price_tier", "low"), "低价": ("price_tier", "low"),
    "平价": ("price_tier", "low"),
    "high quality": ("quality_tier", "high"), "high end": ("quality_tier", "high"),
    "premium": ("quality_tier", "high"), "luxury": ("quality_tier", "high"), "best quality": ("quality_tier", "high"),
    "quality": ("quality_tier", "high"), "高端": ("quality_tier", "high"), "优质": ("quality_tier", "high"),
    "高品质": ("quality_tier", "high"), "高质量": ("quality_tier", "high"),
    "wholesale": ("cluster_type", "trading market"), "wholesaler": ("cluster_type", "trading market"),
    "market": ("cluster_type", "trading market"), "批发": ("cluster_type", "trading market"),
}

PLACE_SUFFIXES = ("new area", "subdistrict", "township", "province", "district", "county", "street", "city",
                  "town", "prefecture", "village", "area")
ZH_PLACE_SUFFIXES = ("新区", "街道", "自治县", "自治州", "省", "市", "区", "县", "镇", "乡")


@dataclass(frozen=True)
class SearchResult:
    """One ranked cluster. ``to_dict()`` is the JSON element of ``clusteratlas find --format json``."""

    cluster_id: str
    industry: str
    name: str
    name_zh: str
    score: float
    place: dict[str, Any]
    role: str
    hs_headings: tuple[str, ...] = ()
    matched: str | None = None
    explanation: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        """``{"cluster_id", "industry", "name", "name_zh", "score", "place": {...}, "role", "hs_headings",
        "matched"}`` plus ``"explanation"`` when asked."""
        out = {
            "cluster_id": self.cluster_id,
            "industry": self.industry,
            "name": self.name,
            "name_zh": self.name_zh,
            "score": self.score,
            "place": self.place,
            "role": self.role,
            "hs_headings": list(self.hs_headings),
            "matched": self.matched,
        }
        if explain:
            out["explanation"] = list(self.explanation)
        return out


@dataclass
class QueryAnalysis:
    """What :func:`analyse_query` read from a query."""

    text: str
    product_text: str
    hs_code: str | None = None
    intents: dict[str, str] = field(default_factory=dict)
    places: dict[str, float] = field(default_factory=dict)  # adcode -> match strength
    place_words: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IndustryMatch:
    """The best vocabulary hit for one industry."""

    industry: str
    score: float
    term: str
    field: str
    kind: str  # en | zh | pinyin | hs


class SearchIndex:
    """Everything search needs, built once per atlas: vocabularies and the place-name index."""

    def __init__(self, atlas) -> None:
        from clusteratlas._vocab import build_cluster_vocabulary, build_industry_vocabulary

        self.atlas = atlas
        self.industry_voc = build_industry_vocabulary(atlas)
        self.cluster_voc = build_cluster_vocabulary(atlas)
        self.place_keys, self.place_zh = _build_place_index(atlas)
        self.cluster_codes = {c.id: _cluster_codes(c) for c in atlas.clusters.values()}
        self.hs = {i.id: [h.code for h in i.hs_codes] for i in atlas.industries.values()}


def _cluster_codes(cluster) -> set[str]:
    codes = {cluster.place.adcode, *(e.adcode for e in cluster.place.path)}
    if cluster.area:
        codes.update(cluster.area.adcodes)
    return codes


def _strip_en_suffix(name: str) -> str:
    low = normalize(name)
    for suf in PLACE_SUFFIXES:
        if low.endswith(" " + suf):
            return low[: -len(suf) - 1]
    return low


def _strip_zh_suffix(name: str) -> str:
    for suf in ZH_PLACE_SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


def _build_place_index(atlas) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """compact Latin key (``"datang"``, ``"guan"``) and Chinese name → set of adcodes."""
    latin: dict[str, set[str]] = defaultdict(set)
    zh: dict[str, set[str]] = defaultdict(set)

    def add(adcode: str, name_en: str | None, name_zh: str | None) -> None:
        if name_en:
            latin[compact_pinyin(_strip_en_suffix(name_en))].add(adcode)
        if name_zh:
            zh[name_zh].add(adcode)
            base = _strip_zh_suffix(name_zh)
            zh[base].add(adcode)
            from clusteratlas._text import to_pinyin

            latin[to_pinyin(base)].add(adcode)

    for c in atlas.clusters.values():
        p = c.place
        add(p.adcode, p.name_en, p.name_zh)
        for e in p.path:
            add(e.adcode, e.name_en, e.name_zh)
        for f in p.former_names:
            add(f.adcode or p.adcode, f.name_en, f.name_zh)
        if c.area:
            for code in c.area.adcodes:
                add(code, c.area.name_en, c.area.name_zh)
    latin.pop("", None)
    return dict(latin), dict(zh)


_INDEXES: dict[int, tuple[Any, SearchIndex]] = {}


def get_index(atlas=None) -> SearchIndex:
    """The search index of ``atlas`` (the shipped atlas by default), built on first use and kept."""
    if atlas is None:
        from clusteratlas.atlas import load_atlas

        atlas = load_atlas()
    hit = _INDEXES.get(id(atlas))
    if hit is None or hit[0] is not atlas:
        hit = (atlas, SearchIndex(atlas))
        _INDEXES[id(atlas)] = hit
    return hit[1]


# -- query analysis ------------------------------------------------------------------------------------

def analyse_query(query: str, index: SearchIndex) -> QueryAnalysis:
    """Split a query into HS code, intent words, place words and product text (see module docstring)."""
    text = normalize(clean_query(query))
    qa = QueryAnalysis(text=text, product_text=text)
    m = _HS_RE.match(text.replace("hs code", "hs"))
    if m:
        qa.hs_code = m.group(1) + (m.group(2) or "")
        qa.product_text = ""
        return qa
    rest = f" {text} "
    for phrase in sorted(INTENT_WORDS, key=len, reverse=True):
        needle = phrase if has_cjk(phrase) else f" {phrase} "
        if needle in rest:
            attr, value = INTENT_WORDS[phrase]
            qa.intents.setdefault(attr, value)
            rest = rest.replace(needle, " ")
    rest = _take_places(rest, index, qa)
    qa.product_text = " ".join(rest.split())
    return qa


def _take_places(rest: str, index: SearchIndex, qa: QueryAnalysis) -> str:
    # Chinese place names: longest first, at least two characters.
    if has_cjk(rest):
        for name in sorted(index.place_zh, key=len, reverse=True):
            if len(name) >= 2 and name in rest:
                for code in index.place_zh[name]:
                    qa.places[code] = max(qa.places.get(code, 0.0), 1.0)
                qa.place_words.append(name)
                rest = rest.replace(name, " ")
    # Latin: n-grams of up to three words, longest first, suffix words dropped.
    words = rest.split()
    used = [False] * len(words)
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if any(used[i:i + n]):
                continue
            gram = words[i:i + n]
            while gram and gram[-1] in PLACE_SUFFIXES:
                gram = gram[:-1]
            key = compact_pinyin("".join(gram))
            if len(key) < 3 or key not in index.place_keys:
                continue
            if n == 1 and key in index.industry_voc.by_pinyin:  # a product's pinyin, not a place
                continue
            for code in index.place_keys[key]:
                qa.places[code] = max(qa.places.get(code, 0.0), 1.0)
            qa.place_words.append(" ".join(words[i:i + n]))
            for j in range(i, i + n):
                used[j] = True
    kept = [w for w, u in zip(words, used) if not u and w not in PLACE_SUFFIXES]
    return " " + " ".join(kept) + " "


# -- product matching ----------------------------------------------------------------------------------

def match_terms(text: str, voc: Vocabulary) -> dict[str, IndustryMatch]:
    """Best term per owner for ``text`` (already normalised, intents and places removed).

    English: score = field weight × (idf share of query tokens the term covers) × (0.6 + 0.4 × idf share
    of the term's tokens the query covers); unknown query tokens are fuzzy-matched to the vocabulary.
    Chinese: substring coverage either way. Pinyin: compact form equal, or a term's pinyin inside the query.
    Negative terms are returned with field ``negative``.
    """
    best: dict[str, IndustryMatch] = {}

    def offer(owner: str, score: float, term: str, fld: str, kind: str) -> None:
        key = owner if fld != "negative" else owner + "\x00neg"
        cur = best.get(key)
        if cur is None or score > cur.score:
            best[key] = IndustryMatch(owner, score, term, fld, kind)

    tokens = [t for t in en_tokens(text) if t not in STOPWORDS]
    if tokens:
        _match_english(tokens, voc, offer)
    cjk = cjk_text(text)
    for stop in ZH_STOPWORDS:
        cjk = cjk.replace(stop, "")
    if cjk:
        _match_chinese(cjk, voc, offer)
    if not has_cjk(text):
        compact = compact_pinyin(text)
        if len(compact) >= 3:
            _match_pinyin(compact, voc, offer)
    return best


def _resolve_tokens(tokens: list[str], voc: Vocabulary) -> list[tuple[str, str | None, float]]:
    """(query token, vocabulary token or None, credit) — exact first, else the closest fuzzy token."""
    out = []
    for tok in tokens:
        if tok in voc.by_token:
            out.append((tok, tok, 1.0))
            continue
        fuzzy = _fuzzy_token(tok, voc) if len(tok) >= 4 else None
        out.append((tok, fuzzy, FUZZY_CREDIT) if fuzzy else (tok, None, 0.0))
    return out


def _fuzzy_token(tok: str, voc: Vocabulary) -> str | None:
    cache = voc.__dict__.setdefault("_fuzzy_cache", {})
    if tok not in cache:
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        edits = FUZZY_MAX_EDITS + (len(tok) > 8)
        hit = process.extractOne(tok, voc.__dict__.setdefault("_token_list", list(voc.by_token)),
                                 scorer=DamerauLevenshtein.distance, score_cutoff=edits)
        cache[tok] = hit[0] if hit else None
    return cache[tok]


def _match_english(tokens: list[str], voc: Vocabulary, offer) -> None:
    resolved = _resolve_tokens(tokens, voc)
    if any(v is None for _, v, _ in resolved):  # typo tolerance only when every word is accounted for
        resolved = [(q, v, c) if c == 1.0 else (q, None, 0.0) for q, v, c in resolved]
    q_weight = sum(voc.token_idf(v or q) for q, v, _ in resolved) or 1.0
    candidates: set[int] = set()
    for _, v, _ in resolved:
        if v:
            candidates.update(voc.by_token[v])
    credit = {v: c for _, v, c in resolved if v}
    if len(resolved) > 1:  # the industry's whole vocabulary as one bag of words (BM25-style coverage)
        owners = {voc.terms[i].owner for i in candidates}
        for owner in owners:
            bag = voc.owner_tokens.get(owner, frozenset())
            cov = sum(voc.token_idf(v) * c for _, v, c in resolved if v and v in bag) / q_weight
            offer(owner, BAG_WEIGHT * min(cov, 1.0), " + ".join(v for _, v, _ in resolved if v and v in bag),
                  "vocabulary", "en")
    for idx in candidates:
        term = voc.terms[idx]
        if not term.tokens:
            continue
        covered = [t for t in set(term.tokens) if t in credit]
        cov_q = sum(voc.token_idf(t) * credit[t] for t in covered) / q_weight
        t_weight = sum(voc.token_idf(t) for t in set(term.tokens)) or 1.0
        cov_t = sum(voc.token_idf(t) for t in covered) / t_weight
        score = FIELD_WEIGHTS.get(term.field, 1.0) * min(cov_q, 1.0) * (0.6 + 0.4 * cov_t)
        offer(term.owner, score, term.text, term.field, "en")


def _match_chinese(cjk: str, voc: Vocabulary, offer) -> None:
    for idx in voc.cjk_terms:
        term = voc.terms[idx]
        t = term.cjk
        if t in cjk:
            score = len(t) / len(cjk)
        elif cjk in t:
            score = 0.9 * len(cjk) / len(t) if len(cjk) >= 2 else 0.0
        else:
            continue
        offer(term.owner, FIELD_WEIGHTS.get(term.field, 1.0) * score, term.text, term.field, "zh")


def _match_pinyin(compact: str, voc: Vocabulary, offer) -> None:
    for py, idxs in voc.by_pinyin.items():
        if py == compact:
            score = 1.0
        elif len(py) >= 4 and py in compact:
            score = len(py) / len(compact)
        else:
            continue
        for idx in idxs:
            term = voc.terms[idx]
            offer(term.owner, 0.95 * FIELD_WEIGHTS.get(term.field, 1.0) * score, term.text, term.field, "pinyin")


def industry_scores(qa: QueryAnalysis, index: SearchIndex) -> dict[str, IndustryMatch]:
    """Relevant industries for an analysed query, with their best match (negative terms applied)."""
    if qa.hs_code:
        code = qa.hs_code
        out = {}
        for ind, codes in index.hs.items():
            hits = [c for c in codes if c.startswith(code) or code.startswith(c)]
            if hits:
                exact = max(len(os.path.commonprefix([c, code])) for c in hits) / max(len(code), 4)
                out[ind] = IndustryMatch(ind, 0.6 + 0.4 * min(exact, 1.0), ",".join(hits), "hs", "hs")
        return out
    if not qa.product_text:
        return {}
    raw = match_terms(qa.product_text, index.industry_voc)
    out = {}
    for key, m in raw.items():
        if m.field == "negative":
            continue
        neg = raw.get(key + "\x00neg")
        if neg and neg.score >= m.score:
            continue
        if m.score >= RELEVANCE_FLOOR:
            out[m.industry] = m
    return out


# -- ranking -------------------------------------------------------------------------------------------

def find(query: str, limit: int = 10, *, atlas=None, industry: str | None = None) -> list[SearchResult]:
    """Ranked clusters for a product or place query, best first.

    Parameters
    ----------
    query : str
        English, simplified or traditional Chinese, pinyin, or an HS code (``6704``, ``HS 9004.10``);
        may name a place ("Xuchang wigs") and intent ("cheap luggage").
    limit : int
        At most this many results (1–1000).
    atlas : Atlas, optional
        Search this atlas instead of the shipped one.
    industry : str, optional
        Keep only clusters of this industry id.

    Returns
    -------
    list of SearchResult
        Empty when nothing is relevant.

    Raises
    ------
    BadQueryError
        Empty query, control characters, more than 500 characters, or a limit out of range.
    """
    from clusteratlas.errors import BadQueryError

    if not isinstance(limit, int) or not 1 <= limit <= 1000:
        raise BadQueryError(f"limit must be a whole number from 1 to 1000, not {limit!r}")
    index = get_index(atlas)
    qa = analyse_query(query, index)
    results = rank(qa, index)
    if industry:
        results = [r for r in results if r.industry == industry]
    return results[:limit]


def rank(qa: QueryAnalysis, index: SearchIndex) -> list[SearchResult]:
    """Score every cluster of the relevant industries (or at the named places) for an analysed query."""
    atlas = index.atlas
    inds = industry_scores(qa, index)
    cluster_hits = match_terms(qa.product_text, index.cluster_voc) if qa.product_text else {}
    scored: list[tuple[float, Any, list[dict[str, Any]], IndustryMatch | None]] = []
    if inds:
        pool = [c for c in atlas.clusters.values() if c.industry in inds]
    elif qa.places and not qa.product_text:
        pool = [c for c in atlas.clusters.values() if index.cluster_codes[c.id] & qa.places.keys()]
    else:
        return []
    for c in pool:
        m = inds.get(c.industry)
        parts: list[dict[str, Any]] = []
        if m:
            base = m.score
            parts.append({"part": "industry", "term": m.term, "field": m.field, "kind": m.kind,
                          "score": round(m.score, 4)})
        else:
            base = 0.8
            parts.append({"part": "place only", "score": base})
        role_w = ROLE_WEIGHTS[c.role]
        score = base * role_w
        parts.append({"part": "role", "role": c.role, "factor": role_w})
        evidence = min(len(c.claims) + len(c.titles), PROMINENCE_CAP)
        if evidence:
            score += PROMINENCE_STEP * evidence
            parts.append({"part": "prominence", "claims_and_titles": evidence,
                          "bonus": round(PROMINENCE_STEP * evidence, 4)})
        ch = cluster_hits.get(c.id)
        generic = m is not None and m.field in ("name", "alias") and m.score >= 0.99
        if ch and ch.field != "negative" and ch.score >= 0.3 and not generic:  # specific queries only
            bonus = 0.3 * ch.score * min(base, 1.0)
            score += bonus
            parts.append({"part": "cluster match", "term": ch.term, "field": ch.field, "bonus": round(bonus, 4)})
        if qa.places:
            if index.cluster_codes[c.id] & qa.places.keys():
                score += 0.5
                parts.append({"part": "place", "words": qa.place_words, "bonus": 0.5})
            else:
                score *= 0.6
                parts.append({"part": "place", "words": qa.place_words, "factor": 0.6})
        for attr, wanted in qa.intents.items():
            have = getattr(c, attr)
            if have == wanted or (attr == "cluster_type" and have == "mixed"):
                score += 0.15
                parts.append({"part": "intent", attr: wanted, "bonus": 0.15})
            elif have is not None and attr != "cluster_type":
                score -= 0.1
                parts.append({"part": "intent", attr: wanted, "has": have, "bonus": -0.1})
        scored.append((score, c, parts, m))
    scored.sort(key=lambda t: (-t[0], t[1].id))
    out = []
    for score, c, parts, m in scored:
        from clusteratlas.atlas import place_dict

        hs = tuple(m.term.split(",")) if m and m.kind == "hs" else tuple(index.hs.get(c.industry, ())[:4])
        out.append(SearchResult(
            cluster_id=c.id, industry=c.industry, name=c.name_en, name_zh=c.name_zh,
            score=round(score, 4), place=place_dict(c), role=c.role, hs_headings=hs,
            matched=m.term if m else None, explanation=tuple(parts),
        ))
    return out
