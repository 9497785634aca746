"""The search vocabulary: inverted indexes over every industry's and cluster's terms, and the matchers.

Built once per atlas from the data (never from code): industry names, aliases, product terms in English,
simplified and traditional Chinese and pinyin, and negative terms; per cluster its specialties, titles and
extra terms. Everything a query needs is a dictionary look-up, so a query costs tens of microseconds:

* English: Snowball stem → terms; an idf over owners (BM25-style, ``log(1 + N / df)``) weights each word, so
  ``wig`` counts more than ``steel``. A word missing from the vocabulary is matched to the closest vocabulary
  word within one edit (two for words of nine letters or more) through a symmetric-delete index.
* Chinese: every substring of the query is looked up among the terms (term inside the query), and the query
  among the substrings of the terms (query inside a term).
* Pinyin: the compact form (``jiafa``) of the query, or of runs of its words, is looked up among the terms'.

Scoring (:func:`score_english`, :func:`score_chinese`, :func:`score_pinyin`) returns each owner's best hit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from clusteratlas._cache import BoundedCache
from clusteratlas.search._words import (  # noqa: F401 - the word lists are part of the vocabulary's face
    FUNCTION_WORDS,
    MODIFIERS,
    NON_PRODUCT,
    NON_PRODUCT_FACTOR,
    STOPWORDS,
    ZH_MODIFIERS,
    ZH_NON_PRODUCT,
    ZH_STOPWORDS,
)
from clusteratlas._text import (
    CJK_RUN_RE,
    WORD_RE,
    StemSet,
    compact_pinyin,
    light_stem,
    normalize,
    stem,
    to_pinyin,
)

#: Field weights: a match on the industry's name counts slightly more than one on a product term.
FIELD_WEIGHTS = {"name": 1.0, "alias": 1.0, "term": 0.95, "negative": 1.0, "specialty": 1.0, "title": 1.0,
                 "cluster-term": 1.0}
#: Credit for a word matched in another inflection (``glasses`` for ``glass``, ``wigs`` for ``wig``).
INFLECTION_CREDIT = 0.95
#: Credit for a word matched on its Snowball stem only (``stockings`` for ``stock``).
STEM_CREDIT = 0.7
#: Credit for a word matched through a typo correction (four-letter words: many real words are one edit
#: away from a vocabulary word, so less).
FUZZY_CREDIT = 0.85
SHORT_FUZZY_CREDIT = 0.6
#: Weight (share of the highest idf) of a query word that is unknown to the vocabulary but generic.
MODIFIER_WEIGHT = 0.25
#: Bonus per further distinct Chinese term of the same owner found in the query (at most MULTI_TERM_MAX):
#: 智能门锁…指纹锁…密码锁 is a lock, though 防盗门 is a door.
MULTI_TERM_BONUS, MULTI_TERM_MAX = 0.03, 3
#: Score floor of a whole term found inside a longer query: base + (1 - base) × coverage of the query.
CONTAIN_BASE = 0.55
#: A query whose words are spread over several of an owner's terms scores this share of a single-term hit.
BAG_WEIGHT = 0.75
#: ... when it covers at least this many of the query's words ("baby" + "wear" for children's clothing).
BAG_MIN_WORDS = 2
#: Factor for a partial hit that misses the term's head (its last English word, the thing the term names:
#: "shoe cabinet" is a cabinet, so "shoes" alone matches it at this share) ...
HEAD_MISS = 0.75
#: ... unless a matched word is central to the owner: in its name or aliases, or in at least this many of
#: its terms ("christmas" for Christmas decorations, whose terms are "christmas balls", "christmas tree" …).
CENTRAL_MIN_TERMS = 3


class Term(NamedTuple):
    """One vocabulary entry: owner (industry or cluster id), field and normalised forms.

    ``tokens`` are Snowball stems, ``lights`` the light (plural-only) stems and ``surfaces`` the words as
    written (lower case, apostrophes dropped). Negative terms keep every word, stop words included.
    """

    owner: str
    field: str
    text: str
    tokens: tuple[str, ...]
    lights: tuple[str, ...]
    surfaces: tuple[str, ...]
    cjk: str
    pinyin: str
    negative: bool = False
    parts: tuple = ()       # (token, light, surface, idf) per word, filled by Vocabulary.finish
    idf_sum: float = 0.0
    fw: float = 1.0         # field weight


class Hit(NamedTuple):
    """The best match of one owner for a query."""

    owner: str
    score: float
    term: str
    field: str
    kind: str  # en | zh | pinyin | bag


@dataclass(slots=True)
class QueryWord:
    """One Latin-script query word resolved against the vocabulary."""

    word: str          # as typed (normalised)
    stem: str | None   # the vocabulary stem it matches, None when unknown
    light: str         # light stem of the (corrected) word
    weight: float      # idf weight in the query's total
    credit: float      # 1.0 exact, FUZZY_CREDIT after a typo correction


@dataclass
class Vocabulary:
    """Inverted indexes over :class:`Term` entries (industries or clusters)."""

    terms: list[Term] = field(default_factory=list)
    by_token: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    cjk_exact: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    cjk_sub: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_pinyin: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    words: dict[str, str] = field(default_factory=dict)  # surface word -> stem (for typo correction)
    deletes: dict[str, str] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    max_idf: float = 1.0
    cjk_maxlen: int = 0
    owner_tokens: dict[str, frozenset[str]] = field(default_factory=dict)
    owner_lights: dict[str, frozenset[str]] = field(default_factory=dict)
    light_set: frozenset[str] = frozenset()
    central: dict[str, frozenset[str]] = field(default_factory=dict)  # owner -> its central stems
    heads: dict[str, frozenset[str]] = field(default_factory=dict)  # owner -> heads of its terms + central
    wcache: BoundedCache = field(default_factory=lambda: BoundedCache(200_000), repr=False)
    fixes: BoundedCache = field(default_factory=lambda: BoundedCache(100_000), repr=False)
    ecache: BoundedCache = field(default_factory=lambda: BoundedCache(100_000), repr=False)
    zcache: BoundedCache = field(default_factory=lambda: BoundedCache(100_000), repr=False)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for name in ("wcache", "fixes", "ecache", "zcache"):
            state[name] = BoundedCache(state[name].maxsize)
        return state

    def add(self, owner: str, fld: str, text: str, *, negative: bool = False, pinyin_only: bool = False,
            drop_tokens: frozenset[str] = frozenset(), drop_cjk: tuple[str, ...] = ()) -> bool:
        """Add one term (True when something was left to index); pinyin-only terms are indexed by their
        compact form alone.

        ``drop_tokens`` (stemmed) and ``drop_cjk`` (substrings) are removed from the term first: cluster terms
        keep only what distinguishes the cluster from its industry and place.
        """
        if not text or not text.strip():
            return False
        if pinyin_only:
            term = Term(owner, fld, text, (), (), (), "", compact_pinyin(text), negative)
        else:
            norm = normalize(text)
            pairs, seen = [], set()
            for w in WORD_RE.findall(norm):
                s = stem(w)
                if (s in FUNCTION_WORDS and not negative) or s in drop_tokens or s in seen:
                    continue
                seen.add(s)
                surface = w.removesuffix("'s").replace("'", "")
                pairs.append((s, light_stem(w), surface))
                if len(surface) >= 3 and not surface.isdigit() and not negative:
                    self.words.setdefault(surface, s)
            cjk = "".join(CJK_RUN_RE.findall(norm))
            if drop_cjk:
                full = cjk
                for sub in drop_cjk:
                    cjk = cjk.replace(sub, "")
                if len(cjk) < 2 and cjk != full:
                    cjk = ""  # one character left of 和田玉 (玉) names the industry, not the cluster
            term = Term(owner, fld, text, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs),
                        tuple(p[2] for p in pairs), cjk, to_pinyin(cjk) if cjk else "", negative)
        if not term.tokens and not term.cjk and not term.pinyin:
            return False
        idx = len(self.terms)
        self.terms.append(term)
        for tok in term.tokens:
            self.by_token[tok].append(idx)
        if term.cjk:
            self.cjk_exact[term.cjk].append(idx)
            n = len(term.cjk)
            subs = {term.cjk[i:j] for i in range(n) for j in range(i + 2, n + 1) if j - i < n}
            for sub in subs:
                self.cjk_sub[sub].append(idx)
        if term.pinyin and len(term.pinyin) >= 3:
            self.by_pinyin[term.pinyin].append(idx)
        return True

    def finish(self) -> None:
        """Compute idf over owners (``log(1 + N / df)``), owner bags and the typo index; freeze the dicts."""
        owners_by_tok: dict[str, set[str]] = defaultdict(set)
        owners: set[str] = set()
        bags: dict[str, set[str]] = defaultdict(set)
        lights: dict[str, set[str]] = defaultdict(set)
        for t in self.terms:
            owners.add(t.owner)
            for tok, lt in zip(t.tokens, t.lights):
                owners_by_tok[tok].add(t.owner)
                if not t.negative:
                    bags[t.owner].add(tok)
                    lights[t.owner].add(lt)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        central: dict[str, set[str]] = defaultdict(set)
        for t in self.terms:
            if t.negative:
                continue
            for tok in t.tokens:
                counts[(t.owner, tok)] += 1
                if t.field in ("name", "alias"):
                    central[t.owner].add(tok)
        for (owner, tok), k in counts.items():
            if k >= CENTRAL_MIN_TERMS:
                central[owner].add(tok)
        self.central = {o: frozenset(c) for o, c in central.items()}
        heads: dict[str, set[str]] = defaultdict(set)
        for t in self.terms:
            if t.tokens and not t.negative:
                heads[t.owner].add(t.tokens[-1])
        self.heads = {o: frozenset(h | central.get(o, set())) for o, h in heads.items()}
        self.owner_tokens = {o: frozenset(b) for o, b in bags.items()}
        self.owner_lights = {o: frozenset(b) for o, b in lights.items()}
        self.light_set = frozenset(lt for t in self.terms for lt in t.lights)  # negative terms too ("boxing")
        n = max(len(owners), 1)
        self.idf = {tok: math.log(1.0 + n / len(os_)) for tok, os_ in owners_by_tok.items()}
        self.max_idf = math.log(1.0 + n)
        idf = self.idf
        self.terms = [t._replace(parts=tuple((tok, lt, sf, idf[tok]) for tok, lt, sf in
                                             zip(t.tokens, t.lights, t.surfaces)),
                                 idf_sum=sum(idf[tok] for tok in t.tokens), fw=FIELD_WEIGHTS.get(t.field, 1.0))
                      for t in self.terms]
        self.cjk_maxlen = max((len(k) for k in self.cjk_exact), default=0)
        self._build_deletes()
        self.by_token = dict(self.by_token)
        self.cjk_exact = dict(self.cjk_exact)
        self.cjk_sub = dict(self.cjk_sub)
        self.by_pinyin = dict(self.by_pinyin)

    def token_idf(self, tok: str) -> float:
        """idf of a token; unknown tokens count as the rarest (they dilute the query's coverage)."""
        return self.idf.get(tok, self.max_idf)

    def _build_deletes(self) -> None:
        deletes: dict[str, list[str]] = defaultdict(list)
        for w in self.words:
            for d in _deletes(w, 2 if len(w) > 8 else 1):
                deletes[d].append(w)
        # one string per key ("\t"-joined words): quick to unpickle
        self.deletes = {k: "\t".join(v) for k, v in deletes.items()}

    def correct(self, word: str, accept=None) -> str | None:
        """The vocabulary word closest to ``word`` within one edit (two from nine letters), or None.

        Damerau–Levenshtein distance through a symmetric-delete index; ties go to the word sharing the first
        letter, then to the more widespread stem, then alphabetically. ``accept(word, candidate) -> bool``,
        when given, skips candidates it refuses ("knif" → "knife", not the closer-ranked "knit").
        """
        if len(word) < 4 or not word.isalpha():
            return None
        max_edits = 2 if len(word) > 8 else 1
        cands: set[str] = set()
        for d in _deletes(word, max_edits):
            hit = self.deletes.get(d)
            if hit:
                cands.update(hit.split("\t"))
        if not cands:
            return None
        from rapidfuzz.distance import DamerauLevenshtein

        best = None
        for c in cands:
            dist = DamerauLevenshtein.distance(word, c, score_cutoff=max_edits)
            if dist > max_edits or (accept is not None and not accept(word, c)):
                continue
            key = (dist, c[0] != word[0], -len(self.by_token.get(self.words[c], ())), c)
            if best is None or key < best[0]:
                best = (key, c)
        return best[1] if best else None


def _deletes(word: str, edits: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(edits):
        nxt = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1:])
        out |= nxt
        frontier = nxt
    return out


