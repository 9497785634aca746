"""Product or place query → ranked clusters.

How a query is read (:func:`analyse_query`):

1. validated (:func:`clusteratlas._text.clean_query`) and normalised (NFKC, case, traditional → simplified);
2. an HS code (``6704``, ``HS 9004.10``, ``900410``) selects the industries whose HS headings cover it;
3. intent words set tier preferences (``cheap`` → lower price tier, ``high quality`` → higher quality tier,
   ``wholesale`` → trading markets) and are removed;
4. place words that name an atlas place (English, pinyin or Chinese, with or without Town/County/City …)
   boost clusters at that place and are removed — unless they are part of a longer product term;
5. what is left is matched against each industry's vocabulary (:mod:`clusteratlas._vocab`): English words
   with idf weights, inflection-aware credit and typo tolerance, Chinese by substring look-ups, pinyin by
   compact form.

A cluster's own vocabulary (specialties, titles, local names such as a market's) also speaks for its
industry (:data:`CLUSTER_LIFT`). Words asking for a service ("repair", "rental", "insurance", 维修 …) halve
every hit whose term lacks them. An industry is relevant when its best hit scores at least
:data:`RELEVANCE_FLOOR` and beats the industry's own negative terms; its clusters are then ranked by
industry score × role weight, plus bonuses for evidence (claims and titles), cluster-level matches, the place
named in the query and the tiers asked for. A query that names only a place returns the clusters at that
place. Nothing relevant → ``[]``.

Results are cached per normalised product text within the index, and the index itself on disk
(:mod:`clusteratlas._search_index`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusteratlas._search_index import PLACE_SUFFIXES, SearchIndex
from clusteratlas._text import (
    CJK_RUN_RE,
    WORD_RE,
    clean_query,
    compact_pinyin,
    has_cjk,
    normalize,
    stem,
    strip_tones,
)
from clusteratlas._vocab import (
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

#: Below this industry score nothing is returned for a product query.
RELEVANCE_FLOOR = 0.5
#: A hit on a cluster's own vocabulary counts this much for its industry.
CLUSTER_LIFT = 0.85
#: Multipliers by cluster role: they order a product's clusters, while the industry score (how well the
#: query names the product) decides between industries.
ROLE_WEIGHTS = {"leading": 1.0, "major": 0.96, "notable": 0.92}
#: Each claim or title adds this much to a cluster's score (at most five count).
PROMINENCE_STEP = 0.005
#: Bonus for a cluster at a place the query names; factor for the other clusters.
PLACE_BONUS, PLACE_FACTOR = 0.5, 0.6
#: Bonus for a cluster whose tier is the one asked for; penalty for a different recorded tier.
INTENT_BONUS, INTENT_PENALTY = 0.15, 0.1

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


# -- the index ---------------------------------------------------------------------------------------------

_INDEXES: dict[Any, tuple[Any, SearchIndex]] = {}


def get_index(atlas=None, *, data_dir: str | Path | None = None) -> SearchIndex:
    """The search index of ``atlas``, of the atlas in ``data_dir``, or of the shipped atlas (default).

    Built on first use and kept for the process; also cached on disk between processes (see
    :mod:`clusteratlas._search_index`).

    Raises
    ------
    DataValidationError
        When the data folder is invalid.
    """
    from clusteratlas._search_index import index_for_atlas, index_for_data_dir

    if atlas is not None:
        hit = _INDEXES.get(id(atlas))
        if hit is None or hit[0] is not atlas:
            hit = (atlas, index_for_atlas(atlas))
            _INDEXES[id(atlas)] = hit
        return hit[1]
    key = ("dir", str(Path(data_dir).expanduser().resolve()) if data_dir is not None else None)
    hit = _INDEXES.get(key)
    if hit is None:
        hit = (None, index_for_data_dir(Path(data_dir) if data_dir is not None else None))
        _INDEXES[key] = hit
    return hit[1]


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
    starts = index.caches.get("place_prefixes")
    if starts is None:
        starts = index.caches["place_prefixes"] = {k[:j] for k in index.place_keys for j in range(1, len(k) + 1)}
    if not any(k in starts for k in keys):
        return f" {rest.strip()} "
    used = [False] * len(words)
    voc = index.industry_voc
    place_keys = index.place_keys
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if keys[i] not in starts or any(used[i:i + n]) or not all(keys[i:i + n]):
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


# -- product matching ----------------------------------------------------------------------------------

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
    return PreparedText(words, cjk, max(eff, 1), latin, pinyin, substrings, english)


def score_prepared(prep: PreparedText, voc, *, contain: bool = True) -> dict[str, Hit]:
    """Best hit per owner of ``voc`` for a :class:`PreparedText`."""
    from clusteratlas._vocab import CONTAIN_BASE

    cb = CONTAIN_BASE if contain else 0.0
    best: dict[str, Hit] = {}
    if prep.words:
        score_english(prep.words, voc, best, contain_base=cb)
    if prep.cjk:
        score_chinese(prep.cjk, voc, best, effective_len=prep.cjk_len, contain_base=cb)
    elif prep.pinyin:
        # beside English words the pinyin part explains only its share of the query
        score_pinyin(prep.latin, voc, best, substrings=prep.substrings,
                     contain_base=0.0 if prep.english or not contain else 0.5)
    return best


def industry_scores(qa: QueryAnalysis, index: SearchIndex) -> dict[str, Hit]:
    """Relevant industries for an analysed query, with their best hit (negative terms applied)."""
    if qa.hs_code:
        return _hs_scores(qa.hs_code, index)
    if not qa.product_text:
        return {}
    return product_hits(qa.product_text, index)[0]


def product_hits(text: str, index: SearchIndex) -> tuple[dict[str, Hit], dict[str, Hit]]:
    """``(relevant industries, cluster hits)`` for normalised product text, cached per text.

    A cluster's own vocabulary (specialties, titles, extra terms such as a market's name) also speaks for
    its industry, at :data:`CLUSTER_LIFT` of its score. An industry whose negative term matches at least as
    well as its best positive hit is dropped; what remains must reach :data:`RELEVANCE_FLOOR`.
    """
    cache = index.caches.setdefault("product", {})
    got = cache.get(text)
    if got is not None:
        return got
    prep = prepare_text(text, index.industry_voc)
    raw = score_prepared(prep, index.industry_voc)
    cluster_hits = score_prepared(prep, index.cluster_voc, contain=False) if index.cluster_voc.terms else {}
    for key, h in cluster_hits.items():
        if key.endswith("\x00neg"):
            continue
        c = index.clusters[h.owner]
        lifted = h.score * CLUSTER_LIFT
        cur = raw.get(c.industry)
        if cur is None or lifted > cur.score:
            raw[c.industry] = Hit(c.industry, lifted, h.term, f"cluster {h.field}", h.kind)
    service = _non_product_words(text)
    inds = {}
    for key, h in raw.items():
        if key.endswith("\x00neg"):
            continue
        neg = raw.get(key + "\x00neg")
        if neg and neg.score >= h.score:
            continue
        if service and not all(w in normalize(h.term) or stem(w) in _term_stems(h.term) for w in service):
            h = Hit(h.owner, h.score * NON_PRODUCT_FACTOR, h.term, h.field, h.kind)
        if h.score >= RELEVANCE_FLOOR:
            inds[h.owner] = h
    if len(cache) > 100_000:
        cache.clear()
    got = cache[text] = (inds, cluster_hits)
    return got


def _non_product_words(text: str) -> list[str]:
    words = [w for w in WORD_RE.findall(text) if stem(w) in NON_PRODUCT]
    if has_cjk(text):
        words += [w for w in ZH_NON_PRODUCT if w in text]
    return words


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


def best_hs_code(industry: str, text: str, index: SearchIndex) -> str | None:
    """The HS code of ``industry`` whose description shares most words with ``text`` (a subheading only
    when it shares more than its heading), else the industry's first code."""
    codes = index.hs.get(industry) or []
    if not codes:
        return None
    descs = index.caches.setdefault("hs_words", {})
    words = {stem(w) for w in WORD_RE.findall(text)}
    best, best_key = codes[0], (0, 0)
    for c in codes:
        toks = descs.get((industry, c))
        if toks is None:
            toks = descs[(industry, c)] = _hs_tokens(industry, c, index)
        key = (len(words & toks), -len(c))
        if key > best_key:
            best, best_key = c, key
    return best


