"""What the atlas covers and how well it is sourced: counts, source usage, the official registers entered so
far, and the coverage tables the README shows.

All figures are computed from the loaded data (nothing is stored by hand), so they cannot drift from it.
How each count is measured is stated in :data:`MEASURES` (shown by ``clusteratlas stats``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from clusteratlas.evidence import (
    REFERENCE_KINDS,
    STALE_AFTER_YEARS,
    VERIFIED_RULE,
    WEAK_KINDS,
    cluster_evidence,
    current_year,
    is_stale,
)
from clusteratlas.geo import MAINLAND_PROVINCES

#: What each count of :func:`coverage_stats` measures (``clusteratlas stats`` prints these beside the values).
MEASURES: dict[str, str] = {
    "clusters": "clusters in the atlas (from industry files and register entries)",
    "clusters_in_seed": "clusters the seed document names",
    "industries": "industries (product families)",
    "industry_groups": "industry groups (parents of industries)",
    "provinces": "province-level units with at least one cluster",
    "mainland_provinces_missing": "mainland provinces (of 31) without a cluster",
    "township_clusters": "clusters placed at a township (town, subdistrict)",
    "claims": "claims (sourced statements, most with a figure)",
    "claims_verified": f"claims marked verified: {VERIFIED_RULE}",
    "claims_reported": "claims as the cited page reports them, not checked against its text",
    "claims_unverified": "claims with no page that states them",
    "share_verified": "claims_verified / claims",
    "share_unverified": "claims_unverified / claims",
    "claims_on_reference_sources": "claims citing an official, association, media, research or dataset source",
    "share_verified_on_reference_sources": "share of those claims marked verified",
    "claims_on_weak_sources": "claims citing a blog, a company page or the seed document",
    "share_verified_on_weak_sources": "share of those claims marked verified",
    "titles": "titles and register listings on clusters",
    "titles_unverified": "titles with no page that states them",
    "sources": "sources (documents cited)",
    "sources_read_on_a_copy": "sources whose text was read on a copy (read_at) rather than the original",
    "clusters_seed_only": "clusters resting on the seed document alone",
    "clusters_single_blog": "clusters resting on a single blog page alone (the seed aside)",
    "clusters_unverified_only": "clusters whose every item is unverified",
    "clusters_weak_sources_only": "clusters resting only on blogs, company pages or the seed",
    "clusters_with_verified_reference": "clusters with an item verified on an official, association, media or "
                                        "research page",
    "figures": "claims with a number",
    "figures_undated": "figures marked undated (no period found)",
    "figures_stale": f"figures whose period ended more than {STALE_AFTER_YEARS} years before as_of_year",
    "as_of_year": "the year figure ages are counted to",
    "markets": "wholesale markets, materials markets, distribution centres and trade fairs",
    "markets_with_address": "markets with an address",
    "markets_with_point": "markets with a WGS-84 point",
    "markets_with_hours": "markets with opening days or hours from a source",
    "fairs": "trade fairs",
    "fairs_with_dates": "trade fairs with dated editions",
    "clusters_with_markets": "clusters served by at least one market or fair",
    "clusters_with_tier": "clusters with a quality or price tier",
    "clusters_with_sourced_tier": "clusters whose tier cites the source that states it",
    "registers": "official cluster registers (national, provincial and association lists)",
    "register_lines_listed": "lines the registers list, all registers together",
    "register_lines_entered": "register lines entered in the atlas",
    "register_coverage": "per register: lines entered / lines listed",
}


def source_usage(atlas) -> list[dict[str, Any]]:
    """One row per source: its identity and how many claims, titles, markets and clusters cite it.

    ``url`` is the original publisher's address; ``read_at`` the copy the text was read on, when it was not
    read on the original; ``document_no`` the issuing number of an official document. Sorted by the number
    of claims citing it, then by id.
    """
    claims: Counter[str] = Counter()
    titles: Counter[str] = Counter()
    markets: Counter[str] = Counter()
    clusters: dict[str, set[str]] = defaultdict(set)
    for c in atlas.clusters.values():
        for x in c.claims:
            claims[x.source] += 1
            clusters[x.source].add(c.id)
        for x in c.titles:
            titles[x.source] += 1
            clusters[x.source].add(c.id)
        for x in c.markets:
            markets[x.source] += 1
            clusters[x.source].add(c.id)
        for s in c.sources:
            clusters[s].add(c.id)
    rows = []
    for s in atlas.sources.values():
        rows.append({"source_id": s.id, "publisher": s.publisher, "title": s.title, "date": s.date, "kind": s.kind,
                     "url": s.url, "read_at": s.read_at, "document_no": s.document_no, "claims": claims[s.id],
                     "titles": titles[s.id], "markets": markets[s.id], "clusters": len(clusters[s.id])})
    rows.sort(key=lambda r: (-r["claims"], r["source_id"]))
    return rows


def _province(cluster) -> tuple[str, str]:
    p = cluster.place
    if p.level == "province":
        return p.adcode, p.name_en
    first = p.path[0] if p.path else None
    return (first.adcode, first.name_en) if first else (p.adcode[:2] + "0000", "?")


def all_markets(atlas) -> list[Any]:
    """Every market and fair once: those of ``markets/*.yaml`` by id, then any nested under a cluster only."""
    seen = dict(atlas.markets)
    for c in atlas.clusters.values():
        for m in c.markets:
            seen.setdefault(m.id or f"{c.id}/{m.name_en}", m)
    return list(seen.values())


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def coverage_stats(atlas, as_of: int | None = None) -> dict[str, Any]:
    """Counts of what the atlas covers and how well it is sourced (every key is explained in :data:`MEASURES`).

    Parameters
    ----------
    atlas : clusteratlas.atlas.Atlas
    as_of : int, optional
        The year figure ages are counted to (default: this year); a figure is stale when its period ended
        more than :data:`~clusteratlas.evidence.STALE_AFTER_YEARS` years before it.

    Returns
    -------
    dict
        Counts (int), shares (0–1, four decimals), ``mainland_provinces_missing`` (a list of
        ``"北京市 Beijing (110000)"``) and ``register_coverage`` (register id → ``{"entered", "listed"}``).
    """
    as_of = as_of or current_year()
    clusters = list(atlas.clusters.values())
    claims = [x for c in clusters for x in c.claims]
    conf = Counter(x.confidence for x in claims)
    title_conf = Counter(t.confidence for c in clusters for t in c.titles)
    provinces = {_province(c)[0] for c in clusters}
    kind = {sid: s.kind for sid, s in atlas.sources.items()}
    strong = [x for x in claims if kind.get(x.source) in REFERENCE_KINDS]
    weak = [x for x in claims if kind.get(x.source) in WEAK_KINDS]
    levels = Counter(cluster_evidence(c, atlas.sources)["level"] for c in clusters)
    figures = [x for x in claims if x.value is not None]
    markets = all_markets(atlas)
    fairs = [m for m in markets if m.kind == "trade fair"]
    registers = register_coverage(atlas, as_of=as_of)
    return {
        "clusters": len(clusters),
        "clusters_in_seed": sum(c.in_seed for c in clusters),
        "industries": len(atlas.industries),
        "industry_groups": len(atlas.groups),
        "provinces": len(provinces),
        "mainland_provinces_missing": _missing_provinces(provinces),
        "township_clusters": sum(c.place.level == "township" for c in clusters),
        "claims": len(claims),
        "claims_verified": conf.get("verified", 0),
        "claims_reported": conf.get("reported", 0),
        "claims_unverified": conf.get("unverified", 0),
        "share_verified": _share(conf.get("verified", 0), len(claims)),
        "share_unverified": _share(conf.get("unverified", 0), len(claims)),
        "claims_on_reference_sources": len(strong),
        "share_verified_on_reference_sources": _share(sum(x.confidence == "verified" for x in strong), len(strong)),
        "claims_on_weak_sources": len(weak),
        "share_verified_on_weak_sources": _share(sum(x.confidence == "verified" for x in weak), len(weak)),
        "titles": sum(title_conf.values()),
        "titles_unverified": title_conf.get("unverified", 0),
        "sources": len(atlas.sources),
        "sources_read_on_a_copy": sum(bool(s.read_at) for s in atlas.sources.values()),
        "clusters_seed_only": levels["seed-only"],
        "clusters_single_blog": levels["single-blog"],
        "clusters_unverified_only": levels["unverified-only"],
        "clusters_weak_sources_only": levels["weak-sources-only"],
        "clusters_with_verified_reference": levels["verified"],
        "figures": len(figures),
        "figures_undated": sum(x.period == "undated" for x in figures),
        "figures_stale": sum(is_stale(x, as_of) for x in figures),
        "as_of_year": as_of,
        "markets": len(markets),
        "markets_with_address": sum(bool(m.address_zh or m.address_en) for m in markets),
        "markets_with_point": sum(m.lat is not None for m in markets),
        "markets_with_hours": sum(bool(m.opening_hours) for m in markets),
        "fairs": len(fairs),
        "fairs_with_dates": sum(bool(m.fair_dates) for m in fairs),
        "clusters_with_markets": sum(bool(c.markets) for c in clusters),
        "clusters_with_tier": sum(bool(c.quality_tier or c.price_tier) for c in clusters),
        "clusters_with_sourced_tier": sum(bool((c.quality_tier or c.price_tier) and c.tier_source
                                               and c.tier_source in atlas.sources) for c in clusters),
        "registers": len(registers),
        "register_lines_listed": sum(r["listed"] for r in registers),
        "register_lines_entered": sum(r["entered"] for r in registers),
        "register_coverage": {r["register_id"]: {"entered": r["entered"], "listed": r["listed"]} for r in registers},
    }


def _missing_provinces(covered: set[str]) -> list[str]:
    missing = [code for code in MAINLAND_PROVINCES if code not in covered]
    if not missing:
        return []
    from clusteratlas import gazetteer

    return [f"{(p := gazetteer.place_for_adcode(code)).name_zh} {p.name_en} ({code})" for code in missing]


def coverage_by_province(atlas) -> list[dict[str, Any]]:
    """Rows ``{province, adcode, clusters, industries, groups: {group id: clusters}}``, most clusters first."""
    rows: dict[str, dict[str, Any]] = {}
    for c in atlas.clusters.values():
        code, name = _province(c)
        row = rows.setdefault(code, {"province": name, "adcode": code, "clusters": 0, "industries": set(),
                                     "groups": Counter()})
        row["clusters"] += 1
        row["industries"].add(c.industry)
        row["groups"][atlas.industries[c.industry].parent or "other"] += 1
    out = []
    for row in sorted(rows.values(), key=lambda r: (-r["clusters"], r["adcode"])):
        out.append(row | {"industries": len(row["industries"]), "groups": dict(row["groups"])})
    return out


# -- registers ---------------------------------------------------------------------------------------------

def _validity(reg, as_of: int) -> str:
    """``2023–2025 (ended)``, ``from 2024``, ``until 2027``, or ``not stated``."""
    span = (f"{reg.valid_from}–{reg.valid_until}" if reg.valid_from and reg.valid_until
            else f"from {reg.valid_from}" if reg.valid_from
            else f"until {reg.valid_until}" if reg.valid_until else "not stated")
    return span + (" (ended)" if reg.valid_until is not None and reg.valid_until < as_of else "")


def register_row(atlas, register_id: str, as_of: int | None = None) -> dict[str, Any]:
    """One register with its list source and how many of its lines the atlas holds.

    ``listed`` is the number of lines the list itself has; ``entered`` the number of distinct lines entered
    (a line naming several places, 苏州市、无锡市、南通市高端纺织集群, is one line entered as several clusters);
    ``clusters`` the clusters those lines are, ``new_clusters`` the ones made from this register (the rest
    carry it as a title). ``url`` is the list's original address, ``read_at`` the copy it was read on,
    ``document_no`` the notice's issuing number.

    Raises
    ------
    RegisterNotFound
        No register has this id (a LookupError; the message suggests close ids).
    """
    reg = atlas.registers.get(register_id)
    if reg is None:
        from clusteratlas.atlas import _not_found
        from clusteratlas.errors import RegisterNotFound

        raise RegisterNotFound(_not_found("register", register_id, atlas.registers))
    as_of = as_of or current_year()
    entries = atlas.register_entries.get(reg.id, [])
    src = atlas.sources.get(reg.source)
    conf = Counter(e.confidence for e in entries)
    cluster_ids = list(dict.fromkeys(e.cluster for e in entries))
    entered = len({e.name_zh for e in entries})
    return {
        "register_id": reg.id, "name": reg.name_en, "name_zh": reg.name_zh, "programme": reg.programme,
        "issuer": reg.issuer, "level": reg.level, "year": reg.year, "batch": reg.batch, "province": reg.province,
        "listed": reg.listed, "entered": entered, "share_entered": _share(entered, reg.listed),
        "clusters": len(cluster_ids), "new_clusters": sum(_made_by(atlas, cid, reg.id) for cid in cluster_ids),
        "entries_verified": conf.get("verified", 0), "entries_reported": conf.get("reported", 0),
        "entries_unverified": conf.get("unverified", 0),
        "source": reg.source, "publisher": src.publisher if src else None, "url": src.url if src else None,
        "read_at": src.read_at if src else None,
        "document_no": reg.document_no or (src.document_no if src else None),
        "valid_from": reg.valid_from, "valid_until": reg.valid_until, "validity": _validity(reg, as_of),
        "note": reg.note,
    }


def _made_by(atlas, cluster_id: str, register_id: str) -> bool:
    """True when the cluster was made from a line of this register (not an existing cluster given its title)."""
    c = atlas.clusters.get(cluster_id)
    return (c is not None and atlas.file_of(cluster_id).parent.name == "registers" and bool(c.titles)
            and c.titles[0].register_id == register_id)


def register_coverage(atlas, as_of: int | None = None) -> list[dict[str, Any]]:
    """:func:`register_row` for every register: national lists first, then by year and id."""
    order = {"national": 0, "provincial": 1, "association": 2}
    regs = sorted(atlas.registers.values(), key=lambda r: (order.get(r.level, 9), r.year, r.id))
    return [register_row(atlas, r.id, as_of=as_of) for r in regs]


def register_entries(atlas, register_id: str) -> list[dict[str, Any]]:
    """The lines of one register entered so far, in list order.

    Each row: ``register_id, line`` (the list's own wording), ``cluster_id, industry, adcode, place, place_zh,
    province`` (of the atlas cluster), ``made`` (``new cluster`` or ``title on existing cluster``),
    ``confidence``, ``source`` (the entry's own source id, else the register's notice), ``read_at`` (the page
    the line was read on, when not the list itself) and ``note``.

    Raises
    ------
    RegisterNotFound
        No register has this id.
    """
    reg_row = register_row(atlas, register_id)
    rows = []
    for e in atlas.register_entries.get(register_id, []):
        c = atlas.clusters.get(e.cluster)
        place = c.place if c is not None else e.place
        rows.append({
            "register_id": register_id, "line": e.name_zh, "cluster_id": e.cluster, "industry": e.industry,
            "adcode": e.adcode, "place": place.name_en if place else None,
            "place_zh": place.name_zh if place else None,
            "province": _province(c)[1] if c is not None else None,
            "made": "new cluster" if _made_by(atlas, e.cluster, register_id) else "title on existing cluster",
            "confidence": e.confidence, "source": e.source or reg_row["source"], "read_at": e.read_at,
            "note": e.note,
        })
    return rows


# -- the README -------------------------------------------------------------------------------------------

def _pct(x: float) -> str:
    return f"{x:.0%}"


def coverage_markdown(atlas, as_of: int | None = None) -> str:
    """The README's coverage section, as Markdown: the headline counts, the evidence behind the clusters,
    the registers (lines listed vs entered), and clusters by province × industry group and by group.

    ``as_of`` is the year figure ages are counted to (default: this year); it is printed with the counts.
    """
    s = coverage_stats(atlas, as_of=as_of)
    groups = sorted({i.parent or "other" for i in atlas.industries.values()})
    missing = ", ".join(s["mainland_provinces_missing"]) or "none"
    lines = [
        f"Counted in {s['as_of_year']} by `clusteratlas stats` on the shipped data: **{s['clusters']} clusters** in "
        f"**{s['industries']} industries** ({s['industry_groups']} groups) across **{s['provinces']} "
        f"province-level units** (mainland provinces without a cluster: {missing}); {s['claims']} claims, "
        f"**{_pct(s['share_verified'])} verified** (the cited page's text was read and states the figure for "
        f"that place and period), {_pct(s['claims_reported'] / max(s['claims'], 1))} as reported by a cited "
        f"page, {_pct(s['share_unverified'])} unverified.",
        "",
        "| how well it is sourced | count |",
        "|---|---:|",
        f"| claims on official, association, media, research or dataset sources (verified) | "
        f"{s['claims_on_reference_sources']} ({_pct(s['share_verified_on_reference_sources'])}) |",
        f"| claims on blogs, company pages or the seed (verified) | {s['claims_on_weak_sources']} "
        f"({_pct(s['share_verified_on_weak_sources'])}) |",
        f"| clusters resting on the seed alone | {s['clusters_seed_only']} |",
        f"| clusters resting on a single blog alone | {s['clusters_single_blog']} |",
        f"| clusters whose every item is unverified | {s['clusters_unverified_only']} |",
        f"| clusters resting only on blogs, company pages or the seed | {s['clusters_weak_sources_only']} |",
        f"| figures undated / older than {STALE_AFTER_YEARS} years (of {s['figures']}) | {s['figures_undated']} / "
        f"{s['figures_stale']} |",
        f"| sources read on a copy (`read_at`), the original cited | {s['sources_read_on_a_copy']} |",
        f"| clusters with a sourced quality/price tier | {s['clusters_with_sourced_tier']} |",
        f"| markets and fairs: with address / point / opening hours | {s['markets']}: "
        f"{s['markets_with_address']} / {s['markets_with_point']} / {s['markets_with_hours']} |",
        f"| trade fairs with dated editions | {s['fairs_with_dates']} of {s['fairs']} |",
        "",
        "| register | issuer | year | lines listed | lines entered | clusters | list source |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in register_coverage(atlas, as_of=as_of):
        where = "; ".join([*([r["document_no"]] if r["document_no"] else []),
                           *([f"[original]({r['url']})"] if r["url"] else []),
                           *([f"[read at]({r['read_at']})"] if r["read_at"] else [])]) or "not found"
        lines.append(f"| {r['name']} (`{r['register_id']}`) | {r['issuer']} | {r['year']} | {r['listed']} | "
                     f"{r['entered']} | {r['clusters']} | {where} |")
    lines += ["", "| province | clusters | industries | " + " | ".join(groups) + " |",
              "|---|---:|---:|" + "---:|" * len(groups)]
    for row in coverage_by_province(atlas):
        cells = [str(row["groups"].get(g, "")) for g in groups]
        lines.append(f"| {row['province']} | {row['clusters']} | {row['industries']} | " + " | ".join(cells) + " |")
    lines += ["", "| industry group | industries | clusters |", "|---|---:|---:|"]
    for g in groups:
        inds = [i for i in atlas.industries.values() if (i.parent or "other") == g]
        n = sum(len(atlas.clusters_of(i.id)) for i in inds)
        name = atlas.groups[g].name_en if g in atlas.groups else g
        lines.append(f"| {name} (`{g}`) | {len(inds)} | {n} |")
    return "\n".join(lines) + "\n"
