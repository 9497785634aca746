"""``clusteratlas plan``: a sourcing trip (a thin wrapper over :func:`clusteratlas.trip.plan_trip`)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional, get_args

import typer

from clusteratlas.cli._options import DataDirOption
from clusteratlas.model import ClusterRole


class PlanFormat(str, Enum):
    """Outputs of a plan."""

    table = "table"
    json = "json"
    geojson = "geojson"


#: Cluster roles, as the data model defines them.
Role = Enum("Role", {r: r for r in get_args(ClusterRole)}, type=str)


def plan_cmd(
    items: Annotated[list[str], typer.Argument(
        help="Products and/or cluster ids, comma-separated: 'socks, wigs, eyeglasses', 'xuchang-wigs'.")],
    start: Annotated[str, typer.Option("--from", help="Start city: 'Shanghai', '上海', 'Yiwu'.")],
    end: Annotated[Optional[str], typer.Option(
        "--to", help="End city (the start city again for a round trip; default: end at the last stop).")] = None,
    start_date: Annotated[Optional[dt.datetime], typer.Option(
        "--start", formats=["%Y-%m-%d"], help="First day of the trip, YYYY-MM-DD.")] = None,
    end_date: Annotated[Optional[dt.datetime], typer.Option(
        "--end", formats=["%Y-%m-%d"], help="Last day of the trip, YYYY-MM-DD (with --start).")] = None,
    days: Annotated[Optional[int], typer.Option(
        "--days", "-d", min=1, max=60,
        help="Number of days (default: from the dates, else what the stops need).")] = None,
    tier: Annotated[Optional[str], typer.Option(
        "--tier", help="'cheap' or 'high quality': favours clusters with that recorded tier.")] = None,
    role: Annotated[Optional[Role], typer.Option("--role", help="Prefer clusters of this role.")] = None,
    modes: Annotated[str, typer.Option(
        "--modes", help="Allowed modes of travel, comma-separated, from drive, rail, flight.")] = "drive,rail,flight",
    fmt: Annotated[Optional[PlanFormat], typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table (default on a terminal), json or geojson (stops and markets as Points, legs as "
             "LineStrings).")] = None,
    ics: Annotated[Optional[Path], typer.Option(
        "--ics", help="Also write an iCalendar file of the trip here (needs --start; written atomically).")] = None,
    leads: Annotated[bool, typer.Option(
        "--leads/--no-leads", help="Show supplier leads (outside search links) in the table.")] = True,
    today: Annotated[Optional[dt.datetime], typer.Option(
        "--today", formats=["%Y-%m-%d"], hidden=True, help="Check dates against this day (for tests).")] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Plan a sourcing trip: the best cluster for each product, the order of the stops, each leg's mode and
    estimated time, markets, fairs during the dates, nearest airports, and supplier leads.

    Distances other than great-circle, times and the day plan are estimates (model in docs/trip.md).
    Items that do not fit the days, or match nothing, are listed as left out with the reason.

    Example: clusteratlas plan "socks, wigs, eyeglasses" --from Shanghai --days 4
    """
    from clusteratlas.tables import atomic_write, check_output_path
    from clusteratlas.trip import plan_trip

    check_output_path(ics)
    atlas = None
    if data_dir is not None:
        from clusteratlas.atlas import load_atlas

        atlas = load_atlas(data_dir)
    with _status("Planning the trip…"):
        plan = plan_trip(items, start=start, end=end, start_date=start_date.date() if start_date else None,
                         end_date=end_date.date() if end_date else None, days=days, tier=tier,
                         role=role.value if role else None, modes=modes, atlas=atlas,
                         today=today.date() if today else None)
    if ics is not None:
        data = plan.to_ics()
        with atomic_write(ics, "wb", encoding=None, newline=None) as fh:
            fh.write(data)
        typer.echo(f"Calendar written to {ics} ({len(plan.stops)} visits, {len(plan.legs)} legs).", err=True)
    fmt = fmt or (PlanFormat.table if sys.stdout.isatty() else PlanFormat.json)
    if fmt is PlanFormat.json:
        json.dump(plan.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif fmt is PlanFormat.geojson:
        json.dump(plan.to_geojson(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_plan(plan.to_dict(), title=plan.title(), leads=leads)


class _status:
    """A spinner on stderr while planning, only when stderr is a terminal."""

    def __init__(self, text: str) -> None:
        self.text, self.ctx = text, None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.console import Console

            self.ctx = Console(stderr=True).status(self.text)
            self.ctx.__enter__()
        return self

    def __exit__(self, *exc):
        if self.ctx is not None:
            self.ctx.__exit__(*exc)
        return False


def _when(w: dict[str, Any]) -> str:
    if w.get("date"):
        d = dt.date.fromisoformat(w["date"])
        return f"{d:%a %d %b} {w['time']}"
    return f"day {w['day']} {w['time']}"


def _span(a: dict[str, Any], b: dict[str, Any]) -> str:
    left = _when(a)
    same_day = a.get("day") == b.get("day")
    return f"{left}–{b['time']}" if same_day else f"{left} → {_when(b)}"


def _place_line(stop: dict[str, Any]) -> str:
    """Name, Chinese name, and (county or prefecture, province) above it."""
    by_level = {p["level"]: p["name_en"] for p in stop["path"]}
    above = [n for n in (by_level.get("county") or by_level.get("prefecture"), by_level.get("province")) if n]
    return f"{stop['name']} {stop['name_zh']}" + (f" ({', '.join(above)})" if above else "")


def print_plan(plan: dict[str, Any], *, title: str, leads: bool = True) -> None:
    """The itinerary as rich tables on stdout: legs and stops in order, then each stop's markets, fairs,
    airport and leads, what was left out, and the notes. ``~`` marks an estimate."""
    from rich.console import Console
    from rich.table import Table

    con = Console()
    sch = plan["schedule"]
    table = Table(title=title, show_lines=True, title_justify="left")
    for header, kw in (("#", {"no_wrap": True}), ("when", {}), ("where", {}), ("how / what", {}),
                       ("km", {"justify": "right"}), ("time", {"justify": "right"}), ("airport", {})):
        table.add_column(header, **kw)
    for leg, stop in zip(plan["legs"], [*plan["stops"], None]):
        est = leg["estimate"]
        parts = est["parts"]
        how = leg["mode"]
        if leg["mode"] == "flight":
            how += f" {parts['from_airport']}→{parts['to_airport']}"
        table.add_row(f"→{leg['n']}", _span(leg["depart"], leg["arrive"]), f"{leg['from']} → {leg['to']}", how,
                      f"{leg['great_circle_km']:.0f} gc\n~{est['distance_km']:.0f}", f"~{est['hours']:.1f} h", "")
        if stop is None:
            continue
        what = "\n".join(f"{', '.join(c['items'])}: {c['cluster_id']} ({c['role']})" for c in stop["clusters"])
        ap = stop["airport"]
        days = stop["days"]
        table.add_row(str(stop["n"]), _span(stop["visit"]["start"], stop["visit"]["end"]), _place_line(stop), what,
                      "", f"{days:g} day" + ("s" if days > 1 else ""),
                      f"{ap['iata']} {ap['distance_km']:.0f} km" if ap else "")
    con.print(table)
    con.print(f"Days: {sch['days']} = {sch['travel_half_days'] / 2:g} travel + {sch['visit_half_days'] / 2:g} "
              f"visits + {sch['free_half_days'] / 2:g} free.  Totals: {plan['totals']['great_circle_km']:.0f} km "
              f"great-circle, ~{plan['totals']['distance_km_est']:.0f} km travelled, "
              f"~{plan['totals']['hours_est']:.1f} h on the way.", highlight=False)
    for stop in plan["stops"]:
        con.print(f"\n[bold]{stop['n']}. {stop['name']} {stop['name_zh']}[/bold]")
        ap = stop["airport"]
        if ap:
            con.print(f"   Nearest airport: {ap['iata']} {ap['name']}, {ap['distance_km']:.0f} km", highlight=False)
        if stop["markets"]:
            for m in stop["markets"]:
                bits = [m.get("kind") or "", m.get("opening_hours") or "", m.get("recurrence") or "",
                        m.get("address") or m.get("address_zh") or ""]
                dated = sorted(m.get("fair_dates") or [], key=lambda f: f["start"])
                if dated and not any(f["market_id"] == m["id"] for f in stop["fairs"]):
                    bits.append(f"last dated edition {dated[-1]['start']} to {dated[-1]['end']}")
                dist = f", {m['distance_km']:.0f} km away" if m.get("distance_km") is not None else ""
                con.print(f"   Market: {m['name']}" + (f" {m['name_zh']}" if m.get("name_zh") else "")
                          + "".join(f"; {b}" for b in bits if b) + dist, highlight=False)
        else:
            con.print("   No market recorded in the atlas.")
        for f in stop["fairs"]:
            con.print(f"   Fair during the trip: {f['name']} {f['start']} to {f['end']}"
                      + (" (during the visit)" if f["during_visit"] else ""), highlight=False)
        if leads:
            for group in stop["leads"]:
                con.print(f"   Supplier leads for {group['item']} (outside links, nothing fetched):", highlight=False)
                for link in group["links"]:
                    con.print(f"     {link['site_name']}: {link['url']}", soft_wrap=True, highlight=False)
    if plan["left_out"]:
        con.print("\n[bold]Left out[/bold]")
        for lo in plan["left_out"]:
            con.print(f"   {lo['item']}: {lo['reason']}", highlight=False)
    for note in plan["notes"]:
        con.print(f"\nNote: {note}", highlight=False)
    con.print(f"\n~ {plan['estimates_note']}", style="dim", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``plan`` to ``app``."""
    app.command("plan", no_args_is_help=True)(plan_cmd)
