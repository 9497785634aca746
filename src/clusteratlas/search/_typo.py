"""Typos in marketplace titles, tried only for titles that matched nothing as written.

Private module: used by :mod:`clusteratlas.match`. English: a word one edit (two from nine letters) from a
vocabulary word when the edit looks like a typo (:func:`_likely_typo`). Chinese: a homophone of a vocabulary
term (罗丝 → 螺丝), else one wrong character of a term that sounds alike under the fuzzy pinyin of input methods
(哑玲 → 哑铃, 牙涮 → 牙刷; :func:`_zh_near_sounds`), unless the characters are a real word as written
(:func:`_written_word`: 坩埚 is no 干果, 演唱会 holds no 验厂).
"""

from __future__ import annotations

from clusteratlas._cache import once
from clusteratlas._text import CJK_RUN_RE, has_cjk, stem
from clusteratlas.search._words import MODIFIERS, STOPWORDS


def corrected_title(text: str, index) -> str | None:
    """``text`` with likely typos corrected, or None when nothing changed: English words one edit (two from
    nine letters) from a vocabulary word (:meth:`Vocabulary.correct`) when the edit looks like a typo
    (:func:`_likely_typo`), Chinese homophones of a vocabulary term (罗丝 → 螺丝,
    圣旦树 → 圣诞树: same toneless pinyin, and not a whole two-character word such as 食材). Used only for
    titles that matched nothing as written."""
    voc = index.industry_voc
    changed = False
    out = []
    for w in text.split():
        if has_cjk(w):
            fixed = _zh_homophones(w, index)
            if fixed == w:
                fixed = _zh_near_sounds(w, index)
            changed |= fixed != w
            out.append(fixed)
            continue
        if len(w) >= 4 and w.isalpha() and stem(w) not in voc.by_token and stem(w) not in STOPWORDS \
                and stem(w) not in MODIFIERS:
            fix = voc.correct(w, _likely_typo) or _vowel_swap(w, voc)
            if fix is not None:
                out.append(fix)
                changed = True
                continue
        out.append(w)
    return " ".join(out) if changed else None


#: Letters that sound alike in English spelling: a typo swaps one for the other ("fense", "bycicle", "helmat").
_SOUND_ALIKE = (frozenset("aeiouy"), frozenset("sc"), frozenset("ck"), frozenset("sz"))


_VOWELS_Y = frozenset("aeiouy")


def _vowel_swap(word: str, voc) -> str | None:
    """The vocabulary word that ``word`` is with two vowels (or y) one letter apart swapped back ("bycicle" →
    "bicycle": two edits, but one slip of the ear), or None."""
    for i in range(len(word) - 2):
        a, b = word[i], word[i + 2]
        if a != b and a in _VOWELS_Y and b in _VOWELS_Y:
            cand = word[:i] + b + word[i + 1] + a + word[i + 3:]
            if cand in voc.words:
                return cand
    return None


def _likely_typo(word: str, fix: str) -> bool:
    """A dropped letter ("dres", "wirless"), a doubled letter ("wallett") or two swapped letters ("handbga") at
    any length; another letter ("excavater") from eight letters on, or from five when the two letters sound
    alike (vowels, s/c, c/k, s/z: "fense", "bycicle"): "charter" is no typo of "charger", nor "match" of
    "watch"."""
    if len(fix) == len(word) + 1 or len(word) >= 8:
        return True
    if len(fix) == len(word) - 1:
        return any(word[i] == word[i - 1] and word[:i] + word[i + 1:] == fix for i in range(1, len(word)))
    if len(fix) != len(word):
        return False
    if sorted(fix) == sorted(word):
        return True
    diff = [(a, b) for a, b in zip(word, fix) if a != b]
    return len(word) >= 5 and len(diff) == 1 and any(set(diff[0]) <= g for g in _SOUND_ALIKE)


def _zh_pinyin_terms(index) -> dict[str, str]:
    def build():
        voc = index.industry_voc
        out: dict[str, str] = {}
        for t in voc.terms:
            if not t.negative and len(t.cjk) >= 2 and t.cjk == "".join(CJK_RUN_RE.findall(t.cjk)) and t.pinyin:
                out.setdefault(t.pinyin, t.cjk)
        return out
    return index.caches["derived"].get_or_set("zh_pinyin_terms", build)


