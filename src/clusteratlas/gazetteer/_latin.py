"""Mentions in Latin text and codes: pinyin, English names with type words, typos, MCA codes.

Private module: the public API is :mod:`clusteratlas.gazetteer`. A Latin part of a query is split into
tokens; token spans are looked up as pinyin keys (stems, full names with the type syllable, other readings
of polyphonic characters, former names), English exonyms, aliases and known misspellings, and type words
("Town", "City", "qu") weigh the candidates. Words nothing matched get their closest names (rapidfuzz).
A part that is only a six- or nine-digit number is looked up as a current or former MCA code.
"""

from __future__ import annotations

from clusteratlas.gazetteer import _tables as gd
from clusteratlas.gazetteer._names import ETHNIC_WORDS, NOISE_WORDS, ROAD_WORDS, TYPE_BIGRAMS, TYPE_WORDS, latin_key, latin_tokens
from clusteratlas.gazetteer._rank import Cand, Mention, add_cand
from clusteratlas.gazetteer._zones import LATIN_ZONE_TOKENS


def _type_weight(unit_suffix: str, entry_suffix: str, types: frozenset[str] | None) -> float:
    if not types:
        return 1.0
    if entry_suffix and entry_suffix in types:
        return 1.0
    if unit_suffix in types and not entry_suffix:
        return 1.0
    return 0.7


def _ethnic_before_autonomous(keys: list[str], k: int) -> bool:
    """An ethnic word followed, within three words, by "autonomous" (Yanbian *Korean* Autonomous …)."""
    return keys[k] in ETHNIC_WORDS and "autonomous" in keys[k + 1:k + 4]


def latin_mentions(part: str, near: bool = False) -> list[Mention]:
    """Mentions in one Latin part of a query (no commas inside). ``near``: the query has other Latin parts,
    so a word that is also a near miss of another name offers that reading too (see below)."""
    index = gd.latin_index()
    tokens = []
    for key, mask in latin_tokens(part):
        pieces = split_glued(key, mask, index) if key not in index and len(key) >= _GLUED_MIN \
            and not _near_name(key) else None
        tokens.extend(pieces or [(key, mask)])
    keys = [k for k, _ in tokens]
    n = len(tokens)
    if n == 0:
        return []
    # dynamic programme over tokens: best[i] = (covered tokens, -spans, list of (i, j, type_end))
    best: list[tuple[int, int, list[tuple[int, int, int]]]] = [(0, 0, [])] * (n + 1)
    for i in range(n - 1, -1, -1):
        cand = (best[i + 1][0], best[i + 1][1], best[i + 1][2])  # skip token i
        for j in range(min(n, i + 9), i, -1):  # longest first: a zone's English name beats its place + type

            key = "".join(keys[i:j])
            if key not in index or keys[i] in NOISE_WORDS and j == i + 1:
                continue
            if j < n and keys[j] in ROAD_WORDS:
                continue  # "Jianshe Road" is a road, not 建设镇
            t_end = j
            while t_end < n and (keys[t_end] in TYPE_WORDS or (t_end + 1 < n and (
                    keys[t_end], keys[t_end + 1]) in TYPE_BIGRAMS) or _ethnic_before_autonomous(keys, t_end)):
                t_end += 2 if (t_end + 1 < n and (keys[t_end], keys[t_end + 1]) in TYPE_BIGRAMS) else 1
            covered = best[t_end][0] + (t_end - i)
            spans = best[t_end][1] - 1
            if (covered, spans) > (cand[0], cand[1]):
                cand = (covered, spans, [(i, j, t_end)] + best[t_end][2])
        best[i] = cand
    out: list[Mention] = []
    units = gd.units()
    for i, j, t_end in best[0][2]:
        key = "".join(keys[i:j])
        # syllable boundaries the query states: inside tokens, and between tokens of the span
        mask, pos = 0, 0
        for k in range(i, j):
            mask |= tokens[k][1] << pos
            pos += len(keys[k])
            if k < j - 1:
                mask |= 1 << pos
        types: frozenset[str] | None = None
        english = False
        k = j
        while k < t_end:
            if _ethnic_before_autonomous(keys, k):
                k += 1
                continue
            if k + 1 < t_end and (keys[k], keys[k + 1]) in TYPE_BIGRAMS:
                word = keys[k] + keys[k + 1]
                k += 2
            else:
                word = keys[k]
                k += 1
            types = (types or frozenset()) | TYPE_WORDS.get(word, frozenset())
            english = english or word in _ENGLISH_TYPE_WORDS
        cands: dict[str, Cand] = {}
        for (codes, q, match, suffix, note), bmask in index[key]:
            if mask & ~bmask and match in ("pinyin", "former_name"):
                q *= 0.6  # the query separates syllables where this name has no boundary (Gu'an vs Guan)
            for code in codes:
                unit = units[code]
                w = _type_weight(unit.suffix, suffix, types)
                if w < 1.0 and unit.level == 4 and types and not types & TOWN_TYPES:
                    continue  # "Baihe County" names a county: 百合镇 is no answer
                qq = q * w
                if types and w == 1.0 and q <= 0.5:  # one-syllable stem confirmed by its type: Pei County
                    qq = 0.95
                m = "english" if (english and match == "pinyin") else match
                add_cand(cands, code, (qq, m, note))
        several = len(best[0][2]) >= 2
        if (near or several) and len(key) >= 5 and (near or not mask):
            # several names in one part ("Jiaxin Tongxiang") or in the query ("Dongguang City, Guangdong"): a
            # word that is also a near miss of another name (jiaxin ~ jiaxing, dongguang ~ dongguan) offers that
            # reading too, weaker, so that the reading consistent with the other names can win over an exact but
            # unrelated unit (加信镇, 东光县 of Hebei)
            # across parts only one slip (one edit: dongguang ~ dongguan, not lingnan ~ liannan)
            one_slip = not (several and not mask)
            for m in fuzzy_mentions(key, cjk=False, one_slip=one_slip):
                for code, cand in m.cands.items():
                    if code in cands or units[code].level == 4 and (one_slip or types and not types & TOWN_TYPES):
                        continue  # "Baihe County" names a county: a township is no reading of it
                    cands[code] = cand
        out.append(Mention(" ".join(keys[i:t_end]), cands, "latin"))
    if out:  # words no span covered (typos such as "Zhuij"): closest names
        covered = set()
        for i, _j, t_end in best[0][2]:
            covered.update(range(i, t_end))
        for k, key in enumerate(keys):
            if k not in covered and len(key) >= 4 and key not in NOISE_WORDS and key not in TYPE_WORDS \
                    and key not in LATIN_ZONE_TOKENS \
                    and key not in ROAD_WORDS and not (k + 1 < n and keys[k + 1] in ROAD_WORDS):
                out.extend(fuzzy_mentions(key, cjk=False))
    return out


