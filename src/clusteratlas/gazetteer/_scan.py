"""Scanning Chinese text (names, addresses) for division names; the fast path for bulk geocoding.

Private module: the public API is :mod:`clusteratlas.gazetteer`.

Normalised text (NFKC, traditional -> simplified, no punctuation) is scanned left to right for indexed
names: full names, stems of two characters or more, former names, aliases. At each position where names
start, *every* indexed name starting there contributes to one mention, so that 诸暨大唐镇 offers both a
大唐镇 elsewhere and the stem 大唐 of 诸暨's 大唐街道 (a town that became a subdistrict). What follows a name
matters and is recorded with it:

* a type suffix (镇, 街道, 县 …) is consumed; when it differs from the unit's own, the match is weaker;
* a road or building word (路, 大道, 号, 村 …) right after a stem means the text names a road (中山路98号 is
  a road, not 中山路街道; 龙江路 is not 龙江镇), and the stem is dropped.

A mention's candidates depend only on the names and what follows them, so both steps are cached by a
string key: :func:`mention_cands` per mention and :func:`resolve_cjk` per sequence of mentions. Firm
registers repeat their administrative prefixes, which makes bulk geocoding mostly cache hits.

The scan uses an Aho-Corasick automaton (``pyahocorasick``, installed with ``cnloc``) when it is available,
and an equivalent pure-Python scan otherwise.
"""

from __future__ import annotations

from clusteratlas._cache import BoundedCache
from clusteratlas.gazetteer import _tables as gd
from clusteratlas.gazetteer._names import TEXT_SUFFIXES, normalize_cjk
from clusteratlas.gazetteer._history import rank_paths as _rank_paths
from clusteratlas.gazetteer._history import old_county_names, read_seat_cities, seat_city_names, settle_spread
from clusteratlas.gazetteer._rank import (Cand, Mention, Ranked, check_named_regions, clean_leader,
                                          drop_ancestors, is_ambiguous, rank, score_one)

#: Words that, right after a stem, show the text names a road, a building or a company instead.
STREET_WORDS = ("路", "大道", "大街", "街", "巷", "弄", "号", "村", "社区", "大厦", "广场", "小区", "花园", "胡同",
                "中路", "东路", "西路", "南路", "北路", "一路", "二路", "三路", "桥", "公园", "酒店", "宾馆", "医院",
                "学校", "中学", "小学", "大学", "公司", "站", "机场")
# (港 is not among them: a port named after a place lies in it — 太仓港 in 太仓市, 北仑港 in 北仑区 — while
# roads are named after places anywhere.)
_STREET_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _w in STREET_WORDS:
    _STREET_BY_FIRST[_w[0]] = _STREET_BY_FIRST.get(_w[0], ()) + (_w,)
#: Words that, right after a stem, show the text names a national-level zone (东湖高新区, 东湖新技术开发区): such
#: zones are named after a city or a landmark, so the stem names no district or township (东湖区 of 南昌 is not
#: Wuhan's 东湖高新区); a province, prefecture, county or county-level city keeps its reading (昆山高新区 is in
#: 昆山市), and the zone under a prefecture is read by :mod:`clusteratlas.gazetteer._zones`. Local words
#: (开发区, 工业园, 保税区) are left out: a park named after its town or district lies there (漕河泾开发区).
ZONE_WORDS = ("高新", "新技术", "经济技术开发区", "经开区")
_ZONE_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _w in ZONE_WORDS:
    _ZONE_BY_FIRST[_w[0]] = _ZONE_BY_FIRST.get(_w[0], ()) + (_w,)
#: The note of a district or township read from a zone's name (see :func:`mention_cands`).
ZONE_NAME_NOTE = "read from a development zone's name; a unit of that name elsewhere is possible"
#: A generic zone word written alone names no township (高新区 is not 兰州's 高新区街道 unless 街道 follows).
GENERIC_ZONES = frozenset(("高新区", "开发区", "经开区", "新区", "工业园区", "保税区"))
#: A township stem ending in one of these is a road or village unless a suffix (街道, 镇 …) follows it.
_STREET_END = frozenset("路街道巷村弄")
_SUFFIX_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _s in sorted(TEXT_SUFFIXES, key=len, reverse=True):
    _SUFFIX_BY_FIRST[_s[0]] = _SUFFIX_BY_FIRST.get(_s[0], ()) + (_s,)

