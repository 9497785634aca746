"""Place-name vocabulary of the gazetteer: name suffixes, type words, pinyin keys, polyphones, Taiwan.

Private module: the public API is :mod:`clusteratlas.gazetteer`. Pure string work with no data loading;
normalisation and pinyin come from :mod:`clusteratlas._text`, the package's one normaliser.
"""

from __future__ import annotations

import re

from clusteratlas._text import has_cjk, is_cjk_char, nfkc, strip_accents, t2s

#: The 56 nationalities as they appear inside autonomous-unit names (维吾尔, 哈萨克, 蒙古, 柯尔克孜 also
#: appear without 族: 伊犁哈萨克自治州, 巴音郭楞蒙古自治州).
ETHNIC_GROUPS = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 "
    "黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 "
    "撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 "
    "京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 各族 维吾尔 哈萨克 蒙古 柯尔克孜"
).split()
_ETHNIC_SORTED = sorted(ETHNIC_GROUPS, key=len, reverse=True)

#: Name suffixes ("generic terms") by level, longest first. The stem is what is left.
SUFFIXES = {
    1: ("特别行政区", "自治区", "省", "市"),
    2: ("自治州", "地区", "盟", "市"),
    3: ("自治县", "自治旗", "新区", "矿区", "特区", "县", "区", "市", "旗"),
    4: ("街道办事处", "区公所", "民族乡", "街道", "苏木", "镇", "乡"),
}
#: Every suffix that may follow a stem in free text (used when a stem is matched with another suffix).
TEXT_SUFFIXES = ("特别行政区", "街道办事处", "自治区", "自治州", "自治县", "自治旗", "办事处", "街道", "地区",
                 "新区", "苏木", "省", "市", "县", "区", "旗", "盟", "镇", "乡")


_TYPE_EN = {
    "省": "Province", "自治区": "Autonomous Region", "特别行政区": "SAR", "市": "City", "地区": "Prefecture",
    "自治州": "Autonomous Prefecture", "盟": "League", "县": "County", "区": "District", "旗": "Banner",
    "自治县": "Autonomous County", "自治旗": "Autonomous Banner", "新区": "New Area", "矿区": "Mining District",
    "特区": "Special District", "林区": "Forestry District", "镇": "Town", "乡": "Township",
    "民族乡": "Ethnic Township", "街道": "Subdistrict", "苏木": "Sumu", "区公所": "District Office",
}

#: Pinyin of each name suffix (so that "Shunde Qu" and "Shundequ" find 顺德区).
TYPE_PINYIN: dict[str, tuple[str, ...]] = {
    "省": ("sheng",), "市": ("shi",), "自治区": ("zi", "zhi", "qu"), "特别行政区": ("te", "bie", "xing", "zheng", "qu"),
    "自治州": ("zi", "zhi", "zhou"), "地区": ("di", "qu"), "盟": ("meng",), "县": ("xian",), "区": ("qu",),
    "旗": ("qi",), "自治县": ("zi", "zhi", "xian"), "自治旗": ("zi", "zhi", "qi"), "新区": ("xin", "qu"),
    "矿区": ("kuang", "qu"), "特区": ("te", "qu"), "林区": ("lin", "qu"), "街道": ("jie", "dao"),
    "镇": ("zhen",), "乡": ("xiang",), "民族乡": ("min", "zu", "xiang"), "苏木": ("su", "mu"),
}

#: English and pinyin type words a query may carry, mapped to the suffixes (name types) they accept.
TYPE_WORDS: dict[str, frozenset[str]] = {}


def _types(words: str, suffixes: str) -> None:
    for w in words.split("|"):
        TYPE_WORDS[w] = frozenset(suffixes.split())


_types("province|sheng", "省 自治区 特别行政区")
_types("municipality", "市")
_types("autonomousregion|region|zizhiqu|sar|specialadministrativeregion", "自治区 特别行政区")
_types("city|shi|citylevel|countylevelcity|prefecturelevelcity|prefecturecity", "市")
_types("prefecture|diqu|area", "地区 自治州 盟 市")
_types("autonomousprefecture|zizhizhou", "自治州")
_types("league|meng", "盟")
_types("county|xian", "县 自治县 旗")
_types("autonomouscounty|zizhixian", "自治县")
_types("banner|qi", "旗 自治旗")
_types("autonomousbanner|zizhiqi", "自治旗")
_types("district|qu|urbandistrict", "区 新区 矿区 特区 林区")
_types("newarea|newdistrict|xinqu", "新区")
_types("town|zhen|towns", "镇 街道 乡 民族乡 苏木")
_types("township|xiang|ethnictownship", "乡 民族乡 镇 苏木")
_types("subdistrict|jiedao|street|streets|sub-district|jiedaobanshichu", "街道")
_types("sumu", "苏木")

#: Type words that are compounds of two tokens in a query ("new area", "autonomous county").
TYPE_BIGRAMS = {("new", "area"), ("new", "district"), ("autonomous", "region"), ("autonomous", "prefecture"),
                ("autonomous", "county"), ("autonomous", "banner"), ("special", "district"),
                ("county", "level"), ("ethnic", "township"), ("sub", "district"), ("urban", "district")}