#: Shortest token tried as several names written together (guangdongshengshantoushi).
_GLUED_MIN = 8
#: Shortest place key accepted as a piece of a glued token (shorter keys split anything: "an", "li").
_PIECE_MIN = 4


def split_glued(key: str, mask: int, index) -> list[tuple[str, int]] | None:
    """A token that is several names and type syllables written together ("guangdongshengshantoushi",
    "GuangdongShantouChenghai") as ``(key, boundary_mask)`` pieces; None unless at least two indexed keys (of
    four letters or more) or type words (sheng, shi, qu, xian, zhen …) cover the token from its start, over
    eight letters or more. The longest such cover wins, with the fewest pieces; what it leaves at the end
    (a village, a road) stays one token. Camel-case boundaries, when the token has any, must be piece
    boundaries."""
    n = len(key)
    # reach[j]: fewest pieces covering key[:j] (None: not coverable)
    reach: list[list[str] | None] = [None] * (n + 1)
    reach[0] = []
    for i in range(n):
        done = reach[i]
        if done is None or (mask and i and not mask >> i & 1):
            continue
        for j in range(i + 1, n + 1):
            piece = key[i:j]
            if not ((len(piece) >= _PIECE_MIN and piece in index) or piece in TYPE_WORDS):
                continue
            if reach[j] is None or len(done) + 1 < len(reach[j]):
                reach[j] = done + [piece]
    stop = max((j for j in range(_GLUED_MIN, n + 1) if reach[j] and len(reach[j]) >= 2
                and (j == n or not mask or mask >> j & 1)), default=0)
    if not stop:
        return None
    pieces = reach[stop] + ([key[stop:]] if stop < n else [])
    out, pos = [], 0
    for piece in pieces:
        out.append((piece, (mask >> pos) & ((1 << len(piece)) - 1) & ~1))
        pos += len(piece)
    return out


TOWN_TYPES = frozenset(("镇", "乡", "街道", "民族乡", "苏木"))
_ENGLISH_TYPE_WORDS = frozenset(
    "province municipality autonomousregion region sar city prefecture autonomousprefecture league county "
    "autonomouscounty banner autonomousbanner district newarea newdistrict town towns township subdistrict "
    "street streets specialdistrict urbandistrict countylevel ethnictownship".split())


