"""The trip plan object and its outputs: JSON-ready dict, GeoJSON (RFC 7946) and an iCalendar file."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from clusteratlas.leads import LEADS_NOTICE, lead_place_names, product_names, supplier_leads
from clusteratlas.trip._travel import Airport, model_constants

#: Said with every plan: what is computed and what is estimated.
ESTIMATES_NOTE = ("Great-circle distances are computed; every figure under 'estimate' (road, rail and flight "
                  "distances, modes, hours) and the day plan are estimates from a stated model (see the 'model' "
                  "block and docs/trip.md): check timetables and opening hours before you book.")
#: The time zone of every time in a plan (China Standard Time).
TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class TripPlan:
    """A planned sourcing trip (see :func:`clusteratlas.plan_trip`).

    Attributes
    ----------
    request : dict
        What was asked: items, cities, dates, days, tier, role, modes, today.
    start, end : dict
        The start city and the end city (None for a trip ending at its last stop): place, nearest airport.
    stops : tuple of dict
        In visiting order: place, clusters and the items they serve (with the choice's scores and the
        alternatives), markets, fairs in the trip's dates, nearest airport, half-days, arrival, leads.
    legs : tuple of dict
        Start → stop 1 → … (→ end): great-circle km, mode, ``estimate`` (distance, hours, parts, every mode
        considered), departure and arrival, half-days used.
    left_out : tuple of dict
        ``{item, reason}`` for each item not in the plan.
    schedule : dict
        Days and half-days: travel + visits + free = 2 × days.
    totals : dict
        Sums over the legs.
    notes : tuple of str
        Remarks on the request (an ambiguous city, free days, no dates …).
    """

    request: dict[str, Any]
    start: dict[str, Any]
    end: dict[str, Any] | None
    stops: tuple[dict[str, Any], ...]
    legs: tuple[dict[str, Any], ...]
    left_out: tuple[dict[str, Any], ...]
    schedule: dict[str, Any]
    totals: dict[str, Any]
    notes: tuple[str, ...] = ()
    model: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``clusteratlas plan --format json`` and ``/api/v1/plan`` (a deep copy)."""
        return copy.deepcopy({
            "request": self.request, "start": self.start, "end": self.end, "stops": list(self.stops),
            "legs": list(self.legs), "left_out": list(self.left_out), "schedule": self.schedule,
            "totals": self.totals, "notes": list(self.notes), "estimates_note": ESTIMATES_NOTE,
            "leads_notice": LEADS_NOTICE, "model": self.model,
        })

    def to_geojson(self) -> dict[str, Any]:
        """A FeatureCollection: the start, each stop and the end as Points, each market with a point as a
        Point, each leg as a LineString (a flight through its two airports); ``[lon, lat]``, WGS-84.

        Every feature has ``kind`` (start | stop | end | market | leg) and ``order`` (0 for the start, the
        stop or leg number, the number of stops + 1 for the end) so that a map can draw and label the trip.
        """
        feats = [_point(self.start, {"kind": "start", "order": 0, "name": self.start["name"],
                                     "name_zh": self.start["name_zh"], "adcode": self.start["adcode"]})]
        for s in self.stops:
            feats.append(_point(s, {
                "kind": "stop", "order": s["n"], "name": s["name"], "name_zh": s["name_zh"], "adcode": s["adcode"],
                "items": s["items"], "cluster_ids": [c["cluster_id"] for c in s["clusters"]],
                "half_days": s["half_days"], "arrive": s["arrive"], "airport": (s["airport"] or {}).get("iata"),
                "markets": len(s["markets"]), "fairs": len(s["fairs"])}))
            for m in s["markets"]:
                if m.get("lat") is not None:
                    feats.append(_point(m, {"kind": "market", "order": s["n"], "name": m["name"],
                                            "name_zh": m.get("name_zh"), "market_kind": m.get("kind"),
                                            "opening_hours": m.get("opening_hours")}))
        if self.end is not None:
            feats.append(_point(self.end, {"kind": "end", "order": len(self.stops) + 1, "name": self.end["name"],
                                           "name_zh": self.end["name_zh"], "adcode": self.end["adcode"]}))
        for leg in self.legs:
            est = leg["estimate"]
            feats.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": leg["path"]},
                          "properties": {"kind": "leg", "order": leg["n"], "from": leg["from"], "to": leg["to"],
                                         "mode": leg["mode"], "great_circle_km": leg["great_circle_km"],
                                         "distance_km_est": est["distance_km"], "hours_est": est["hours"],
                                         "depart": leg["depart"], "arrive": leg["arrive"]}})
        return {"type": "FeatureCollection", "features": feats,
                "properties": {"title": self.title(), "estimates_note": ESTIMATES_NOTE}}

    def title(self) -> str:
        """One line: items, start city, days and dates."""
        items = ", ".join(self.request["items"])
        when = f"{self.schedule['days']} day{'s' if self.schedule['days'] != 1 else ''}"
        if self.schedule.get("start_date"):
            when += f", {self.schedule['start_date']} to {self.schedule['end_date']}"
        return f"Sourcing trip for {items} from {self.start['name']} ({when})"

    def to_ics(self) -> bytes:
        """An iCalendar file (RFC 5545): one event per leg and per visit, all-day events for the fairs.

        Times are local (``Asia/Shanghai``, with its VTIMEZONE). Event UIDs are derived from the plan, so
        the same plan gives the same file.

        Raises
        ------
        BadQueryError
            When the plan has no dates (a calendar needs a start date).
        """
        from clusteratlas.errors import BadQueryError

        if not self.schedule.get("start_date"):
            raise BadQueryError("a calendar needs dates: give a start date")
        from zoneinfo import ZoneInfo

        from icalendar import Calendar, Event

        tz = ZoneInfo(TIMEZONE)
        start = dt.date.fromisoformat(self.schedule["start_date"])
        seed = hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True, default=str).encode()).hexdigest()[:16]
        stamp = dt.datetime.combine(dt.date.fromisoformat(self.request["today"]), dt.time(0), dt.timezone.utc)
        cal = Calendar()
        cal.add("prodid", "-//clusteratlas//sourcing trip planner//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", self.title())

        def at(when: dict[str, Any]) -> dt.datetime:
            h, m = (int(x) for x in when["time"].split(":"))
            return dt.datetime.combine(start + dt.timedelta(days=when["day"] - 1), dt.time(h, m), tz)

        def event(uid: str, summary: str, begin, end, description: str, location: str | None = None) -> None:
            ev = Event()
            ev.add("uid", f"{seed}-{uid}@clusteratlas")
            ev.add("dtstamp", stamp)
            ev.add("summary", summary)
            ev.add("dtstart", begin)
            ev.add("dtend", end)
            ev.add("description", description)
            if location:
                ev.add("location", location)
            cal.add_component(ev)

        for leg in self.legs:
            est = leg["estimate"]
            begin, end = at(leg["depart"]), at(leg["arrive"])
            if end <= begin:
                end = begin + dt.timedelta(minutes=5)
            event(f"leg-{leg['n']}", f"{leg['mode'].capitalize()}: {leg['from']} → {leg['to']} (estimate)", begin,
                  end, f"Estimated {est['hours']:.1f} h, about {est['distance_km']:.0f} km by {leg['mode']} "
                       f"({leg['great_circle_km']:.0f} km great-circle). {ESTIMATES_NOTE}")
        for s in self.stops:
            lines = ["Clusters: " + "; ".join(f"{c['name']} ({c['cluster_id']}): {', '.join(c['items'])}"
                                               for c in s["clusters"])]
            lines += [f"Market: {m['name']}" + (f" ({m['name_zh']})" if m.get("name_zh") else "")
                      + (f", {m['opening_hours']}" if m.get("opening_hours") else "") for m in s["markets"]]
            if s["airport"]:
                lines.append(f"Nearest airport: {s['airport']['iata']} {s['airport']['name']} "
                             f"({s['airport']['distance_km']:.0f} km)")
            event(f"stop-{s['n']}", f"Visit {s['name']}: {', '.join(s['items'])}", at(s["visit"]["start"]),
                  at(s["visit"]["end"]), "\n".join(lines), f"{s['name']} {s['name_zh']}")
            for i, f in enumerate(s["fairs"]):
                ev_end = dt.date.fromisoformat(f["end"]) + dt.timedelta(days=1)
                event(f"fair-{s['n']}-{i}", f"Fair: {f['name']}", dt.date.fromisoformat(f["start"]), ev_end,
                      f"{f['name']} ({f['start']} to {f['end']}); source {f.get('source')}", s["name"])
        cal.add_missing_timezones()
        return cal.to_ical()