#: Ethnic designations in English names of autonomous units ("Yanbian Korean Autonomous Prefecture"): skipped
#: between a name and the type words that follow it.
ETHNIC_WORDS = frozenset(
    "korean tujia hui zhuang uygur uyghur uighur miao yi tibetan mongol mongolian kazak kazakh dong yao bai "
    "hani dai li lisu va wa she lahu naxi jingpo kirgiz kyrgyz tu daur mulam mulao qiang blang salar maonan "
    "gelao xibe sibe achang pumi tajik nu uzbek russian ewenki evenki deang deng bonan yugur jing tatar derung "
    "oroqen hezhen monba lhoba jino buyi bouyei buyei manchu gaoshan shui dongxiang".split())

#: Words dropped from Latin queries: the country, filler words, address words that are never place names.
NOISE_WORDS = frozenset(
    "china prc pr p r peoples people's republic of the in at near and mainland cn chn zhongguo "
    "no number rd road avenue ave st building bldg room rm floor fl industrial park zone estate "
    "co ltd company factory unit block".split())
ROAD_WORDS = frozenset("road rd avenue ave lu dadao boulevard blvd lane alley highway hwy".split())

_PUNCT_RE = re.compile(r"[\s\u3000,，、;；:：/|｜()（）\[\]【】<>《》\"'“”‘’`·・.。!！?？#@&*+=_~^$%\\-]+")
_LATIN_TOKEN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z\u00c0-\u024f]+)*")
_PART_SPLIT_RE = re.compile(r"[,，、;；/|｜()（）\[\]【】\n\t]+|\s+-\s+|\s+in\s+|\s+near\s+", re.I)



def split_suffix(name: str, level: int) -> tuple[str, str]:
    """Split a division name into ``(stem, suffix)``; the stem keeps at least two characters.

    Ethnic designations before 自治州/自治县/民族乡 are dropped from the stem (长阳土家族自治县 -> 长阳).

    Examples
    --------
    >>> split_suffix("顺德区", 3)
    ('顺德', '区')
    >>> split_suffix("沛县", 3)
    ('沛', '县')
    """
    suffixes = (("林区",) if name == "神农架林区" else ()) + SUFFIXES.get(level, ())
    fallback: tuple[str, str] | None = None
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix in ("自治州", "自治县", "自治旗", "自治区", "民族乡", "乡", "镇"):
                stem = _strip_ethnic(stem)
            if len(stem) >= 2:
                return stem, suffix
            if fallback is None:
                fallback = (stem, suffix)
    return fallback if fallback is not None else (name, "")


def _strip_ethnic(stem: str) -> str:
    changed = True
    while changed:
        changed = False
        for group in _ETHNIC_SORTED:
            if stem.endswith(group) and len(stem) - len(group) >= 2:
                stem = stem[: -len(group)]
                changed = True
                break
    return stem


def suffix_english(suffix: str) -> str:
    """The English word for a Chinese name suffix (``镇`` -> ``Town``); empty for an unknown suffix."""
    return _TYPE_EN.get(suffix, "")



#: Polyphonic characters common in place names: other readings are indexed as alternatives.
POLYPHONES = {
    "朝": ("chao", "zhao"), "长": ("chang", "zhang"), "单": ("shan", "dan"), "涡": ("guo", "wo"),
    "都": ("du", "dou"), "乐": ("le", "yue", "lao"), "重": ("chong", "zhong"), "厦": ("xia", "sha"),
    "会": ("hui", "kuai"), "曲": ("qu",), "莘": ("shen", "xin"), "阿": ("a", "e"), "蚌": ("beng", "bang"),
    "六": ("lu", "liu"), "番": ("pan", "fan"), "洞": ("dong", "tong"), "解": ("xie", "jie"),
    "行": ("hang", "xing"), "宿": ("su", "xiu"), "圩": ("xu", "wei"), "尉": ("wei", "yu"),
    "泌": ("bi", "mi"), "区": ("qu", "ou"), "盖": ("gai", "ge"), "句": ("ju", "gou"), "柏": ("bai", "bo"),
    "查": ("cha", "zha"), "覃": ("qin", "tan"), "栎": ("li", "yue"), "枞": ("zong", "cong"),
    "堡": ("bao", "bu", "pu"), "石": ("shi", "dan"), "大": ("da", "dai"), "车": ("che", "ju"),
    "济": ("ji",), "台": ("tai",), "丽": ("li",), "藏": ("zang", "cang"), "汤": ("tang", "shang"),
    "华": ("hua",), "蔚": ("wei", "yu"), "瀑": ("pu", "bao"), "沈": ("shen",), "荥": ("xing", "ying"),
    "牟": ("mu", "mou"), "铅": ("yan", "qian"), "繁": ("fan", "po"), "澄": ("cheng", "deng"),
    "横": ("heng",), "冲": ("chong",), "秘": ("bi", "mi"), "埔": ("pu",), "涌": ("chong", "yong"),
    "滘": ("jiao",), "漯": ("luo", "ta"), "亳": ("bo",), "兖": ("yan",), "陂": ("pi", "bei", "po"),
}