#: County-level name types: after a township's stem they mean the text names something else (太湖新区 is no
#: 太湖街道).
_COUNTY_SUFFIXES = frozenset(("县", "旗", "新区", "自治县", "自治旗"))
#: District and city types after a township's stem: the township only where the address also names where it
#: lies (潮州市枫溪区 is the 枫溪 area of 潮安区; 宇宙市银河区 names no 银河镇), unless the stem with that type is a
#: former county-level name (an abolished district often lives on as a street of its name: 吉利区 -> 吉利街道).
_CITY_SUFFIXES = frozenset(("区", "市"))

#: The note of a township read from its stem written with 区 or 市 (see :data:`_CITY_SUFFIXES`).
TYPED_TOWN_NOTE = "its name is written with a district or city type that no unit of that name has"


def drop_lone_typed(ranked: list[Ranked]) -> list[Ranked]:
    """Drop townships read from a stem written with 区 or 市 that explain no other mention (宇宙市银河区: no
    银河镇, no 银河街道)."""
    if not any(r.n_mentions == 1 and TYPED_TOWN_NOTE in r.notes for r in ranked):
        return ranked
    return [r for r in ranked if not (r.n_mentions == 1 and TYPED_TOWN_NOTE in r.notes)]


# Separators inside cache keys (control characters never survive normalisation).
_HIT, _FIELD, _MENTION = "\x1f", "\x1e", "\x1c"
_CACHE_LIMIT = 200_000
_cands_cache = BoundedCache(_CACHE_LIMIT)
_resolve_cache = BoundedCache(_CACHE_LIMIT)


def _follow_mark(text: str, end: int) -> str:
    """``"s"`` when a road or building word follows a stem at ``end``, ``"z"`` for a zone word, else ``""``."""
    if _followed_by_street(text, end):
        return "s"
    for w in _ZONE_BY_FIRST.get(text[end:end + 1], ()):
        if text.startswith(w, end):
            return "z"
    return ""


#: Numerals of numbered roads (滨海四路, 东方十二街): a numeral then a road word after a stem is a road.
_NUMERALS = frozenset("一二三四五六七八九十0123456789")
_ROAD_AFTER_NUMERAL = frozenset("路街巷弄道")


def _followed_by_street(text: str, end: int) -> bool:
    if text[end:end + 1] in _NUMERALS:
        k = end
        while k < len(text) and text[k] in _NUMERALS and k - end < 4:
            k += 1
        if text[k:k + 1] in _ROAD_AFTER_NUMERAL:
            return True
    words = _STREET_BY_FIRST.get(text[end:end + 1])
    if words is None or text.startswith("街道", end):
        return False
    for w in words:
        if text.startswith(w, end):
            return True
    return False


def _name_starts_at(text: str, pos: int, groups: dict[str, tuple[tuple[int, frozenset[str]], ...]]) -> bool:
    for length, names in groups.get(text[pos:pos + 2], ()):
        if text[pos:pos + length] in names:
            return True
    return False


def _hits_at(text: str, pos: int, by_len: tuple[tuple[int, frozenset[str]], ...], max_len: int,
             groups: dict[str, tuple[tuple[int, frozenset[str]], ...]]) -> tuple[str, int]:
    """Names starting at ``pos`` (no longer than ``max_len``) as a mention key, and where the mention ends."""
    n = len(text)
    stems = gd.zh_stem_names()
    parts: list[str] = []
    end_max = 0
    for length, names in by_len:
        if length > max_len:
            continue
        end = pos + length
        name = text[pos:end]
        if name not in names:
            continue
        follow = ""
        mark = ""
        if end < n:
            follow = _suffix_at(text, end, groups, name in stems)
            if not follow and name in stems:
                mark = _follow_mark(text, end)
        end = _add_hit(parts, name, follow, mark, end)
        if end > end_max:
            end_max = end
    return _HIT.join(parts), end_max


