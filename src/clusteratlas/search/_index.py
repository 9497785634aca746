"""The search index: vocabularies, place names, cluster facts and HS links, built once per atlas.

The index is self-contained (plain dicts, tuples and the :mod:`clusteratlas.search._vocab` classes), so a
search needs neither the YAML files nor pydantic once the index exists. Building it costs about a second
(YAML validation and pinyin for every term); :mod:`clusteratlas.search._store` keeps built indexes in memory
and on disk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from clusteratlas._cache import BoundedCache
from clusteratlas._text import (
    StemSet,
    cjk_text,
    compact_pinyin,
    en_tokens,
    known_stems,
    normalize,
    stem,
    to_pinyin,
)
from clusteratlas.search._vocab import STOPWORDS, Hit, Vocabulary

#: Prominence: claims and titles counted, at most this many.
PROMINENCE_CAP = 5

PLACE_SUFFIXES = ("new area", "subdistrict", "township", "province", "district", "county", "street", "city",
                  "town", "prefecture", "village", "area", "municipality")
ZH_PLACE_SUFFIXES = ("新区", "街道", "自治县", "自治州", "省", "市", "区", "县", "镇", "乡")
#: Words of HS descriptions that say nothing about the product.
HS_FILLER = StemSet((
    "other", "others", "article", "articles", "similar", "like", "whether", "not", "or", "of", "and", "the",
    "thereof", "parts", "n.e.c", "nec", "included", "elsewhere", "specified", "kind", "kinds", "used", "use",
    "than", "with", "without", "for", "including", "material", "materials", "made", "complete", "working"))
#: Words of honorific titles that say nothing about the product ("Capital of … in China").
TITLE_WORDS = StemSet((
    "capital", "city", "hometown", "town", "county", "village", "base", "centre", "center", "famous", "largest",
    "world", "national", "production", "producing", "distribution", "name", "brand", "township",
    "province", "district", "new", "area", "street", "subdistrict"))
ZH_TITLE_WORDS = ("中国", "之都", "之乡", "名城", "名镇", "基地", "产业", "特色", "城", "都", "乡")


class ClusterInfo(NamedTuple):
    """What ranking and results need of one cluster (no pydantic objects)."""

    id: str
    industry: str
    name_en: str
    name_zh: str
    role: str
    cluster_type: str
    quality_tier: str | None
    price_tier: str | None
    evidence: int
    codes: frozenset[str]
    place: dict[str, Any]
    #: The cluster rests on weak evidence (:func:`clusteratlas.evidence.cluster_evidence`'s ``weak``).
    weak: bool = False


@dataclass
class SearchIndex:
    """Everything search needs, built once per atlas (see the module docstring for the cache)."""

    industry_voc: Vocabulary
    cluster_voc: Vocabulary
    clusters: dict[str, ClusterInfo]
    by_industry: dict[str, list[ClusterInfo]]
    industry_names: dict[str, tuple[str, str]]
    hs: dict[str, list[str]]
    hs_centrality: dict[tuple[str, str], float]
    hs_desc: dict[tuple[str, str], str]
    place_keys: dict[str, frozenset[str]]
    place_zh: dict[str, frozenset[str]]
    place_zh_maxlen: int
    fingerprint: tuple[tuple[str, ...], tuple[str, ...]]
    #: ``word -> Snowball stem`` for every word the index was built from (seeds the stem memo on load).
    stems: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    atlas: Any = field(default=None, repr=False, compare=False)
    caches: dict[str, BoundedCache] = field(default_factory=lambda: _new_caches(), repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["atlas"] = None
        state["caches"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["caches"] = _new_caches()
        self.__dict__.update(state)


def _new_caches() -> dict[str, BoundedCache]:
    """The per-index memos: product hits per query text, HS description words, derived tables, prepared
    product texts, the semantic model's vectors."""
    return {"product": BoundedCache(100_000), "hs_words": BoundedCache(10_000), "derived": BoundedCache(16),
            "prepared": BoundedCache(4096),
            "semantic_query": BoundedCache(10_000)}