def _near_name(key: str) -> bool:
    """Whether ``key`` is one slip (one edit, ratio >= 90) from a name (Zhongshang for Zhongshan), in which
    case it is read as that name's typo, not split into short names written together (zhong + shang)."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    by_len = gd.latin_keys_by_length()
    pool = [k for length in range(len(key) - 1, len(key) + 2) for k in by_len.get(length, ())]
    return any(fuzz.ratio(key, f) >= 90 for f, _d, _ in
               process.extract(key, pool, scorer=Levenshtein.distance, score_cutoff=1, limit=8))


def fuzzy_mentions(text: str, *, cjk: bool, one_slip: bool = False) -> list[Mention]:
    """Closest Latin keys (rapidfuzz ratio >= 80; with ``one_slip``, one edit away) for a word nothing else
    matched; Chinese via its pinyin."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    from clusteratlas._text import pinyin_syllables

    key = "".join(pinyin_syllables(text)) if cjk else latin_key(text)
    if len(key) < 4:
        return []
    pool: list[str] = []
    by_len = gd.latin_keys_by_length()
    for length in range(len(key) - 2, len(key) + 3):
        pool.extend(by_len.get(length, ()))
    index = gd.latin_index()
    cands: dict[str, Cand] = {}
    if one_slip:
        found_keys = [(f, r) for f, _d, _ in
                      process.extract(key, pool, scorer=Levenshtein.distance, score_cutoff=1, limit=8)
                      if (r := fuzz.ratio(key, f)) >= 90]  # and not a short name (donghu is no honghu)
    else:
        found_keys = [(f, sc) for f, sc, _ in process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=80, limit=8)]
    for found, score in found_keys:
        for (codes, q, match, _suffix, _note), _mask in index[found]:
            for code in codes:
                add_cand(cands, code, (0.6 * q * score / 100.0, "fuzzy", f"closest name to {text!r}: {found}"))
    return [Mention(text, cands, "fuzzy")] if cands else []


def code_mentions(text: str) -> list[Mention]:
    """A part that is only a code: a six- or nine-digit MCA code (current or former), a 12-digit NBS
    township code (统计用区划代码), a nine-digit NBS code (its first nine digits), or a six-digit NBS code of a
    development zone; numbers inside addresses (postcodes, house numbers) are not codes.

    Each candidate's note says which code system read it that way. NBS and MCA township codes are different
    systems (440606101 is 北滘镇 for the MCA and 陈村镇 for the NBS): a nine-digit code that is both gives both
    readings, the MCA one first, and the answer is flagged ambiguous.
    """
    from clusteratlas.gazetteer._history import NBS_VINTAGE, nbs_codes, succession_codes

    units = gd.units()
    text = text.strip()
    if not (text.isdigit() and len(text) in (6, 9, 12)):
        return []
    nbs = nbs_codes()
    cands: dict[str, Cand] = {}
    if len(text) == 12:
        mca, name = nbs.get(text, ("", ""))
        if mca:
            cands[mca] = (1.0, "exact", f"NBS code ({NBS_VINTAGE}) of {name}; MCA code {mca}")
        elif text in succession_codes():
            pass  # a township code that ended (below)
        elif text[:6] in units:  # a county's NBS code, or a township the MCA table does not list: its county
            what = f"NBS code of {name}, which the MCA table does not list" if name else "NBS code"
            cands[text[:6]] = (1.0 if text.endswith("000000") else 0.9, "exact",
                               f"{what}; its county part {text[:6]} is the MCA code of {units[text[:6]].name}")
    else:
        if text in units:
            cands[text] = (1.0, "exact", "MCA code (2025-12-31)")
        elif len(text) == 9 and text.endswith("000") and text[:6] in units:
            cands[text[:6]] = (1.0, "exact", "MCA code (2025-12-31), written with nine digits")
        for current in gd.former_codes().get(text, ()):
            add_cand(cands, current, (0.9, "former_name", f"{text} is a former code of {units[current].name}"))
        mca, name = nbs.get(text + "000" if len(text) == 9 else text, ("", ""))
        if mca and mca not in cands:
            zone = " (a development zone)" if len(text) == 6 else ""
            add_cand(cands, mca, (0.98 if cands else 1.0, "exact",
                                  f"read as an NBS code ({NBS_VINTAGE}): {name}{zone}; MCA code {mca}"))
        elif mca and len(text) == 9:
            cands[mca] = (cands[mca][0], cands[mca][1], cands[mca][2] + "; also its NBS code")
    if not cands:  # a code that ended since 1980 (长岛县 370634; 龙港镇's NBS code 330327101000)
        codes, note = succession_codes().get(text, ((), ""))
        for code in codes:
            add_cand(cands, code, (0.9, "former_name", note))
    return [Mention(text, cands, "code")] if cands else []
