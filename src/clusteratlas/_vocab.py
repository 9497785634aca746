"""The search vocabulary: an inverted index over every industry's and cluster's terms.

Built once per :class:`~clusteratlas.atlas.Atlas` from the data (never from code): industry names, aliases,
product terms in English, simplified and traditional Chinese and pinyin, HS codes and negative terms; and per
cluster its specialties, titles, market names and extra terms. English terms are stemmed and weighted by
inverse document frequency over industries (a BM25-style idf), so a rare word such as ``wig`` counts more
than ``product``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from clusteratlas._text import cjk_text, compact_pinyin, en_tokens, stem, to_pinyin

#: Words that say nothing about the product; removed from queries and terms alike.
STOPWORDS = frozenset(
    stem_ for stem_ in (
        "a", "an", "the", "for", "of", "and", "or", "in", "on", "to", "from", "with", "by", "at",
        "made", "make", "maker", "china", "chinese", "supplier", "manufactur", "factori", "produc",
        "where", "buy", "sourc", "product", "industri", "cluster", "base", "item",
        "best", "top", "i", "need", "want", "find", "who", "what", "is", "are",
    )
)

#: Chinese words that say nothing about the product (removed from the CJK part of a query).
ZH_STOPWORDS = ("哪里", "哪儿", "在哪", "产地", "产业带", "产业集群", "厂家", "工厂", "供应商", "生产", "批发",
                "采购", "中国", "我要", "买", "的")

#: Field weights: a match on the industry's name counts slightly more than one on a product term.
FIELD_WEIGHTS = {"name": 1.0, "alias": 1.0, "term": 0.95, "hs": 1.0, "cluster": 1.0}


@dataclass(frozen=True)
class Term:
    """One vocabulary entry: its owner (industry id or cluster id), field and normalised forms."""

    owner: str
    field: str
    text: str
    tokens: tuple[str, ...]
    cjk: str
    pinyin: str
    negative: bool = False


@dataclass
class Vocabulary:
    """Inverted indexes over :class:`Term` entries, for industries and for clusters separately."""

    terms: list[Term] = field(default_factory=list)
    by_token: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    cjk_terms: list[int] = field(default_factory=list)
    by_pinyin: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    idf: dict[str, float] = field(default_factory=dict)
    max_idf: float = 1.0
    owner_tokens: dict[str, frozenset[str]] = field(default_factory=dict)

    def add(self, owner: str, fld: str, text: str, *, negative: bool = False, pinyin_only: bool = False,
            drop_tokens: frozenset[str] = frozenset(), drop_cjk: tuple[str, ...] = ()) -> None:
        """Add one term; pinyin-only terms are indexed by their compact form alone.

        ``drop_tokens`` (stemmed) and ``drop_cjk`` (substrings) are removed from the term first: cluster terms
        keep only what distinguishes the cluster from its industry and place.
        """
        if not text or not text.strip():
            return
        if pinyin_only:
            term = Term(owner, fld, text, (), "", compact_pinyin(text), negative)
        else:
            toks = tuple(t for t in en_tokens(text) if t not in STOPWORDS and t not in drop_tokens)
            cjk = cjk_text(text)
            for sub in drop_cjk:
                cjk = cjk.replace(sub, "")
            term = Term(owner, fld, text, toks, cjk, to_pinyin(cjk) if cjk else "", negative)
        if not term.tokens and not term.cjk and not term.pinyin:
            return
        idx = len(self.terms)
        self.terms.append(term)
        for tok in set(term.tokens):
            self.by_token[tok].append(idx)
        if term.cjk:
            self.cjk_terms.append(idx)
        if term.pinyin and len(term.pinyin) >= 3:
            self.by_pinyin[term.pinyin].append(idx)

    def finish(self) -> None:
        """Compute idf over owners: ``log(1 + N / df)``, N = number of owners."""
        owners_by_tok: dict[str, set[str]] = defaultdict(set)
        owners = set()
        bags: dict[str, set[str]] = defaultdict(set)
        for t in self.terms:
            owners.add(t.owner)
            for tok in t.tokens:
                owners_by_tok[tok].add(t.owner)
                if not t.negative:
                    bags[t.owner].add(tok)
        self.owner_tokens = {o: frozenset(b) for o, b in bags.items()}
        n = max(len(owners), 1)
        self.idf = {tok: math.log(1.0 + n / len(os_)) for tok, os_ in owners_by_tok.items()}
        self.max_idf = math.log(1.0 + n)
        self.by_token = dict(self.by_token)
        self.by_pinyin = dict(self.by_pinyin)

    def token_idf(self, tok: str) -> float:
        """idf of a token; unknown tokens count as the rarest (they dilute the query's coverage)."""
        return self.idf.get(tok, self.max_idf)


def build_industry_vocabulary(atlas) -> Vocabulary:
    """Vocabulary whose owners are industry ids."""
    voc = Vocabulary()
    for ind in atlas.industries.values():
        voc.add(ind.id, "name", ind.name_en)
        voc.add(ind.id, "name", ind.name_zh)
        for a in ind.aliases:
            voc.add(ind.id, "alias", a)
        for t in [*ind.terms.en, *ind.terms.zh, *ind.terms.zh_hant]:
            voc.add(ind.id, "term", t)
        for t in ind.terms.pinyin:
            voc.add(ind.id, "term", t, pinyin_only=True)
        for t in ind.negative_terms:
            voc.add(ind.id, "negative", t, negative=True)
    voc.finish()
    return voc


#: Words of honorific titles that say nothing about the product ("Capital of … in China").
TITLE_WORDS = frozenset(stem(w) for w in (
    "capital", "city", "hometown", "town", "county", "village", "base", "centre", "center", "famous", "largest",
    "world", "national", "production", "producing", "distribution", "famous", "name", "brand", "township",
    "province", "district", "new", "area", "street", "subdistrict", "特色", "之都", "之乡", "名城", "名镇"))
ZH_TITLE_WORDS = ("中国", "之都", "之乡", "名城", "名镇", "基地", "产业", "特色", "城", "都", "乡")


def build_cluster_vocabulary(atlas) -> Vocabulary:
    """Vocabulary whose owners are cluster ids: specialties, titles and extra terms.

    Only what distinguishes a cluster within its industry is indexed: words of the industry's own name and
    aliases, of place names and of honorific titles are dropped, so "Shenzhen glasses" adds nothing to an
    eyewear cluster while the specialty "baby clothes" marks Jimo within children's clothing. Specialties keep
    the industry's words (they are specific by nature); titles and extra terms lose them.
    """
    voc = Vocabulary()
    place_tokens: set[str] = set()
    place_zh: set[str] = set()
    for c in atlas.clusters.values():
        for name_en, name_zh in [(c.place.name_en, c.place.name_zh), *((e.name_en, e.name_zh) for e in c.place.path),
                                 *(((c.area.name_en, c.area.name_zh),) if c.area else ())]:
            place_tokens.update(en_tokens(name_en))
            place_zh.add(name_zh)
            for suf in ("新区", "街道", "省", "市", "区", "县", "镇", "乡"):
                if name_zh.endswith(suf) and len(name_zh) - len(suf) >= 2:
                    place_zh.add(name_zh[: -len(suf)])
    place_tokens -= {t for i in atlas.industries.values() for t in en_tokens(" ".join(i.terms.en))}
    for c in atlas.clusters.values():
        ind = atlas.industries[c.industry]
        local = frozenset(TITLE_WORDS | place_tokens)
        generic = local | frozenset(en_tokens(" ".join([ind.name_en, *ind.aliases])))
        zh_local = tuple(sorted({*place_zh, *ZH_TITLE_WORDS}, key=len, reverse=True))
        zh_drop = tuple(sorted({ind.name_zh, *(a for a in ind.aliases if cjk_text(a)), *zh_local},
                               key=len, reverse=True))
        for s in c.specialties:  # a specialty is specific even when it repeats an alias ("baby clothes")
            voc.add(c.id, "specialty", s, drop_tokens=local, drop_cjk=zh_local)
        for t in c.titles:
            voc.add(c.id, "title", t.en, drop_tokens=generic, drop_cjk=zh_drop)
            if t.zh:
                voc.add(c.id, "title", t.zh, drop_tokens=generic, drop_cjk=zh_drop)
        for t in c.terms:
            voc.add(c.id, "cluster-term", t, drop_tokens=generic, drop_cjk=zh_drop)
    voc.finish()
    return voc
