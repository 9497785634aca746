"""Product or place query → ranked clusters.

How a query is read (:func:`analyse_query`):

1. validated (:func:`clusteratlas._text.clean_query`) and normalised (NFKC, case, traditional → simplified);
2. an HS code (``6704``, ``HS 9004.10``, ``900410``) selects the industries whose HS headings cover it;
3. intent words set tier preferences (``cheap`` → lower price tier, ``high quality`` → higher quality tier,
   ``wholesale`` → trading markets) and are removed;
4. place words that name an atlas place (English, pinyin or Chinese, with or without Town/County/City …)
   boost clusters at that place and are removed — unless they are part of a longer product term;
5. what is left is matched against each industry's vocabulary (:mod:`clusteratlas.search._vocab`): English words
   with idf weights, inflection-aware credit and typo tolerance, Chinese by substring look-ups, pinyin by
   compact form.

A cluster's own vocabulary (specialties, titles, local names such as a market's) also speaks for its
industry (:data:`CLUSTER_LIFT`), never above :data:`LIFT_CAP` of the best industry's own match, and then for
that cluster alone (its siblings get :data:`SIBLING_FACTOR`). Words asking for a service ("repair", "rental", "insurance", 维修 …) halve
every hit whose term lacks them. An industry is relevant when its best hit scores at least
:data:`RELEVANCE_FLOOR` and beats the industry's own negative terms; its clusters are then ranked by
industry score × role weight, plus bonuses for evidence (claims and titles), cluster-level matches, the place
named in the query and the tiers asked for. A query that names only a place returns the clusters at that
place. Nothing relevant → ``[]``. Role weights are relative to the industry's best role (roles order an
industry's clusters; they never decide between industries), and a query that is an industry's own name or
alias gives no specialty bonus (it asks for the industry, so its leading cluster comes first).

In titles (three words or more, or long Chinese), materials and pre-modifiers count less
(:mod:`clusteratlas.search._title`): a term other industries use as a modifier ("silk" of "silk scarf"),
a term directly followed by another industry's term ("tempered glass" of "tempered glass screen
protector") and an English term whose words lie scattered over the title are × 0.8 when another industry
is named plainly; several distinct Chinese terms of one industry add up (智能门锁…指纹锁…密码锁).

Results are cached per normalised product text within the index (bounded), and the index itself in memory and
on disk (:mod:`clusteratlas.search._store`). Every function is safe to call from many threads at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusteratlas._text import clean_query, normalize
from clusteratlas.search._index import SearchIndex
from clusteratlas.search._query import INTENT_WORDS, QueryAnalysis, analyse_query, analyse_text  # noqa: F401
from clusteratlas.search._rank import (  # noqa: F401 - the scale of scores is part of the public face
    CLUSTER_LIFT,
    FULL_MATCH,
    INTENT_BONUS,
    INTENT_PENALTY,
    LIFT_CAP,
    PLACE_BONUS,
    PLACE_FACTOR,
    PROMINENCE_STEP,
    RELATIVE_FLOOR,
    RELEVANCE_FLOOR,
    ROLE_WEIGHTS,
    SIBLING_FACTOR,
    UNMATCHED_KIND_FACTOR,
    best_hs_code,
    rank_clusters,
)

__all__ = ["find", "SearchResult", "get_index", "analyse_query", "warm"]


@dataclass(frozen=True)
class SearchResult:
    """One ranked cluster. ``to_dict()`` is the JSON element of ``clusteratlas find --format json``."""

    cluster_id: str
    industry: str
    name: str
    name_zh: str
    score: float
    place: dict[str, Any]
    role: str
    hs_headings: tuple[str, ...] = ()
    matched: str | None = None
    explanation: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        """``{"cluster_id", "industry", "name", "name_zh", "score", "place": {...}, "role", "hs_headings",
        "matched"}`` plus ``"explanation"`` when asked."""
        out = {
            "cluster_id": self.cluster_id,
            "industry": self.industry,
            "name": self.name,
            "name_zh": self.name_zh,
            "score": self.score,
            "place": self.place,
            "role": self.role,
            "hs_headings": list(self.hs_headings),
            "matched": self.matched,
        }
        if explain:
            out["explanation"] = list(self.explanation)
        return out


# -- the index ---------------------------------------------------------------------------------------------

def get_index(atlas=None, *, data_dir: str | Path | None = None) -> SearchIndex:
    """The search index of ``atlas``, of the atlas in ``data_dir``, or of the shipped atlas (default).

    Built on first use and kept (on the atlas object, or per data folder); also cached on disk between
    processes (see :mod:`clusteratlas.search._store`).

    Raises
    ------
    DataValidationError
        When the data folder is invalid.
    """
    from clusteratlas.search._store import index_for_atlas, index_for_data_dir

    if atlas is not None:
        return index_for_atlas(atlas)
    return index_for_data_dir(data_dir)


def warm(atlas=None, *, data_dir: str | Path | None = None) -> SearchIndex:
    """Load (or build) the index and answer one query, so that the next query pays no start-up cost."""
    index = get_index(atlas, data_dir=data_dir)
    find("wig", atlas=atlas, data_dir=data_dir)
    return index


# -- ranking -------------------------------------------------------------------------------------------

def find(query: str, limit: int = 10, *, atlas=None, industry: str | None = None,
         data_dir: str | Path | None = None, semantic: bool = False) -> list[SearchResult]:
    """Ranked clusters for a product or place query, best first.

    Parameters
    ----------
    query : str
        English, simplified or traditional Chinese, pinyin, or an HS code (``6704``, ``HS 9004.10``);
        may name a place ("Xuchang wigs") and intent ("cheap luggage").
    limit : int
        At most this many results (1–1000).
    atlas : Atlas, optional
        Search this atlas instead of the shipped one.
    industry : str, optional
        Keep only clusters of this industry id.
    data_dir : str or Path, optional
        Search the atlas in this data folder (validated on first use, then cached).
    semantic : bool
        Re-rank the relevant industries with the multilingual embedding model (needs the ``semantic``
        extra, :mod:`clusteratlas.search._semantic`); lexical relevance still decides what is returned.

    Returns
    -------
    list of SearchResult
        Empty when nothing is relevant.

    Notes
    -----
    Scale of ``SearchResult.score`` (unitless; compare scores within one query, not across queries):

    * industry relevance, 0–1: 1.0 when an industry name or alias is the whole query, 0.95 for a product
      term, less for partial or typo matches; at least :data:`RELEVANCE_FLOOR` (0.5) to be returned, and
      at least :data:`RELATIVE_FLOOR` × the best industry's when that one matches the whole query;
    * × the cluster's role weight (:data:`ROLE_WEIGHTS`, 0.92–1.0), and × :data:`UNMATCHED_KIND_FACTOR`
      (0.95) when the query names a kind of product the cluster's specialties do not mention;
    * plus bonuses: prominence up to 0.025 (:data:`PROMINENCE_STEP` per claim or title), up to 0.3 for a
      match on the cluster's own specialties or titles, :data:`PLACE_BONUS` (0.5) at a place the query names
      (other clusters × :data:`PLACE_FACTOR`), and ±:data:`INTENT_BONUS` / :data:`INTENT_PENALTY` for tiers.

    So a score above 1 means "relevant product, and also the named place or a matching specialty": the
    most a cluster can reach is about 2.0. A place-only query scores 0.8 × role weight plus bonuses.

    Raises
    ------
    BadQueryError
        Empty query, control characters, more than 500 characters, or a limit out of range.
    DataValidationError
        When ``data_dir`` holds invalid data.
    """
    from clusteratlas.errors import BadQueryError

    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
        raise BadQueryError(f"limit must be a whole number from 1 to 1000, not {limit!r}")
    text = normalize(clean_query(query))
    index = get_index(atlas, data_dir=data_dir)
    qa = analyse_text(text, index)
    scored = rank_clusters(qa, index, semantic=semantic)
    if industry:
        scored = [s for s in scored if s[1].industry == industry]
    return [_result(s, qa, index) for s in scored[:limit]]


def _result(item, qa: QueryAnalysis, index: SearchIndex) -> SearchResult:
    score, c, parts, m = item
    if m is not None and m.kind == "hs":
        hs = tuple(m.term.split(","))
    else:
        hs = tuple(dict.fromkeys(code[:4] for code in index.hs.get(c.industry, ())))
    place = dict(c.place)
    place["path"] = [dict(e) for e in place.get("path", ())]
    return SearchResult(
        cluster_id=c.id, industry=c.industry, name=c.name_en, name_zh=c.name_zh, score=round(score, 4),
        place=place, role=c.role, hs_headings=hs, matched=m.term if m else None, explanation=tuple(parts),
    )