def _point(obj: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [obj["lon"], obj["lat"]]},
            "properties": props}


def _airport(lon: float, lat: float, costs: Any) -> dict[str, Any] | None:
    a: Airport | None = costs.airport((round(lon, 5), round(lat, 5)))
    return a.to_dict() if a else None


def _market(m: Any, lon: float, lat: float) -> dict[str, Any]:
    from clusteratlas.trip._travel import great_circle_km

    out = {"id": m.id, "name": m.name_en, "name_zh": m.name_zh, "kind": m.kind, "address": m.address_en,
           "address_zh": m.address_zh, "lat": m.lat, "lon": m.lon, "opening_hours": m.opening_hours,
           "sells": list(m.sells), "recurrence": m.recurrence, "website": m.website, "source": m.source,
           "confidence": m.confidence,
           "fair_dates": [f.model_dump() for f in m.fair_dates]}
    out["distance_km"] = (round(great_circle_km(lon1=lon, lat1=lat, lon2=m.lon, lat2=m.lat), 1)
                          if m.lat is not None else None)
    return out


def _richness(row: dict[str, Any]) -> int:
    """How much a market record says (an id counts double): the fuller of two records of one market wins."""
    return 2 * (row["id"] is not None) + sum(v not in (None, [], "") for v in row.values())


