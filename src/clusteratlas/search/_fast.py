"""The fast path of bulk title matching: whole vocabulary terms found by phrase look-ups, decided when clear.

Private module: used by :class:`clusteratlas.match.Matcher` before the full ranking
(:func:`clusteratlas.search.rank_clusters`), which it leaves to every title it cannot decide clearly.

A long marketplace title almost always names its product by a whole vocabulary term. This path finds the
whole terms of a head text (:mod:`clusteratlas.search._title`) in one pass: English terms by look-ups of
the title's runs of stems (up to :data:`MAX_WORDS` words) in a phrase table, Chinese terms with an
Aho-Corasick automaton (``pyahocorasick``). Each term scores as in the full ranking (field weight ×
(:data:`~clusteratlas.search._vocab.CONTAIN_BASE` + the rest × the share of the title it covers)), attributes
and pre-modifiers are demoted the same way, and the title is decided here only when

* no negative term, place name or intent word is in it, no industry term is an attribute alone;
* the best industry reaches the relevance floor and the runner-up scores below
  :data:`CLEAR_MARGIN` of it (so the result is ``matched``, never ``ambiguous``).

Everything else (typos, pinyin, partial terms, ties, places) goes to the full ranking. The cluster is the
industry's best by role and evidence, a whole specialty or cluster term in the title putting its cluster
first (the full ranking's bonus, without its fine grades).
"""

from __future__ import annotations

from typing import NamedTuple

from clusteratlas._text import CJK_RUN_RE, WORD_RE, light_stem
from clusteratlas.search._vocab import CONTAIN_BASE, FIELD_WEIGHTS, MULTI_TERM_BONUS, MULTI_TERM_MAX
from clusteratlas.search._words import FUNCTION_WORDS, ZH_MODIFIERS, ZH_STOPWORDS

#: Longest English term looked up, in words.
MAX_WORDS = 4
#: The runner-up industry must score below this share of the best for the fast path to decide.
CLEAR_MARGIN = 0.85


class FastHit(NamedTuple):
    """The fast path's decision: industry, cluster, score (the full ranking's scale), matched term."""

    industry: str
    cluster: object
    score: float
    term: str


