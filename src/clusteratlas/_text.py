"""THE text normaliser of the package: one reading of Chinese, pinyin and English for every module.

* Unicode NFKC (full-width → half-width), case folding, traditional → simplified Chinese one character at a
  time (OpenCC's ``t2s`` table; characters of current division names can be protected, so that 乾县 stays);
* pinyin: Chinese text → toneless syllables (pypinyin), with place-name readings of polyphonic characters
  for place names (长葛 is ``changge``, 漯河 ``luohe``) wherever a place name is read, in the gazetteer
  and in search alike (:func:`pinyin_syllables`, :func:`to_pinyin` with ``place=True``); user pinyin with
  tone marks, tone digits, spaces, hyphens or apostrophes → one compact lower-case string
  (``"Jiǎ-fà"`` → ``"jiafa"``);
* English words stemmed with the Snowball English stemmer (``wigs`` → ``wig``), and a light plural stem kept
  beside it, so that a match on the same inflection can earn more than one only the stemmer conflates.

Thread safety: the Snowball stemmer keeps state while it stems, so each thread has its own
(:func:`stem`); every memo is a :class:`clusteratlas._cache.BoundedCache`. Heavy libraries (OpenCC,
pypinyin, snowballstemmer) are imported on first use only; stems of the vocabulary travel with the cached
search index (:func:`remember_stems`), so a cold search usually needs no stemmer at all.
"""

from __future__ import annotations

import re
import threading
import unicodedata

from clusteratlas._cache import BoundedCache, once

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PUNCT_RE = re.compile(r"[^\w\u3400-\u9fff']+")
_APOS_RE = re.compile(r"(?<![a-z])'|'(?![a-z])")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
#: Size of each memo of this module (normalised texts, stems, pinyin).
MEMO_SIZE = 65536
#: Per-thread objects that keep state while they work (the stemmer, the OpenCC converter).
_local = threading.local()


def has_cjk(text: str) -> bool:
    """True when ``text`` contains at least one CJK ideograph."""
    return CJK_RE.search(text) is not None


def is_cjk_char(ch: str) -> bool:
    """True for one CJK ideograph."""
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


# -- Chinese ---------------------------------------------------------------------------------------------

@once
def _t2s_table(protected: frozenset[str]) -> dict[int, str]:
    """A ``str.translate`` table: traditional -> simplified, one character at a time.

    Characters in ``protected`` (every character used in a current division name) are left alone, so that
    names such as 乾县 survive (OpenCC would turn 乾 into 干).
    """
    import opencc

    conv = opencc.OpenCC("t2s")
    table: dict[int, str] = {}
    for block in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)):
        chars = [chr(c) for c in range(*block)]
        out = conv.convert("\n".join(chars)).split("\n")
        if len(out) != len(chars):  # pragma: no cover - defensive: fall back to one call per character
            out = [conv.convert(c) for c in chars]
        for src, dst in zip(chars, out):
            if dst != src and len(dst) == 1 and src not in protected:
                table[ord(src)] = dst
    return table


def t2s(text: str, protected: frozenset[str] | None = None) -> str:
    """Traditional -> simplified Chinese with OpenCC's ``t2s`` conversion.

    Without ``protected``, phrase by phrase (傢俱 -> 家具: free text such as product queries). With a set of
    ``protected`` characters, one character at a time and leaving those characters alone (names: 乾县 stays
    乾县, where the phrase converter would write 干县).
    """
    if protected is not None:
        return text.translate(_t2s_table(protected))
    conv = getattr(_local, "opencc", None)
    if conv is None:  # one converter per thread: the binding does not promise to be safe to share
        import opencc

        conv = _local.opencc = opencc.OpenCC("t2s")
    return conv.convert(text)


def nfkc(text: str) -> str:
    """Unicode NFKC (full-width letters and digits to ASCII, compatibility ideographs to unified)."""
    return unicodedata.normalize("NFKC", text)


def strip_accents(text: str) -> str:
    """Remove tone marks and other combining marks; ``ü`` becomes ``v`` (the pinyin keyboard convention).

    Case is kept; see :func:`strip_tones` for user-typed pinyin."""
    text = text.replace("ü", "v").replace("Ü", "V").replace("u:", "v").replace("U:", "V")
    text = text.replace("ǖ", "v").replace("ǘ", "v").replace("ǚ", "v").replace("ǜ", "v")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_normalized = BoundedCache(MEMO_SIZE)
