"""Bulk geocoding: one flat row per address, for iterables (:func:`geocode_many`) and table files
(:func:`geocode_file`, built on :func:`clusteratlas.tables.annotate_table`).

Chinese addresses take the cached fast path of :mod:`clusteratlas.gazetteer._scan` (firm registers repeat
their administrative prefixes, so most rows are memo hits); anything else goes through the full resolver.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from clusteratlas._cache import BoundedCache
from clusteratlas._text import has_cjk
from clusteratlas.gazetteer._names import uncoded_region

#: Addresses longer than this are cut before bulk geocoding (characters).
MAX_ADDRESS_CHARS = 300
#: The columns of a bulk geocoding row, in order.
GEOCODE_FIELDS = ("adcode", "name", "name_zh", "level", "province", "prefecture", "county", "township",
                  "lat", "lon", "precision", "match", "score", "status", "candidates", "note")
#: The values of ``status``.
GEOCODE_STATUSES = ("matched", "ambiguous", "not_found")

_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_maybe_province = re.compile(r"^(?:中国|中华人民共和国)?[\u4e00-\u9fff]{2,3}省").match


def resolve_address(address: Any) -> dict[str, Any]:
    """Geocode one address or place name to a flat row (see :data:`GEOCODE_FIELDS`).

    Never raises on bad input: empty, non-text and unmatched values give ``status="not_found"``; text
    longer than :data:`MAX_ADDRESS_CHARS` is cut to that length first.

    Returns
    -------
    dict
        ``adcode, name, name_zh, level, province, prefecture, county, township`` (Chinese names of the
        path), ``lat, lon`` (WGS-84), ``precision``, ``match``, ``score``, ``status``
        (matched | ambiguous | not_found), ``candidates`` (number of candidates) and ``note``.

        ``note`` always says why a row failed ("empty value", "no place name found", "no province named
        青云省: nothing resolved", the Taiwan note), names the rivals of an ambiguous row ("ambiguous: 新华街道
        (花都区) or …"), and explains matches that need it: a former or abolished name ("… abolished in 2020
        → now 蓬莱区 (370614)"), a development zone and the county holding it, a county read through a
        homophone typo ("no 卫都区 under 许昌市: read as 魏都区 …", ``match="fuzzy"``), or a county the text
        names that does not exist ("county not found under 许昌市: 望川区", the row stopping at the
        prefecture).
    """
    return dict(_shared_row(address))


def _shared_row(address: Any) -> dict[str, Any]:
    """:func:`resolve_address` without the copy: the returned dict may be shared (cached); do not mutate."""
    if address.__class__ is str and len(address) <= MAX_ADDRESS_CHARS and has_cjk(address) \
            and not _LATIN_WORD.search(address) and not uncoded_region(address):
        # the bulk path's common case: Chinese text naming a county or a township (cached by mention keys)
        key, result = _resolve_cjk_keyed()(address)
        ranked = result[0]
        if ranked:
            top = ranked[0]
            if top.code[4:] != "00" and (top.explained >= 1.5 or not _maybe_province(address)) and \
                    not (top.n_mentions < 2 and _ZONE_NAME_NOTE in top.notes):
                row = _ROWS.get(key)
                return row if row is not None else _ROWS.set(key, _row(*result))
    return _slow_row(address)


def _resolve_cjk_keyed():
    global _RESOLVE_CJK_KEYED
    if _RESOLVE_CJK_KEYED is None:
        from clusteratlas.gazetteer._scan import resolve_cjk_keyed

        _RESOLVE_CJK_KEYED = resolve_cjk_keyed
    return _RESOLVE_CJK_KEYED


_RESOLVE_CJK_KEYED = None
#: :data:`clusteratlas.gazetteer._scan.ZONE_NAME_NOTE` (a unit read only from a zone's name goes the slow way)
_ZONE_NAME_NOTE = "read from a development zone's name; a unit of that name elsewhere is possible"


def _slow_row(address: Any) -> dict[str, Any]:
    """:func:`_shared_row` for everything but the common case: non-text, Latin, long or unplaced text, and
    answers that stop at a province or prefecture (which :func:`_explain.refine` looks at again)."""
    from clusteratlas.gazetteer import _resolve as gr
    from clusteratlas.gazetteer import _tables as gd
    from clusteratlas.gazetteer._explain import failure_reason, refine
    from clusteratlas.gazetteer._names import normalize_cjk

    if address is None or not isinstance(address, str):
        if isinstance(address, (int, float)) and not (isinstance(address, float) and math.isnan(address)):
            address = str(address)
        else:
            return {**_EMPTY_ROW, "note": failure_reason(address)}
    text = address[:MAX_ADDRESS_CHARS]
    note = uncoded_region(text)
    if note:
        return {**_EMPTY_ROW, "note": note}
    if has_cjk(text) and not _LATIN_WORD.search(text):
        key, result = _resolve_cjk_keyed()(text)
        if result[0]:
            top = result[0][0]
            if gd.units()[top.code].level > 2 and (top.explained >= 1.5 or not _maybe_province(text)) and \
                    not (top.n_mentions < 2 and _ZONE_NAME_NOTE in top.notes):
                return _ROWS.get_or_set(key, lambda: _row(*result))  # a county or a township: the cached row
            ranked, ambiguous, why = refine(normalize_cjk(text, gd.protected_chars()), result[0], result[1])
            if not ranked:
                return {**_EMPTY_ROW, "note": why}
            return _row(ranked, ambiguous, result[2])
    ranked, ambiguous, n, why = gr.resolve_explained(text, limit=5)
    if not ranked:
        return {**_EMPTY_ROW, "note": why or failure_reason(text, cut=len(address) > MAX_ADDRESS_CHARS)}
    return _row(ranked, ambiguous, n)


_EMPTY_ROW: dict[str, Any] = {**dict.fromkeys(GEOCODE_FIELDS), "status": "not_found", "candidates": 0, "note": ""}
_ROWS = BoundedCache(200_000)


def _row(ranked: list[Any], ambiguous: bool, n_mentions: int) -> dict[str, Any]:
    """The row of a ranked answer (shared between equal answers: do not mutate)."""
    if not ranked:
        return {**_EMPTY_ROW, "note": "no place name found"}
    top = ranked[0]
    score = round(min(1.0, top.explained / max(1, n_mentions)), 3)
    if not ambiguous:  # rows of one unit answered the same way are one object (distinct addresses, few units)
        key = (top.code, score, top.match, top.notes, len(ranked))
        row = _BY_UNIT.get(key)
        if row is None:
            row = _BY_UNIT.set(key, _new_row(ranked, ambiguous, score))
        return row
    return _new_row(ranked, ambiguous, score)


_BY_UNIT = BoundedCache(100_000)


def _new_row(ranked: list[Any], ambiguous: bool, score: float) -> dict[str, Any]:
    from clusteratlas.gazetteer import _tables as gd
    from clusteratlas.gazetteer._explain import ambiguity_note

    row = dict(_EMPTY_ROW)
    top = ranked[0]
    units = gd.units()
    u = units[top.code]
    notes = list(top.notes)
    if ambiguous:
        notes.insert(0, ambiguity_note(ranked))
    row.update(adcode=u.code, name=u.name_en, name_zh=u.name, level=u.level_name, lat=u.lat, lon=u.lon,
               precision=u.precision, match=top.match, score=score,
               status="ambiguous" if ambiguous else "matched", candidates=len(ranked), note="; ".join(notes))
    for c in u.path:
        row[units[c].level_name] = units[c].name
    return row


def geocode_many(values: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Geocode an iterable of addresses; yields one :func:`resolve_address` row per input, in order.

    Repeated values are resolved once (a bounded memo), which helps firm registers where one address
    prefix repeats.
    """
    return _geocode(values, BoundedCache(50_000))


def _geocode(values: Iterable[Any], cache: BoundedCache) -> Iterator[dict[str, Any]]:
    for value in values:
        key = value if isinstance(value, str) else None
        row = cache.get(key) if key is not None else None
        if row is None:
            row = _shared_row(value)
            if key is not None:
                cache.set(key, row)
        yield dict(row)


def geocode_file(path: str | Path, column: str, out: str | Path | None = None, *, out_format: str | None = None,
                 encoding: str | None = None, sheet: str | None = None, progress=None, on_open=None):
    """Geocode every row of a table file: the input's columns followed by :data:`GEOCODE_FIELDS` (renamed
    ``geo_<name>`` when the input already has the name), one output row per input row, in order.

    Parameters
    ----------
    path : str or Path
        CSV, TSV, XLSX or Parquet (text encoding detected: UTF-8 or GB18030/GBK).
    column : str
        The column holding addresses or place names.
    out : str or Path, optional
        The output file (format from its extension, written atomically); None or ``"-"``: stdout in
        ``out_format`` (csv, tsv, json or ndjson; default csv).
    encoding, sheet
        Force the input's text encoding; pick the XLSX sheet.
    progress : callable, optional
        ``progress(rows done, total rows or None)``.
    on_open : callable, optional
        Receives one line describing the input (format, encoding, columns) once it is open.

    Returns
    -------
    clusteratlas.tables.TableReport
        ``counts`` by status (matched, ambiguous, not_found), rows, input format and encoding.

    Raises
    ------
    InputFileError
        Unreadable input, missing column, unknown output extension, unwritable output folder.
    """
    from clusteratlas.tables import annotate_table

    seen = BoundedCache(50_000)

    def annotate(chunks):
        for rows in chunks:
            geo = _geocode([r.get(column) for r in rows], seen)
            yield rows, [tuple(g[f] for f in GEOCODE_FIELDS) for g in geo]

    return annotate_table(path, column, out, GEOCODE_FIELDS, annotate, prefix="geo_", statuses=GEOCODE_STATUSES,
                          float_fields=("lat", "lon", "score"), out_format=out_format, encoding=encoding,
                          sheet=sheet, progress=progress, on_open=on_open, chunk_rows=500)
