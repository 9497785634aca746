"""How well a cluster is sourced, and how old its figures are: what every front end shows beside the data.

Three judgements, each computed from the loaded records (nothing is stored by hand):

* :func:`cluster_evidence`: the evidence a cluster rests on, as one ``level`` and a plain-English ``note``.
  A cluster that rests on the seed document alone, on a single blog page alone, or only on unverified items
  is marked ``weak`` so that ``show``, the API and the map can say so.
* :func:`figure_age`: the age in years of a figure's period (``2014`` read in 2026 is 12 years old); figures
  older than :data:`STALE_AFTER_YEARS` are *stale*, shown as such rather than read as current.
* :func:`source_reference`: a source's original (the publisher's address, or the document number of an
  official notice whose page was not found) kept apart from the copy the text was read on (``read_at``).

``verified`` follows one rule throughout (:data:`VERIFIED_RULE`): the cited page's text was read and states
this figure for this place and period. Source kinds split into those a reference can stand on
(:data:`REFERENCE_KINDS`: official notices, industry associations, news media, research, datasets) and the
rest (:data:`WEAK_KINDS`: blogs, company pages, the seed document).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

#: Source kinds a reference can stand on: publishers answerable for what they print.
REFERENCE_KINDS = frozenset({"official", "association", "media", "research", "dataset"})
#: Source kinds that are leads rather than evidence: sourcing blogs, company pages, the seed document.
WEAK_KINDS = frozenset({"blog", "company", "seed"})
#: A figure whose period ended more than this many years before the reference year is stale.
STALE_AFTER_YEARS = 10
#: What ``confidence: verified`` means everywhere in the atlas.
VERIFIED_RULE = "the cited page's text was read and states this figure for this place and period"

#: Evidence levels, weakest first. ``weak`` levels are flagged by every front end.
EVIDENCE_LEVELS = ("seed-only", "single-blog", "unverified-only", "weak-sources-only", "reported", "verified")
WEAK_LEVELS = frozenset(EVIDENCE_LEVELS[:4])
#: The mark a plain listing puts beside a weakly sourced cluster, and the legend line that explains it.
WEAK_MARK = "*"
WEAK_LEGEND = f"{WEAK_MARK} weakly sourced: a lead to check, not a fact (`clusteratlas show ID` says why)"

_NOTES = {
    "seed-only": "Rests on the seed document alone: no other page naming this cluster was found. Treat it as a "
                 "lead to check, not a fact.",
    "single-blog": "Rests on a single blog page alone (the seed aside). Treat it as a lead to check, not a fact.",
    "unverified-only": "Every statement here is unverified: no cited page was read that states it.",
    "weak-sources-only": "Rests only on blogs, company pages or the seed; no official, association, media or "
                         "research source.",
    "reported": "Sourced to official, association, media or research pages as they report it; none of its "
                "items has been checked against the text of such a page.",
    "verified": "At least one item was checked against the text of an official, association, media or research "
                "page that states it.",
}


def current_year() -> int:
    """The calendar year today (UTC): the default reference year for :func:`figure_age`."""
    return _dt.datetime.now(_dt.timezone.utc).year


def figure_age(claim: Any, as_of: int | None = None) -> int | None:
    """Years between the end of a claim's period and ``as_of`` (default: this year); None when undated.

    Parameters
    ----------
    claim : clusteratlas.model.Claim
        Its ``year`` is the last calendar year of its period (``2019`` for ``2018-2019``).
    as_of : int, optional
        Reference year (default :func:`current_year`).

    Returns
    -------
    int or None
        ``as_of - claim.year`` (never negative), or None for a claim without a period or marked ``undated``.
    """
    year = claim.year
    if year is None:
        return None
    return max(0, (as_of or current_year()) - year)


def is_stale(claim: Any, as_of: int | None = None) -> bool:
    """True for a figure (a claim with a value) older than :data:`STALE_AFTER_YEARS` years."""
    age = figure_age(claim, as_of)
    return claim.value is not None and age is not None and age > STALE_AFTER_YEARS


def sourced_items(cluster: Any) -> list[tuple[str, str, str]]:
    """``(field, source id, confidence)`` of everything the cluster's existence and description rest on: its
    existence sources (field ``sources``, at the cluster's confidence), ``claims``, ``titles`` and the
    ``tier_source``. Markets describe the market and are left out."""
    out = [("sources", s, cluster.confidence) for s in cluster.sources]
    out += [("claims", x.source, x.confidence) for x in cluster.claims]
    out += [("titles", x.source, x.confidence) for x in cluster.titles]
    if getattr(cluster, "tier_source", None):
        out.append(("tier_source", cluster.tier_source, cluster.tier_confidence))
    return out


def _items(cluster: Any) -> list[tuple[str, str]]:
    """(source id, confidence) of :func:`sourced_items`."""
    return [(sid, conf) for _field, sid, conf in sourced_items(cluster)]


def cluster_evidence(cluster: Any, sources: Mapping[str, Any]) -> dict[str, Any]:
    """The evidence a cluster rests on: one level of :data:`EVIDENCE_LEVELS` and a note to show.

    Levels, first match wins: ``seed-only`` (every source is the seed document); ``single-blog`` (one blog
    page, perhaps with the seed); ``unverified-only`` (the cluster and every claim and title unverified);
    ``weak-sources-only`` (only blog, company or seed sources); ``verified`` (an item verified on an official,
    association, media or research page); ``reported`` (the rest).

    Parameters
    ----------
    cluster : clusteratlas.model.Cluster
    sources : mapping of str to clusteratlas.model.Source
        Every source by id (``Atlas.sources``); ids it lacks count as weak.

    Returns
    -------
    dict
        ``{"level", "weak", "note", "sources", "source_kinds"}``: ``weak`` is true for the first four levels;
        ``sources`` is the number of distinct sources; ``source_kinds`` their kinds, sorted.
    """
    items = _items(cluster)
    kind = {sid: getattr(sources.get(sid), "kind", "seed") for sid, _ in items}
    ids = set(kind)
    non_seed = [sid for sid in ids if kind[sid] != "seed"]
    confidences = {conf for _, conf in items} | {cluster.confidence}
    if not non_seed:
        level = "seed-only"
    elif len(non_seed) == 1 and kind[non_seed[0]] == "blog":
        level = "single-blog"
    elif confidences == {"unverified"}:
        level = "unverified-only"
    elif all(kind[sid] in WEAK_KINDS for sid in ids):
        level = "weak-sources-only"
    elif any(conf == "verified" and kind[sid] in REFERENCE_KINDS for sid, conf in items):
        level = "verified"
    else:
        level = "reported"
    return {"level": level, "weak": level in WEAK_LEVELS, "note": _NOTES[level], "sources": len(ids),
            "source_kinds": sorted({kind[s] for s in ids})}


def source_reference(source: Any) -> dict[str, Any]:
    """A source as a reader should cite it: the original, and separately the copy it was read on.

    Returns
    -------
    dict
        ``{"publisher", "date", "original", "document_no", "read_at"}``: ``original`` is the publisher's
        address (None when only the document number identifies it); ``read_at`` the copy's address, or None
        when the text was read on the original.
    """
    return {"publisher": source.publisher, "date": source.date, "original": source.url,
            "document_no": source.document_no, "read_at": source.read_at}