def _suffix_at(text: str, end: int, groups: dict[str, tuple[tuple[int, frozenset[str]], ...]],
               stem: bool = False) -> str:
    """The name suffix (镇, 街道 …) at ``end``, unless it starts the next name (南安省新镇: 省 starts 省新镇); after a
    ``stem``, 新区 is its type even though 新区 is also a name (太湖新区)."""
    for suffix in _SUFFIX_BY_FIRST.get(text[end], ()):
        if text.startswith(suffix, end):
            if not _name_starts_at(text, end, groups):
                return suffix
            if stem and suffix in _ZONE_SUFFIXES and not any(
                    length > len(suffix) and text[end:end + length] in names
                    for length, names in groups.get(text[end:end + 2], ())):
                return suffix  # 太湖新区: 新区 is the stem's type, not a name of its own (no 新区 of 太湖街道)
            return ""
    return ""


#: Suffixes that are also indexed names but, right after a stem, are that stem's type (太湖新区).
_ZONE_SUFFIXES = frozenset(("新区",))


def _add_hit(parts: list[str], name: str, follow: str, mark: str, end: int) -> int:
    """Append one name to a mention key (with its suffix, or the street or zone mark); returns where it
    ends."""
    if follow:
        parts.append(name + _FIELD + follow)
        return end + len(follow)
    parts.append(name + _FIELD + mark if mark else name)
    return end


@gd._table
def automaton():
    """An Aho-Corasick automaton over every indexed Chinese name, or None without pyahocorasick.

    Each name's value lists the indexed names that are prefixes of it (itself included), longest first,
    with a flag for stems: when the automaton finds 城关镇 at a position, 城关 is there too.
    """
    try:
        import ahocorasick
    except ImportError:  # pragma: no cover - cnloc depends on pyahocorasick
        return None
    names = {n for n in gd.zh_index() if len(n) >= 2}
    stems = gd.zh_stem_names()
    auto = ahocorasick.Automaton()
    for name in names:
        chain = []
        for k in range(len(name), 1, -1):
            if name[:k] in names:
                # the suffix that follows a shorter name inside this one (浙江 + 省 in 浙江省), known in advance
                inner = next((sfx for sfx in _SUFFIX_BY_FIRST.get(name[k:k + 1], ()) if name.startswith(sfx, k)),
                             "") if k < len(name) else ""
                chain.append((name[:k], k, name[:k] in stems, inner))
        chain = tuple(chain)
        auto.add_word(name, (chain, _static_key(name, chain, names)))
    auto.make_automaton()
    return auto


_SENTINEL = "\x00"  # never part of a name, a suffix or a street word


def _static_key(name: str, chain: tuple, names: set[str]) -> tuple[str, bool] | None:
    """The mention key :func:`_chain_hits` gives for ``name`` when nothing that follows it matters, and
    whether the two characters across its end must be checked at run time; None when what follows may change
    the key (a suffix or street word, or a longer name, starting inside ``name`` could run past its end)."""
    groups = gd.zh_prefix_groups()
    n = len(name)
    words = [w for ws in _SUFFIX_BY_FIRST.values() for w in ws] + list(STREET_WORDS) + list(ZONE_WORDS)
    for p in range(1, n):
        rest = name[p:]
        if any(len(w) > len(rest) and w.startswith(rest) for w in words):
            return None
        if p <= n - 2 and any(length > n - p for length, _ in groups.get(name[p:p + 2], ())):
            return None
    tail_check = any(k == n - 1 and inner for _nm, k, _st, inner in chain[1:])
    key, end = _chain_hits(name + _SENTINEL, 0, chain, groups)
    return (key, tail_check) if end == n else None


