"""Marketplace titles: the head phrase (the product a title is about) apart from its attributes.

Private module: used by :mod:`clusteratlas.match` and by ranking (:mod:`clusteratlas.search._rank`).

A long title ("PU Leather Travel Trolley Suitcase 20 inch with TSA Lock for Women", "汽车刹车片 陶瓷 适用于丰田")
names one product and many attributes. :func:`read_title` keeps the product part, the *head text*:

* compatibility and accessories go: in English everything from "for", "with", "compatible", "fits",
  "including" on (once a product word came before), in Chinese 适用于 / 兼容 / 适配 … and what follows them in
  the same segment, and the target of 专用 ("电磁炉专用锅" is a pot);
* packaging goes: "50kg bag", "gift box", 袋装, 礼盒装, 6袋 …;
* what is left is matched as usual; materials and finishes are demoted afterwards
  (:mod:`clusteratlas.search._demote`: a term of one industry that other industries use as a modifier — "silk" of
  "silk scarf", 陶瓷 of 陶瓷砖 — counts less when the title also names another industry's product);
* the wearer or user (kids, 儿童, pet, 狗狗 …) is kept as a word list (:data:`WEARERS`): it moves apparel to
  the wearer's industry (a children's dress is children's clothing, a dog's sweater a pet supply).

:func:`head_phrase` gives the few words shown in "not covered by the atlas: <head phrase>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clusteratlas._cache import BoundedCache
from clusteratlas._text import CJK_RUN_RE, WORD_RE, has_cjk, is_cjk_char, stem
from clusteratlas.search._words import MODIFIERS, STOPWORDS, ZH_MODIFIERS, ZH_STOPWORDS

#: English words after which a title names what the product fits or comes with, not the product.
EN_CUT_WORDS = frozenset(("for", "with", "compatible", "fits", "including", "includes", "plus", "w"))
#: Chinese markers of compatibility: the marker and the rest of its segment go.
ZH_CUT_MARKERS = ("适用于", "适用", "兼容", "适配", "配套", "用于")
#: Packaging in English: a quantity or a packaging adjective before the container word.
_EN_PACKAGING_RE = re.compile(
    r"\b(?:\d+(?:\.\d+)?\s*(?:kg|g|lb|lbs|oz|ml|l|pcs|pc|pack|count|ct)?\s+(?:per\s+|in\s+(?:a\s+)?)?"
    r"(?:(?:resealable|gift|zipper|zip|retail|opp|dust|drawstring)\s+)?"
    r"|(?:resealable|gift|zipper|zip|retail|opp|dust|drawstring|in a|in)\s+)"
    r"(?:bag|bags|box|boxes|pouch|pouches|sack|sacks|carton|cartons|tin|tins|jar|jars|drum|pail|bucket)\b")
#: Packaging in Chinese: 袋装, 礼盒装, 6袋, 整箱 …
_ZH_PACKAGING_RE = re.compile(r"(?:\d+\s*[袋盒瓶罐箱包桶]装?|[袋盒瓶罐箱桶]装|礼盒装?|礼袋|整箱|箱装|独立包装|密封袋装)")
#: Colour names: a noun that lends its colour, then a colour word ("pearl white", "champagne gold", "rose gold",
#: 珍珠白, 香槟金, 玫瑰金). A colour is an attribute of the product, not the product: the name goes.
COLOUR_SOURCES = ("pearl", "pearly", "ivory", "champagne", "rose", "coffee", "wine", "milk", "milky", "snow", "cream",
                  "jet", "sky", "navy", "olive", "mint", "lemon", "peach", "cherry", "chocolate", "sand", "stone",
                  "ash", "bone", "ice", "moon", "ocean", "forest", "gunmetal", "gun", "space", "midnight", "royal",
                  "pine", "army", "coral", "jade", "ruby", "sapphire", "emerald", "lake", "sea", "wood")
COLOUR_WORDS = ("white", "black", "gold", "golden", "silver", "grey", "gray", "blue", "red", "pink", "green",
                "yellow", "brown", "beige", "purple")
ZH_COLOUR_SOURCES = ("珍珠", "象牙", "香槟", "玫瑰", "咖啡", "奶油", "薄荷", "橄榄", "宝石", "樱花", "孔雀", "月光",
                     "太空", "石墨", "珊瑚", "翡翠", "钛金", "深空", "雅典", "星空", "冰川", "烟灰", "琥珀")
ZH_COLOUR_CHARS = "白黑金银灰蓝红绿紫黄棕粉"
_EN_COLOUR_RE = re.compile(rf"\b(?:{'|'.join(COLOUR_SOURCES)})\s+(?:{'|'.join(COLOUR_WORDS)})\b")
_ZH_COLOUR_RE = re.compile(rf"(?:(?:{'|'.join(ZH_COLOUR_SOURCES)})[{ZH_COLOUR_CHARS}]色?"
                           r"|(?:米白|奶白|天蓝|军绿|藏青|酒红)色?)")
#: Wearer or user words: (words, the industry that makes apparel and goods for them).
WEARERS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "childrens-clothing": (frozenset(("kid", "kids", "children", "child", "childrens", "toddler", "toddlers",
                                      "baby", "babies", "infant", "infants", "boys", "girls", "newborn")),
                           ("儿童", "童装", "宝宝", "婴儿", "婴幼儿", "幼儿", "男童", "女童", "中大童", "小童",
                            "小孩", "新生儿", "童")),
    "pet-supplies": (frozenset(("pet", "pets", "dog", "dogs", "puppy", "puppies", "cat", "cats", "kitten",
                                "doggy")),
                     ("宠物", "狗狗", "猫咪", "小型犬", "中型犬", "大型犬", "泰迪", "狗", "猫")),
}
#: Industries whose products a wearer word moves to the wearer's industry (garments and their kin).
APPAREL = frozenset(("womens-wear", "casual-wear", "shirts", "sweaters", "underwear", "swimwear", "workwear",
                     "down-feathers", "leather-fur-garments", "hanfu", "wedding-dresses", "denim", "scarves",
                     "home-textiles", "cashmere", "socks"))

#: Beyond apparel, goods that a pet word makes pet supplies (a pet stroller, bed, bowl or toothbrush).
PET_GOODS = APPAREL | frozenset(("kids-vehicles", "toys", "furniture", "luggage", "toothbrushes", "kitchenware",
                                 "mattresses"))
#: The industries each wearer moves (see :data:`WEARERS`).
WEARER_MOVES = {"childrens-clothing": APPAREL, "pet-supplies": PET_GOODS}

_SEG_RE = re.compile(r"\s+")
#: The markers of :data:`ZH_CUT_MARKERS` that contain no other marker (a title without them has none).
_ZH_CUT_FIRST = tuple(m for m in ZH_CUT_MARKERS if not any(o != m and o in m for o in ZH_CUT_MARKERS))
#: "羊绒质感", "cashmere feel", "marble look": the material is a look, not the product. Not 花纹 (a pattern or
#: tread: 铝花纹板 is aluminium checker plate), 波纹 (corrugated: 波纹管), 螺纹 (thread: 螺纹钢 is rebar), nor the 感 of
#: sensing (传感器, 互感器, 遥感, 感应灯, 感光).
_ZH_FEEL_RE = re.compile(r"[\u4e00-\u9fff]{1,4}(?:质感|手感|(?<![传互遥敏电磁光热压])感(?![应器光知])|风格|纹理|(?<![花波螺])纹)"
                         r"(?=[\s\u4e00-\u9fff]|$)")
_EN_FEEL_RE = re.compile(r"\b[a-z]+[ -](?:feel|look|effect|style|finish|like)\b")
#: "sugar free", "BPA-free": what the product lacks; "stone baked", "gold plated", "freeze dried", "hand
#: painted": how it was made. Neither names the product.
_EN_FREE_RE = re.compile(r"\b(?!free\b)[a-z0-9]+[ -]free\b"
                         r"(?![ -](?:shipping|shiping|delivery|postage|post|returns?)\b)")
#: What a compatible part claims ("replacement lenses for …", "spare blades", "universal"): not the product.
_EN_CLAIM_RE = re.compile(r"\b(?:replacement|replacements|replaceable|spare|universal)\b")
_EN_PROCESS_RE = re.compile(r"\b[a-z]+[ -](?:baked|fired|dried|plated|coated|painted|dipped|infused|smoked|cured)\b")


@dataclass(frozen=True)
class TitleParts:
    """A title read once: ``head`` (normalised text naming the product) and the wearer industries named."""

    text: str
    head: str
    wearers: tuple[str, ...] = ()


def read_title(text: str, known, *, keep_packaging: bool = False) -> TitleParts:
    """The head text of normalised ``text`` (see the module docstring).

    ``known(stem) -> bool`` says whether an English stem is a product word of the vocabulary (the cut at
    "for" / "with" waits for one). ``keep_packaging`` keeps English packaging words (for a title whose
    product is the package: "custom gift box magnetic closure").
    """
    head = _ZH_FEEL_RE.sub(" ", _ZH_PACKAGING_RE.sub(" ", text)) if has_cjk(text) else text
    head = _without_colour_names(head)
    if "feel" in head or "look" in head or "effect" in head or "finish" in head or "like" in head:
        head = _EN_FEEL_RE.sub(" ", head)
    if "free" in head:
        head = _EN_FREE_RE.sub(" ", head)
    if "ed" in head:
        head = _EN_PROCESS_RE.sub(" ", head)
    if "bag" in head or "box" in head or "pouch" in head or "sack" in head or "carton" in head \
            or "tin" in head or "jar" in head or "drum" in head or "pail" in head or "bucket" in head:
        head = head if keep_packaging else _EN_PACKAGING_RE.sub(" ", head)
    if has_cjk(head):
        head = _cut_zh(head)
    words = head.split()
    cut = None
    seen_product = False
    for i, w in enumerate(words):
        if w in EN_CUT_WORDS and seen_product:
            cut = i
            break
        if not seen_product and w.isascii() and w.isalpha() and known(stem(w)):
            seen_product = True
        elif not seen_product and not w.isascii() and has_cjk(w):
            seen_product = True
    if cut is not None:
        words = words[:cut]
    head = " ".join(words) or text
    return TitleParts(text, head, _wearers(text))


def without_claims(head: str) -> str | None:
    """``head`` without what a compatible part claims ("replacement", "spare", "universal": "replacement
    lenses" → "lenses"), or None when it has no such word. Tried only when the head as written matched nothing:
    "replacement brush heads" is itself a term."""
    if "replace" not in head and "spare" not in head and "universal" not in head:
        return None
    out = " ".join(_EN_CLAIM_RE.sub(" ", head).split())
    return out if out and out != head else None


def _without_colour_names(text: str) -> str:
    """``text`` without colour names (:data:`COLOUR_SOURCES` + :data:`COLOUR_WORDS`, 珍珠白 …), unless nothing
    else is left."""
    out = _EN_COLOUR_RE.sub(" ", text) if any(w in text for w in COLOUR_WORDS) else text
    if has_cjk(out):
        out = _ZH_COLOUR_RE.sub(" ", out)
    return out if out.strip() else text


#: Compatibility markers that close a segment naming what the product fits ("燃气灶电磁炉通用").
_ZH_END_MARKERS = ("通用", "专用", "配套", "适用", "兼容")
#: ... but not "for all seasons / both sexes / all ages" (四季通用, 男女通用): that describes the product.
_ZH_ALL_ROUND = ("四季", "男女", "老少", "春秋", "冬夏", "大小", "老人小孩", "大人小孩")


def _cut_zh(text: str) -> str:
    segs = _SEG_RE.split(text)
    if "专用" not in text and "通用" not in text and not any(m in text for m in _ZH_CUT_FIRST):
        return " ".join(seg for seg in segs if seg)  # most titles have no marker
    out = []
    for n, seg in enumerate(segs):
        if seg == "通用" and out:  # "燃气灶 电磁炉 通用": what it works with (not 四季通用: all seasons)
            for _ in range(2):
                if len(out) > 1 and has_cjk(out[-1]) and len(out[-1]) <= 4 and out[-1].isalpha():
                    out.pop()
            continue
        if seg in _ZH_END_MARKERS and out:  # "… 手扶拖拉机 配套": the segment before is what it fits
            if len(out) > 1 and has_cjk(out[-1]) and len(out[-1]) <= 6 and out[-1].isalpha():
                out.pop()
            continue
        if (out or n < len(segs) - 1) and any(seg.endswith(m) and len(seg) > len(m) + 1 for m in _ZH_END_MARKERS) \
                and not seg.startswith(_ZH_ALL_ROUND):
            continue  # "燃气灶电磁炉通用", "手扶拖拉机配套": what it fits, not what it is (四季通用 stays)
        if "专用" in seg:
            before, _, after = seg.partition("专用")
            seg = after if CJK_RUN_RE.search(after) else before  # 电磁炉专用锅 is a pot
        for m in ZH_CUT_MARKERS:
            k = seg.find(m)
            if k == 0 and len(out) == 0:
                seg = _after_fit_target(seg[len(m):])  # 适用于iPhone15手机壳: the case is sold
            elif k >= 0:
                seg = seg[:k]
        if seg:
            out.append(seg)
    return " ".join(out)


#: A fit target written before the product: a Latin brand or model code ("iPhone15", "V11", "MatePad").
_ZH_FIT_TARGET_RE = re.compile(r"^.*[a-z0-9][a-z0-9.\-]*(?=[\u4e00-\u9fff])")


def _after_fit_target(rest: str) -> str:
    """What a title's lead segment sells after a compatibility marker: the Chinese after the last Latin brand
    or model code (适用于iPhone15手机壳 → 手机壳), else the whole rest (适用于丰田卡罗拉刹车片: the product
    term is found inside it)."""
    cut = _ZH_FIT_TARGET_RE.sub("", rest)
    return cut if CJK_RUN_RE.search(cut) else rest


def _wearers(text: str) -> tuple[str, ...]:
    words = set(WORD_RE.findall(text))
    out = []
    cjk = "".join(CJK_RUN_RE.findall(text))
    for ind, (en, zh) in WEARERS.items():
        if words & en or (cjk and any(z in cjk for z in zh)):
            out.append(ind)
    return tuple(out)


_ZH_NOISE = tuple(sorted({*ZH_MODIFIERS, *ZH_STOPWORDS}, key=len, reverse=True))


def head_phrase(head: str, max_words: int = 4) -> str:
    """A few words naming the product of a head text: digits, sizes, generic and marketing words dropped
    (English: the first ``max_words`` that are left; Chinese: the first segment, at most eight characters)."""
    words = []
    for w in head.split():
        if has_cjk(w):
            cjk = "".join(CJK_RUN_RE.findall(w))
            for noise in _ZH_NOISE:
                cjk = cjk.replace(noise, "")
            if len(cjk) >= 2:
                words.append(cjk[:8])
            continue
        if _content_stem(w) is None:
            continue
        words.append(w)
        if len(words) >= max_words:
            break
    return " ".join(words[:max_words]) or head.strip()


def lead_segment(head: str) -> str | None:
    """The first segment of a spaced title with Chinese in it (``"汽车刹车片 前片 陶瓷"`` → ``"汽车刹车片"``),
    generic and marketing words skipped; None for English titles and for a single segment."""
    if not has_cjk(head):
        return None
    segs = head.split()
    if len(segs) < 2:
        return None
    for seg in segs:
        core = seg
        if has_cjk(seg):
            for noise in _ZH_NOISE:
                core = core.replace(noise, "")
            if len(core) >= 2:
                return seg
        elif seg.isalpha() and len(seg) >= 3 and stem(seg) not in STOPWORDS and stem(seg) not in MODIFIERS:
            return seg
    return None


def uncovered_lead(head: str, index=None) -> bool:
    """True when the lead of a head text names a product the atlas does not cover: a word of
    :data:`~clusteratlas.search._words.NOT_COVERED` among its first three content words (Chinese: in its
    first three segments, or first eight characters when it is not spaced; not after a whole segment that ends
    with an industry's term when ``index`` is given: "猫粮 成猫 幼猫" is cat food)."""
    from clusteratlas.search._words import NOT_COVERED, ZH_NOT_COVERED

    if has_cjk(head):
        segs = head.split()
        lead = " ".join(segs[:3]) if len(segs) > 1 else head[:8]
        at = min((lead.find(z) for z in ZH_NOT_COVERED if z in lead), default=-1)
        if at >= 0 and (index is None or not _product_segment_before(lead[:at], index)):
            return True
    words = head.split()
    if _NOT_COVERED_WORDS.isdisjoint(words[:12]):  # cheap test first: most titles name none
        return False
    return any(s in NOT_COVERED for s in _content_stems(head)[:3]) or _not_covered_phrase(words[:6])


def _not_covered_phrase(words: list[str]) -> bool:
    """True when two adjacent words among ``words`` name a product no industry makes
    (:data:`~clusteratlas.search._words.NOT_COVERED_PHRASES`: "bottled mineral water … 24 bottles") and no
    equipment word follows them ("mineral water dispenser")."""
    from clusteratlas.search._words import NOT_COVERED_PHRASE_USES, NOT_COVERED_PHRASES

    for i in range(len(words) - 1):
        if (stem(words[i]), stem(words[i + 1])) in NOT_COVERED_PHRASES:
            return i + 2 >= len(words) or stem(words[i + 2]) not in NOT_COVERED_PHRASE_USES
    return False


def _product_segment_before(text: str, index) -> bool:
    """True when a whole segment of ``text`` (the title before a not-covered word) ends with an industry's
    Chinese term: "猫粮 成猫 幼猫" is cat food for kittens, "宠物狗 活体" is a live dog."""
    from clusteratlas.search._fast import fast_titles

    owners = fast_titles(index).zh_owners
    for seg in text.split()[:-1] if not text.endswith(" ") else text.split():
        if any(seg[i:] in owners for i in range(max(0, len(seg) - 8), len(seg) - 1)):
            return True
    return False


#: Endings of feature adjectives ("waterproof", "foldable", "rechargeable", "wireless"): an unknown word with
#: one of them describes the product and names none.
FEATURE_ENDINGS = ("proof", "able", "ible", "less", "ful")


def unknown_lead(head: str, known) -> bool:
    """True when the first content word of an English head text is no vocabulary word ("tennis racket
    carbon fiber"); unknown feature adjectives before it (:data:`FEATURE_ENDINGS`: "waterproof electric
    bicycle") are skipped."""
    if has_cjk(head):
        return False
    words = [w for w in head.split() if w.isalpha() and len(w) >= 2
             and stem(w) not in STOPWORDS and stem(w) not in MODIFIERS]
    for w in words:
        if known(stem(w)):
            return False
        if len(w) < 7 or not w.endswith(FEATURE_ENDINGS):
            return True
    return False


def _content_stem(w: str) -> str | None:
    """The stem of a Latin content word of a head (None for digits, one letter, stop and generic words)."""
    if not w.isalpha() or len(w) < 2:
        return None
    s = stem(w)
    return None if s in STOPWORDS or s in MODIFIERS else s


def _content_stems(head: str) -> list[str]:
    return [s for s in map(_content_stem, head.split()) if s is not None]


#: Words whose keep-or-replace decision is remembered per index.
REDUCER_WORDS = 200_000
#: Heads with more words than this are reduced (:func:`reduce_head`) before matching.
REDUCE_MIN_WORDS = 4
_PLACEHOLDERS = tuple("zq" + c for c in "abcdefghijklmnopqrstuvwxyz")


def reduce_head(head: str, index) -> str:
    """The head text with everything that cannot change its match replaced, so that titles differing only in
    model codes, sizes, brand names or other words unknown to the vocabulary share one reading (and one
    cached result): numbers and codes become one "0" (they weigh nothing and keep apart the words on either
    side), each distinct unknown English word becomes a placeholder word (it still
    dilutes coverage as an unknown word does), and Chinese characters outside every vocabulary term, place
    name and word list become one placeholder character (the length that coverage is measured on stays).
    Short heads (fewer than :data:`REDUCE_MIN_WORDS` words, without Chinese) are returned as they are."""
    cjk = has_cjk(head)
    words = head.split()
    if not cjk and len(words) < REDUCE_MIN_WORDS:
        return head
    keep, automaton, filler = _reducer(index)
    out = []
    unknown: dict[str, str] = {}
    for w in words:
        if w.isascii():
            k = keep.get(w)
            if k is None:
                k = keep.set(w, _keep_word(w, index))
            if k:
                out.append(w)
            elif not any(ch.isdigit() for ch in w) or w.isalpha():
                ph = unknown.get(w)
                if ph is None:
                    ph = unknown[w] = _PLACEHOLDERS[min(len(unknown), len(_PLACEHOLDERS) - 1)]
                out.append(ph)
            elif not out or out[-1] != "0":
                out.append("0")  # numbers and codes weigh nothing, but "keyboard 87 keys" is no compound
        else:
            out.append(_reduce_cjk(w, automaton, filler, index, keep, unknown))
    return " ".join(o for o in out if o)


def _reduce_cjk(w: str, automaton, filler: str, index, keep: dict, unknown: dict) -> str:
    marks = bytearray(len(w))
    for end, length in automaton.iter(w):
        marks[end - length + 1:end + 1] = b"\x01" * length
    chars = []
    for i, ch in enumerate(w):
        if marks[i] or not is_cjk_char(ch):
            chars.append(ch)
        else:
            chars.append(filler)
    s = "".join(chars)
    if not s.isascii() and any(c.isascii() and c.isalnum() for c in s):
        # Latin parts glued to Chinese ("PU皮", "mini3"): kept as written when they are vocabulary words
        parts = re.split(r"([a-z0-9']+)", s)
        rebuilt = []
        for p in parts:
            if p and p.isascii() and p[0].isalnum():
                k = keep.get(p)
                if k is None:
                    k = keep.set(p, _keep_word(p, index))
                if k:
                    rebuilt.append(p)
                elif p.isalpha():
                    ph = unknown.get(p)
                    if ph is None:
                        ph = unknown[p] = _PLACEHOLDERS[min(len(unknown), len(_PLACEHOLDERS) - 1)]
                    rebuilt.append(" " + ph + " ")
            else:
                rebuilt.append(p)
        s = "".join(rebuilt)
    return s


def _keep_word(w: str, index) -> bool:
    from clusteratlas.search._words import NON_PRODUCT, NOT_COVERED

    if not w.isalpha():
        return stem(w) in index.industry_voc.by_token  # "18650", "rj45": codes that are vocabulary words
    s = stem(w)
    voc = index.industry_voc
    return (s in voc.by_token or s in index.cluster_voc.by_token or s in STOPWORDS or s in MODIFIERS
            or s in NON_PRODUCT or s in NOT_COVERED or w in EN_CUT_WORDS or w in _INTENT_WORDS
            or w in _WEARER_WORDS or w in index.place_keys or w in voc.by_pinyin
            or (len(w) >= 7 and w.endswith(FEATURE_ENDINGS)))  # unknown_lead skips feature adjectives


_WEARER_WORDS = frozenset().union(*(en for en, _ in WEARERS.values()))
_NOT_COVERED_WORDS = frozenset(("puppy", "puppies", "kitten", "kittens", "racket", "rackets", "racquet",
                                "racquets", "cement", "detergent", "detergents", "cookbook", "cookbooks",
                                "textbook", "textbooks", "paperback", "ebook", "water", "cake", "oil", "soap", "paper", "tissue"))


def _intent_words() -> frozenset[str]:
    from clusteratlas.search._query import INTENT_WORDS

    return frozenset(w for p in INTENT_WORDS for w in p.split())


_INTENT_WORDS = _intent_words()


def _reducer(index):
    def build():
        import ahocorasick

        from clusteratlas.search._query import INTENT_WORDS
        from clusteratlas.search._words import (REMOTE_CONTROL_WORDS, ZH_NON_PRODUCT, ZH_NOT_COVERED,
                                                ZH_PRODUCT_ENDINGS)

        keys = set(index.industry_voc.cjk_exact) | set(index.cluster_voc.cjk_exact) | set(index.place_zh)
        keys |= {*ZH_MODIFIERS, *ZH_STOPWORDS, *ZH_NOT_COVERED, *ZH_NON_PRODUCT, *ZH_CUT_MARKERS}
        keys |= {z for _, zh in WEARERS.values() for z in zh}
        keys |= {p for p in INTENT_WORDS if has_cjk(p)}
        keys |= {r for r in REMOTE_CONTROL_WORDS if has_cjk(r)}  # 儿童 遥控 挖掘机 is a toy (match._for_pet_or_child)
        keys |= {w + c for w in ZH_NON_PRODUCT for c in ZH_PRODUCT_ENDINGS}  # 咨询台 stays a product word
        keys |= {t.cjk for t in index.industry_voc.terms if t.cjk}
        a = ahocorasick.Automaton()
        for k in keys:
            if k:
                a.add_word(k, len(k))
        a.make_automaton()
        used = set("".join(keys))
        filler = next(c for c in "丨丶丿乀乁乚亅" if c not in used)
        return BoundedCache(REDUCER_WORDS), a, filler

    return index.caches["derived"].get_or_set("title_reducer", build)


#: China as a place of origin or a route ("from China", "made in China", "China to USA"), not porcelain.
_ORIGIN_RE = re.compile(r"\b(?:from|to|in|via)\s+china\b|\bchina\s+(?=to\s|-\s)")


def without_origin(text: str) -> str:
    """Normalised ``text`` without "China" where it names where goods come from or go ("Container Shipping from
    China to Australia", "China to UK", "made in China"): the ceramics term "china" means porcelain."""
    if "china" not in text:
        return text
    out = " ".join(_ORIGIN_RE.sub(" ", text).split())
    return out or text


#: A title that starts with a package ("custom gift box …", "kraft zipper bags …"): the package is the product.
_LEAD_PACKAGE_RE = re.compile(r"^(?:[a-z]+\s+){0,2}(?:resealable|gift|zipper|zip|retail|opp|dust|drawstring)\s+"
                              r"(?:bag|bags|box|boxes|pouch|pouches)\b")


def package_lead(text: str) -> bool:
    """True when normalised ``text`` names a package among its first words ("custom gift box magnetic closure
    rigid"): read with ``keep_packaging`` (:func:`read_title`), it is the product, not the packaging."""
    return _LEAD_PACKAGE_RE.match(text) is not None
