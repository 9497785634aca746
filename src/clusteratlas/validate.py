"""Every data check of the atlas, in one place: run by ``clusteratlas validate`` and by the tests.

:func:`validate_data` loads a data folder collecting every problem instead of stopping at the first, then
runs the checks below. Each check takes a loaded :class:`~clusteratlas.atlas.Atlas` (or its records) and
returns one-line problems naming the file, the record and the field.

``model``
    The pydantic models and the JSON Schema generated from them, ids, cross-references (source, industry,
    group, register and market ids) and uniqueness (:func:`clusteratlas.atlas.load_atlas`).
``places``
    Every place and ancestor code is in the MCA table (vintage 2025-12-31) under the name and level the
    record gives; every WGS-84 point lies inside the polygon of its county (:func:`check_cluster_place`).
``vocabulary``
    Every industry lists at least :data:`MIN_TERMS` distinct product terms; no term or alias belongs to two
    industries without a disambiguation note (:func:`thin_industries`, :func:`ambiguous_terms`).
``sources``
    Every claim, title and market cites a known source, every cluster has a source for its existence
    (:func:`unsourced_facts`), and no source is a copy site standing in for the original publisher
    (:func:`source_problems`).
``figures``
    Every figure has a period or says ``undated``; shares of one whole add up to at most 100 %; titles carry
    their level, issuer and year and sit on the place that holds them; tiers cite the source that states them;
    no register has more lines entered than it lists (:func:`period_problems`, :func:`share_problems`,
    :func:`title_problems`, :func:`tier_problems`, :func:`register_problems`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clusteratlas.errors import PlaceNotFound
from clusteratlas.model import Cluster, Industry

#: The checks :func:`validate_data` runs, in order.
CHECKS = ("model", "places", "vocabulary", "sources", "figures")
#: Fewest distinct product terms (all languages together) an industry needs to be found.
MIN_TERMS = 15


def validate_data(data_dir: str | Path | None = None, *, check_places: bool = True,
                  skip: Iterable[str] = ()) -> dict[str, Any]:
    """Validate a data folder fully and return counts and every problem found.

    Parameters
    ----------
    data_dir : str or Path, optional
        The folder (default: the shipped data).
    check_places : bool
        Run the ``places`` check (MCA table and polygons; the slowest).
    skip : iterable of str
        Names of checks (see :data:`CHECKS`) not to run; ``model`` always runs.

    Returns
    -------
    dict
        ``data_dir, industries, clusters, sources, claims, checks`` (the checks run), ``places_checked``,
        ``problems`` (one-line messages naming file, record and field; empty when the data is valid) and
        ``problems_by_check``.

    Raises
    ------
    DataValidationError
        Only when the folder cannot be read at all (missing, no industry files); or a name in ``skip`` is no
        check.
    """
    from clusteratlas._paths import DATA_DIR
    from clusteratlas.atlas import _load, _Problems
    from clusteratlas.errors import DataValidationError

    skipped = set(skip)
    unknown = skipped - set(CHECKS)
    if unknown:
        raise DataValidationError(f"no check named {sorted(unknown)[0]!r}; checks: {', '.join(CHECKS)}")
    if not check_places:
        skipped.add("places")
    skipped.discard("model")
    problems = _Problems(collect=True)
    atlas = _load(Path(data_dir) if data_dir is not None else DATA_DIR, problems)
    by_check = {"model": list(problems.items)}
    runners: dict[str, Callable[[Any], list[str]]] = {
        "places": place_problems, "vocabulary": vocabulary_problems, "sources": sourcing_problems,
        "figures": figure_problems,
    }
    for name, run in runners.items():
        if name not in skipped:
            by_check[name] = run(atlas)
    found = [p for items in by_check.values() for p in items]
    return {
        "data_dir": str(atlas.data_dir),
        "industries": len(atlas.industries),
        "clusters": len(atlas.clusters),
        "sources": len(atlas.sources),
        "claims": sum(len(c.claims) for c in atlas.clusters.values()),
        "checks": list(by_check),
        "places_checked": "places" in by_check,
        "problems": found,
        "problems_by_check": {k: len(v) for k, v in by_check.items()},
    }


# -- places ------------------------------------------------------------------------------------------------

def place_problems(atlas: Any) -> list[str]:
    """:func:`check_cluster_place` over every cluster of ``atlas``."""
    out = []
    for c in atlas.clusters.values():
        problem = check_cluster_place(c)
        if problem:
            out.append(f"{atlas.file_of(c.id)}: record {c.id!r} field place: {problem}")
    return out


def check_cluster_place(cluster: Cluster) -> str | None:
    """None when the place is consistent, else a one-line description of the problem.

    Checks: the code exists in the MCA table (vintage 2025-12-31) with the Chinese name the record claims
    and the same level; every ancestor in ``path`` matches the table; the WGS-84 point lies inside the
    polygon of the place's county (prefecture or province above county level); area codes exist.
    """
    from clusteratlas import gazetteer

    def official(code: str):
        try:
            return gazetteer.place_for_adcode(code)
        except PlaceNotFound:
            return None

    p = cluster.place
    checks = [("adcode", p.adcode, p.name_zh, p.level), *(("path code", e.adcode, e.name_zh, None) for e in p.path),
              *(("area code", code, None, None) for code in (cluster.area.adcodes if cluster.area else []))]
    for what, code, name_zh, level in checks:
        unit = official(code)
        if unit is None:
            return f"{what} {code} is not in the MCA table"
        if name_zh is not None and unit.name_zh != name_zh:
            return f"{what} {code} is {unit.name_zh}" + (" in the MCA table" if level else "") + f", not {name_zh}"
        if level is not None and unit.level != level:
            return f"{what} {code} is a {unit.level}, not a {level}"
        if what == "adcode" and not gazetteer.polygon_contains(p.adcode, lon=p.lon, lat=p.lat):
            return f"point (lon={p.lon}, lat={p.lat}) lies outside the polygon of {p.adcode[:6]}"
    return None


# -- vocabulary --------------------------------------------------------------------------------------------

def norm_term(term: str) -> str:
    """Case-, hyphen- and spacing-insensitive form of a product term."""
    return re.sub(r"\s+", " ", term.casefold().replace("-", " ")).strip()


def thin_industries(industries: Iterable[Industry], minimum: int = MIN_TERMS) -> list[str]:
    """Industries with fewer than ``minimum`` distinct product terms across all four languages."""
    problems = []
    for ind in industries:
        n = len({norm_term(t) for t in ind.terms.all() if t.strip()})
        if n < minimum:
            problems.append(f"industry {ind.id!r} field terms: only {n} distinct product terms (need {minimum})")
    return problems


def term_notes(data_dir: Path) -> dict[str, str]:
    """Disambiguation notes of ``data/disambiguation.yaml`` (a list of ``{term, industries, note}``), by
    normalised term; empty when the file is absent."""
    from clusteratlas.atlas import read_yaml

    path = data_dir / "disambiguation.yaml"
    if not path.exists():
        return {}
    return {norm_term(e["term"]): e["note"] for e in read_yaml(path) or []
            if e.get("note")}


def ambiguous_terms(industries: Iterable[Industry], notes: dict[str, str]) -> list[str]:
    """Terms (and aliases) listed by two or more industries without a disambiguation note."""
    owners: dict[str, set[str]] = defaultdict(set)
    for ind in industries:
        for t in [*ind.terms.all(), *ind.aliases]:
            if t.strip():
                owners[norm_term(t)].add(ind.id)
    return [f"term {t!r} maps to {sorted(ids)} without a disambiguation note"
            for t, ids in sorted(owners.items()) if len(ids) > 1 and t not in notes]


def vocabulary_problems(atlas: Any) -> list[str]:
    """:func:`thin_industries` and :func:`ambiguous_terms` over ``atlas``."""
    inds = list(atlas.industries.values())
    return thin_industries(inds) + ambiguous_terms(inds, term_notes(Path(atlas.data_dir)))


# -- sources -----------------------------------------------------------------------------------------------

def unsourced_facts(clusters: Iterable[Cluster]) -> list[str]:
    """Claims, titles and markets with a blank source; clusters without a source for their existence
    (source ids that name no source are found by the loader)."""
    problems = []
    for c in clusters:
        if not c.sources:
            problems.append(f"{c.id}: no source for the cluster's existence")
        items = [("claim", x.metric, x.source) for x in c.claims] + [("title", x.en, x.source) for x in c.titles]
        items += [("market", x.name_en, x.source) for x in c.markets]
        for kind, label, sid in items:
            if not (sid or "").strip():
                problems.append(f"{c.id}: {kind} {label} has no source")
    return problems


def sourcing_problems(atlas: Any) -> list[str]:
    """:func:`unsourced_facts` and :func:`source_problems` over ``atlas`` (unknown source ids are found by the
    loader)."""
    return unsourced_facts(atlas.clusters.values()) + source_problems(atlas)


#: Shares are added up per (industry, metric, denominator, period); these metrics are shares.
SHARE_PREFIX = "share_of_"


def copy_site_domains(data_dir: Path) -> dict[str, str]:
    """``copy_sites.yaml`` of a data folder: domain → why it is a copy site (empty when absent)."""
    from clusteratlas.atlas import read_yaml

    path = Path(data_dir) / "copy_sites.yaml"
    if not path.exists():
        return {}
    raw = read_yaml(path) or {}
    return {d["domain"].lower(): d.get("note", "") for d in raw.get("domains", [])}


def _domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _on_copy_site(url: str, copies: dict[str, str]) -> bool:
    host = _domain(url)
    return any(host == d or host.endswith("." + d) for d in copies)


def source_problems(atlas: Any) -> list[str]:
    """Sources cited through a copy without their original: the publisher's address, or for an official
    document whose page could not be found, its issuing number (``document_no``); and items marked
    verified on a source that has neither an address, a copy read nor a document number."""
    copies = copy_site_domains(atlas.data_dir)
    out = []
    for s in atlas.sources.values():
        where = f"sources: record {s.id!r}"
        if s.url and _on_copy_site(s.url, copies):
            out.append(f"{where} field url: {_domain(s.url)} is a copy site; give the original publisher's "
                       "address as url and the copy as read_at")
        if s.read_at and not s.url and not s.document_no:
            out.append(f"{where} field url: read on a copy ({_domain(s.read_at)}) with neither the original "
                       "address nor the document number of an official original")
    # a source with no address, no copy read and no document number names a document nobody can check:
    # what rests on it may be reported or unverified, never verified
    unlocated = {sid for sid, s in atlas.sources.items() if not (s.url or s.read_at or s.document_no)}
    from clusteratlas.evidence import sourced_items

    for c in atlas.clusters.values():
        for field, sid, conf in sourced_items(c):
            if field != "sources" and sid in unlocated and conf == "verified":
                out.append(f"clusters: record {c.id!r} field {field}: verified on source {sid!r}, which has "
                           "no address, no copy read and no document number")
    return out


def period_problems(atlas: Any) -> list[str]:
    """Figures with neither a period nor the explicit mark ``undated``."""
    out = []
    for c in atlas.clusters.values():
        for i, claim in enumerate(c.claims):
            if claim.value is not None and claim.period is None:
                out.append(f"{atlas.file_of(c.id)}: record {c.id!r} field claims.{i}.period: a figure needs a "
                           "period (YYYY …) or 'undated'")
    return out


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().replace("’", "'").split())


def share_problems(atlas: Any) -> list[str]:
    """Shares of the same whole (industry, metric, denominator, period) that add up to more than 100 %.

    A figure quoted on several clusters about a wider scope is marked with one ``figure_id`` and counted once;
    conflicting figures of one cluster count as one (the largest).
    """
    groups: dict[tuple, dict[str, tuple[float, str]]] = defaultdict(dict)
    for c in atlas.clusters.values():
        for i, claim in enumerate(c.claims):
            if not claim.metric.startswith(SHARE_PREFIX) or claim.unit != "percent" or claim.value is None:
                continue
            if claim.bound == "less_than":
                continue
            key = (c.industry, claim.metric, _norm(claim.denominator), claim.period or "undated")
            # Figures of one cluster for the same whole are alternatives (conflicting reports), not parts:
            # the largest stands for the cluster. A figure_id stands for every cluster quoting it.
            figure = claim.figure_id or c.id
            if claim.value > groups[key].get(figure, (-1.0, ""))[0]:
                groups[key][figure] = (claim.value, f"{c.id} claims.{i}")
    out = []
    for (industry, metric, denominator, period), figures in groups.items():
        total = sum(v for v, _ in figures.values())
        if total > 100 + 1e-9 and len(figures) > 1:
            where = ", ".join(w for _, w in figures.values())
            out.append(f"industry {industry!r}: {metric} of {denominator or 'an unnamed whole'!r} for {period} "
                       f"adds up to {total:g} % ({where}); mark one figure about a wider scope with figure_id")
    return out


def title_problems(atlas: Any) -> list[str]:
    """Titles without a level, issuer or year, or on a cluster whose place is not of the title's level."""
    out = []
    for c in atlas.clusters.values():
        for i, t in enumerate(c.titles):
            where = f"{atlas.file_of(c.id)}: record {c.id!r} field titles.{i}"
            if t.register_id:
                continue
            if t.level is None:
                out.append(f"{where}.level: say which level of place holds the title")
            elif t.level != c.place.level and c.area is None:
                out.append(f"{where}.level: a {t.level} title ({t.zh or t.en}) on a {c.place.level} cluster; "
                           "put it on the cluster of the place that holds it")
            if not t.issuer:
                out.append(f"{where}.issuer: say who awarded the title")
            if t.year is None:
                out.append(f"{where}.year: say when the title was awarded")
    return out