# -- scoring ---------------------------------------------------------------------------------------------

def resolve_words(text: str, voc: Vocabulary) -> list[QueryWord]:
    """The Latin-script words of normalised ``text`` resolved against ``voc`` (stop words dropped).

    Known stems keep their idf; unknown words are corrected when one edit (two from nine letters) away from
    a vocabulary word, provided every other word is known or generic; digits and codes weigh nothing;
    generic title words (:data:`MODIFIERS`) little. Each word's reading is remembered per vocabulary.
    """
    out: list[QueryWord] = []
    seen: set[str] = set()
    unknown: list[tuple[int, str]] = []
    cache = voc.wcache
    for w in WORD_RE.findall(text):
        info = cache.get(w)
        if info is None:
            info = cache.set(w, _word_info(w, voc))
        kind, surface, s, light, weight = info
        if kind == "digit" or s in seen:
            continue
        seen.add(s)
        if kind == "stop":
            continue
        if kind == "unknown":
            unknown.append((len(out), w))
        out.append(QueryWord(surface, s if kind in ("known", "stopword") else None, light, weight,
                             1.0 if kind in ("known", "stopword") else 0.0))
    for pos, w in unknown:  # typo tolerance only when every word is accounted for ("weather" is no "leather")
        fix = voc.fixes.get(w)
        if fix is None:
            fix = voc.fixes.set(w, _fix(w, voc) or ("",))
        if len(fix) == 1:
            break
        fixed, fs, credit = fix
        if fs in seen:
            continue
        seen.add(fs)
        out[pos] = QueryWord(fixed, fs, light_stem(fixed), voc.idf.get(fs, voc.max_idf), credit)
    else:
        return out
    for pos, _ in unknown:
        q = out[pos]
        if q.stem is not None:
            out[pos] = QueryWord(q.word, None, q.light, voc.max_idf, 0.0)
    return out