def _syllables(run: str) -> list[str] | None:
    """Toneless everyday pinyin of a run of Chinese characters, one syllable per character (else None)."""
    from clusteratlas._text import _pinyin_module

    syl = _pinyin_module().lazy_pinyin(run, v_to_u=False)
    return syl if len(syl) == len(run) else None


def _zh_homophones(word: str, index) -> str:
    table = _zh_pinyin_terms(index)
    exact = index.industry_voc.cjk_exact
    out = word
    for run in CJK_RUN_RE.findall(word):
        syl = _syllables(run)
        if syl is None:
            continue
        n = len(run)
        i = 0
        fixed = []
        while i < n:
            for j in range(min(n, i + 6), i + 1, -1):
                sub = run[i:j]
                cand = table.get("".join(syl[i:j]))
                if cand and cand != sub and sub not in exact and len(cand) == j - i and (j - i < n or n >= 3) \
                        and not _written_word(run, i, j, cand):
                    fixed.append(cand)
                    i = j
                    break
            else:
                fixed.append(run[i])
                i += 1
        new = "".join(fixed)
        if new != run:
            out = out.replace(run, new, 1)
    return out


#: A dictionary word counts as written on purpose from this corpus count on (jieba's counts: 坩埚 57, 五条 179).
_WORD_MIN_COUNT = 5
#: ... and a whole written word is still a typo of a term this many times commoner (茶业 74 → 茶叶 1,496).
_COMMONER = 10