def _fairs(markets: list[dict[str, Any]], start: dt.date | None, end: dt.date | None,
           visit: tuple[dt.date, dt.date] | None) -> list[dict[str, Any]]:
    """Fair editions overlapping the trip's dates; ``during_visit`` when they overlap the stop's visit."""
    if start is None or end is None:
        return []
    out = []
    for m in markets:
        for f in m["fair_dates"]:
            fs, fe = dt.date.fromisoformat(f["start"]), dt.date.fromisoformat(f["end"])
            if fs <= end and fe >= start:
                out.append({"market_id": m["id"], "name": m["name"], "name_zh": m["name_zh"], "start": f["start"],
                            "end": f["end"], "edition": f.get("edition"), "source": f.get("source") or m["source"],
                            "during_visit": bool(visit and fs <= visit[1] and fe >= visit[0])})
    return sorted(out, key=lambda f: (f["start"], f["name"]))


def build_plan(cls, *, atlas, names, origin, dest, end_kind, costs, seq, visits, timeline, left_out, start_date,
               end_date, days, tier, role, modes, today) -> TripPlan:
    """Assemble the :class:`TripPlan` from the planner's choices (see :mod:`clusteratlas.trip._plan`)."""
    from clusteratlas.trip._plan import TIER_ATTRS, _when

    if days is None:
        days = max(1, -(-timeline.used // 2))
        if start_date is not None:
            end_date = start_date + dt.timedelta(days=days - 1)
    for place in (origin, dest):
        if place is not None:
            place["airport"] = _airport(place["lon"], place["lat"], costs)
    stops = []
    for n, (s, v, vt) in enumerate(zip(seq, visits, timeline.visits), 1):
        p = s["place"]
        clusters: dict[str, dict[str, Any]] = {}
        markets: dict[str, dict[str, Any]] = {}
        leads = []
        for prod, cand in s["entries"]:
            c = cand["cluster"]
            row = clusters.setdefault(c.id, {
                "cluster_id": c.id, "industry": c.industry, "name": c.name_en, "name_zh": c.name_zh, "role": c.role,
                "cluster_type": c.cluster_type, "price_tier": c.price_tier, "quality_tier": c.quality_tier,
                "items": [], "choice": []})
            row["items"].append(prod["item"])
            tier_met = None
            if tier:
                attr, wanted = TIER_ATTRS[tier]
                have = getattr(c, attr)
                tier_met = None if have is None else have == wanted
            row["choice"].append({
                "item": prod["item"], "how": cand["kind"], "score": cand["score"],
                "relevance": round(cand["relevance"], 4), "detour_hours_est": round(cand.get("detour_hours", 0.0), 2),
                "value": round(cand.get("value", cand["relevance"]), 4), "tier_wish_met": tier_met,
                "alternatives": [{"cluster_id": a["cluster"].id, "place": a["cluster"].place.name_en,
                                  "relevance": round(a["relevance"], 4),
                                  "detour_hours_est": round(a.get("detour_hours", 0.0), 2),
                                  "value": round(a.get("value", a["relevance"]), 4)}
                                 for a in prod["candidates"] if a is not cand]})
            for m in c.markets:  # one record per market: the same market may be nested and in markets/
                row = _market(m, p.lon, p.lat)
                key = m.name_zh or m.name_en
                if key not in markets or _richness(row) > _richness(markets[key]):
                    markets[key] = row
            en, zh = product_names(atlas.industry(c.industry), None if cand["kind"] == "cluster id" else prod["item"])
            place_en, place_zh = lead_place_names(c.place)
            leads.append({"cluster_id": c.id, "item": prod["item"], "links": [
                lead.to_dict() for lead in supplier_leads(product_en=en, product_zh=zh, place_en=place_en,
                                                          place_zh=place_zh)]})
        arrive, vstart, vend = _when(timeline.legs[n - 1].arrive, start_date), _when(vt.start, start_date), \
            _when(vt.end, start_date)
        visit_dates = None
        if start_date is not None:
            visit_dates = (dt.date.fromisoformat(vstart["date"]), dt.date.fromisoformat(vend["date"]))
        mk = list(markets.values())
        stops.append({
            "n": n, "name": p.name_en, "name_zh": p.name_zh, "adcode": p.adcode, "level": p.level, "lat": p.lat,
            "lon": p.lon, "path": [e.model_dump() for e in p.path], "items": [i for c in clusters.values()
                                                                            for i in c["items"]],
            "clusters": list(clusters.values()), "markets": mk, "fairs": _fairs(mk, start_date, end_date, visit_dates),
            "airport": _airport(p.lon, p.lat, costs), "half_days": v, "days": v / 2, "arrive": arrive,
            "visit": {"start": vstart, "end": vend}, "leads": leads,
        })
    ends = [origin, *stops, *([dest] if end_kind == "fixed" else [origin] if end_kind == "return" else [])]
    legs = []
    for n, (a, b, lt) in enumerate(zip(ends, ends[1:], timeline.legs), 1):
        ka, kb = (round(a["lon"], 5), round(a["lat"], 5)), (round(b["lon"], 5), round(b["lat"], 5))
        if ka == kb:
            gc, est = 0.0, None
        else:
            est = costs.directed_leg(ka, kb)
            gc = est.great_circle_km
        path = [[a["lon"], a["lat"]], [b["lon"], b["lat"]]]
        estimate = {"distance_km": 0.0, "road_km": 0.0, "hours": 0.0, "parts": {}, "options": []}
        mode = "none"
        if est is not None:
            mode = est.mode
            estimate = {"distance_km": round(est.chosen.distance_km, 1), "road_km": round(est.road_km, 1),
                        "hours": round(est.hours, 2), "parts": dict(est.chosen.parts),
                        "options": [o.to_dict() for o in est.options]}
            if mode == "flight":
                dep, arr = costs.airport(ka), costs.airport(kb)
                path = [path[0], [dep.lon, dep.lat], [arr.lon, arr.lat], path[1]]
        legs.append({
            "n": n, "from": a["name"], "to": b["name"], "from_stop": a.get("n", 0),
            "to_stop": b.get("n", "end" if n == len(ends) - 1 and end_kind != "open" else None),
            "great_circle_km": round(gc, 1), "mode": mode, "estimate": estimate,
            "depart": _when(lt.depart, start_date), "arrive": _when(lt.arrive, start_date),
            "half_days": lt.half_days, "path": path,
        })
    travel = sum(lt.half_days for lt in timeline.legs)
    visit_total = sum(visits)
    schedule = {"days": days, "half_days": 2 * days, "travel_half_days": travel, "visit_half_days": visit_total,
                "free_half_days": 2 * days - timeline.used,
                "start_date": start_date.isoformat() if start_date else None,
                "end_date": end_date.isoformat() if end_date else None, "timezone": TIMEZONE}
    totals = {"great_circle_km": round(sum(leg["great_circle_km"] for leg in legs), 1),
              "distance_km_est": round(sum(leg["estimate"]["distance_km"] for leg in legs), 1),
              "hours_est": round(sum(leg["estimate"]["hours"] for leg in legs), 2),
              "stops": len(stops), "legs": len(legs)}
    notes = []
    for place, what in ((origin, "start"), (dest, "end")):
        if place is not None and place.get("match") == "fuzzy":
            notes.append(f"The {what} city {place['query']!r} was read by spelling as "
                         f"{place['name']} ({place['name_zh']}, {place['adcode']}).")
        elif place is not None and place["ambiguous"]:
            notes.append(f"The {what} city {place['query']!r} may name several places; the plan uses "
                         f"{place['name']} ({place['name_zh']}, {place['adcode']}).")
    if schedule["free_half_days"] > 0:
        notes.append(f"{schedule['free_half_days'] / 2:g} day(s) left free: stay longer at a stop or add a product.")
    if start_date is None:
        notes.append("No dates given: days are numbered, fairs are not checked against dates and there is no "
                     "calendar file.")
    request = {"items": names, "start": origin["query"], "end": dest["query"] if dest else None,
               "start_date": start_date.isoformat() if start_date else None,
               "end_date": end_date.isoformat() if end_date else None, "days": days, "tier": tier, "role": role,
               "modes": list(modes), "today": today.isoformat()}
    model = model_constants()
    from clusteratlas.trip import _plan, _schedule

    model.update({"slot_starts_hours": list(_schedule.SLOT_STARTS), "half_day_hours": _schedule.HALF_DAY_HOURS,
                  "late_start_hours": _schedule.LATE_START_HOURS, "evening_end_hour": _schedule.EVENING_END,
                  "visit_half_days": _plan.VISIT_HALF_DAYS, "min_visit_half_days": _plan.MIN_VISIT_HALF_DAYS,
                  "detour_weight_per_hour": _plan.DETOUR_WEIGHT_PER_HOUR, "role_bonus": _plan.ROLE_BONUS,
                  "candidate_floor": _plan.CANDIDATE_FLOOR, "merge_km": _plan.MERGE_KM,
                  "order": "exact (Held-Karp) on estimated hours", "doc": "docs/trip.md"})
    return cls(request=request, start=origin, end=dest if end_kind == "fixed" else None, stops=tuple(stops),
               legs=tuple(legs), left_out=tuple(left_out), schedule=schedule, totals=totals, notes=tuple(notes),
               model=model)