def _word_info(w: str, voc: Vocabulary) -> tuple[str, str, str, str, float]:
    """(kind, surface, stem, light stem, weight) of one query word; kind: stop, stopword (a stop word that
    completes negative terms), known, digit, modifier or unknown."""
    s = stem(w)
    surface = w.removesuffix("'s").replace("'", "")
    light = light_stem(w)
    if s in STOPWORDS:
        return ("stopword" if s in voc.by_token else "stop", surface, s, light, 0.0)
    if w.isdigit() and len(w) < 4:
        return ("digit", surface, s, light, 0.0)  # "6 bags" is no 尼龙6; "18650" and "6204" stay codes
    if s in voc.by_token and not (s in MODIFIERS and light not in voc.light_set):
        return ("known", surface, s, light, voc.idf[s])
    if any(ch.isdigit() for ch in w):
        return ("digit", surface, s, light, 0.0)  # sizes, model numbers, quantities
    if s in MODIFIERS:
        return ("modifier", surface, s, light, MODIFIER_WEIGHT * voc.max_idf)
    return ("unknown", surface, s, light, voc.max_idf)


def _fix(w: str, voc: Vocabulary) -> tuple[str, str, float] | None:
    surface = w.removesuffix("'s").replace("'", "")
    fixed = voc.correct(surface) or voc.correct(light_stem(surface))
    if fixed is None:
        return None
    return fixed, voc.words[fixed], FUZZY_CREDIT if len(surface) > 4 else SHORT_FUZZY_CREDIT


