"""Text encodings of input tables: decided per file with evidence, and decoded line by line.

Private module: :mod:`clusteratlas.tables` (via :mod:`clusteratlas._readers`) uses it.

* :func:`decide_encoding` samples a file (its head, and four slices further on), classifies every sampled
  line as ASCII, UTF-8 or neither, and asks `charset-normalizer`_ about the lines that are not UTF-8. The
  decision (:class:`EncodingDecision`) says which encoding, whether the file mixes UTF-8 with a legacy
  encoding, and the evidence, in one line for the user.
* :class:`LineDecoder` decodes one line of bytes at a time: UTF-8 first, then the legacy encoding
  (GB18030, a superset of GBK and GB2312). A line that needed the fallback is reported with a note; a line
  that decodes in neither gives ``None`` and a reason, and keeps its place in the output.

Nothing is guessed silently: the CLI prints :meth:`EncodingDecision.describe` on stderr.

.. _charset-normalizer: https://charset-normalizer.readthedocs.io/
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

#: The legacy encoding of Chinese tables. GB18030 is a superset of GBK and GB2312.
LEGACY = "gb18030"
#: Names charset-normalizer gives to the GB family (all read as GB18030).
_GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312", "hz", "cp936", "ms936", "euc_cn"})
#: Bytes sampled per slice of the file.
SAMPLE_BYTES = 65536


@dataclass(frozen=True)
class EncodingDecision:
    """How a text file is decoded.

    Attributes
    ----------
    encoding : str
        The main encoding (``utf-8``, ``utf-8-sig``, ``gb18030`` …).
    fallback : str or None
        The encoding tried for a line the main one cannot decode (``gb18030`` after UTF-8, ``utf-8`` after
        GB18030); None when the encoding was given by the caller.
    mixed : bool
        True when the samples hold both UTF-8 and non-UTF-8 lines.
    detected : bool
        False when the caller gave the encoding.
    evidence : str
        Why, in a few words (sample counts, what charset-normalizer said).
    """

    encoding: str
    fallback: str | None
    mixed: bool = False
    detected: bool = True
    evidence: str = ""

    def describe(self) -> str:
        """One phrase for the user, e.g. ``encoding utf-8 (detected: 812 UTF-8 lines in the samples)``."""
        if not self.detected:
            return f"encoding {self.encoding} (given)"
        if self.mixed:
            return (f"mixed encodings: UTF-8 and {self.fallback.upper()} lines ({self.evidence}); decoded line "
                    f"by line, UTF-8 first, rows decoded as {self.fallback.upper()} noted in the reason column")
        return f"encoding {self.encoding} (detected) from {self.evidence}"

    def decoder(self) -> LineDecoder:
        """A :class:`LineDecoder` for this decision."""
        if not self.detected or self.fallback is None:
            return LineDecoder(self.encoding, None)
        if self.encoding.startswith("utf-8"):
            return LineDecoder("utf-8", self.fallback)
        if self.fallback == "utf-8":
            # A legacy file: UTF-8 is still tried first on each line (valid UTF-8 is strong evidence, and
            # GB18030 would decode a UTF-8 line into garbage); such lines are the ones noted.
            return LineDecoder("utf-8", self.encoding, note_first=True)
        return LineDecoder(self.encoding, self.fallback)


class LineDecoder:
    """Decode lines of bytes: ``first``, then ``then``; thread-safe (holds no state between calls).

    Parameters
    ----------
    first, then : str
        Codec names; ``then`` may be None (no fallback).
    note_first : bool
        Note the lines decoded with ``first`` (in a legacy file, the UTF-8 lines) instead of those decoded
        with ``then``.
    """

    def __init__(self, first: str, then: str | None, *, note_first: bool = False) -> None:
        self.first, self.then, self.note_first = first, then, note_first

    def decode(self, raw: bytes, lineno: int) -> tuple[str | None, str | None]:
        """``(text, note)``: the decoded line and a note when the fallback was used; ``(None, reason)`` when
        the line decodes in neither encoding."""
        try:
            text = raw.decode(self.first)
        except UnicodeDecodeError as exc:
            err = exc
        else:
            if self.note_first and not raw.isascii():
                return text, f"line {lineno} decoded as {self.first.upper()} (not {self.then.upper()})"
            return text, None
        if self.then is not None:
            try:
                text = raw.decode(self.then)
            except UnicodeDecodeError:
                pass
            else:
                if self.then == LEGACY and not _is_chinese_text(text):
                    # GB18030 decodes most byte strings: a line that does not come out as Chinese text
                    # (Latin-1, Cyrillic, binary …) is not guessed at; it becomes an error row
                    return None, (f"line {lineno} is neither UTF-8 nor Chinese GB18030 text; row not read, "
                                  "its bytes kept as \\xNN (name its encoding with --encoding to read it)")
                if self.note_first:
                    return text, None
                return text, f"line {lineno} decoded as {self.then.upper()} (not {self.first.upper()})"
        tried = self.first.upper() + (f" or {self.then.upper()}" if self.then else "")
        return None, (f"line {lineno} cannot be decoded as {tried} (byte {err.start + 1}: {err.reason}); "
                      "row not read, its bytes kept as \\xNN")


def _normal(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _sample_lines(path: Path, head: bytes, size: int) -> list[bytes]:
    """Whole lines from the head of the file and four slices further on (25, 50, 75, 100 %)."""
    lines = head.split(b"\n")
    if size > len(head):
        lines = lines[:-1]  # the head ends mid-line
    if size > SAMPLE_BYTES:
        with path.open("rb") as fh:
            for frac in (0.25, 0.5, 0.75, 1.0):
                start = max(len(head), int(size * frac) - SAMPLE_BYTES)
                fh.seek(start)
                chunk = fh.read(SAMPLE_BYTES)
                part = chunk.split(b"\n")[1:]  # the first piece starts mid-line
                if start + len(chunk) < size:
                    part = part[:-1]
                lines.extend(part)
    return [ln for ln in lines if ln.strip()]


def _ask_charset_normalizer(sample: bytes) -> tuple[str | None, str]:
    """The legacy encoding of ``sample`` (bytes that are not UTF-8) and what charset-normalizer said."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a base dependency
        return None, "charset-normalizer not installed"
    found = from_bytes(sample[: 4 * SAMPLE_BYTES])
    names = [m.encoding for m in found]
    if not names:
        return None, "charset-normalizer found no plausible encoding"
    best = found.best()
    said = f"charset-normalizer: best {best.encoding} ({best.language or 'unknown language'})"
    if any(n in _GB_FAMILY for n in names):
        gb = next(n for n in names if n in _GB_FAMILY)
        if best.encoding in _GB_FAMILY:
            return LEGACY, said
        # Short Chinese samples fit several East Asian codecs equally well (cp949, big5 …); GB18030 is the
        # encoding of Chinese tables, so it wins when charset-normalizer finds it plausible.
        return LEGACY, f"{said}, {gb} also plausible and preferred for Chinese tables"
    return _normal(best.encoding), said