_normalized_get = _normalized._data.get


def normalize(text: str) -> str:
    """NFKC, lower case, traditional → simplified, punctuation to spaces, single spaces.

    Apostrophes between letters are kept (``children's``, ``gu'an``) so that callers can decide.
    """
    got = _normalized_get(text)
    if got is not None:
        return got
    out = text
    if _NON_ASCII_RE.search(out):
        out = unicodedata.normalize("NFKC", out)
        if has_cjk(out):
            out = t2s(out)
        out = out.replace("’", "'").replace("‘", "'")
    out = _PUNCT_RE.sub(" ", out.lower())
    if "'" in out:
        out = _APOS_RE.sub(" ", out)
    return _normalized.set(text, " ".join(out.split()))


# -- English stems ---------------------------------------------------------------------------------------

_stems = BoundedCache(4 * MEMO_SIZE)
_stems_get = _stems._data.get  # the memo's dict lookup without a method call (hot path of bulk matching)


def _stemmer():
    """This thread's Snowball English stemmer (a stemmer object is not safe to share between threads)."""
    st = getattr(_local, "stemmer", None)
    if st is None:
        import snowballstemmer

        st = _local.stemmer = snowballstemmer.stemmer("english")
    return st


def stem(word: str) -> str:
    """Snowball English stem of one lower-case word; possessive ``'s`` dropped."""
    got = _stems_get(word)
    if got is None:
        if word.isdigit() and word.isascii():
            return word  # numbers, model codes: Snowball leaves ASCII digits as they are (not memoised)
        got = _stems.set(word, _stemmer().stemWord(word.removesuffix("'s").replace("'", "")))
    return got