def _offer(best: dict[str, Hit], owner: str, score: float, term: str, fld: str, kind: str,
           negative: bool) -> None:
    key = owner + "\x00neg" if negative else owner
    cur = best.get(key)
    if cur is None or score > cur.score:
        best[key] = Hit(owner, score, term, fld, kind)


_new_tuple = tuple.__new__  # Hit(...) without the named tuple's Python-level __new__ (same object)


def score_english(words: list[QueryWord], voc: Vocabulary, best: dict[str, Hit], *,
                  contain_base: float = CONTAIN_BASE) -> None:
    """Offer each owner's best English hit (whole term, partial term or bag of its words) to ``best``.

    Per term: ``cov_q`` = the idf share of the query the term covers (each word credited 1 in its own
    form, :data:`INFLECTION_CREDIT` in another inflection, :data:`STEM_CREDIT` on the stem only);
    score = field weight × cov_q × (0.5 + 0.5 × idf share of the term covered), or, when the whole term is
    in the query, at least field weight × (``contain_base`` + (1 − ``contain_base``) × cov_q). Per owner,
    the bag of all its words scores :data:`BAG_WEIGHT` × its coverage when it covers two query words or
    more. Negative terms count only whole.
    """
    total = sum(w.weight for w in words)
    known = {w.stem: w for w in words if w.stem is not None}
    if not known or total <= 0:
        return
    # The per-term sums depend only on the known words: titles that differ in colours, sizes or model
    # numbers share them, and only the final division by the query's total weight is redone.
    key = tuple(sorted((w.stem, w.word, w.light, w.credit, w.weight) for w in known.values()))
    stats = voc.ecache.get(key)
    if stats is None:
        stats = voc.ecache.set(key, _english_stats(known, voc))
    terms_stats, bag_stats = stats
    rest = 1.0 - contain_base
    local: dict[str, tuple[float, int]] = {}
    for owner_key, idx, got_q, share_t, min_credit, fw, negative in terms_stats:
        cov_q = got_q / total
        if cov_q > 1.0:  # noqa: PLR1730 - plain comparisons: this loop is the hot path of bulk matching
            cov_q = 1.0
        if negative:
            score = fw * min_credit * (CONTAIN_BASE + (1.0 - CONTAIN_BASE) * cov_q)
        else:
            score = fw * cov_q * (0.5 + 0.5 * share_t)
            if min_credit >= INFLECTION_CREDIT:
                whole = fw * min_credit * (contain_base + rest * cov_q)
                if whole > score:  # noqa: PLR1730
                    score = whole
        cur = local.get(owner_key)
        if cur is None or score > cur[0] or (score == cur[0] and len(voc.terms[idx].tokens) > len(voc.terms[cur[1]].tokens)):
            local[owner_key] = (score, idx)
    terms = voc.terms  # (above: a tie goes to the longer term, "makeup products" before "makeup")
    for owner_key, (score, idx) in local.items():
        cur = best.get(owner_key)
        if cur is None or score > cur.score:
            t = terms[idx]
            best[owner_key] = _new_tuple(Hit, (t.owner, score, t.text, t.field, "en"))
    for owner, got, label in bag_stats:
        _offer(best, owner, BAG_WEIGHT * min(got / total, 1.0), label, "vocabulary", "bag", False)