class FastTitles:
    """Phrase tables and automata of one index (built once, read-only: safe to share between threads)."""

    def __init__(self, index) -> None:
        import ahocorasick

        from clusteratlas.search._demote import attribute_terms

        self.index = index
        voc = index.industry_voc
        self.attrs = attribute_terms(index)
        self.phrases: dict[tuple[str, ...], list[tuple[str, str, float]]] = {}
        self.negative: set[tuple[str, ...]] = set()
        zh: dict[str, list[tuple[str, str, float]]] = {}
        zh_neg: set[str] = set()
        for t in voc.terms:
            fw = FIELD_WEIGHTS.get(t.field, 1.0)
            if t.cjk:
                if t.negative:
                    zh_neg.add(t.cjk)
                elif len(t.cjk) >= 2 and not t.tokens:
                    zh.setdefault(t.cjk, []).append((t.owner, t.text, fw))
                continue
            toks = tuple(lt for s, lt in zip(t.tokens, t.lights) if s not in FUNCTION_WORDS)
            if not toks or len(toks) > MAX_WORDS:
                continue
            if t.negative:
                self.negative.add(toks)
            else:
                self.phrases.setdefault(toks, []).append((t.owner, t.text, fw))
        self.first_words = frozenset(k[0] for k in (*self.phrases, *self.negative))
        #: Chinese term -> the industries that own it (whole terms only)
        self.zh_owners = {k: frozenset(o for o, _, _ in v) for k, v in zh.items()}
        self.zh = ahocorasick.Automaton()
        for k, v in zh.items():
            self.zh.add_word(k, (k, tuple(v), False))
        for k in zh_neg:
            self.zh.add_word(k, (k, (), True)) if k not in zh else None
        for k in index.place_zh:
            if k not in zh and k not in zh_neg:
                self.zh.add_word(k, (k, (), True))  # a place name: the full ranking reads it
        from clusteratlas.search._query import INTENT_WORDS

        from clusteratlas.search._words import ZH_NON_PRODUCT

        for k in ZH_NON_PRODUCT:
            if k not in zh:
                self.zh.add_word(k, (k, (), True))  # a service: the full ranking reads it
        for k in INTENT_WORDS:
            if not k.isascii() and k not in zh:
                self.zh.add_word(k, (k, (), "intent"))
        self.en_intents = tuple((f" {k} ", v) for k, v in sorted(INTENT_WORDS.items(), key=lambda kv: -len(kv[0]))
                                if k.isascii())
        self.zh_intents = {k: v for k, v in INTENT_WORDS.items() if not k.isascii()}
        self.zh.make_automaton()
        # cluster vocabulary: whole specialties and cluster terms put their cluster first
        cvoc = index.cluster_voc
        self.cluster_phrases: dict[tuple[str, ...], set[str]] = {}
        czh: dict[str, set[str]] = {}
        for t in cvoc.terms:
            if t.negative:
                continue
            if t.cjk and len(t.cjk) >= 2:
                czh.setdefault(t.cjk, set()).add(t.owner)
            elif t.tokens and not t.cjk and len(t.tokens) <= MAX_WORDS:
                self.cluster_phrases.setdefault(t.lights, set()).add(t.owner)
        self.cluster_zh = ahocorasick.Automaton()
        for k, owners in czh.items():
            self.cluster_zh.add_word(k, frozenset(owners))
        if czh:
            self.cluster_zh.make_automaton()
        self.has_cluster_zh = bool(czh)
        self.zh_noise = tuple(sorted({*ZH_MODIFIERS, *ZH_STOPWORDS}, key=len, reverse=True))
        from clusteratlas.search._rank import ROLE_WEIGHTS

        self.top_cluster = {}
        for ind, cs in index.by_industry.items():
            top_w = max(ROLE_WEIGHTS[c.role] for c in cs)
            self.top_cluster[ind] = [
                (ROLE_WEIGHTS[c.role] / top_w + 0.005 * c.evidence, c) for c in cs]
            self.top_cluster[ind].sort(key=lambda x: (-x[0], x[1].id))

    def decide(self, head: str, wearers: tuple[str, ...], known_word, lead: str | None = None) -> FastHit | None:
        """The fast decision for a reduced head text, or None to leave it to the full ranking.

        ``known_word(word) -> (kind, stem, weight)`` reads one Latin-script word (the vocabulary's memo).
        """
        from clusteratlas.search._title import WEARER_MOVES

        best: dict[str, tuple[float, str, int, int, str]] = {}  # owner -> (score, term, start, end, script)
        stems: list[str] = []
        matched: dict[str, set[str]] = {}
        total = 0.0
        latin = WORD_RE.findall(head)
        weights: list[float] = []
        gaps: set[int] = set()
        for w in latin:
            kind, s, weight = known_word(w)
            if kind == "digit" or (kind == "stop" and s in FUNCTION_WORDS):
                if kind == "digit":
                    gaps.add(len(stems))  # "keyboard 87 keys": a number keeps two terms apart
                continue
            if kind == "place":
                return None
            stems.append(light_stem(w) if s not in FUNCTION_WORDS else s)
            weights.append(weight)
            total += weight
        n = len(stems)
        spans_en: dict[str, list[tuple[int, int]]] = {}
        if n and total > 0:
            phrases = self.phrases
            negative = self.negative
            firsts = self.first_words
            for i in range(n):
                if stems[i] not in firsts:
                    continue
                for j in range(i + 1, min(n, i + MAX_WORDS) + 1):
                    key = tuple(stems[i:j])
                    if key in negative:
                        return None
                    got = phrases.get(key)
                    if got is None:
                        continue
                    cov = sum(weights[i:j]) / total
                    if cov > 1.0:
                        cov = 1.0
                    for owner, term, fw in got:
                        score = fw * (CONTAIN_BASE + (1.0 - CONTAIN_BASE) * cov)
                        spans_en.setdefault(owner, []).append((i, j))
                        matched.setdefault(owner, set()).add(term)
                        cur = best.get(owner)
                        if cur is None or score > cur[0]:
                            best[owner] = (score, term, i, j, "en")
        intents: dict[str, str] = {}
        padded = f" {head} "
        for phrase, (attr, value) in self.en_intents:
            if phrase in padded:
                intents.setdefault(attr, value)
        cjk = "".join(CJK_RUN_RE.findall(head))
        spans_zh: dict[str, list[tuple[int, int]]] = {}
        if cjk:
            eff = len(cjk)
            for noise in self.zh_noise:
                if noise in cjk:
                    eff -= len(noise) * cjk.count(noise)
            eff = max(eff, 1)
            terms_of: dict[str, set[str]] = {}
            for end, (key, owners, stop) in self.zh.iter(cjk):
                if stop == "intent":
                    attr, value = self.zh_intents[key]
                    intents.setdefault(attr, value)
                    continue
                if stop:
                    return None  # a negative term or a place name: the full ranking reads it
                length = len(key)
                start = end - length + 1
                cov = min(length / eff, 1.0)
                for owner, term, fw in owners:
                    score = fw * (cov + (1.0 - cov) * CONTAIN_BASE)
                    spans_zh.setdefault(owner, []).append((start, end + 1))
                    matched.setdefault(owner, set()).add(key)
                    terms_of.setdefault(owner, set()).add(key)
                    cur = best.get(owner)
                    if cur is None or score > cur[0]:
                        best[owner] = (score, term, start, end + 1, "zh")
            for owner, keys in terms_of.items():
                if len(keys) >= 2:
                    sc, term, a, b, sx = best[owner]
                    best[owner] = (sc + MULTI_TERM_BONUS * min(len(keys) - 1, MULTI_TERM_MAX), term, a, b, sx)
        if not best:
            return None
        scores = {o: v[0] for o, v in best.items()}
        if len(scores) > 1:
            attrs = self.attrs
            flagged = {o for o, v in best.items() if (o, v[1]) in attrs}
            if flagged and len(flagged) < len(scores):
                for o in flagged:
                    scores[o] *= 0.8
            demoted = set()
            for spans in (spans_en, spans_zh):
                if len(spans) < 2:
                    continue
                starts: dict[int, set[str]] = {}
                for o, sp in spans.items():
                    for x in sp:
                        starts.setdefault(x[0], set()).add(o)
                for o, sp in spans.items():
                    for x in sp:
                        if spans is spans_en and x[1] in gaps:
                            continue
                        after = starts.get(x[1])
                        if after and (len(after) > 1 or o not in after) \
                                and not _own_term_across(sp, x[1], spans, after - {o}):
                            demoted.add(o)  # a term directly followed by another industry's term
                            break
                    if o in demoted and spans is spans_en and any(
                            x[1] - x[0] >= 2 and not (starts.get(x[1], set()) - {o}) for x in sp):
                        demoted.discard(o)  # another whole term of it stands alone ("… racing bicycle")
            if demoted and len(demoted) < len(scores):
                for o in demoted:
                    scores[o] *= 0.8
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if lead:  # a spaced Chinese title names its product in its lead segment
            first = [kv for kv in ranked if any(_in_lead(t, lead) for t in matched[kv[0]])]
            if first:
                ranked = first
        top, top_score = ranked[0]
        term = best[top][1]
        if top_score < 0.5 or (top, term) in self.attrs or (best[top][4] == "zh" and best[top][3] - best[top][2] < 3) \
                or (best[top][4] == "en" and best[top][3] - best[top][2] < 2 and len(stems) > 6):
            return None  # an attribute, or a short term in a long title: the full ranking weighs partial terms
        if len(ranked) > 1 and ranked[1][1] >= CLEAR_MARGIN * top_score:
            return None
        industry = top
        for ind in wearers:
            if ind != industry and industry in WEARER_MOVES[ind] and ind in self.top_cluster:
                industry = ind
                break
        cluster, score = self._cluster(industry, stems, cjk, intents, top_score)
        return FastHit(industry, cluster, score, best[top][1])

    def _cluster(self, industry: str, stems: list[str], cjk: str, intents: dict[str, str], base: float):
        """The industry's cluster for the title and its score (role, evidence, a whole specialty or cluster
        term named, tiers asked for: the full ranking's parts)."""
        from clusteratlas.search._rank import INTENT_BONUS, INTENT_PENALTY

        cands = self.top_cluster[industry]
        named: set[str] = set()
        n = len(stems)
        for i in range(n):
            for j in range(i + 1, min(n, i + MAX_WORDS) + 1):
                got = self.cluster_phrases.get(tuple(stems[i:j]))
                if got:
                    named |= got
        if cjk and self.has_cluster_zh:
            for _, owners in self.cluster_zh.iter(cjk):
                named |= owners
        best_c, best_s = None, -1.0
        for rel, c in cands:  # rel = relative role weight + prominence
            s = base * (rel - 0.005 * c.evidence) + 0.005 * c.evidence
            if c.id in named:
                s += 0.3 * min(base, 1.0)
            for attr, wanted in intents.items():
                have = getattr(c, attr)
                if have == wanted or (attr == "cluster_type" and have == "mixed"):
                    s += INTENT_BONUS
                elif have is not None and attr != "cluster_type":
                    s -= INTENT_PENALTY
            if s > best_s:
                best_c, best_s = c, s
        return best_c, best_s


