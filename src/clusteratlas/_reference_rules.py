"""The rules that make the atlas a reference: sources, periods, shares, titles, tiers.

Each rule reads a loaded :class:`~clusteratlas.atlas.Atlas` and returns one-line problems naming the file,
the record and the field. ``clusteratlas validate`` runs them after the model and cross-reference checks.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

#: Shares are added up per (industry, metric, denominator, period); these metrics are shares.
SHARE_PREFIX = "share_of_"


def copy_site_domains(data_dir: Path) -> dict[str, str]:
    """``copy_sites.yaml`` of a data folder: domain → why it is a copy site (empty when absent)."""
    path = data_dir / "copy_sites.yaml"
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {d["domain"].lower(): d.get("note", "") for d in raw.get("domains", [])}


def _domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _on_copy_site(url: str, copies: dict[str, str]) -> bool:
    host = _domain(url)
    return any(host == d or host.endswith("." + d) for d in copies)


def source_problems(atlas: Any) -> list[str]:
    """Sources cited through a copy without their original: the publisher's address, or for an official
    document whose page could not be found, its issuing number (``document_no``)."""
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


RULES = (source_problems, period_problems, share_problems, title_problems, tier_problems)


def reference_problems(atlas: Any) -> list[str]:
    """Every problem the reference rules find, in rule order."""
    return [p for rule in RULES for p in rule(atlas)]


if __name__ == "__main__":  # pragma: no cover - a data-entry aid until validate runs these rules
    import sys

    from clusteratlas.atlas import load_atlas

    found = reference_problems(load_atlas(sys.argv[1] if len(sys.argv) > 1 else None))
    print("\n".join(found) or "no problems")
    print(f"{len(found)} problems", file=sys.stderr)
    sys.exit(1 if found else 0)