def _english_stats(known: dict[str, QueryWord], voc: Vocabulary) -> tuple[list[tuple], list[tuple]]:
    """Per candidate term ``(key, idx, covered query weight, covered share of the term, lowest credit,
    field weight, negative)``; per owner whose bag covers two content words ``(owner, weight, label)``."""
    cand: set[int] = set()
    by_token = voc.by_token
    # generic words that are also vocabulary words ("white", "light") find terms only when nothing else does
    for s in [s for s in known if s not in MODIFIERS] or known:
        cand.update(by_token.get(s, ()))
    terms = voc.terms
    out = []
    for idx in cand:
        t = terms[idx]
        if t.cjk and not t.negative:
            continue  # "USB打火机": its Latin word alone is not the term (the Chinese part is scored as Chinese)
        got_q = got_t = 0.0
        min_credit = 1.0
        for tok, lt, sf, w_idf in t.parts:
            qw = known.get(tok)
            if qw is None:
                min_credit = 0.0
                continue
            if qw.word == sf:
                credit = qw.credit
            elif qw.light == lt:
                credit = qw.credit * INFLECTION_CREDIT
            else:
                credit = qw.credit * STEM_CREDIT
            if credit < min_credit:  # noqa: PLR1730
                min_credit = credit
            got_q += qw.weight * credit
            got_t += w_idf
        if t.negative:  # a negative term counts only when the whole phrase is there
            if min_credit >= INFLECTION_CREDIT:
                out.append((t.owner + "\x00neg", idx, got_q, 1.0, min_credit, t.fw, True))
            continue
        head_factor = 1.0
        if len(t.parts) > 1 and t.parts[-1][0] not in known:
            central = voc.central.get(t.owner, frozenset())
            if not any(p[0] in known and p[0] in central for p in t.parts):
                head_factor = HEAD_MISS
        out.append((t.owner, idx, got_q, got_t / t.idf_sum, min_credit, t.fw * head_factor, False))
    bags = []
    content = [w for w in known.values() if w.weight > 0]
    if len(content) >= BAG_MIN_WORDS:
        for owner in {terms[i].owner for i in cand if not terms[i].negative}:
            bag = voc.owner_tokens.get(owner, frozenset())
            lights = voc.owner_lights.get(owner, frozenset())
            hit = [w for w in content if w.stem in bag]
            if len(hit) < 2:
                continue
            got = sum(w.weight * w.credit * (1.0 if w.light in lights else STEM_CREDIT) for w in hit)
            heads = voc.heads.get(owner, frozenset())
            if not any(w.stem in heads for w in hit):  # "leather" + "shoe" of "leather sofa", "shoe cabinet"
                got *= HEAD_MISS
            bags.append((owner, got, " + ".join(w.stem for w in hit)))
    return out, bags