def tier_problems(atlas: Any) -> list[str]:
    """Quality or price tiers without a source that states them."""
    out = []
    for c in atlas.clusters.values():
        if (c.quality_tier or c.price_tier) and not c.tier_source:
            out.append(f"{atlas.file_of(c.id)}: record {c.id!r} field tier_source: a tier needs the source "
                       "that states it")
        elif c.tier_source and c.tier_source not in atlas.sources:
            out.append(f"{atlas.file_of(c.id)}: record {c.id!r} field tier_source: unknown source "
                       f"{c.tier_source!r}")
    return out


def register_problems(atlas: Any) -> list[str]:
    """Registers with more distinct lines entered than the list has (``listed``): a miscount or a line
    entered twice under different wordings."""
    out = []
    for rid, reg in getattr(atlas, "registers", {}).items():
        entered = len({e.name_zh for e in atlas.register_entries.get(rid, [])})
        if entered > reg.listed:
            out.append(f"registers: record {rid!r} field listed: {entered} lines entered but the list has "
                       f"{reg.listed}")
    return out


def figure_problems(atlas: Any) -> list[str]:
    """Periods, shares, titles, tiers and register counts (see the module docstring)."""
    return (period_problems(atlas) + share_problems(atlas) + title_problems(atlas) + tier_problems(atlas)
            + register_problems(atlas))


# -- text copied from the seed document --------------------------------------------------------------------

def _runs(text: str, step: int = 1) -> set[str]:
    """Runs of nine words (over 40 characters) within the sentences of ``text`` (split at ``.`` and ``;``)."""
    out = set()
    for sentence in re.split(r"[.;\n]", text):
        words = sentence.split()
        for i in range(0, max(0, len(words) - 8), step):
            run = " ".join(words[i:i + 9])
            if len(run) > 40:
                out.add(run)
    return out


def _digest(run: str) -> str:
    import hashlib

    return hashlib.sha256(run.encode("utf-8")).hexdigest()[:16]


def seed_fingerprints(seed_text: str) -> set[str]:
    """Digests of every run of nine words of the seed document: what :func:`copied_runs` looks for, without
    keeping the seed's text (the repository holds only the digests, ``tests/data/seed_fingerprints.txt``)."""
    return {_digest(r) for r in _runs(seed_text)}


def copied_runs(text: str, fingerprints: set[str]) -> list[str]:
    """Runs of nine words of ``text`` whose digest is among ``fingerprints`` (text copied from the seed)."""
    body = " ".join(text.split())
    return sorted(r for r in _runs(body) if _digest(r) in fingerprints)
