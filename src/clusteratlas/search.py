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
industry (:data:`CLUSTER_LIFT`), never above :data:`LIFT_CAP` of the best industry's own match, and then for
that cluster alone (its siblings get :data:`SIBLING_FACTOR`). Words asking for a service ("repair", "rental", "insurance", 维修 …) halve
every hit whose term lacks them. An industry is relevant when its best hit scores at least
:data:`RELEVANCE_FLOOR` and beats the industry's own negative terms; its clusters are then ranked by
industry score × role weight, plus bonuses for evidence (claims and titles), cluster-level matches, the place
named in the query and the tiers asked for. A query that names only a place returns the clusters at that
place. Nothing relevant → ``[]``.

Results are cached per normalised product text within the index, and the index itself on disk
(:mod:`clusteratlas._search_index`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusteratlas._query import INTENT_WORDS, QueryAnalysis, analyse_query, analyse_text  # noqa: F401 (re-exported)
from clusteratlas._search_index import SearchIndex
from clusteratlas._text import (
    CJK_RUN_RE,
    WORD_RE,
    clean_query,
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


def product_hits(text: str, index: SearchIndex) -> tuple[dict[str, Hit], dict[str, Hit], dict[str, Hit]]:
    """``(relevant industries, cluster hits, industries relevant by their own vocabulary alone)`` for
    normalised product text, cached per text.

    A cluster's own vocabulary (specialties, titles, extra terms such as a market's name) also speaks for
    its industry, at :data:`CLUSTER_LIFT` of its score, capped at :data:`LIFT_CAP` of the best score of an
    industry's own vocabulary. An industry whose negative term matches at least as well as its best positive
    hit is dropped; what remains must reach :data:`RELEVANCE_FLOOR`, and, when the best industry matches the
    whole query (:data:`FULL_MATCH`), :data:`RELATIVE_FLOOR` of the best score.
    """
    cache = index.caches.setdefault("product", {})
    got = cache.get(text)
    if got is not None:
        return got
    prep = prepare_text(text, index.industry_voc)
    raw = score_prepared(prep, index.industry_voc)
    service = _non_product_words(text)
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
    top = max((h.score for h in inds.values()), default=0.0)
    if top >= FULL_MATCH:  # a full match: industries that only share a minor word of the query go
        inds = {k: h for k, h in inds.items() if h.score >= RELATIVE_FLOOR * top}
    if len(cache) > 100_000:
        cache.clear()
    got = cache[text] = (inds, cluster_hits, own)
    return got


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
        if service and not all(w in normalize(h.term) or stem(w) in _term_stems(h.term) for w in service):
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
    words = [w for w in prepare_text(text, voc).words if w.stem is not None and w.weight > 0]
    out = set()
    for ind, h in inds.items():
        if h.kind != "en" or h.field.startswith("cluster"):
            continue
        named = _term_stems(h.term)  # the word must be part of the industry's matched term
        central = voc.central.get(ind, frozenset())
        if any(w.stem in named and w.stem not in central for w in words):
            out.add(ind)
    return frozenset(out)


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

    Notes
    -----
    Scale of ``SearchResult.score`` (unitless; compare scores within one query, not across queries):

    * industry relevance, 0–1: 1.0 when an industry name or alias is the whole query, 0.95 for a product
      term, less for partial or typo matches; at least :data:`RELEVANCE_FLOOR` (0.5) to be returned, and
      at least :data:`RELATIVE_FLOOR` × the best industry's when that one matches the whole query;
    * × the cluster's role weight (:data:`ROLE_WEIGHTS`, 0.92–1.0), and × :data:`UNMATCHED_KIND_FACTOR`
      (0.95) when the query names a kind of product the cluster's specialties do not mention;
    * plus bonuses: prominence up to 0.025 (:data:`PROMINENCE_STEP` per claim or title), up to 0.3 for a
      match on the cluster's own specialties or titles, :data:`PLACE_BONUS` (0.5) at a place the query names
      (other clusters × :data:`PLACE_FACTOR`), and ±:data:`INTENT_BONUS` / :data:`INTENT_PENALTY` for tiers.

    So a score above 1 means "relevant product, and also the named place or a matching specialty": the
    most a cluster can reach is about 2.0. A place-only query scores 0.8 × role weight plus bonuses.

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
    cluster_hits, own = product_hits(qa.product_text, index)[1:] if qa.product_text else ({}, {})
    specific = _specific_industries(qa.product_text, inds, index) if qa.product_text and inds else frozenset()
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
        role_w = ROLE_WEIGHTS[c.role]
        score = base * role_w
        if explain:
            parts.append({"part": "role", "role": c.role, "factor": role_w})
        if c.evidence:
            score += PROMINENCE_STEP * c.evidence
            if explain:
                parts.append({"part": "prominence", "claims_and_titles": c.evidence,
                              "bonus": round(PROMINENCE_STEP * c.evidence, 4)})
        if ch and ch.score >= 0.3 and not (m and m.field.startswith("cluster")):  # not counted twice
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