def score_chinese(cjk: str, voc: Vocabulary, best: dict[str, Hit], *, effective_len: int | None = None,
                  contain_base: float = CONTAIN_BASE) -> None:
    """Offer each owner's best Chinese hit: a term inside the query, the query inside a term, or a bag of
    terms covering the query. ``effective_len`` is the query length without generic title words."""
    n = len(cjk)
    if not n:
        return
    key = (cjk, effective_len, contain_base)
    cached = voc.zcache.get(key)
    if cached is None:
        cached = voc.zcache.set(key, _score_chinese(cjk, voc, effective_len, contain_base))
    for k, h in cached:
        cur = best.get(k)
        if cur is None or h.score > cur.score:
            best[k] = h


def _score_chinese(cjk: str, voc: Vocabulary, effective_len: int | None,
                   contain_base: float) -> tuple[tuple[str, Hit], ...]:
    best: dict[str, Hit] = {}
    n = len(cjk)
    eff = max(effective_len or n, 1)
    terms = voc.terms
    spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    maxlen = min(voc.cjk_maxlen, n)
    exact = voc.cjk_exact
    for i in range(n):
        for j in range(i + 1, min(i + maxlen, n) + 1):
            idxs = exact.get(cjk[i:j])
            if not idxs:
                continue
            length = j - i
            cov = min(length / eff, 1.0)
            base = contain_base if length >= 2 else 0.0
            for idx in idxs:
                t = terms[idx]
                fw = FIELD_WEIGHTS.get(t.field, 1.0)
                b = CONTAIN_BASE if t.negative and length >= 2 else base
                _offer(best, t.owner, fw * (cov + (1.0 - cov) * b), t.text, t.field, "zh", t.negative)
                if not t.negative:
                    spans[t.owner].append((i, j, idx))
    if contain_base:  # several different terms of one owner in a run-together title name its product
        for owner, sp in spans.items():
            distinct = {terms[s[2]].cjk for s in sp if s[1] - s[0] >= 2}
            if len(distinct) >= 2 and owner in best:
                h = best[owner]
                extra = MULTI_TERM_BONUS * min(len(distinct) - 1, MULTI_TERM_MAX)
                best[owner] = h._replace(score=h.score + extra)
    if n >= 2 and not _only_generic(cjk):  # 定制 alone names no product (not even 衬衫定制's)
        inside = [terms[idx] for idx in voc.cjk_sub.get(cjk, ()) if not terms[idx].negative]
        # the query inside a term counts its share of the term; inside the owner's name or many of its
        # terms (圣诞 in 圣诞用品, 圣诞树, 圣诞球 …) it names the owner's subject, and counts half at least
        per_owner: dict[str, int] = defaultdict(int)
        named: set[str] = set()
        for t in inside:
            per_owner[t.owner] += 1
            if t.field in ("name", "alias"):
                named.add(t.owner)
        for t in inside:
            share = n / len(t.cjk)
            if t.owner in named or per_owner[t.owner] >= CENTRAL_MIN_TERMS:
                share = 0.5 + 0.5 * share
            _offer(best, t.owner, FIELD_WEIGHTS.get(t.field, 1.0) * 0.9 * share, t.text, t.field, "zh", False)
    for owner, sp in spans.items():
        if len({s[2] for s in sp}) < 2:
            continue
        covered = set()
        for i, j, _ in sp:
            covered.update(range(i, j))
        cov = min(len(covered) / eff, 1.0)
        _offer(best, owner, BAG_WEIGHT * cov, " + ".join(sorted({terms[s[2]].cjk for s in sp})), "vocabulary",
               "bag", False)
    return tuple(best.items())


