"""Text normalisation for product search.

* Unicode NFKC (full-width → half-width), case folding, traditional → simplified Chinese (OpenCC ``t2s``);
* English words stemmed with the Snowball English stemmer (``wigs`` → ``wig``, ``lighting`` → ``light``), and
  a light plural stem kept beside it, so that a match on the same inflection can earn more than a match
  that only the stemmer conflates (``glasses``/``glass``, ``stockings``/``stock``);
* pinyin: Chinese text → toneless syllables (pypinyin); user pinyin with tone marks, tone digits, spaces,
  hyphens or apostrophes → one compact lower-case string (``"Jiǎ-fà"`` → ``"jiafa"``).

Heavy libraries (OpenCC, pypinyin, the stemmer) are imported on first use only.
"""

from __future__ import annotations

import functools
import re
import unicodedata

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PUNCT_RE = re.compile(r"[^\w\u3400-\u9fff']+")
_APOS_RE = re.compile(r"(?<![a-z])'|'(?![a-z])")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@functools.cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def has_cjk(text: str) -> bool:
    """True when ``text`` contains at least one CJK ideograph."""
    return CJK_RE.search(text) is not None


@functools.lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """NFKC, lower case, traditional → simplified, punctuation to spaces, single spaces.

    Apostrophes between letters are kept (``children's``, ``gu'an``) so that callers can decide.
    """
    if _NON_ASCII_RE.search(text):
        text = unicodedata.normalize("NFKC", text)
        if has_cjk(text):
            text = _t2s().convert(text)
        text = text.replace("’", "'").replace("‘", "'")
    text = _PUNCT_RE.sub(" ", text.lower())
    if "'" in text:
        text = _APOS_RE.sub(" ", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English stem of one lower-case word; possessive ``'s`` dropped."""
    word = word.removesuffix("'s").replace("'", "")
    return _stemmer().stemWord(word)


@functools.lru_cache(maxsize=65536)
def light_stem(word: str) -> str:
    """The word without possessive and plural endings only (``glasses`` → ``glass``, ``wigs`` → ``wig``,
    ``batteries`` → ``battery``); derivational endings are kept (``stockings`` → ``stocking``)."""
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
        """The stems as a frozenset."""
        if self._set is None:
            self._set = frozenset(stem(w) for w in self._words)
        return self._set

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


def strip_tones(text: str) -> str:
    """Remove pinyin tone marks and tone digits; ``ü``/``v`` both become ``v``."""
    text = unicodedata.normalize("NFKD", text.lower().replace("ü", "v"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"(?<=[a-z])[1-5]", "", text)


@functools.lru_cache(maxsize=65536)
def compact_pinyin(text: str) -> str:
    """User-typed pinyin to one compact string: ``"Jiǎ fà"``, ``"jia3-fa4"``, ``"jia'fa"`` → ``"jiafa"``."""
    if _NON_ASCII_RE.search(text) or any(ch.isdigit() for ch in text):
        text = strip_tones(unicodedata.normalize("NFKC", text))
    return re.sub(r"[^a-z]", "", text.lower())


@functools.lru_cache(maxsize=65536)
def to_pinyin(text: str) -> str:
    """Chinese text to compact toneless pinyin (``"假发"`` → ``"jiafa"``); Latin letters pass through."""
    from pypinyin import lazy_pinyin

    return compact_pinyin("".join(lazy_pinyin(normalize(text), v_to_u=False)))


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
