"""The rows of every table of :mod:`clusteratlas.export._tables`, built from a loaded atlas.

Rows are tuples aligned with the table's columns, sorted by primary key, so that the same data always gives
the same rows in the same order (the exports are byte-identical from one run to the next).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from clusteratlas.export._tables import LIST_SEP, TABLES


def _join(items: Iterable[str]) -> str | None:
    items = [str(i) for i in items]
    return LIST_SEP.join(items) if items else None


def _market_key(cluster_id: str, market: Any) -> str:
    """The id a market is exported under (the same key :func:`clusteratlas.coverage.all_markets` uses)."""
    return market.id or f"{cluster_id}/{market.name_en}"


def _places(atlas) -> list[dict[str, Any]]:
    places: dict[str, dict[str, Any]] = {}
    former: dict[str, list] = {}
    found = [c.place for c in sorted(atlas.clusters.values(), key=lambda c: c.id)]
    found += [e.place for rid in sorted(atlas.register_entries) for e in atlas.register_entries[rid]
              if e.place is not None]
    for p in found:
        path = list(p.path)
        for i, anc in enumerate(path):
            places.setdefault(anc.adcode, {
                "adcode": anc.adcode, "code_system": p.code_system, "code_vintage": p.code_vintage,
                "level": anc.level, "name_zh": anc.name_zh, "name_en": anc.name_en,
                "parent_adcode": path[i - 1].adcode if i else None,
                "path_en": " / ".join(a.name_en for a in path[:i]) or None})
        row = places.get(p.adcode)
        if row is None or row.get("_ancestor_only", True):
            places[p.adcode] = {
                "adcode": p.adcode, "code_system": p.code_system, "code_vintage": p.code_vintage,
                "level": p.level, "name_zh": p.name_zh, "name_en": p.name_en,
                "parent_adcode": path[-1].adcode if path else None,
                "path_en": " / ".join(a.name_en for a in path) or None,
                "nbs_code": p.nbs_code, "nbs_vintage": p.nbs_vintage, "_ancestor_only": False}
            former[p.adcode] = list(p.former_names)
    rows = []
    for code in sorted(places):
        row = places[code]
        row.pop("_ancestor_only", None)
        rows.append(row)
    former_rows = [{"adcode": code, "seq": i, "name_zh": f.name_zh, "name_en": f.name_en,
                    "former_adcode": f.adcode, "since": f.since, "until": f.until, "source": f.source}
                   for code in sorted(former) for i, f in enumerate(former[code], 1)]
    return rows, former_rows


def table_rows(atlas) -> dict[str, list[tuple]]:
    """Every table's rows: table name -> list of tuples aligned with its columns, sorted by primary key.

    Parameters
    ----------
    atlas : clusteratlas.atlas.Atlas

    Returns
    -------
    dict
        One entry per table of :data:`clusteratlas.export._tables.TABLES`, in that order.
    """
    out: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
    for g in atlas.groups.values():
        out["industry_groups"].append({"group_id": g.id, "name_en": g.name_en, "name_zh": g.name_zh,
                                       "gbt4754": _join(g.gbt4754), "description": g.description})
    for ind in atlas.industries.values():
        out["industries"].append({
            # a folder without taxonomy.yaml has no groups to point to (the loader checks parents otherwise)
            "industry_id": ind.id, "group_id": ind.parent if ind.parent in atlas.groups else None, "name_en": ind.name_en, "name_zh": ind.name_zh,
            "description": ind.description, "description_zh": ind.description_zh, "aliases": _join(ind.aliases),
            "negative_terms": _join(ind.negative_terms), "gbt4754": _join(ind.gbt4754)})
        terms = {(lang, t) for lang in ("en", "zh", "zh_hant", "pinyin") for t in getattr(ind.terms, lang)}
        out["industry_terms"] += [{"industry_id": ind.id, "language": lang, "term": t} for lang, t in terms]
        codes = {h.code: h.description for h in ind.hs_codes}
        out["industry_hs_codes"] += [{"industry_id": ind.id, "hs_code": code, "hs_edition": ind.hs_edition,
                                      "description": d} for code, d in codes.items()]
    out["places"], out["place_former_names"] = _places(atlas)
    for s in atlas.sources.values():
        out["sources"].append({"source_id": s.id, "publisher": s.publisher, "title": s.title, "url": s.url,
                               "date": s.date, "kind": s.kind, "language": s.language,
                               "document_no": s.document_no, "read_at": s.read_at, "note": s.note})
    markets: dict[str, Any] = dict(atlas.markets)
    served: set[tuple[str, str]] = set()
    for c in atlas.clusters.values():
        out["clusters"].append({
            "cluster_id": c.id, "industry_id": c.industry, "name_en": c.name_en, "name_zh": c.name_zh,
            "adcode": c.place.adcode, "lat": c.place.lat, "lon": c.place.lon,
            "coord_precision": c.place.coord_precision, "coord_source": c.place.coord_source,
            "area_name_en": c.area.name_en if c.area else None, "area_name_zh": c.area.name_zh if c.area else None,
            "area_adcodes": _join(c.area.adcodes) if c.area else None, "role": c.role,
            "cluster_type": c.cluster_type, "quality_tier": c.quality_tier, "price_tier": c.price_tier,
            "tier_source_id": c.tier_source, "tier_statement": c.tier_statement,
            "specialties": _join(c.specialties), "terms": _join(c.terms), "description": c.description,
            "description_zh": c.description_zh, "export_reach": c.export_reach, "in_seed": c.in_seed,
            "confidence": c.confidence})
        out["cluster_sources"] += [{"cluster_id": c.id, "source_id": s} for s in dict.fromkeys(c.sources)]
        for i, x in enumerate(c.claims, 1):
            out["claims"].append({
                "claim_id": f"{c.id}/{i}", "cluster_id": c.id, "seq": i, "metric": x.metric, "value": x.value,
                "value_max": x.value_max, "bound": x.bound, "unit": x.unit, "denominator": x.denominator,
                "period": x.period, "year": x.year, "scope": x.scope, "statement": x.statement, "statement_zh": x.statement_zh,
                "source_id": x.source, "confidence": x.confidence, "figure_id": x.figure_id, "note": x.note})
        for i, t in enumerate(c.titles, 1):
            out["titles"].append({
                "title_id": f"{c.id}/{i}", "cluster_id": c.id, "seq": i, "zh": t.zh, "en": t.en,
                "issuer": t.issuer, "programme": t.programme, "year": t.year, "valid_until": t.valid_until,
                "level": t.level, "register_id": t.register_id, "source_id": t.source,
                "confidence": t.confidence, "note": t.note})
        for i, k in enumerate(c.corrections, 1):
            out["corrections"].append({"cluster_id": c.id, "seq": i, "seed_text": k.seed_text,
                                       "corrected": k.corrected, "note": k.note, "source_id": k.source})
        for m in c.markets:
            key = _market_key(c.id, m)
            markets.setdefault(key, m)
            served.add((key, c.id))
    for key, m in markets.items():
        out["markets"].append({
            "market_id": key, "name_en": m.name_en, "name_zh": m.name_zh, "kind": m.kind,
            "address_zh": m.address_zh, "address_en": m.address_en, "adcode": m.adcode, "lat": m.lat, "lon": m.lon,
            "coord_source": m.coord_source, "sells": _join(m.sells), "opening_hours": m.opening_hours,
            "recurrence": m.recurrence, "website": m.website, "source_id": m.source,
            "confidence": m.confidence, "note": m.note})
        served.update((key, cid) for cid in m.clusters)
        out["fair_dates"] += [{"market_id": key, "seq": i, "start": f.start, "end": f.end, "edition": f.edition,
                               "source_id": f.source} for i, f in enumerate(m.fair_dates, 1)]
    out["market_clusters"] = [{"market_id": mk, "cluster_id": cid} for mk, cid in served]
    for r in atlas.registers.values():
        out["registers"].append({
            "register_id": r.id, "name_en": r.name_en, "name_zh": r.name_zh, "programme": r.programme,
            "issuer": r.issuer, "level": r.level, "year": r.year, "batch": r.batch,
            "document_no": r.document_no, "province": r.province, "listed": r.listed,
            "valid_from": r.valid_from, "valid_until": r.valid_until, "source_id": r.source, "note": r.note})
        for i, e in enumerate(atlas.register_entries.get(r.id, []), 1):
            out["register_entries"].append({
                "register_id": r.id, "seq": i, "name_zh": e.name_zh, "adcode": e.adcode, "industry_id": e.industry,
                "cluster_id": e.cluster, "read_at": e.read_at, "source_id": e.source, "confidence": e.confidence,
                "note": e.note})
    result: dict[str, list[tuple]] = {}
    for t in TABLES:
        rows = [tuple(r.get(c) for c in t.column_names) for r in out[t.name]]
        pk = [t.column_names.index(c) for c in t.primary_key]
        rows.sort(key=lambda row: tuple(row[i] for i in pk))
        result[t.name] = rows
    check_references(result)
    return result


def check_references(rows: dict[str, list[tuple]]) -> None:
    """Check every foreign key of :data:`TABLES` against the rows, before any file is written.

    Raises
    ------
    DataValidationError
        One line naming the first record whose reference does not resolve, and how many do not.
    """
    from clusteratlas.errors import DataValidationError

    by_name = {t.name: t for t in TABLES}
    bad: list[str] = []
    for t in TABLES:
        for cols, ref, ref_cols in t.foreign_keys:
            target = by_name[ref]
            idx = [target.column_names.index(c) for c in ref_cols]
            keys = {tuple(r[i] for i in idx) for r in rows[ref]}
            mine = [t.column_names.index(c) for c in cols]
            pk = [t.column_names.index(c) for c in t.primary_key]
            for r in rows[t.name]:
                value = tuple(r[i] for i in mine)
                if None not in value and value not in keys:
                    rid = "/".join(str(r[i]) for i in pk)
                    bad.append(f"{t.name} {rid!r} field {', '.join(cols)}: {value[0] if len(value) == 1 else value!r} "
                               f"is not in {ref}.{', '.join(ref_cols)}")
    if bad:
        more = f" (+{len(bad) - 1} more)" if len(bad) > 1 else ""
        raise DataValidationError(f"{bad[0]}{more}; run clusteratlas validate on the data folder")
