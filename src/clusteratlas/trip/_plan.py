"""plan_trip: products or cluster ids, a start city and days → an ordered sourcing trip.

The steps (the scoring and the model are written out in ``docs/trip.md``):

1. **Read the request**: items split on commas; the start (and end) city resolved by the gazetteer; dates
   checked against ``today``.
2. **Candidates**: a cluster id stands for itself; a product is searched with :func:`clusteratlas.find`
   (the tier wish prefixed, "cheap socks"), and its clusters scoring at least :data:`CANDIDATE_FLOOR` of the
   best are kept (at most :data:`MAX_CANDIDATES`). A candidate's *relevance* is its score over the best
   score, plus :data:`ROLE_BONUS` when its role is the one asked for.
3. **Choice**: each product takes the candidate of highest *value* = relevance −
   :data:`DETOUR_WEIGHT_PER_HOUR` × the detour (the estimated hours its stop adds to the route through the
   other products' stops, by cheapest insertion); repeated over the products until no choice changes.
4. **Stops**: chosen clusters at the same place (or within :data:`MERGE_KM`) make one stop.
5. **Order**: an exact solve of the route (:mod:`clusteratlas.trip._route`) on estimated hours.
6. **Days**: each stop gets a day (two half-days); when the trip does not fit the days given, stops drop
   to a half-day, lowest priority first (the items listed last), then whole stops are left out, again
   lowest priority first, each with its reason.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any, get_args

from clusteratlas.errors import BadQueryError, PlaceNotFound
from clusteratlas.model import ClusterRole
from clusteratlas.trip._route import EndKind, best_order
from clusteratlas.trip._schedule import build_timeline
from clusteratlas.trip._travel import MODES, LegEstimate, estimate_leg, great_circle_km, nearest_airports

#: Most items (products and cluster ids) one request may hold.
MAX_ITEMS = 50
#: Most stops a trip keeps: the exact solver's limit (Held–Karp, about 0.1 s for 12 stops).
MAX_STOPS = 12
#: Most days a trip may last.
MAX_DAYS = 60
#: Candidate clusters for one product: those scoring at least this share of the best ...
CANDIDATE_FLOOR = 0.8
#: ... and at most this many.
MAX_CANDIDATES = 5
#: Relevance added to a cluster whose role is the one asked for.
ROLE_BONUS = 0.1
#: Relevance one hour of detour costs: 0.1 of relevance is worth five hours of travel.
DETOUR_WEIGHT_PER_HOUR = 0.02
#: Chosen clusters closer than this (great-circle km) make one stop.
MERGE_KM = 20.0
#: Half-days each stop gets when the days allow, and the least it gets before stops are left out.
VISIT_HALF_DAYS, MIN_VISIT_HALF_DAYS = 2, 1
#: Choice rounds at most (each product's choice is revisited once per round).
MAX_ROUNDS = 3
#: Above this many other stops, the detour is measured on a nearest-neighbour route instead of the exact one.
SELECTION_EXACT_MAX = 8

#: Tier wishes: the words accepted and the words given to the search (its intent words).
TIER_WISHES = {
    "cheap": "cheap", "low": "cheap", "low price": "cheap", "budget": "cheap", "便宜": "cheap", "低价": "cheap",
    "high quality": "high quality", "high": "high quality", "quality": "high quality",
    "premium": "high quality", "高端": "high quality", "高品质": "high quality",
}
#: The tier each wish stands for (attribute of the cluster, wanted value).
TIER_ATTRS = {"cheap": ("price_tier", "low"), "high quality": ("quality_tier", "high")}
ROLES = get_args(ClusterRole)

_SPLIT = re.compile(r"[,，、;；\n]+")


def split_items(items: str | Sequence[str]) -> list[str]:
    """Items from a string or list of strings, split on commas (, ，、 ; ；), trimmed, duplicates dropped."""
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise BadQueryError("items must be text: products or cluster ids, separated by commas")
    out: list[str] = []
    seen: set[str] = set()
    for chunk in items:
        for part in _SPLIT.split(chunk):
            part = " ".join(part.split())
            if part and part.lower() not in seen:
                seen.add(part.lower())
                out.append(part)
    return out


def _as_date(value: Any, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadQueryError(f"{what} {value!r} is not a date YYYY-MM-DD") from None


def check_dates(start_date: Any, end_date: Any, days: Any, today: dt.date
                ) -> tuple[dt.date | None, dt.date | None, int | None]:
    """``(start, end, days)`` from what was given: start+end, start+days, days alone, or nothing.

    Raises
    ------
    BadQueryError
        A date that is not YYYY-MM-DD, a start before ``today``, an end before the start, an end without a
        start, days out of 1–:data:`MAX_DAYS`, or days that disagree with the dates.
    """
    start, end = _as_date(start_date, "start date"), _as_date(end_date, "end date")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS):
        raise BadQueryError(f"days must be a whole number from 1 to {MAX_DAYS}, not {days!r}")
    if end is not None and start is None:
        raise BadQueryError("an end date needs a start date")
    if start is not None and start < today:
        raise BadQueryError(f"the start date {start.isoformat()} is in the past (today is {today.isoformat()})")
    if start is not None and end is not None:
        if end < start:
            raise BadQueryError(f"the end date {end.isoformat()} is before the start date {start.isoformat()}")
        span = (end - start).days + 1
        if span > MAX_DAYS:
            raise BadQueryError(f"the dates span {span} days; a trip lasts at most {MAX_DAYS}")
        if days is not None and days != span:
            raise BadQueryError(f"{days} days disagree with the dates {start} to {end} ({span} days)")
        days = span
    elif start is not None and days is not None:
        end = start + dt.timedelta(days=days - 1)
    return start, end, days


#: A start or end city matched only by spelling (the gazetteer's ``fuzzy`` match) is taken only at these
#: levels: "Shangai" is Shanghai, but "Narnia" is not 南贾镇 and "Berlin" is not 碑林区.
_FUZZY_CITY_LEVELS = frozenset({"province", "prefecture"})


def resolve_city(query: Any, what: str) -> dict[str, Any]:
    """The place a city query names (the gazetteer's best candidate), as a place dict with its nearest
    airport. Raises :class:`PlaceNotFound` (one line) when nothing matches, or when the only match is a
    guess by spelling (``fuzzy``) below prefecture level."""
    from clusteratlas import resolve_place

    if not isinstance(query, str) or not query.strip():
        raise BadQueryError(f"the {what} city is missing")
    found = resolve_place(query.strip(), limit=1)
    if not found:
        raise PlaceNotFound(f"no place matches {query.strip()!r} (the {what} city)")
    c = found[0]
    if c.match == "fuzzy" and c.level not in _FUZZY_CITY_LEVELS:
        where = " / ".join(p.get("name_en") or p.get("name_zh") or "" for p in c.path[:1])
        raise PlaceNotFound(
            f"no city matches {query.strip()!r} (the {what} city); the closest name, {c.name} ({c.name_zh}"
            f"{', ' + where if where else ''}), is only a guess by spelling: give the city in characters or "
            "its pinyin")
    return {"query": query.strip(), "adcode": c.adcode, "name": c.name, "name_zh": c.name_zh, "level": c.level,
            "lat": c.lat, "lon": c.lon, "path": [dict(p) for p in c.path], "ambiguous": c.ambiguous,
            "match": c.match}


class _Costs:
    """Leg estimates between points, computed once per pair (the model is symmetric)."""

    def __init__(self, modes: tuple[str, ...]) -> None:
        self.modes = modes
        self._legs: dict[tuple, LegEstimate] = {}
        self._airports: dict[tuple, Any] = {}

    @staticmethod
    def key(p: dict[str, Any]) -> tuple[float, float]:
        return (round(float(p["lon"]), 5), round(float(p["lat"]), 5))

    def airport(self, k: tuple[float, float]):
        if k not in self._airports:
            self._airports[k] = nearest_airports(lon=k[0], lat=k[1])[0]
        return self._airports[k]

    def leg(self, a: tuple[float, float], b: tuple[float, float]) -> LegEstimate:
        pair = (a, b) if a <= b else (b, a)
        if pair not in self._legs:
            self._legs[pair] = estimate_leg(lon1=pair[0][0], lat1=pair[0][1], lon2=pair[1][0], lat2=pair[1][1],
                                            modes=self.modes, airports=(self.airport(pair[0]), self.airport(pair[1])))
        return self._legs[pair]

    def directed_leg(self, a: tuple[float, float], b: tuple[float, float]) -> LegEstimate:
        """The leg from ``a`` to ``b`` with its parts (airports) in that direction; same figures as :meth:`leg`."""
        return estimate_leg(lon1=a[0], lat1=a[1], lon2=b[0], lat2=b[1], modes=self.modes,
                            airports=(self.airport(a), self.airport(b)))

    def hours(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        return 0.0 if a == b else self.leg(a, b).hours

    def matrix(self, points: Sequence[tuple[float, float]]) -> list[list[float]]:
        return [[self.hours(a, b) for b in points] for a in points]


def _order(costs: _Costs, start: tuple, end: tuple | None, end_kind: EndKind, stops: list[tuple],
           exact: bool = True) -> list[int]:
    """Indexes into ``stops`` in visiting order."""
    if not stops:
        return []
    if not exact:  # nearest neighbour from the start
        left, here, out = list(range(len(stops))), start, []
        while left:
            nxt = min(left, key=lambda i: (costs.hours(here, stops[i]), i))
            out.append(nxt)
            left.remove(nxt)
            here = stops[nxt]
        return out
    points = [start, *stops, *([end] if end_kind == "fixed" else [])]
    order, _ = best_order(costs.matrix(points), end_kind)
    return [i - 1 for i in order]


def _insertion_hours(costs: _Costs, route: list[tuple], point: tuple, open_end: bool) -> float:
    """Least extra hours to visit ``point`` somewhere on ``route`` (start … end)."""
    best = costs.hours(route[-1], point) if open_end else math.inf
    for a, b in zip(route, route[1:]):
        best = min(best, costs.hours(a, point) + costs.hours(point, b) - costs.hours(a, b))
    return max(0.0, best)


def choose_clusters(products: list[dict[str, Any]], costs: _Costs, start: tuple, end: tuple | None,
                    end_kind: EndKind) -> None:
    """Set ``product["chosen"]`` (an index into ``product["candidates"]``) for every product, trading
    relevance for detour (see the module docstring); fills each candidate's ``detour_hours`` and ``value``."""
    for p in products:
        p["chosen"] = 0
    route_cache: dict[tuple, list[tuple]] = {}
    for _ in range(MAX_ROUNDS):
        changed = False
        for i, p in enumerate(products):
            others = sorted({q["candidates"][q["chosen"]]["point"] for j, q in enumerate(products) if j != i})
            key = tuple(others)
            if key not in route_cache:
                order = _order(costs, start, end, end_kind, others, exact=len(others) <= SELECTION_EXACT_MAX)
                tail = [end] if end_kind == "fixed" else [start] if end_kind == "return" else []
                route_cache[key] = [start, *(others[k] for k in order), *tail]
            route = route_cache[key]
            for c in p["candidates"]:
                c["detour_hours"] = _insertion_hours(costs, route, c["point"], end_kind == "open")
                c["value"] = c["relevance"] - DETOUR_WEIGHT_PER_HOUR * c["detour_hours"]
            best = max(range(len(p["candidates"])), key=lambda k: (round(p["candidates"][k]["value"], 9), -k))
            if best != p["chosen"]:
                p["chosen"], changed = best, True
        if not changed:
            break


def candidates_for(item: str, atlas: Any, tier: str | None, role: str | None) -> list[dict[str, Any]]:
    """Candidate clusters for one item (see the module docstring); ``[]`` when nothing matches."""
    from clusteratlas import find

    if item in atlas.clusters:
        c = atlas.clusters[item]
        return [{"cluster": c, "score": None, "relevance": 1.0, "point": _Costs.key(c.place.model_dump()),
                 "kind": "cluster id"}]
    query = f"{tier} {item}" if tier else item
    results = find(query, limit=20, atlas=atlas)
    if not results:
        return []
    top = results[0].score
    out = []
    for r in results:
        if len(out) >= MAX_CANDIDATES or r.score < CANDIDATE_FLOOR * top:
            break
        c = atlas.clusters[r.cluster_id]
        rel = r.score / top if top > 0 else 1.0
        if role and c.role == role:
            rel += ROLE_BONUS
        out.append({"cluster": c, "score": r.score, "relevance": rel, "point": _Costs.key(r.place),
                    "kind": "product", "matched": r.matched})
    out.sort(key=lambda d: -d["relevance"])
    return out


def group_stops(products: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chosen clusters → stops (same place or within :data:`MERGE_KM`), in priority order."""
    stops: list[dict[str, Any]] = []
    for p in products:
        cand = p["candidates"][p["chosen"]]
        c = cand["cluster"]
        home = None
        for s in stops:
            if s["adcode"] == c.place.adcode or great_circle_km(
                    lon1=s["point"][0], lat1=s["point"][1], lon2=c.place.lon, lat2=c.place.lat) <= MERGE_KM:
                home = s
                break
        if home is None:
            home = {"adcode": c.place.adcode, "point": cand["point"], "place": c.place, "priority": p["priority"],
                    "entries": []}
            stops.append(home)
        home["entries"].append((p, cand))
    return stops


def _when(hours: float, start_date: dt.date | None) -> dict[str, Any]:
    """``{day, date, time}`` of a moment ``hours`` after midnight of day 1 (time to 5 minutes)."""
    minutes = int(round(hours * 60 / 5.0)) * 5
    day, rest = divmod(minutes, 1440)
    out: dict[str, Any] = {"day": day + 1, "time": f"{rest // 60:02d}:{rest % 60:02d}"}
    out["date"] = (start_date + dt.timedelta(days=day)).isoformat() if start_date else None
    return out


def _check_options(tier: Any, role: Any, modes: Any) -> tuple[str | None, str | None, tuple[str, ...]]:
    if tier is not None and not isinstance(tier, str):
        raise BadQueryError("tier must be text: 'cheap' or 'high quality'")
    if tier is not None and tier.strip():
        key = " ".join(tier.strip().lower().replace("-", " ").replace("_", " ").split())
        if key not in TIER_WISHES:
            raise BadQueryError(f"unknown tier {tier!r}: use 'cheap' or 'high quality'")
        tier = TIER_WISHES[key]
    else:
        tier = None
    if role is not None and role != "":
        if role not in ROLES:
            raise BadQueryError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    else:
        role = None
    if isinstance(modes, str):
        modes = tuple(m.strip().lower() for m in modes.split(",") if m.strip())
    modes = tuple(dict.fromkeys(modes or ()))
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        raise BadQueryError(f"unknown mode {bad[0]!r}: use {', '.join(MODES)}" if bad
                            else f"give at least one mode of {', '.join(MODES)}")
    return tier, role, modes


def plan_trip(items: str | Sequence[str], *, start: str, end: str | None = None, start_date: Any = None,
              end_date: Any = None, days: int | None = None, tier: str | None = None, role: str | None = None,
              modes: str | Sequence[str] = MODES, atlas: Any = None, today: Any = None):
    """Plan a sourcing trip: which cluster for each product, in what order, how to get there, what to see.

    Parameters
    ----------
    items : str or sequence of str
        Products ("socks", "假发", "HS 9004") and/or cluster ids ("xuchang-wigs"); a string is split on
        commas. Items listed first come first when the days are short. At most :data:`MAX_ITEMS`.
    start : str
        The start city: any place the gazetteer resolves ("Shanghai", "上海", "Yiwu").
    end : str, optional
        The end city (the start city again for a round trip); default: the trip ends at its last stop.
    start_date, end_date : datetime.date or str YYYY-MM-DD, optional
        The trip's first and last days (inclusive). Dates give the calendar and the fairs on during the trip.
    days : int, optional
        Number of days, 1–:data:`MAX_DAYS` (with ``start_date``, or alone for an undated plan). Default:
        from the dates, else as many as the stops need.
    tier : str, optional
        "cheap" or "high quality" (also "low", "budget", "premium", 便宜, 高端 …): passed to the search as
        intent words, which favour clusters with that recorded tier.
    role : str, optional
        Prefer clusters of this role (leading | major | notable): :data:`ROLE_BONUS` relevance.
    modes : str or sequence of str
        Allowed modes of travel, from drive, rail, flight (a string is split on commas).
    atlas : Atlas, optional
        Plan over this atlas (default: the shipped one).
    today : datetime.date or str, optional
        The date dates are checked against (default: the system's today; tests inject one).

    Returns
    -------
    TripPlan
        Stops in visiting order with legs between them, what was left out and why, the day plan, and the
        model behind every estimate. ``to_dict()``, ``to_geojson()`` and ``to_ics()`` give its outputs.

    Raises
    ------
    BadQueryError
        No items or more than :data:`MAX_ITEMS`; nothing matches any item; bad dates (not YYYY-MM-DD, a start
        in the past, an end before the start, days out of range or disagreeing with the dates); an unknown
        tier, role or mode; nothing fits in the days given.
    PlaceNotFound
        The start or end city does not resolve.

    Notes
    -----
    Distances other than great-circle, modes' times and the day plan are estimates from the model in
    :mod:`clusteratlas.trip._travel` and :mod:`clusteratlas.trip._schedule` (``docs/trip.md``). The
    function reads shared caches only and keeps no state: it is safe to call from several threads.
    """
    from clusteratlas.trip._output import TripPlan, build_plan

    today_d = _as_date(today, "today") or dt.date.today()
    names = split_items(items)
    if not names:
        raise BadQueryError("no products or cluster ids given")
    if len(names) > MAX_ITEMS:
        raise BadQueryError(f"{len(names)} items; a trip takes at most {MAX_ITEMS}")
    tier, role, modes = _check_options(tier, role, modes)
    sd, ed, ndays = check_dates(start_date, end_date, days, today_d)
    if atlas is None:
        from clusteratlas import load_atlas

        atlas = load_atlas()
    origin = resolve_city(start, "start")
    dest = resolve_city(end, "end") if end is not None and str(end).strip() else None
    end_kind: EndKind = "open" if dest is None else "return" if dest["adcode"] == origin["adcode"] else "fixed"
    costs = _Costs(modes)
    okey, dkey = _Costs.key(origin), (_Costs.key(dest) if dest else None)

    left_out: list[dict[str, Any]] = []
    products: list[dict[str, Any]] = []
    for prio, name in enumerate(names):
        cands = candidates_for(name, atlas, tier, role)
        if not cands:
            left_out.append({"item": name, "reason": f"nothing in the atlas matches {name!r}"})
            continue
        products.append({"item": name, "priority": prio, "candidates": cands})
    if not products:
        raise BadQueryError("nothing in the atlas matches " + ", ".join(repr(n) for n in names))

    while True:  # choose, group; over MAX_STOPS: leave out the lowest-priority stop and choose again
        choose_clusters(products, costs, okey, dkey, end_kind)
        stops = group_stops(products)
        if len(stops) <= MAX_STOPS:
            break
        while len(stops) > MAX_STOPS:
            _leave_out(stops, left_out, f"more than {MAX_STOPS} stops: a trip keeps at most {MAX_STOPS} "
                                        "(items listed earlier come first)")
        kept = {id(p) for s in stops for p, _ in s["entries"]}
        products = [p for p in products if id(p) in kept]

    while True:
        order = _order(costs, okey, dkey, end_kind, [s["point"] for s in stops])
        seq = [stops[i] for i in order]
        visits = [VISIT_HALF_DAYS] * len(seq)
        timeline = _timeline(costs, okey, dkey, end_kind, seq, visits)
        if ndays is None or timeline.used <= 2 * ndays:
            break
        for idx in sorted(range(len(seq)), key=lambda i: -seq[i]["priority"]):
            visits[idx] = MIN_VISIT_HALF_DAYS
            timeline = _timeline(costs, okey, dkey, end_kind, seq, visits)
            if timeline.used <= 2 * ndays:
                break
        if timeline.used <= 2 * ndays:
            break
        if len(stops) == 1:
            raise BadQueryError(
                f"nothing fits in {ndays} day{'s' if ndays > 1 else ''}: the visit to "
                f"{stops[0]['place'].name_en} alone takes about {math.ceil(timeline.used / 2)} days with travel")
        _leave_out(stops, left_out, f"left out to fit {ndays} day{'s' if ndays > 1 else ''} "
                                    "(items listed earlier come first)")
    return build_plan(TripPlan, atlas=atlas, names=names, origin=origin, dest=dest, end_kind=end_kind,
                      costs=costs, seq=seq, visits=visits, timeline=timeline, left_out=left_out,
                      start_date=sd, end_date=ed, days=ndays, tier=tier, role=role, modes=modes, today=today_d)


def _leave_out(stops: list[dict[str, Any]], left_out: list[dict[str, Any]], reason: str) -> None:
    """Remove the lowest-priority stop, recording each of its items."""
    drop = max(stops, key=lambda s: s["priority"])
    stops.remove(drop)
    for p, cand in drop["entries"]:
        left_out.append({"item": p["item"], "reason": reason, "cluster_id": cand["cluster"].id})


def _timeline(costs: _Costs, okey: tuple, dkey: tuple | None, end_kind: EndKind, seq: list[dict[str, Any]],
              visits: list[int]):
    points = [okey, *(s["point"] for s in seq)]
    if end_kind == "fixed":
        points.append(dkey)
    elif end_kind == "return":
        points.append(okey)
    return build_timeline([costs.hours(a, b) for a, b in zip(points, points[1:])], visits)