def _chain_hits(text: str, start: int, chain: tuple[tuple[str, int, bool, str], ...],
                groups: dict[str, tuple[tuple[int, frozenset[str]], ...]]) -> tuple[str, int]:
    """:func:`_hits_at` for a position where the automaton matched (all names in ``chain`` are there)."""
    n = len(text)
    parts: list[str] = []
    end_max = 0
    for name, length, is_stem, inner in chain:
        end = start + length
        follow = ""
        mark = ""
        if inner:  # the suffix is part of the longer name matched here
            follow = inner if text[end:end + 2] not in groups or not _name_starts_at(text, end, groups) else ""
            if not follow and is_stem:
                mark = _follow_mark(text, end)
        elif end < n:
            follow = _suffix_at(text, end, groups, is_stem)
            if not follow and is_stem:
                mark = _follow_mark(text, end)
        end = _add_hit(parts, name, follow, mark, end)
        if end > end_max:
            end_max = end
    return _HIT.join(parts), end_max


def zh_scan(text: str) -> list[tuple[str, int, int]]:
    """Mentions in normalised Chinese text as ``(key, start, end)``; ``key`` feeds :func:`mention_cands`."""
    groups = gd.zh_prefix_groups()
    out: list[tuple[str, int, int]] = []
    auto = automaton()
    if auto is not None:
        pos = 0
        for last, (chain, _static) in auto.iter_long(text):
            start = last - chain[0][1] + 1
            if start < pos:
                continue  # inside a suffix consumed by the previous mention
            key, end = _chain_hits(text, start, chain, groups)
            out.append((key, start, end))
            pos = end
        return out
    get = groups.get
    pos, n = 0, len(text)
    while pos < n - 1:
        by_len = get(text[pos:pos + 2])
        if by_len is None:
            pos += 1
            continue
        key, end = _hits_at(text, pos, by_len, n, groups)
        if key:
            out.append((key, pos, end))
            pos = end
        else:
            pos += 1
    return out


def _scan_keys(text: str) -> list[str]:
    """The mention keys of :func:`zh_scan`, without positions (the bulk path's inner loop)."""
    auto = automaton()
    if auto is None:
        return [k for k, _, _ in zh_scan(text)]
    groups = gd.zh_prefix_groups()
    suffix_first = _SUFFIX_BY_FIRST
    street_first = _STREET_BY_FIRST
    zone_first = _ZONE_BY_FIRST
    out: list[str] = []
    pos = 0
    n = len(text)
    for last, (chain, static) in auto.iter_long(text):
        name, length, is_stem, _ = chain[0]
        start = last - length + 1
        if start < pos:
            continue
        end = last + 1
        if static is not None:  # what follows does not matter unless it is a suffix or a street word
            nxt = text[end] if end < n else ""
            if (not nxt or nxt not in suffix_first and (not is_stem or nxt not in street_first
                                                         and nxt not in zone_first and nxt not in _NUMERALS)) and \
                    not (static[1] and text[last:last + 2] in groups):
                out.append(static[0])
                pos = end
                continue
        key, pos = _chain_hits(text, start, chain, groups)
        out.append(key)
    return out