def _hs_tokens(industry: str, code: str, index: SearchIndex) -> frozenset[str]:
    desc = index.hs_desc.get((industry, code), "")
    return frozenset(stem(w) for w in WORD_RE.findall(normalize(desc))) if desc else frozenset()


# -- ranking -------------------------------------------------------------------------------------------

def find(query: str, limit: int = 10, *, atlas=None, industry: str | None = None,
         data_dir: str | Path | None = None, semantic: bool = False) -> list[SearchResult]:
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
    data_dir : str or Path, optional
        Search the atlas in this data folder (validated on first use, then cached).
    semantic : bool
        Re-rank the relevant industries with the multilingual embedding model (needs the ``semantic``
        extra, :mod:`clusteratlas._semantic`); lexical relevance still decides what is returned.

    Returns
    -------
    list of SearchResult
        Empty when nothing is relevant.

    Raises
    ------
    BadQueryError
        Empty query, control characters, more than 500 characters, or a limit out of range.
    DataValidationError
        When ``data_dir`` holds invalid data.
    """
    from clusteratlas.errors import BadQueryError

    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
        raise BadQueryError(f"limit must be a whole number from 1 to 1000, not {limit!r}")
    text = normalize(clean_query(query))
    index = get_index(atlas, data_dir=data_dir)
    qa = analyse_text(text, index)
    scored = rank_clusters(qa, index, semantic=semantic)
    if industry:
        scored = [s for s in scored if s[1].industry == industry]
    return [_result(s, qa, index) for s in scored[:limit]]


def rank_clusters(qa: QueryAnalysis, index: SearchIndex, *, semantic: bool = False,
                  explain: bool = True) -> list[tuple[float, Any, list[dict[str, Any]], Hit | None]]:
    """``(score, ClusterInfo, explanation parts, industry hit)`` for every cluster of the relevant
    industries (or at the named places), best first."""
    inds = industry_scores(qa, index)
    if semantic and inds and qa.product_text:
        from clusteratlas._semantic import rerank

        inds = rerank(qa.product_text, inds, index)
    if inds:
        pool = [c for ind in inds for c in index.by_industry.get(ind, ())]
    elif qa.places and not qa.product_text:
        pool = [c for c in index.clusters.values() if c.codes & qa.places.keys()]
    else:
        return []
    cluster_hits = product_hits(qa.product_text, index)[1] if qa.product_text else {}
    scored = []
    for c in pool:
        m = inds.get(c.industry)
        parts: list[dict[str, Any]] = []
        if m:
            base = m.score
            if explain:
                parts.append({"part": "industry", "term": m.term, "field": m.field, "kind": m.kind,
                              "score": round(m.score, 4)})
        else:
            base = 0.8
            if explain:
                parts.append({"part": "place only", "score": base})
        role_w = ROLE_WEIGHTS[c.role]
        score = base * role_w
        if explain:
            parts.append({"part": "role", "role": c.role, "factor": role_w})
        if c.evidence:
            score += PROMINENCE_STEP * c.evidence
            if explain:
                parts.append({"part": "prominence", "claims_and_titles": c.evidence,
                              "bonus": round(PROMINENCE_STEP * c.evidence, 4)})
        ch = cluster_hits.get(c.id)
        if ch and ch.score >= 0.3 and not (m and m.field.startswith("cluster")):  # not counted twice
            bonus = 0.3 * ch.score * min(base, 1.0)
            score += bonus
            if explain:
                parts.append({"part": "cluster match", "term": ch.term, "field": ch.field,
                              "bonus": round(bonus, 4)})
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


def _result(item, qa: QueryAnalysis, index: SearchIndex) -> SearchResult:
    score, c, parts, m = item
    if m is not None and m.kind == "hs":
        hs = tuple(m.term.split(","))
    else:
        hs = tuple(dict.fromkeys(code[:4] for code in index.hs.get(c.industry, ())))
    place = dict(c.place)
    place["path"] = [dict(e) for e in place.get("path", ())]
    return SearchResult(
        cluster_id=c.id, industry=c.industry, name=c.name_en, name_zh=c.name_zh, score=round(score, 4),
        place=place, role=c.role, hs_headings=hs, matched=m.term if m else None, explanation=tuple(parts),
    )