def build_index(atlas) -> SearchIndex:
    """Build the index of a loaded :class:`~clusteratlas.atlas.Atlas`."""
    from clusteratlas.evidence import cluster_evidence
    from clusteratlas.shapes import place_shape

    industry_voc = build_industry_vocabulary(atlas)
    clusters = {}
    by_industry: dict[str, list[ClusterInfo]] = defaultdict(list)
    for c in atlas.clusters.values():
        codes = {c.place.adcode, *(e.adcode for e in c.place.path)}
        if c.area:
            codes.update(c.area.adcodes)
        info = ClusterInfo(c.id, c.industry, c.name_en, c.name_zh, c.role, c.cluster_type, c.quality_tier,
                           c.price_tier, min(len(c.claims) + len(c.titles), PROMINENCE_CAP), frozenset(codes),
                           place_shape(c.place), cluster_evidence(c, atlas.sources)["weak"])
        clusters[c.id] = info
        by_industry[c.industry].append(info)
    hs = {i.id: [h.code for h in i.hs_codes] for i in atlas.industries.values()}
    centrality = {}
    for ind in atlas.industries.values():
        bag = industry_voc.owner_tokens.get(ind.id, frozenset())
        for h in ind.hs_codes:
            toks = {t for t in en_tokens(h.description) if t not in HS_FILLER and not t.isdigit()}
            total = sum(industry_voc.token_idf(t) for t in toks) or 1.0
            centrality[(ind.id, h.code)] = sum(industry_voc.token_idf(t) for t in toks if t in bag) / total
    place_keys, place_zh = _build_place_index(atlas, industry_voc)
    return SearchIndex(
        industry_voc=industry_voc,
        cluster_voc=build_cluster_vocabulary(atlas),
        clusters=clusters,
        by_industry=dict(by_industry),
        industry_names={i.id: (i.name_en, i.name_zh) for i in atlas.industries.values()},
        hs=hs,
        hs_centrality=centrality,
        hs_desc={(i.id, h.code): h.description for i in atlas.industries.values() for h in i.hs_codes},
        place_keys=place_keys,
        place_zh=place_zh,
        place_zh_maxlen=max((len(k) for k in place_zh), default=0),
        fingerprint=(tuple(atlas.industries), tuple(atlas.clusters)),
        stems=_stems_for_queries(),
        atlas=atlas,
    )


def _stems_for_queries() -> dict[str, str]:
    """Every stem computed while building, plus those of the word lists queries are read with, so that a
    search in a process that loaded this index from the disk cache needs no stemmer for known words."""
    from clusteratlas.search._words import FUNCTION_WORDS, MODIFIERS, NON_PRODUCT, STOPWORDS

    for words in (MODIFIERS, NON_PRODUCT, HS_FILLER, TITLE_WORDS):
        words.get()
    for w in (*FUNCTION_WORDS, *STOPWORDS):
        stem(w)
    return known_stems()


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
    _unlink_latin_led(voc)
    return voc


#: A Chinese word in the terms of at least this many other industries is generic (系统, 电池, 原料, 加工).
GENERIC_CJK_OWNERS = 3


def _cjk_owners(voc: Vocabulary, cjk: str) -> set[str]:
    """The owners of positive terms whose Chinese part is or contains ``cjk``."""
    return {voc.terms[i].owner for i in (*voc.cjk_exact.get(cjk, ()), *voc.cjk_sub.get(cjk, ()))
            if not voc.terms[i].negative}


def _unlink_latin_led(voc: Vocabulary) -> None:
    """Stop the Chinese part of a term led by a Latin code (PA66原料, MES系统, TOPCon电池, 18650电池) from
    matching alone when it is no term of its owner by itself and is generic (:data:`GENERIC_CJK_OWNERS`):
    原料, 系统 and 电池 are words of many industries that the code makes the owner's product (对乙酰氨基酚 原料
    is no nylon). Such a term still matches by its Latin code (an English hit). Terms led by one letter (U型螺栓,
    T恤) and terms whose code follows (尼龙66, 化妆品OEM) keep their Chinese part."""
    import re

    led = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9\-.]+\s*[\u4e00-\u9fff]")
    pure = {(t.owner, t.cjk) for t in voc.terms if t.cjk and not t.tokens}
    unlink = [(idx, t) for idx, t in enumerate(voc.terms)
              if t.cjk and t.tokens and not t.negative and len(t.cjk) >= 2 and (t.owner, t.cjk) not in pure
              and led.match(t.text) and len(_cjk_owners(voc, t.cjk) - {t.owner}) >= GENERIC_CJK_OWNERS]
    voc.latin_led = tuple(t for _, t in unlink)  # see latin_led_hits
    for idx, t in unlink:  # (not 头程 of FBA头程, 打样 of PCB打样: words of one trade)
        for table, keys in ((voc.cjk_exact, (t.cjk,)),
                            (voc.cjk_sub, {t.cjk[i:j] for i in range(len(t.cjk)) for j in range(i + 2, len(t.cjk))})):
            for key in keys:
                got = table.get(key)
                if got and idx in got:
                    table[key] = [i for i in got if i != idx]
                    if not table[key]:
                        del table[key]


def latin_led_hits(words, cjk: str, cjk_len: int, voc: Vocabulary, best: dict, contain_base: float) -> None:
    """Offer the Chinese hit of each term unlinked by :func:`_unlink_latin_led` whose Latin code is among
    the query's resolved ``words`` and whose Chinese part is in its Chinese part ``cjk`` ("PA66 原料" is
    still PA66原料), scored as an exact Chinese hit over ``cjk_len`` characters."""
    terms = getattr(voc, "latin_led", ())
    if not terms or not cjk:
        return
    stems = {w.stem for w in words if w.stem}
    for t in terms:
        if t.cjk in cjk and stems.issuperset(t.tokens):
            cov = min(len(t.cjk) / max(cjk_len, 1), 1.0)
            score = t.fw * (cov + (1.0 - cov) * contain_base)
            cur = best.get(t.owner)
            if cur is None or score > cur.score:
                best[t.owner] = Hit(t.owner, score, t.text, t.field, "zh")