def remember_stems(stems: dict[str, str]) -> None:
    """Seed the stem memo with known ``word -> stem`` pairs (a cached index carries its vocabulary's)."""
    for word, st in list(stems.items())[: _stems.maxsize // 2]:
        _stems.set(word, st)


def known_stems() -> dict[str, str]:
    """The stems computed so far (saved with an index so that a cold start needs no stemmer)."""
    return dict(_stems._data)


_lights = BoundedCache(4 * MEMO_SIZE)
_lights_get = _lights._data.get


def light_stem(word: str) -> str:
    """The word without possessive and plural endings only (``glasses`` → ``glass``, ``wigs`` → ``wig``,
    ``batteries`` → ``battery``); derivational endings are kept (``stockings`` → ``stocking``)."""
    got = _lights_get(word)
    if got is None:
        if word.isdigit():
            return word
        got = _lights.set(word, _light_stem(word))
    return got


def _light_stem(word: str) -> str:
    word = word.removesuffix("'s").replace("'", "")
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


class StemSet:
    """A frozen set of the Snowball stems of ``words``, computed on first use (keeps imports fast)."""

    __slots__ = ("_set", "_words")

    def __init__(self, words) -> None:
        self._words = tuple(words)
        self._set: frozenset[str] | None = None

    def get(self) -> frozenset[str]:
        """The stems as a frozenset (computing it twice in two threads is harmless: same value)."""
        got = self._set
        if got is None:
            got = self._set = frozenset(stem(w) for w in self._words)
        return got

    def __contains__(self, item: object) -> bool:
        return item in (self._set if self._set is not None else self.get())

    def __iter__(self):
        return iter(self.get())

    def __len__(self) -> int:
        return len(self.get())


def en_tokens(text: str) -> list[str]:
    """Stemmed Latin-script tokens of normalised ``text`` (digits kept, CJK ignored)."""
    return [stem(w) for w in WORD_RE.findall(normalize(text))]


def en_words(text: str) -> list[tuple[str, str]]:
    """``(Snowball stem, light stem)`` of each Latin-script word of normalised ``text``."""
    return [(stem(w), light_stem(w)) for w in WORD_RE.findall(normalize(text))]


def cjk_text(text: str) -> str:
    """The CJK characters of normalised ``text``, runs joined without spaces."""
    return "".join(CJK_RUN_RE.findall(normalize(text)))


# -- pinyin ----------------------------------------------------------------------------------------------

def strip_tones(text: str) -> str:
    """User pinyin to toneless lower case: tone marks and tone digits removed; ``ü``/``v`` both become ``v``."""
    text = strip_accents(unicodedata.normalize("NFKC", text).lower())
    return re.sub(r"(?<=[a-z])[1-5]", "", text)


_compact = BoundedCache(MEMO_SIZE)
_compact_get = _compact._data.get


def compact_pinyin(text: str) -> str:
    """User-typed pinyin to one compact string: ``"Jiǎ fà"``, ``"jia3-fa4"``, ``"jia'fa"`` → ``"jiafa"``."""
    got = _compact_get(text)
    if got is None:
        out = text
        if _NON_ASCII_RE.search(out) or any(ch.isdigit() for ch in out):
            out = strip_tones(out)
        got = _compact.set(text, re.sub(r"[^a-z]", "", out.lower()))
    return got


_pinyin = BoundedCache(MEMO_SIZE)


def to_pinyin(text: str, *, place: bool = False) -> str:
    """Chinese text to compact toneless pinyin (``"假发"`` → ``"jiafa"``); Latin letters pass through.

    ``place=True`` reads the text as a place name (:func:`pinyin_syllables`: ``"长葛"`` → ``"changge"``);
    else each character takes its everyday reading.
    """
    key = (text, place)
    got = _pinyin.get(key)
    if got is None:
        norm = normalize(text)
        if place:
            out = CJK_RUN_RE.sub(lambda m: "".join(pinyin_syllables(m.group(0))), norm)
        else:
            out = "".join(_pinyin_module().lazy_pinyin(norm, v_to_u=False))
        got = _pinyin.set(key, compact_pinyin(out))
    return got


@once
def _pinyin_module():
    import pypinyin

    # Readings used in place names that pypinyin's phrase dictionary gets wrong.
    pypinyin.load_phrases_dict({
        "朝阳": [["cháo"], ["yáng"]], "长治": [["cháng"], ["zhì"]], "单县": [["shàn"], ["xiàn"]],
        "涡阳": [["guō"], ["yáng"]], "郫都": [["pí"], ["dū"]], "六安": [["lù"], ["ān"]],
        "乐清": [["yuè"], ["qīng"]], "乐亭": [["lào"], ["tíng"]], "蚌埠": [["bèng"], ["bù"]],
        "番禺": [["pān"], ["yú"]], "横岗": [["héng"], ["gǎng"]], "澄海": [["chéng"], ["hǎi"]],
        "即墨": [["jí"], ["mò"]], "华强北": [["huá"], ["qiáng"], ["běi"]], "筠连": [["jūn"], ["lián"]],
        "莎车": [["shā"], ["chē"]], "和布克赛尔": [["hé"], ["bù"], ["kè"], ["sài"], ["ěr"]],
        "瑷珲": [["ài"], ["huī"]], "乐从": [["lè"], ["cóng"]], "濉溪": [["suī"], ["xī"]],
        "炉霍": [["lú"], ["huò"]], "洪洞": [["hóng"], ["tóng"]], "大城": [["dà"], ["chéng"]],
        "曲阜": [["qū"], ["fù"]], "会昌": [["huì"], ["chāng"]], "会理": [["huì"], ["lǐ"]],
        "长安": [["cháng"], ["ān"]], "长汀": [["cháng"], ["tīng"]], "长乐": [["cháng"], ["lè"]],
        "长兴": [["cháng"], ["xìng"]], "长宁": [["cháng"], ["níng"]], "长沙": [["cháng"], ["shā"]],
        "长春": [["cháng"], ["chūn"]], "长寿": [["cháng"], ["shòu"]], "长子": [["zhǎng"], ["zǐ"]],
        "厦门": [["xià"], ["mén"]], "重庆": [["chóng"], ["qìng"]], "蔚县": [["yù"], ["xiàn"]],
        "铅山": [["yán"], ["shān"]], "涪陵": [["fú"], ["líng"]], "都江堰": [["dū"], ["jiāng"], ["yàn"]],
        "成都": [["chéng"], ["dū"]], "丽水": [["lí"], ["shuǐ"]], "丽江": [["lì"], ["jiāng"]],
        "枞阳": [["zōng"], ["yáng"]], "尉氏": [["wèi"], ["shì"]], "句容": [["jù"], ["róng"]],
        "东阿": [["dōng"], ["ē"]], "阿城": [["ā"], ["chéng"]], "牟平": [["mù"], ["píng"]],
        "中牟": [["zhōng"], ["mù"]], "荥阳": [["xíng"], ["yáng"]], "犍为": [["qián"], ["wéi"]],
        "黄陂": [["huáng"], ["pí"]], "柞水": [["zhà"], ["shuǐ"]], "盱眙": [["xū"], ["yí"]],
        "天台": [["tiān"], ["tāi"]], "台州": [["tāi"], ["zhōu"]], "兴化": [["xīng"], ["huà"]],
        "济南": [["jǐ"], ["nán"]], "济宁": [["jǐ"], ["níng"]], "济源": [["jǐ"], ["yuán"]],
        "解州": [["xiè"], ["zhōu"]], "单城": [["shàn"], ["chéng"]], "莘县": [["shēn"], ["xiàn"]],
        "繁峙": [["fán"], ["shì"]], "大足": [["dà"], ["zú"]], "石家庄": [["shí"], ["jiā"], ["zhuāng"]],
        "汕头": [["shàn"], ["tóu"]], "亳州": [["bó"], ["zhōu"]], "泌阳": [["bì"], ["yáng"]],
        "监利": [["jiàn"], ["lì"]], "乐山": [["lè"], ["shān"]], "长治县": [["cháng"], ["zhì"], ["xiàn"]],
        "六合": [["lù"], ["hé"]], "六盘水": [["liù"], ["pán"], ["shuǐ"]], "北滘": [["běi"], ["jiào"]],
        "织里": [["zhī"], ["lǐ"]], "桥下": [["qiáo"], ["xià"]], "安海": [["ān"], ["hǎi"]],
        "里水": [["lǐ"], ["shuǐ"]], "狮岭": [["shī"], ["lǐng"]], "白沟": [["bái"], ["gōu"]],
        "花都": [["huā"], ["dū"]], "江都": [["jiāng"], ["dū"]], "新都": [["xīn"], ["dū"]],
        "丰都": [["fēng"], ["dū"]], "宁都": [["níng"], ["dū"]], "昌都": [["chāng"], ["dū"]],
    })
    return pypinyin


#: Place-name readings of polyphonic characters whose everyday (pypinyin) reading is wrong in place names:
#: ``char -> (reading in place names, readings it replaces)``. 长 is cháng in place names (长白 Changbai, 长葛
#: Changge, 天长 Tianchang), 什 shí (克什克腾, 什邡), 勒 lè (transliterations: 锡林郭勒, 勒流), 曾 zēng (曾都),
#: 漯 luò (漯河), 浚 xùn (浚县), 乐 lè (南乐, 民乐), 藏 zàng (Tibetan names), 都 dū. Known exceptions are
#: phrases in :data:`PLACE_PHRASES` (长子 Zhangzi, 乐清 Yueqing, 乐亭 Laoting, 甘浚 Ganjun, 藏马 Cangma).
#: Also 柏 bǎi (万柏林 Wanbailin), 佛 fó (佛冈 Fogang), 尾 wěi (马尾 Mawei), and 厦 xià (厦门 Xiamen, 塘厦
#: Tangxia: "Tangxia Town", Dongguan Today, http://old.dongguantoday.com/town.asp?id=42; 崧厦 Songxia), except
#: in 广厦 (guǎngshà, "mansions").
PLACE_READINGS: dict[str, tuple[str, frozenset[str]]] = {
    "长": ("chang", frozenset({"zhang"})), "什": ("shi", frozenset({"shen"})), "勒": ("le", frozenset({"lei"})),
    "曾": ("zeng", frozenset({"ceng"})), "漯": ("luo", frozenset({"ta"})), "浚": ("xun", frozenset({"jun"})),
    "乐": ("le", frozenset({"yue", "lao"})), "藏": ("zang", frozenset({"cang"})), "都": ("du", frozenset({"dou"})),
    "柏": ("bai", frozenset({"bo"})), "佛": ("fo", frozenset({"fu"})), "尾": ("wei", frozenset({"yi"})),
    "厦": ("xia", frozenset({"sha"})),
}

#: Phrase readings in place names (applied after :data:`PLACE_READINGS`, so they hold the exceptions).
PLACE_PHRASES: dict[str, tuple[str, ...]] = {
    "长子": ("zhang", "zi"), "乐清": ("yue", "qing"), "乐亭": ("lao", "ting"), "甘浚": ("gan", "jun"),
    "藏马": ("cang", "ma"), "行唐": ("xing", "tang"), "行宫": ("xing", "gong"), "行者": ("xing", "zhe"),
    "步行": ("bu", "xing"), "长子营": ("chang", "zi", "ying"), "蚌山": ("beng", "shan"), "蔚州": ("yu", "zhou"),
    "浪卡子": ("lang", "ka", "zi"), "涡南": ("guo", "nan"), "涡北": ("guo", "bei"), "荥经": ("ying", "jing"),
    "伽师": ("jia", "shi"), "广厦": ("guang", "sha"),
    "单县": ("shan", "xian"), "单城": ("shan", "cheng"), "蔚县": ("yu", "xian"), "朝阳": ("chao", "yang"),
}
_PLACE_PHRASES_SORTED = sorted(PLACE_PHRASES, key=len, reverse=True)


def _place_readings(run: str, out: list[str]) -> list[str]:
    """Apply :data:`PLACE_READINGS`, the 行 rule and :data:`PLACE_PHRASES` to the syllables of one CJK run."""
    out = list(out)
    for i, ch in enumerate(run):
        rule = PLACE_READINGS.get(ch)
        if rule is not None and out[i] in rule[1]:
            out[i] = rule[0]
        elif ch == "行" and i > 0 and out[i] == "xing":
            # A trailing 行 is háng in place names (闵行 Minhang, 太行 Taihang, 杨行 Yanghang); an initial one
            # is xíng (行唐 Xingtang).
            out[i] = "hang"
    i = 0
    while i < len(run):
        for phrase in _PLACE_PHRASES_SORTED:
            if run.startswith(phrase, i):
                out[i:i + len(phrase)] = PLACE_PHRASES[phrase]
                i += len(phrase) - 1
                break
        i += 1
    return out


def pinyin_syllables(text: str) -> list[str]:
    """Toneless place-name pinyin syllables of a Chinese string (``ü`` written ``v``); non-Chinese characters
    dropped.

    The whole string is read through pypinyin's phrase dictionary, then place-name readings of polyphonic
    characters are applied (:data:`PLACE_READINGS`, :data:`PLACE_PHRASES`): 长葛 -> ``chang ge``,
    漯河 -> ``luo he``, 长子 -> ``zhang zi``. Every place name in the package (gazetteer and search) is read
    by this function.
    """
    pypinyin = _pinyin_module()
    syllables: list[str] = []
    for run in CJK_RUN_RE.findall(text):
        out = pypinyin.lazy_pinyin(run, style=pypinyin.Style.NORMAL, errors=lambda s: [""] * len(s))
        out = [s.lower() if s.isalpha() else "" for s in out]
        if len(out) == len(run):
            out = _place_readings(run, out)
        syllables.extend(s for s in out if s)
    return syllables


def is_number(text: str) -> bool:
    """True when ``text`` parses as a float (``-3.5``, ``1e3``, ``nan``)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- user input --------------------------------------------------------------------------------------------

def clean_query(query: object, *, max_length: int = 500) -> str:
    """Validate a user query: a non-empty string without control characters, at most ``max_length``.

    Raises
    ------
    BadQueryError
        With a one-line reason.
    """
    from clusteratlas.errors import BadQueryError

    if not isinstance(query, str):
        raise BadQueryError(f"query must be text, not {type(query).__name__}")
    if CONTROL_RE.search(query):
        raise BadQueryError("query contains control characters")
    query = query.strip()
    if not query:
        raise BadQueryError("query is empty")
    if len(query) > max_length:
        raise BadQueryError(f"query is {len(query)} characters long; the limit is {max_length}")
    return query


def lenient_query(text: object, *, max_length: int = 300) -> str:
    """A catalogue cell made safe to search: ``None``/numbers to text, control characters to spaces, cut to
    ``max_length`` characters; may return ``""`` (nothing to match). Never raises."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = text[: max_length * 2]
    if CONTROL_RE.search(text):
        text = CONTROL_RE.sub(" ", text)
    return text.strip()[:max_length]
