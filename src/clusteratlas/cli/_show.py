"""Rich rendering of one cluster's detail (``clusteratlas show``)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def _num(v: float) -> str:
    for size, word in ((1e9, " bn"), (1e6, " m")):
        if abs(v) >= size:
            return f"{v / size:,.3g}{word}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"


def _fmt_value(claim: dict[str, Any]) -> str:
    """``> 60%``, ``~ 16.9 bn cny``, ``60–70%`` from a claim dict."""
    v, vmax, unit, bound = claim.get("value"), claim.get("value_max"), claim.get("unit", ""), claim.get("bound")
    if v is None:
        return "—"
    num = _num(v) + (f"–{_num(vmax)}" if vmax is not None else "")
    prefix = {"more_than": "> ", "less_than": "< ", "approx": "~ "}.get(bound, "")
    suffix = "%" if unit == "percent" else f" {unit}"
    return f"{prefix}{num}{suffix}"


def print_cluster(d: dict[str, Any]) -> None:
    """Print a cluster detail dict (from :meth:`Atlas.cluster_detail`) for a person to read."""
    con = Console()
    p = d["place"]
    path = " / ".join(e["name_en"] for e in p["path"])
    con.print(f"[bold]{escape(d['name_en'])}[/bold]  {escape(d['name_zh'])}   ([cyan]{d['cluster_id']}[/cyan])")
    con.print(f"Industry: {escape(d['industry_name'])} ({d['industry']})   role: {d['role']}   "
              f"type: {d['cluster_type']}   confidence: {d['confidence']}")
    con.print(f"Place: {escape(p['name'])} {escape(p['name_zh'])}, {escape(path)}   adcode {p['adcode']} "
              f"({p['code_system']} {p['code_vintage']}, {p['level']})")
    con.print(f"Point: lat {p['lat']:.5f}, lon {p['lon']:.5f} (WGS-84; {p['coord_precision']} point from "
              f"{escape(p['coord_source'])})")
    tiers = [f"quality {d['quality_tier']}" if d.get("quality_tier") else "",
             f"price {d['price_tier']}" if d.get("price_tier") else ""]
    if any(tiers):
        con.print("Tiers: " + ", ".join(t for t in tiers if t))
    if d.get("area"):
        a = d["area"]
        con.print(f"Area: {escape(a['name_en'])} {escape(a['name_zh'])} covers {', '.join(a['adcodes'])} — "
                  f"{escape(a['note'])}")
    con.print()
    con.print(escape(d["description"]))
    if d.get("specialties"):
        con.print("Specialties: " + escape("; ".join(d["specialties"])))
    if d.get("export_reach"):
        con.print("Export reach: " + escape(d["export_reach"]))

    if d["claims"]:
        con.print()
        con.print("[bold]Claims[/bold] — every figure with its source; figures for one metric side by side")
        groups: dict[str, list[dict[str, Any]]] = {}
        for c in d["claims"]:
            groups.setdefault(c["metric"], []).append(c)
        for metric, claims in groups.items():
            flag = "  [yellow]⚠ sources disagree[/yellow]" if metric in d.get("conflicts", {}) else ""
            con.print(f"  [cyan]{escape(metric)}[/cyan]{flag}")
            for c in claims:
                src = c["source_detail"]
                where = ", ".join(x for x in (c.get("period"), c.get("scope")) if x)
                conf = c["confidence"] if c["confidence"] != "unverified" else "[yellow]unverified[/yellow]"
                con.print(f"    • {escape(_fmt_value(c))}{' (' + escape(where) + ')' if where else ''} — "
                          f"{escape(c['statement'])} \\[{conf}]")
                con.print(f"      [dim]{escape(src['publisher'])}, {escape(src.get('date') or 'n.d.')}: "
                          f"{escape(src.get('url') or 'no address')}[/dim]")
                if c.get("note"):
                    con.print(f"      [dim]note: {escape(c['note'])}[/dim]")
    if d["titles"]:
        t = Table(title="Titles")
        for col in ("title", "issuer", "year", "source", "confidence"):
            t.add_column(col, overflow="fold")
        for ti in d["titles"]:
            label = " ".join(x for x in (ti.get("zh"), ti["en"]) if x) + (f"\n({ti['note']})" if ti.get("note") else "")
            t.add_row(escape(label), escape(ti.get("issuer") or ""),
                      str(ti.get("year") or ""), escape(ti["source_detail"]["publisher"]), ti["confidence"])
        con.print(t)
    if d["markets"]:
        t = Table(title="Markets and fairs")
        for col in ("name", "kind", "note", "source"):
            t.add_column(col, overflow="fold")
        for m in d["markets"]:
            t.add_row(escape(" ".join(x for x in (m["name_en"], m.get("name_zh")) if x)), m["kind"],
                      escape(m.get("note") or ""), escape(m["source_detail"]["publisher"]))
        con.print(t)
    if d["corrections"]:
        con.print("[bold]Corrections[/bold] (errors in the seed document or in other published lists)")
        for c in d["corrections"]:
            con.print(f"  • {escape(c['seed_text'])} → {escape(c['corrected'])}: {escape(c['note'])}")
    unverified = [c for c in d["claims"] if c["confidence"] == "unverified"]
    if unverified or d["confidence"] == "unverified":
        con.print("[yellow]Some statements here are unverified: no document was found to cite.[/yellow]")