def pinyin_variants(text: str, primary: list[str], limit: int = 4) -> list[list[str]]:
    """Other plausible readings of ``text`` (polyphonic characters in :data:`POLYPHONES`), primary excluded."""
    chars = [c for c in text if is_cjk_char(c)]
    if len(chars) != len(primary):
        return []
    options = [[p] + [r for r in POLYPHONES.get(c, ()) if r != p] for c, p in zip(chars, primary)]
    out: list[list[str]] = [[]]
    for opts in options:
        out = [o + [r] for o in out for r in opts][: limit * 4]
    return [o for o in out if o != primary][:limit]


def pinyin_title(syllables: list[str]) -> str:
    """Syllables to a capitalised romanisation with apostrophes where syllables would run together.

    >>> pinyin_title(["gu", "an"])
    "Gu'an"
    """
    out = ""
    for i, syl in enumerate(syllables):
        if i and syl[:1] in "aeo":
            out += "'"
        out += syl
    out = out.replace("v", "ü")
    return out[:1].upper() + out[1:]


def latin_key(text: str) -> str:
    """Lower-case letters only: the key a Latin name is indexed and looked up by."""
    return "".join(c for c in strip_accents(text).lower() if "a" <= c <= "z")


def split_parts(text: str) -> list[str]:
    """Split a query into parts at commas, semicolons, slashes, brackets and the words "in"/"near"."""
    return [p.strip() for p in _PART_SPLIT_RE.split(text) if p and p.strip()]


def latin_tokens(text: str) -> list[tuple[str, int]]:
    """Latin tokens of a query part as ``(key, boundary_mask)``.

    A token is a run of letters with inner apostrophes or hyphens; camel case ("HuaQiangBei") and inner
    apostrophes/hyphens mark syllable boundaries, returned as a bit mask over character positions of the key
    (bit ``i`` set = a boundary before character ``i``).
    """
    text = strip_accents(text)
    text = re.sub(r"(?<=[a-zA-Z])[1-5](?=[a-zA-Z]|\b)", "'", text)  # tone numbers: shun4de2
    text = text.replace("-", "'")
    out: list[tuple[str, int]] = []
    for raw in _LATIN_TOKEN_RE.findall(text):
        key = ""
        mask = 0
        prev_lower = False
        for ch in raw:
            if ch in "'’":
                if key:
                    mask |= 1 << len(key)
                prev_lower = False
                continue
            if ch.isupper() and prev_lower and key:
                mask |= 1 << len(key)
            prev_lower = ch.islower()
            key += ch.lower()
        key = latin_key(key)
        if key:
            out.append((key, mask))
    return out


def normalize_cjk(text: str, protected: frozenset[str] = frozenset()) -> str:
    """NFKC, traditional -> simplified, and removal of spaces and punctuation (Chinese text)."""
    return _PUNCT_RE.sub("", t2s(nfkc(text), protected))


def boundaries(syllables: list[str]) -> int:
    """Bit mask of syllable boundaries in the concatenated key (see :func:`latin_tokens`)."""
    mask = 0
    pos = 0
    for syl in syllables[:-1]:
        pos += len(syl)
        mask |= 1 << pos
    return mask


#: Note for places the MCA table publishes no code for (Taiwan).
UNCODED_NOTE = ("Taiwan (台湾省) is not in the MCA code table used here (the MCA publishes no numeric codes for "
                "it): no division is matched")
_UNCODED_ZH_RE = re.compile(r"台湾(?:省|地区)|^(?:中国|中华人民共和国)?台湾(?![路街道巷])|台北市|新北市|高雄市|台中市|台南市|基隆市")
_UNCODED_HINT_RE = re.compile(r"[台臺A-Za-z]|新北|高雄|基隆")
_UNCODED_LATIN = frozenset("taiwan taipei kaohsiung taichung tainan keelung hsinchu taoyuancity".split())


def uncoded_region(text: str) -> str | None:
    """:data:`UNCODED_NOTE` when ``text`` names Taiwan or one of its cities (which the MCA table leaves out:
    a match elsewhere, such as 台北街道 in Wuhan for 台湾省台北市, would be wrong); else ``None``.

    >>> uncoded_region("台湾省台北市") is not None, uncoded_region("Taipei") is not None
    (True, True)
    >>> uncoded_region("湖北省武汉市江岸区台北街道") is None
    True
    """
    if _UNCODED_HINT_RE.search(text) is None:
        return None  # no 台/臺, 新北, 高雄, 基隆 and no Latin letters: the bulk path's common case
    norm = normalize_cjk(text) if has_cjk(text) else ""
    if norm and _UNCODED_ZH_RE.search(norm):
        return UNCODED_NOTE
    if any(k in _UNCODED_LATIN for k, _ in latin_tokens(text)):
        return UNCODED_NOTE
    return None