def _is_chinese_text(text: str) -> bool:
    """True when most non-ASCII characters of ``text`` are CJK ideographs or CJK/full-width punctuation
    (True for pure ASCII)."""
    cjk = other = 0
    for ch in text:
        if ch > "\x7f":
            if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef":
                cjk += 1
            else:
                other += 1
    return cjk >= 4 * other


def _reads_as_chinese(lines: list[bytes]) -> bool:
    """True when every line decodes as GB18030 and most of the non-ASCII characters are CJK ideographs."""
    try:
        text = "".join(ln.decode(LEGACY) for ln in lines)
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text) and _is_chinese_text(text)


def decide_encoding(path: Path, head: bytes, given: str | None = None) -> EncodingDecision:
    """Decide how to decode a text table (see the module notes).

    Parameters
    ----------
    path : Path
        The file (read again for samples beyond ``head``).
    head : bytes
        Its first bytes (up to :data:`SAMPLE_BYTES`).
    given : str, optional
        An encoding the caller forces; lines it cannot decode become error rows (no fallback).

    Returns
    -------
    EncodingDecision

    Raises
    ------
    LookupError
        ``given`` is not a codec name.
    """
    if given is not None:
        return EncodingDecision(_normal(given), None, detected=False)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return EncodingDecision("utf-16", None, evidence="UTF-16 byte-order mark")
    bom = head.startswith(codecs.BOM_UTF8)
    size = path.stat().st_size
    lines = _sample_lines(path, head, size)
    ascii_n = utf8_n = 0
    other: list[bytes] = []
    for ln in lines:
        if ln.isascii():
            ascii_n += 1
            continue
        try:
            ln.decode("utf-8")
            utf8_n += 1
        except UnicodeDecodeError:
            other.append(ln)
    first = "utf-8-sig"  # decodes UTF-8 with or without a byte-order mark
    counts = f"{len(lines)} sampled lines: {ascii_n} ASCII, {utf8_n} UTF-8, {len(other)} not UTF-8"
    if not other:
        return EncodingDecision(first, LEGACY, evidence=("UTF-8 byte-order mark; " if bom else "") + counts)
    legacy, said = _ask_charset_normalizer(b"\n".join(other))
    chinese = _reads_as_chinese(other)
    if chinese and legacy != LEGACY:
        # charset-normalizer often prefers another East Asian or Thai code page on Chinese text; lines that
        # all decode as GB18030 into mostly Chinese characters are GB18030.
        said = f"all {len(other)} such lines decode as GB18030 into Chinese text; {said}"
    elif not chinese:
        # Only UTF-8 and GB18030 are read without being told: a guess at another code page (cp1006 for a
        # Latin-1 "café") would garble rows silently. Lines that are neither become error rows.
        guess = f", e.g. --encoding {legacy}" if legacy and legacy != LEGACY else ""
        said = (f"lines that are neither UTF-8 nor Chinese GB18030 become error rows, no code page is guessed "
                f"({said.replace('charset-normalizer: best', 'charset-normalizer would guess')}; if the file "
                f"is in another encoding, name it{guess})")
    legacy = LEGACY
    if utf8_n:
        return EncodingDecision(first, legacy, mixed=True, evidence=f"{counts}; {said}")
    return EncodingDecision(legacy, "utf-8", evidence=f"{counts}; {said}")