def _only_generic(cjk: str) -> bool:
    """True when ``cjk`` is made of generic title words alone (:data:`ZH_MODIFIERS`, :data:`ZH_STOPWORDS`)."""
    for w in sorted((*ZH_MODIFIERS, *ZH_STOPWORDS), key=len, reverse=True):
        if w in cjk:
            cjk = cjk.replace(w, "")
    return not cjk


def score_pinyin(latin_words: list[str], voc: Vocabulary, best: dict[str, Hit], *, substrings: bool,
                 contain_base: float = 0.5) -> None:
    """Offer pinyin hits: the compact form of the whole query, of runs of its words, and (``substrings``,
    for short queries) of any part of at least four letters, unless that part reads a single Chinese
    character of a term)."""
    compact = "".join(compact_pinyin(w) for w in latin_words)
    n = len(compact)
    if n < 3:
        return
    found: dict[str, int] = {}
    if compact in voc.by_pinyin:
        found[compact] = n
    parts = [compact_pinyin(w) for w in latin_words]
    for i in range(len(parts)):
        run = ""
        for j in range(i, len(parts)):
            run += parts[j]
            if len(run) >= 4 and run in voc.by_pinyin:
                found[run] = len(run)
    inside: set[str] = set()  # keys found only inside a word ("ping" in "camping")
    if substrings and n <= 40:
        for i in range(n):
            for j in range(i + 4, n + 1):
                key = compact[i:j]
                if key in voc.by_pinyin and key not in found:
                    found[key] = j - i
                    inside.add(key)
    for key, length in found.items():
        cov = length / n
        for idx in voc.by_pinyin[key]:
            t = voc.terms[idx]
            if t.negative or (key in inside and len(t.cjk) < 2 and t.cjk):
                continue  # a word part is no pinyin of one character of a term (屏 of OLED屏)
            score = 0.95 * FIELD_WEIGHTS.get(t.field, 1.0) * (cov + (1.0 - cov) * contain_base)
            _offer(best, t.owner, score, t.text, t.field, "pinyin", t.negative)