def build_cluster_vocabulary(atlas) -> Vocabulary:
    """Vocabulary whose owners are cluster ids: specialties, titles and extra terms.

    Only what distinguishes a cluster within its industry is indexed: words of place names, of honorific
    titles and of the industry's own name (in Chinese, any part of it) are dropped from every term, and the
    industry's aliases too from titles and extra terms; so "Shenzhen glasses" adds nothing to an eyewear
    cluster, "men's casual wear" keeps only "men's", "baby clothes" keeps "baby" (it marks Jimo within
    children's clothing) and "export umbrellas" keeps nothing.
    """
    voc = Vocabulary()
    place_tokens: set[str] = set()
    place_zh: set[str] = set()
    for c in atlas.clusters.values():
        names = [(c.place.name_en, c.place.name_zh), *((e.name_en, e.name_zh) for e in c.place.path)]
        if c.area:
            names.append((c.area.name_en, c.area.name_zh))
        for name_en, name_zh in names:
            place_tokens.update(en_tokens(name_en))
            place_zh.add(name_zh)
            place_zh.add(strip_zh_suffix(name_zh))
    place_tokens -= {t for i in atlas.industries.values() for t in en_tokens(" ".join(i.terms.en))}
    local = frozenset(TITLE_WORDS.get() | place_tokens | STOPWORDS)
    zh_local = tuple(sorted({*place_zh, *ZH_TITLE_WORDS}, key=len, reverse=True))
    for c in atlas.clusters.values():
        ind = atlas.industries[c.industry]
        generic = local | frozenset(en_tokens(" ".join([ind.name_en, *ind.aliases])))
        zh_names = [cjk_text(x) for x in (ind.name_zh, *ind.aliases) if cjk_text(x)]
        zh_parts = {n[i:j] for n in zh_names for i in range(len(n)) for j in range(i + 2, len(n) + 1)}
        zh_drop = tuple(sorted({*zh_parts, *zh_local}, key=len, reverse=True))
        name_words = local | frozenset(en_tokens(ind.name_en))
        name_zh = cjk_text(ind.name_zh)
        name_parts = {name_zh[i:j] for i in range(len(name_zh)) for j in range(i + 2, len(name_zh) + 1)}
        spec_drop = tuple(sorted({*name_parts, *zh_local}, key=len, reverse=True))
        for s in c.specialties:  # "baby clothes" marks Jimo; "export umbrellas" marks nothing
            voc.add(c.id, "specialty", s, drop_tokens=name_words, drop_cjk=spec_drop)
        for t in c.titles:
            voc.add(c.id, "title", t.en, drop_tokens=generic, drop_cjk=zh_drop)
            if t.zh:
                voc.add(c.id, "title", t.zh, drop_tokens=generic, drop_cjk=zh_drop)
        for t in c.terms:
            voc.add(c.id, "cluster-term", t, drop_tokens=generic, drop_cjk=zh_drop)
    voc.finish()
    return voc


def strip_en_suffix(name: str) -> str:
    """``"Datang Subdistrict"`` → ``"datang"`` (normalised, one administrative suffix removed)."""
    low = normalize(name)
    for suf in PLACE_SUFFIXES:
        if low.endswith(" " + suf):
            return low[: -len(suf) - 1]
    return low


def strip_zh_suffix(name: str) -> str:
    """``"大唐街道"`` → ``"大唐"``: one administrative suffix removed when at least two characters stay."""
    for suf in ZH_PLACE_SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


def _build_place_index(atlas, industry_voc: Vocabulary) -> tuple[dict[str, frozenset[str]],
                                                                  dict[str, frozenset[str]]]:
    """Compact Latin key (``"datang"``, ``"guan"``) and Chinese name → adcodes, for every place, ancestor,
    former name and area of the atlas's clusters, and for local names among a cluster's extra terms (one
    word that is no product word: "Shuibei", "水贝", "Huaqiangbei"), which stand for the cluster's place."""
    latin: dict[str, set[str]] = defaultdict(set)
    zh: dict[str, set[str]] = defaultdict(set)

    def add(adcode: str, name_en: str | None, name_zh: str | None) -> None:
        if name_en:
            latin[compact_pinyin(strip_en_suffix(name_en))].add(adcode)
        if name_zh:
            zh[name_zh].add(adcode)
            base = strip_zh_suffix(name_zh)
            zh[base].add(adcode)
            latin[to_pinyin(base, place=True)].add(adcode)

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
        for t in c.terms:
            cjk = cjk_text(t)
            words = normalize(t).split()
            if cjk and cjk == "".join(words) and 2 <= len(cjk) <= 4 and cjk not in industry_voc.cjk_exact:
                zh[cjk].add(p.adcode)
            elif not cjk and len(words) == 1 and words[0].isalpha() and stem(words[0]) not in industry_voc.by_token:
                latin[compact_pinyin(words[0])].add(p.adcode)
    latin.pop("", None)
    zh_out = {k: frozenset(v) for k, v in zh.items() if len(k) >= 2}
    return {k: frozenset(v) for k, v in latin.items() if len(k) >= 3}, zh_out