@once
def _zh_words() -> dict[str, int]:
    """Chinese words of two to six characters with their corpus counts (at least :data:`_WORD_MIN_COUNT`), read
    from the dictionary that ships with jieba; empty without jieba (then no correction is refused). Loaded once
    per process, on the first Chinese typo: from the disk cache (about 0.05 s), else from jieba's file (about
    0.7 s, then cached)."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a base dependency
        return {}
    from pathlib import Path

    from clusteratlas import _cache

    path = Path(jieba.__file__).parent / "dict.txt"
    key = _cache.fingerprint(f"zh words {_WORD_MIN_COUNT}", (), (path,), path.parent)
    got = _cache.load("zhwords", key, dict)
    if got is not None:
        return got
    out: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, count, *_ = line.split(" ")
            if 2 <= len(word) <= 6 and int(count) >= _WORD_MIN_COUNT:
                out[word] = int(count)
    _cache.save("zhwords", key, out)
    return out


def _written_word(run: str, i: int, j: int, term: str) -> bool:
    """True when the characters ``run[i:j]``, which sound like the vocabulary term ``term``, are a real word as
    written, so no typo: a dictionary word overlaps them and reaches outside them (卫生间 over 生间 ≠ 生姜, 演唱会
    over 演唱 ≠ 验厂, 英语 over 研英 ≠ 眼影, 排水 over 水篦 ≠ 水笔), or they are themselves a word unless the term is
    :data:`_COMMONER` times commoner (坩埚 ≠ 干果, 五条 ≠ 钨条; 茶业 → 茶叶 stays a typo).

    References
    ----------
    .. [1] Sun J. *jieba: Chinese word segmentation*, dictionary ``dict.txt`` (349,046 words with corpus counts).
    """
    words = _zh_words()
    if not words:
        return False
    n = len(run)
    for a in range(max(0, i - 5), j):
        for b in range(max(a + 2, i + 1), min(n, a + 6) + 1):
            if (a < i or b > j) and run[a:b] in words:
                return True
    count = words.get(run[i:j], 0)
    return count > 0 and words.get(term, 0) < _COMMONER * count


def _zh_one_off_terms(index) -> dict[str, list[tuple[str, str]]]:
    """Chinese terms (two to six characters) by each form with one character blanked (哑铃 → "哑\0",
    "\0铃"): (term, toneless pinyin of the blanked character)."""
    def build():
        out: dict[str, list[tuple[str, str]]] = {}
        for t in index.industry_voc.terms:
            c = t.cjk
            if t.negative or not 2 <= len(c) <= 6 or c != "".join(CJK_RUN_RE.findall(c)):
                continue
            syl = _syllables(c)
            if syl is None:
                continue
            for k in range(len(c)):
                out.setdefault(c[:k] + "\0" + c[k + 1:], []).append((c, syl[k]))
        return out
    return index.caches["derived"].get_or_set("zh_one_off_terms", build)


def _fuzzy_syllable(py: str) -> str:
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if py.startswith(a):
            py = b + py[2:]
    if py.startswith("n"):
        py = "l" + py[1:]
    return py[:-1] if py.endswith("ng") else py


def _near_syllables(a: str, b: str) -> bool:
    """Two toneless pinyin syllables a pinyin input method confuses: equal up to the usual fuzzy pairs
    (z/zh, c/ch, s/sh, n/l, an/ang, en/eng, in/ing) or a final n (shua/shuan, sa/san)."""
    fa, fb = _fuzzy_syllable(a), _fuzzy_syllable(b)
    return fa == fb or fa + "n" == fb or fb + "n" == fa


def _zh_near_sounds(word: str, index) -> str:
    """``word`` with a wrong character of a vocabulary term replaced: one character differs and it sounds
    alike (:func:`_near_syllables`: 哑玲 → 哑铃, 牙涮 → 牙刷, 雨撒 → 雨伞, 茶业 → 茶叶); in a two-character term
    only the second character (the first of 食材 is no typo of 石材); the longest term wins, the first from
    the left."""
    table = _zh_one_off_terms(index)
    exact = index.industry_voc.cjk_exact
    out = word
    for run in CJK_RUN_RE.findall(word):
        n = len(run)
        if n < 2:
            continue
        syl = _syllables(run)
        if syl is None:
            continue
        best = None
        for size in range(min(6, n), 1, -1):
            for i in range(n - size + 1):
                sub = run[i:i + size]
                if sub in exact:
                    continue
                for k in range(1 if size == 2 else 0, size):
                    for term, py in table.get(sub[:k] + "\0" + sub[k + 1:], ()):
                        if _near_syllables(py, syl[i + k]) and not _written_word(run, i, i + size, term):
                            best = (i, sub, term)
                            break
                    if best:
                        break
                if best:
                    break
            if best:
                break
        if best:
            i, sub, term = best
            out = out.replace(run, run[:i] + term + run[i + len(sub):], 1)
    return out


def corrected_lead(head: str, index, known) -> str | None:
    """``head`` with a typo in its first word corrected, or None: a title names its product first, so a
    misspelt lead ("blutooth speaker … bass", 深沟球轴成 … 电机) is corrected before matching even when a later
    word matches. English: the first word, four letters or more, no vocabulary word (``known(stem)``), one
    edit from one (:func:`_likely_typo`); Chinese: the first segment, when no whole term of the vocabulary is
    in it. Not when the lead names a product no industry makes (洗衣液: :func:`~._title.uncovered_lead`)."""
    from clusteratlas.search._title import uncovered_lead

    first, _, rest = head.partition(" ")
    if not first or uncovered_lead(head, index):
        return None
    if has_cjk(first):
        from clusteratlas.search._fast import fast_titles

        owners = fast_titles(index).zh_owners
        run = "".join(CJK_RUN_RE.findall(first))
        if len(run) < 2 or any(run[i:j] in owners for i in range(len(run)) for j in range(i + 2, len(run) + 1)):
            return None
        fixed = _zh_homophones(first, index)
        if fixed == first:
            fixed = _zh_near_sounds(first, index)
    elif len(first) >= 4 and first.isalpha() and first.isascii():
        s = stem(first)
        if known(s) or s in STOPWORDS or s in MODIFIERS or s in index.industry_voc.by_token:
            return None
        fixed = index.industry_voc.correct(first, _likely_typo) or _vowel_swap(first, index.industry_voc) or first
    else:
        return None
    return f"{fixed} {rest}".strip() if fixed != first else None
