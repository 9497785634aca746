"""Markets and fairs as the API serves them: one JSON shape, and matching a market by its name.

Private to the web layer: the records are :class:`clusteratlas.model.Market` from ``data/markets/*.yaml``
(``Atlas.markets``); this module only shapes them for JSON and finds them by name for the map's search box.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: What a market name match is worth: the whole name, its start, every query word in the name, every
#: query word in the name, address or goods.
SCORE_EXACT, SCORE_PREFIX, SCORE_NAME, SCORE_ANY = 1.0, 0.8, 0.6, 0.3

_SPLIT = re.compile(r"[\s,;/()（）·、，。:：\-]+")


def market_shape(atlas, market) -> dict[str, Any]:
    """The JSON of one market: the record (``market_id`` for ``id``), its ``source_detail`` and the names of
    the clusters it serves. ``lat``/``lon`` are WGS-84 degrees (null when the market has no point)."""
    data = market.model_dump(mode="json")
    data["market_id"] = data.pop("id")
    data["source_detail"] = atlas.sources[market.source].model_dump(mode="json")
    data["cluster_names"] = [
        {"cluster_id": cid, "name": atlas.clusters[cid].name_en, "name_zh": atlas.clusters[cid].name_zh,
         "industry": atlas.clusters[cid].industry}
        for cid in market.clusters if cid in atlas.clusters]
    return data


def _norm(text: str | None) -> str:
    """Case-folded NFKC text (full-width forms and case do not matter)."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def _squash(text: str) -> str:
    return _SPLIT.sub("", text)


def market_score(market, query: str) -> float:
    """How well ``query`` names ``market`` (0 = not at all).

    A match is on the English or Chinese name or the id, ignoring case, spaces and punctuation
    ("Huaqiangbei", "huaqiang bei", "义乌国际商贸城"); failing that, every word of the query must appear in the
    name, the address or the goods it sells.
    """
    q = _norm(query).strip()
    if not q:
        return 0.0
    sq = _squash(q)
    names = [_norm(n) for n in (market.name_en, market.name_zh, market.id) if n]
    squashed = [_squash(n) for n in names]
    if sq and sq in squashed:
        return SCORE_EXACT
    if sq and any(n.startswith(sq) for n in squashed):
        return SCORE_PREFIX
    words = [w for w in _SPLIT.split(q) if w]
    if words and all(any(w in n for n in squashed) for w in words):
        return SCORE_NAME
    rest = " ".join(_norm(x) for x in (market.address_en, market.address_zh, *market.sells) if x)
    everything = " ".join(names) + " " + rest
    if words and all(w in everything or w in _squash(everything) for w in words):
        return SCORE_ANY
    return 0.0