def _own_term_across(own: list[tuple[int, int]], at: int, spans: dict, others: set[str]) -> bool:
    """True when one of an industry's own matched terms (``own`` spans) runs across position ``at`` and
    covers a following term of another industry there: "freshwater pearl necklace" has the pearl
    industry's "pearl necklace", so "freshwater pearl" does not describe jewellery's "necklace"."""
    for o in others:
        for y in spans[o]:
            if y[0] == at and any(z[0] < at and z[1] >= y[1] for z in own):
                return True
    return False


def _in_lead(term: str, lead: str) -> bool:
    from clusteratlas._text import normalize

    t = normalize(term)
    cjk = "".join(CJK_RUN_RE.findall(t))
    return (cjk in lead) if cjk else (t in lead)


def fast_titles(index) -> FastTitles:
    """The :class:`FastTitles` of ``index`` (built on first use, kept with the index)."""
    return index.caches["derived"].get_or_set("fast_titles", lambda: FastTitles(index))


def word_reader(index):
    """``word -> (kind, stem, weight)`` for the fast path: the full ranking's reading of a query word
    (:func:`clusteratlas.search._vocab._word_info`), plus ``place`` for a place name or pinyin word that
    sends a title to the full ranking."""
    from clusteratlas.search._vocab import _word_info
    from clusteratlas.search._words import NON_PRODUCT

    voc = index.industry_voc
    cache = voc.wcache
    place_keys = index.place_keys
    memo: dict[str, tuple[str, str, float]] = {}

    def read(w: str) -> tuple[str, str, float]:
        got = memo.get(w)
        if got is not None:
            return got
        info = cache.get(w)
        if info is None:
            info = cache.set(w, _word_info(w, voc))
        kind, _, s, _, weight = info
        if (kind == "unknown" and (w in place_keys or w in voc.by_pinyin)) or s in NON_PRODUCT:
            kind = "place"  # a place, pinyin or a service word: the full ranking reads it
        elif kind == "stopword":
            kind = "stop"
        elif kind == "known" and weight == 0:
            kind = "stop"
        got = (kind, s, weight if kind in ("known", "modifier", "unknown") else 0.0)
        if len(memo) < 200_000:
            memo[w] = got
        return got

    return read
