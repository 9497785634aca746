"""What the atlas covers: counts, sources and their use, and the coverage table the README shows.

All figures are computed from the loaded data (nothing is stored by hand), so they cannot drift from it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any


def source_usage(atlas) -> list[dict[str, Any]]:
    """One row per source: its identity and how many claims, titles, markets and clusters cite it.

    Sorted by the number of claims citing it, then by id.
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
                     "url": s.url, "claims": claims[s.id], "titles": titles[s.id], "markets": markets[s.id],
                     "clusters": len(clusters[s.id])})
    rows.sort(key=lambda r: (-r["claims"], r["source_id"]))
    return rows


def _province(cluster) -> tuple[str, str]:
    p = cluster.place
    if p.level == "province":
        return p.adcode, p.name_en
    first = p.path[0] if p.path else None
    return (first.adcode, first.name_en) if first else (p.adcode[:2] + "0000", "?")


def coverage_stats(atlas) -> dict[str, Any]:
    """Counts of clusters, industries, groups, provinces, claims by confidence and the share verified.

    ``share_verified`` is verified claims ÷ all claims (0–1); ``share_unverified`` likewise.
    """
    conf = Counter(x.confidence for c in atlas.clusters.values() for x in c.claims)
    title_conf = Counter(t.confidence for c in atlas.clusters.values() for t in c.titles)
    n_claims = sum(conf.values()) or 1
    provinces = {_province(c)[0] for c in atlas.clusters.values()}
    return {
        "clusters": len(atlas.clusters),
        "clusters_in_seed": sum(c.in_seed for c in atlas.clusters.values()),
        "industries": len(atlas.industries),
        "industry_groups": len(atlas.groups),
        "provinces": len(provinces),
        "township_clusters": sum(c.place.level == "township" for c in atlas.clusters.values()),
        "claims": sum(conf.values()),
        "claims_verified": conf.get("verified", 0),
        "claims_reported": conf.get("reported", 0),
        "claims_unverified": conf.get("unverified", 0),
        "share_verified": round(conf.get("verified", 0) / n_claims, 4),
        "share_unverified": round(conf.get("unverified", 0) / n_claims, 4),
        "titles": sum(title_conf.values()),
        "titles_unverified": title_conf.get("unverified", 0),
        "sources": len(atlas.sources),
    }


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


def coverage_markdown(atlas) -> str:
    """The README's coverage tables (by province × industry group, and by industry group), as Markdown."""
    stats = coverage_stats(atlas)
    groups = sorted({i.parent or "other" for i in atlas.industries.values()})
    lines = [
        f"{stats['clusters']} clusters in {stats['industries']} industries ({stats['industry_groups']} groups) "
        f"across {stats['provinces']} provinces; {stats['claims']} claims, of which "
        f"{stats['share_verified']:.0%} verified against the cited page, "
        f"{stats['claims_reported'] / max(stats['claims'], 1):.0%} as reported by a cited page, "
        f"{stats['share_unverified']:.0%} unverified.",
        "",
        "| province | clusters | industries | " + " | ".join(groups) + " |",
        "|---|---:|---:|" + "---:|" * len(groups),
    ]
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
