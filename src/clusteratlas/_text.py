"""Text normalisation shared by search and the gazetteer.

* Unicode NFKC (full-width → half-width), case folding, traditional → simplified Chinese (OpenCC ``t2s``);
* English tokens stemmed with the Snowball English stemmer (``wigs`` → ``wig``, ``lighting`` → ``light``);
* pinyin: Chinese text → toneless syllables (pypinyin); user pinyin with tone marks, tone digits, spaces,
  hyphens or apostrophes → one compact lower-case string (``"Jiǎ-fà"`` → ``"jiafa"``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    return bool(CJK_RE.search(text))


@functools.lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """NFKC, lower case, traditional → simplified, punctuation to spaces, single spaces.

    Apostrophes between letters are kept (``children's``, ``gu'an``) so that callers can decide.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    if has_cjk(text):
        text = _t2s().convert(text)
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"[^\w\u3400-\u9fff']+", " ", text)
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English stem of one lower-case word; possessive ``'s`` dropped."""
    word = word.removesuffix("'s").replace("'", "")
    return _stemmer().stemWord(word)


def en_tokens(text: str) -> list[str]:
    """Stemmed Latin-script tokens of normalised ``text`` (digits kept, CJK ignored)."""
    return [stem(w) for w in WORD_RE.findall(normalize(text))]


def cjk_text(text: str) -> str:
    """The CJK characters of normalised ``text``, runs joined without spaces."""
    return "".join(CJK_RUN_RE.findall(normalize(text)))


def strip_tones(text: str) -> str:
    """Remove pinyin tone marks and tone digits; ``ü``/``v`` both become ``v``."""
    text = unicodedata.normalize("NFKD", text.lower().replace("ü", "v"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"(?<=[a-z])[1-5]", "", text)


def compact_pinyin(text: str) -> str:
    """User-typed pinyin to one compact string: ``"Jiǎ fà"``, ``"jia3-fa4"``, ``"jia'fa"`` → ``"jiafa"``."""
    return re.sub(r"[^a-z]", "", strip_tones(unicodedata.normalize("NFKC", text)))


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
