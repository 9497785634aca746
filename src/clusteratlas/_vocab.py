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

from clusteratlas._text import cjk_text, compact_pinyin, en_tokens, to_pinyin

#: Words that say nothing about the product; removed from queries and terms alike.
STOPWORDS = frozenset(
    stem_ for stem_ in (
        "a", "an", "the", "for", "of", "and", "or", "in", "on", "to", "from", "with", "by", "at",
        "made", "make", "maker", "china", "chinese", "supplier", "manufactur", "factori", "produc",
        "where", "buy", "sourc", "product", "industri", "cluster", "base", "item", "good",
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

    def add(self, owner: str, fld: str, text: str, *, negative: bool = False, pinyin_only: bool = False) -> None:
        """Add one term; pinyin-only terms are indexed by their compact form alone."""
        if not text or not text.strip():
            return
        if pinyin_only:
            term = Term(owner, fld, text, (), "", compact_pinyin(text), negative)
        else:
            toks = tuple(t for t in en_tokens(text) if t not in STOPWORDS)
            cjk = cjk_text(text)
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
        for t in self.terms:
            owners.add(t.owner)
            for tok in t.tokens:
                owners_by_tok[tok].add(t.owner)
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


def build_cluster_vocabulary(atlas) -> Vocabulary:
    """Vocabulary whose owners are cluster ids: specialties, titles, markets and extra terms."""
    voc = Vocabulary()
    for c in atlas.clusters.values():
        for s in c.specialties:
            voc.add(c.id, "specialty", s)
        for t in c.titles:
            voc.add(c.id, "title", t.en)
            if t.zh:
                voc.add(c.id, "title", t.zh)
        for t in c.terms:
            voc.add(c.id, "cluster-term", t)
    voc.finish()
    return voc
