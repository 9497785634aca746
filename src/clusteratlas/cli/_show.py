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


def source_line(src: dict[str, Any]) -> str:
    """``Publisher, date: original address (or document no.); read at: copy`` for a source dict."""
    original = src.get("url") or (f"document {src['document_no']}" if src.get("document_no") else "no address")
    text = f"{src['publisher']}, {src.get('date') or 'n.d.'}: {original}"
    if src.get("url") and src.get("document_no"):
        text += f" ({src['document_no']})"
    if src.get("read_at"):
        text += f"; read at: {src['read_at']}"
    return text


def _evidence(con: Console, ev: dict[str, Any] | None) -> None:
    if not ev:
        return
    colour = "yellow" if ev.get("weak") else "green" if ev["level"] == "verified" else "default"
    con.print(f"Evidence: [{colour}]{ev['level']}[/{colour}] — {escape(ev['note'])}")


def _tier(con: Console, tier: dict[str, Any] | None) -> None:
    if not tier:
        return
    parts = [f"quality {tier['quality']}" if tier.get("quality") else "",
             f"price {tier['price']}" if tier.get("price") else ""]
    con.print(f"Tier: {', '.join(p for p in parts if p)} \\[{tier.get('confidence') or 'reported'}]")
    if tier.get("statement"):
        con.print(f"  {escape(tier['statement'])}")
    if tier.get("source_detail"):
        con.print(f"  [dim]{escape(source_line(tier['source_detail']))}[/dim]")
    elif tier.get("source"):
        con.print(f"  [dim]source {escape(tier['source'])}[/dim]")


def market_lines(m: dict[str, Any]) -> list[str]:
    """A market or fair as plain lines: name and kind; address and WGS-84 point; what it sells; hours or
    dates; note. ``m`` is a market dict of the cluster detail (the model's fields and ``when``)."""
    name = " ".join(x for x in (m.get("name_en"), m.get("name_zh")) if x)
    lines = [f"{name} ({m['kind']}) [{m.get('confidence', 'reported')}]"]
    address = " / ".join(x for x in (m.get("address_en"), m.get("address_zh")) if x)
    if address or m.get("lat") is not None:
        point = f" (lat {m['lat']:.5f}, lon {m['lon']:.5f}, WGS-84)" if m.get("lat") is not None else ""
        lines.append(f"address: {address or 'not given'}{point}")
    if m.get("sells"):
        lines.append("sells: " + "; ".join(m["sells"]))
    when = m.get("when")
    lines.append(("hours: " if m.get("opening_hours") else "dates: ") + when if when
                 else "hours or dates: not given by the sources")
    if m.get("note"):
        lines.append(f"note: {m['note']}")
    return lines


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
    _evidence(con, d.get("evidence"))
    _tier(con, d.get("tier"))
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
                stale = f" [yellow]{c['age_years']} years old[/yellow]" if c.get("stale") else ""
                con.print(f"    • {escape(_fmt_value(c))}{' (' + escape(where) + ')' if where else ''}{stale} — "
                          f"{escape(c['statement'])} \\[{conf}]")
                con.print(f"      [dim]{escape(source_line(src))}[/dim]")
                if c.get("note"):
                    con.print(f"      [dim]note: {escape(c['note'])}[/dim]")
    if d["titles"]:
        t = Table(title="Titles")
        for col in ("title", "level", "issuer", "year", "source", "confidence"):
            t.add_column(col, overflow="fold")
        for ti in d["titles"]:
            label = " ".join(x for x in (ti.get("zh"), ti["en"]) if x) + (f"\n({ti['note']})" if ti.get("note") else "")
            t.add_row(escape(label), ti.get("level") or "", escape(ti.get("issuer") or ""),
                      str(ti.get("year") or ""), escape(source_line(ti["source_detail"])), ti["confidence"])
        con.print(t)
    if d["markets"]:
        con.print("[bold]Markets and fairs[/bold]")
        for m in d["markets"]:
            first, *rest = market_lines(m)
            con.print(f"  • {escape(first)}")
            for line in rest:
                con.print(f"      {escape(line)}")
            con.print(f"      [dim]{escape(source_line(m['source_detail']))}[/dim]")
    if d["corrections"]:
        con.print("[bold]Corrections[/bold] (errors in the seed document or in other published lists)")
        for c in d["corrections"]:
            con.print(f"  • {escape(c['seed_text'])} → {escape(c['corrected'])}: {escape(c['note'])}")
    unverified = [c for c in d["claims"] if c["confidence"] == "unverified"]
    if unverified or d["confidence"] == "unverified":
        con.print("[yellow]Some statements here are unverified: no document was found to cite.[/yellow]")


def _ref_line(ref: dict[str, Any] | None) -> str:
    """A ``source_ref`` (:func:`clusteratlas.evidence.source_reference`) as one line."""
    if not ref:
        return "source not found"
    return source_line({"publisher": ref["publisher"], "date": ref.get("date"), "url": ref.get("original"),
                        "document_no": ref.get("document_no"), "read_at": ref.get("read_at")})


def print_find_details(rows: list[dict[str, Any]]) -> None:
    """After ``find``'s table: each result's evidence, tier (statement and source) and markets (address,
    WGS-84 point, hours or fair dates), from rows carrying :func:`clusteratlas.shapes.cluster_extras`."""
    con = Console()
    for i, r in enumerate(rows, 1):
        con.print(f"[bold]{i}. {escape(r['cluster_id'])}[/bold]")
        ev = r.get("evidence") or {}
        if ev:
            colour = "yellow" if ev.get("weak") else "default"
            con.print(f"   evidence: [{colour}]{ev['level']}[/{colour}]" + (f" — {escape(ev['note'])}" if ev.get("weak")
                                                                         else ""))
        tier = r.get("tier")
        if tier:
            parts = [f"quality {tier['quality']}" if tier.get("quality") else "",
                     f"price {tier['price']}" if tier.get("price") else ""]
            con.print(f"   tier: {', '.join(p for p in parts if p)} \\[{tier.get('confidence')}] "
                      f"{escape(tier.get('statement') or '')}")
            con.print(f"      [dim]{escape(_ref_line(tier.get('source_ref')))}[/dim]")
        for m in r.get("markets") or []:
            name = " ".join(x for x in (m.get("name"), m.get("name_zh")) if x)
            where = m.get("address") or m.get("address_zh") or "address not given"
            point = f" (lat {m['lat']:.5f}, lon {m['lon']:.5f})" if m.get("lat") is not None else ""
            con.print(f"   • {escape(name)} ({m['kind']}): {escape(where)}{point}")
            con.print(f"      {escape(m.get('when') or 'hours or dates not given by the sources')}")
            con.print(f"      [dim]{escape(_ref_line(m.get('source_ref')))}[/dim]")