def mention_cands(key: str) -> dict[str, Cand]:
    """Candidate divisions of one mention key from :func:`zh_scan` (cached: do not mutate the result)."""
    cands = _cands_cache.get(key)
    if cands is not None:
        return cands
    index = gd.zh_index()
    units = gd.units()
    cands = {}
    for hit in key.split(_HIT):
        name, _, follow = hit.partition(_FIELD)
        street = follow == "s"
        zone = follow == "z"
        if street or zone:
            follow = ""
        generic = (name + follow) in GENERIC_ZONES
        for codes, q, match, suffix, note in index[name]:
            if match in ("alias", "misspelling") and street:
                continue  # 华强北路 is a road named after the place
            if generic and len(codes[0]) == 9:
                continue  # 高新区 alone is no 高新区街道
            if zone and (len(codes[0]) == 9 or units[codes[0]].level == 3 and units[codes[0]].suffix == "区"):
                # 东湖高新区 names 东湖区 (南昌) only weakly: _explain.refine drops it unless the text also names
                # where the unit is (上海张江高新区 is in 张江镇)
                q *= 0.5
                note = ZONE_NAME_NOTE
            if match in ("exact", "former_name"):
                if suffix == "":  # a stem: what follows decides
                    if follow:
                        if len(codes[0]) == 9 and follow in _COUNTY_SUFFIXES:
                            continue  # 太湖新区 is not 太湖街道: a county or new area follows a township's stem
                        if len(codes[0]) == 9 and follow in _CITY_SUFFIXES and \
                                name + follow not in old_county_names():
                            note = TYPED_TOWN_NOTE  # kept only beside a mention of where it lies
                        if follow != units[codes[0]].suffix:
                            q *= 0.9  # the type changed (镇 -> 街道, 县 -> 区) or was written loosely
                    elif street or (name[-1] in _STREET_END and len(codes[0]) == 9):
                        continue  # 中山路98号 is a road, not 中山路街道; 龙江路 is a road, not 龙江镇
                elif follow:
                    q *= 0.9  # 芒市 inside 芒市镇: the text names something else
            for code in codes:
                old = cands.get(code)
                if old is None or q > old[0]:
                    cands[code] = (q, match, note)
    return _cands_cache.set(key, cands)


def zh_mentions(text: str) -> list[Mention]:
    """Mentions (with candidates) in normalised Chinese text."""
    out = []
    for key, start, end in zh_scan(text):
        cands = mention_cands(key)
        if cands:
            out.append(Mention(text[start:end], cands, "zh"))
    return out


def resolve_cjk(text: str) -> tuple[list[Ranked], bool, int]:
    """Ranked candidates, ambiguity flag and mention count for Chinese text (the bulk path, cached)."""
    return resolve_cjk_keyed(text)[1]


def resolve_cjk_keyed(text: str) -> tuple[str, tuple[list[Ranked], bool, int]]:
    """:func:`resolve_cjk` and the cache key of its answer (equal keys, equal answers)."""
    norm = normalize_cjk(text, gd.protected_chars())
    # mentions that name nothing (roads such as 长江路) are left out of the key: same places, same answer
    cache = _cands_cache
    keys = []
    found = []
    for k in _scan_keys(norm):
        cands = cache.get(k)
        if cands is None:
            cands = mention_cands(k)
        if cands:
            keys.append(k)
            found.append(cands)
    key = _MENTION.join(keys)
    hit = _resolve_cache.get(key)
    if hit is not None:
        return key, hit
    seats = seat_city_names()
    firsts = [k.partition(_HIT)[0] for k in keys]  # each mention's first name (with its suffix)
    if len(keys) >= 2 and any(f in seats for f in firsts[1:]):
        mentions = read_seat_cities([Mention(f, c, "zh") for f, c in zip(firsts, found)])
        found = [m.cands for m in mentions]
    else:
        mentions = [Mention("", cands, "zh") for cands in found]
    result: tuple[list[Ranked], bool, int]
    if not mentions:
        result = ([], False, 0)
    elif len(found) >= 2 and (leader := clean_leader(found, _rank_paths())) is not None:
        # the clean address (one township explains every mention): what rank(prune=True) would score alone
        top = score_one(leader, found, _rank_paths(), gd.units(), True)
        ranked, ambiguous = check_named_regions([top], mentions, False) if top else ([], False)
        result = (ranked, ambiguous, len(mentions))
    else:
        ranked = drop_ancestors(drop_lone_typed(rank(mentions, address=len(mentions) >= 2, prune=True)))
        ranked, ambiguous = check_named_regions(ranked, mentions, is_ambiguous(ranked))
        settled = settle_spread(ranked, mentions)
        if settled is not ranked:
            ranked, ambiguous = settled, False
        result = (ranked[:10], ambiguous, len(mentions))
    return key, _resolve_cache.set(key, result)
