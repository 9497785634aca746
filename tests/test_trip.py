"""The trip planner (issue 12): the stop order against a brute-force optimum, every leg's numbers
consistent with the stated model, the days adding up, the choice of clusters, bad input, the outputs."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from clusteratlas.errors import AtlasError, BadQueryError, PlaceNotFound
from clusteratlas.trip import MAX_STOPS, best_order, estimate_leg, nearest_airports, plan_trip, route_cost
from clusteratlas.trip import _travel as T
from clusteratlas.trip._schedule import HALF_DAY_HOURS, LATE_START_HOURS, build_timeline, slot_start
from trip_fixtures import write_trip_atlas

TODAY = dt.date(2027, 1, 4)


@pytest.fixture(scope="module")
def trip_atlas(tmp_path_factory):
    from clusteratlas.atlas import load_atlas

    return load_atlas(write_trip_atlas(tmp_path_factory.mktemp("trip") / "data"))


def plan(atlas, items="socks, wigs, eyeglasses", **kw):
    kw.setdefault("start", "Shanghai")
    kw.setdefault("today", TODAY)
    return plan_trip(items, atlas=atlas, **kw)


# -- the order ------------------------------------------------------------------------------------------

def _brute(cost, end):
    n = len(cost) - (1 if end == "fixed" else 0)
    best = min(itertools.permutations(range(1, n)), key=lambda p: route_cost(cost, list(p), end))
    return route_cost(cost, list(best), end)


@pytest.mark.parametrize("end", ["open", "fixed", "return"])
@pytest.mark.parametrize("n_stops", [0, 1, 2, 3, 5, 7])
def test_best_order_equals_brute_force(end, n_stops):
    rng = random.Random(1000 * n_stops + len(end))
    for symmetric in (True, False):
        size = n_stops + 1 + (end == "fixed")
        cost = [[0.0 if i == j else rng.uniform(0.5, 12) for j in range(size)] for i in range(size)]
        if symmetric:
            cost = [[cost[min(i, j)][max(i, j)] for j in range(size)] for i in range(size)]
        order, total = best_order(cost, end)
        assert sorted(order) == list(range(1, n_stops + 1))
        assert total == pytest.approx(route_cost(cost, order, end))
        assert total == pytest.approx(_brute(cost, end)) if n_stops else total == route_cost(cost, [], end)


@pytest.mark.parametrize("kw", [{}, {"end": "Guangzhou"}, {"end": "Shanghai"}, {"start": "Beijing"}])
def test_plan_order_is_the_brute_force_optimum(trip_atlas, kw):
    p = plan(trip_atlas, "socks, wigs, eyeglasses, luggage, toys, lighting", **kw).to_dict()
    pts = [(p["start"]["lon"], p["start"]["lat"]), *((s["lon"], s["lat"]) for s in p["stops"])]
    end = "open" if not kw.get("end") else "return" if kw["end"] == "Shanghai" else "fixed"
    if end == "fixed":
        pts.append((p["end"]["lon"], p["end"]["lat"]))

    def hours(a, b):
        return 0.0 if a == b else estimate_leg(lon1=a[0], lat1=a[1], lon2=b[0], lat2=b[1]).hours

    cost = [[hours(a, b) for b in pts] for a in pts]
    planned = route_cost(cost, list(range(1, len(p["stops"]) + 1)), end)
    assert len(p["stops"]) == 6
    assert planned == pytest.approx(_brute(cost, end), abs=1e-9)
    assert sum(leg["estimate"]["hours"] for leg in p["legs"]) == pytest.approx(planned, abs=0.01 * len(p["legs"]))


# -- every leg's numbers ----------------------------------------------------------------------------------

def _check_leg(leg, a, b):
    from clusteratlas.geo import great_circle_km

    est = leg["estimate"]
    gc = great_circle_km(lon1=a["lon"], lat1=a["lat"], lon2=b["lon"], lat2=b["lat"])
    assert leg["great_circle_km"] == pytest.approx(gc, abs=0.06)
    assert est["distance_km"] >= leg["great_circle_km"] - 0.1
    assert est["road_km"] == pytest.approx(gc * T.ROAD_DETOUR_FACTOR, abs=0.06)
    chosen = next(o for o in est["options"] if o["mode"] == leg["mode"])
    assert est["hours"] == pytest.approx(min(o["hours"] for o in est["options"]), abs=0.005)
    assert chosen["hours"] == pytest.approx(est["hours"], abs=0.005)
    for o in est["options"]:
        assert o["distance_km"] >= gc - 0.1
        if o["mode"] == "drive":
            assert o["distance_km"] <= T.MAX_DRIVE_ROAD_KM
            assert o["hours"] == pytest.approx(gc * T.ROAD_DETOUR_FACTOR / T.DRIVE_SPEED_KMH, abs=0.005)
        elif o["mode"] == "rail":
            assert gc >= T.MIN_RAIL_KM
            assert o["distance_km"] == pytest.approx(gc * T.RAIL_DETOUR_FACTOR, abs=0.06)
            assert o["hours"] == pytest.approx(gc * T.RAIL_DETOUR_FACTOR / T.HSR_SPEED_KMH + T.RAIL_FIXED_HOURS,
                                               abs=0.005)
        else:
            parts = o["parts"]
            assert parts["flight_km"] >= T.MIN_FLIGHT_KM
            assert parts["flight_hours"] == pytest.approx(
                T.FLIGHT_FIXED_HOURS + parts["flight_km"] / T.FLIGHT_SPEED_KMH, abs=0.01)
            assert o["hours"] == pytest.approx(parts["flight_hours"] + T.AIRPORT_HOURS + parts["drive_to_airport_hours"]
                                               + parts["drive_from_airport_hours"], abs=0.02)
    # the clock follows the estimate (times are rounded to 5 minutes)
    t0 = (leg["depart"]["day"] - 1) * 24 + int(leg["depart"]["time"][:2]) + int(leg["depart"]["time"][3:]) / 60
    t1 = (leg["arrive"]["day"] - 1) * 24 + int(leg["arrive"]["time"][:2]) + int(leg["arrive"]["time"][3:]) / 60
    assert t1 - t0 == pytest.approx(est["hours"], abs=5 / 60 + 1e-9)


def _hours(w):
    return (w["day"] - 1) * 24 + int(w["time"][:2]) + int(w["time"][3:]) / 60


@pytest.mark.parametrize("kw", [
    {"days": 4}, {"days": 7, "end": "Guangzhou"}, {"start_date": "2027-03-09", "days": 5},
    {"start_date": "2027-03-09", "end_date": "2027-03-20", "end": "Shanghai"}, {}, {"modes": "drive,rail"},
])
def test_every_leg_is_consistent_and_the_days_add_up(trip_atlas, kw):
    p = plan(trip_atlas, "socks, wigs, eyeglasses, luggage, toys, lighting", **kw).to_dict()
    ends = [p["start"], *p["stops"]]
    if p["end"] is not None:
        ends.append(p["end"])
    elif p["request"]["end"]:
        ends.append(p["start"])  # round trip
    assert len(p["legs"]) == len(ends) - 1
    for leg, a, b in zip(p["legs"], ends, ends[1:]):
        _check_leg(leg, a, b)
        if kw.get("modes") == "drive,rail":
            assert leg["mode"] in ("drive", "rail")
    sch = p["schedule"]
    assert sch["half_days"] == 2 * sch["days"]
    assert sch["travel_half_days"] + sch["visit_half_days"] + sch["free_half_days"] == sch["half_days"]
    assert sch["travel_half_days"] == sum(leg["half_days"] for leg in p["legs"])
    assert sch["visit_half_days"] == sum(s["half_days"] for s in p["stops"])
    assert all(s["days"] == s["half_days"] / 2 and s["half_days"] >= 1 for s in p["stops"])
    assert sch["free_half_days"] >= 0
    if kw.get("days"):
        assert sch["days"] == kw["days"]
    # one thing after another: leave, arrive, visit, leave …, all inside the trip's days
    t = 8.0
    for i, leg in enumerate(p["legs"]):
        assert _hours(leg["depart"]) >= t - 1e-9
        t = _hours(leg["arrive"])
        if i < len(p["stops"]):
            s = p["stops"][i]
            assert _hours(s["visit"]["start"]) >= t - 5 / 60
            assert _hours(s["visit"]["end"]) - _hours(s["visit"]["start"]) >= s["half_days"] * HALF_DAY_HOURS - \
                LATE_START_HOURS - 5 / 60
            t = _hours(s["visit"]["end"])
    if p["stops"]:
        assert _hours(p["stops"][-1]["visit"]["end"]) <= (sch["days"] - 1) * 24 + 18 + 1e-9
    if sch["start_date"]:
        last = dt.date.fromisoformat(sch["start_date"]) + dt.timedelta(days=sch["days"] - 1)
        assert sch["end_date"] == last.isoformat()
        assert all(s["arrive"]["date"] <= sch["end_date"] for s in p["stops"])


def test_timeline_counts_half_days():
    # a short leg in the morning: the visit starts on arrival, no half-day used
    tl = build_timeline([1.5], [2])
    assert tl.legs[0].half_days == 0 and tl.visits[0].start == 9.5 and tl.used == 2
    # a 4-hour leg after an afternoon visit goes in the evening (arrives by 22:00)
    tl = build_timeline([1.0, 4.0], [2, 1])
    assert tl.legs[1].depart == slot_start(1) + HALF_DAY_HOURS and tl.legs[1].half_days == 0 and tl.used == 3
    # a 6-hour leg after an afternoon visit waits for the morning and uses it
    tl = build_timeline([1.0, 6.0], [2, 1])
    assert tl.legs[1].depart == slot_start(2) and tl.legs[1].half_days == 1 and tl.used == 4


# -- choices ----------------------------------------------------------------------------------------------

def _chosen(p, item):
    for s in p.stops:
        for c in s["clusters"]:
            if item in c["items"]:
                return c["cluster_id"]
    return None


def test_detour_decides_between_equally_relevant_clusters(trip_atlas):
    assert _chosen(plan(trip_atlas, "socks", start="Shanghai"), "socks") == "datang-socks"
    assert _chosen(plan(trip_atlas, "socks", start="Shenyang"), "socks") == "liaoyuan-socks"


def test_tier_and_role_wishes(trip_atlas):
    p = plan(trip_atlas, "socks")
    assert _chosen(p, "socks") == "datang-socks"
    cheap = plan(trip_atlas, "socks", tier="cheap")
    assert _chosen(cheap, "socks") == "yiwu-socks"
    assert cheap.stops[0]["clusters"][0]["choice"][0]["tier_wish_met"] is True
    assert _chosen(plan(trip_atlas, "socks", role="notable"), "socks") == "yiwu-socks"
    choice = p.stops[0]["clusters"][0]["choice"][0]
    assert {a["cluster_id"] for a in choice["alternatives"]} == {"liaoyuan-socks", "yiwu-socks"}
    assert all(a["value"] <= choice["value"] for a in choice["alternatives"])


def test_cluster_ids_and_products_mix_and_same_place_merges(trip_atlas):
    p = plan(trip_atlas, ["xuchang-wigs", "hair extensions", "socks"]).to_dict()
    assert len(p["stops"]) == 2
    wig_stop = next(s for s in p["stops"] if s["adcode"] == "411000")
    assert wig_stop["items"] == ["xuchang-wigs", "hair extensions"]
    assert wig_stop["clusters"][0]["choice"][0]["how"] == "cluster id"


def test_markets_fairs_airports_and_leads(trip_atlas):
    p = plan(trip_atlas, "socks, wigs", start_date="2027-03-09", days=4).to_dict()
    datang = next(s for s in p["stops"] if s["clusters"][0]["cluster_id"] == "datang-socks")
    market = next(m for m in datang["markets"] if m["id"] == "datang-sock-market")
    assert market["opening_hours"] == "daily 07:30-17:00" and 0 < market["distance_km"] < 2
    assert [f["start"] for f in datang["fairs"]] == ["2027-03-10"]  # the October edition is outside the dates
    assert datang["airport"]["iata"] == nearest_airports(lon=datang["lon"], lat=datang["lat"])[0].iata
    assert p["start"]["airport"]["iata"] in ("SHA", "PVG")
    links = datang["leads"][0]["links"]
    assert [link["site"] for link in links] == ["1688", "made-in-china", "alibaba", "open-supply-hub"]
    assert all(link["outside"] for link in links)
    assert parse_qs(urlsplit(links[0]["url"]).query)["keywords"] == ["大唐 袜子"]
    assert parse_qs(urlsplit(links[2]["url"]).query)["SearchText"] == ["socks Datang"]
    assert "outside" in p["leads_notice"].lower() and "estimate" in p["estimates_note"]
    undated = plan(trip_atlas, "socks", days=2).to_dict()
    assert undated["stops"][0]["fairs"] == [] and any("No dates" in n for n in undated["notes"])


def test_nearest_airports_are_sorted_civil_airports():
    got = nearest_airports(lon=121.47, lat=31.23, n=3)
    assert [a.iata for a in got][:2] == ["SHA", "PVG"]
    assert all(x.distance_km <= y.distance_km for x, y in zip(got, got[1:]))
    assert not any("air base" in a.name.lower() for a in nearest_airports(lon=120.5, lat=32.4, n=20))


def test_modes_follow_distance():
    near = estimate_leg(lon1=120.0, lat1=30.0, lon2=120.3, lat2=30.3)
    assert near.mode == "drive" and [o.mode for o in near.options] == ["drive"]
    far = estimate_leg(lon1=121.47, lat1=31.23, lon2=87.6, lat2=43.8)  # Shanghai → Urumqi
    assert far.mode == "flight" and "drive" not in [o.mode for o in far.options]
    assert estimate_leg(lon1=121.47, lat1=31.23, lon2=87.6, lat2=43.8, modes=("drive", "rail")).mode == "rail"
    rev = estimate_leg(lon1=87.6, lat1=43.8, lon2=121.47, lat2=31.23)
    assert rev.hours == pytest.approx(far.hours) and rev.chosen.distance_km == pytest.approx(far.chosen.distance_km)


# -- fitting the days, and bad input ------------------------------------------------------------------------

def test_short_trip_leaves_out_the_last_items_with_reasons(trip_atlas):
    items = "socks, wigs, eyeglasses, luggage, toys, lighting"
    p = plan(trip_atlas, items, days=3).to_dict()
    kept = [i for s in p["stops"] for i in s["items"]]
    out = [lo["item"] for lo in p["left_out"]]
    assert sorted(kept + out) == sorted(items.split(", "))
    assert kept and out and all("fit 3 days" in lo["reason"] for lo in p["left_out"])
    order = items.split(", ")
    assert max(order.index(i) for i in kept) < min(order.index(i) for i in out)  # listed first, kept first
    assert p["schedule"]["days"] == 3


def test_unknown_products_are_left_out_or_refused(trip_atlas):
    p = plan(trip_atlas, "socks, zzqx unobtainium").to_dict()
    assert [lo["item"] for lo in p["left_out"]] == ["zzqx unobtainium"]
    assert "nothing in the atlas matches" in p["left_out"][0]["reason"]
    with pytest.raises(BadQueryError, match="nothing in the atlas matches"):
        plan(trip_atlas, "zzqx unobtainium")


def test_forty_items_give_a_partial_plan(trip_atlas):
    names = [f"widget{i}" for i in range(34)] + ["socks", "wigs", "eyeglasses", "luggage", "toys", "lighting"]
    p = plan(trip_atlas, names).to_dict()
    assert len(p["stops"]) == 6 and len(p["left_out"]) == 34 and len(p["stops"]) <= MAX_STOPS
    with pytest.raises(BadQueryError, match="at most 50"):
        plan(trip_atlas, [f"x{i}" for i in range(51)])


def test_more_stops_than_the_solver_takes_are_left_out(trip_atlas, monkeypatch):
    from clusteratlas.trip import _plan

    monkeypatch.setattr(_plan, "MAX_STOPS", 3)
    p = plan(trip_atlas, "socks, wigs, eyeglasses, luggage, toys, lighting").to_dict()
    assert [i for s in p["stops"] for i in s["items"]] and len(p["stops"]) == 3
    assert [lo["item"] for lo in p["left_out"]] == ["lighting", "toys", "luggage"]
    assert all("more than 3 stops" in lo["reason"] for lo in p["left_out"])


def test_shipped_atlas_forty_products():
    from clusteratlas import load_atlas

    atlas = load_atlas()
    names = [atlas.industry(i).terms.en[0] for i in list(atlas.industries)[:40] if atlas.industry(i).terms.en]
    p = plan_trip(names, start="Shanghai", days=10, today=TODAY).to_dict()
    assert 1 <= len(p["stops"]) <= MAX_STOPS
    kept = [i for s in p["stops"] for i in s["items"]]
    assert sorted(kept + [lo["item"] for lo in p["left_out"]]) == sorted(p["request"]["items"])
    assert len(p["request"]["items"]) >= 30 and all(lo["reason"] for lo in p["left_out"])


@pytest.mark.parametrize("kw, exc, text", [
    ({"start": "Xyzzyqq"}, PlaceNotFound, "no place matches"),
    ({"end": "Xyzzyqq"}, PlaceNotFound, "the end city"),
    ({"start_date": "2026-12-31"}, BadQueryError, "in the past"),
    ({"start_date": "2027-02-30"}, BadQueryError, "not a date"),
    ({"start_date": "2027-03-09", "end_date": "2027-03-01"}, BadQueryError, "before the start"),
    ({"end_date": "2027-03-01"}, BadQueryError, "needs a start date"),
    ({"start_date": "2027-03-09", "end_date": "2027-03-10", "days": 5}, BadQueryError, "disagree"),
    ({"days": 0}, BadQueryError, "days must be"),
    ({"days": 61}, BadQueryError, "days must be"),
    ({"tier": "gold"}, BadQueryError, "unknown tier"),
    ({"role": "boss"}, BadQueryError, "unknown role"),
    ({"modes": "teleport"}, BadQueryError, "unknown mode"),
    ({"start": ""}, BadQueryError, "start city is missing"),
    ({"start": "Urumqi", "days": 1}, BadQueryError, "nothing fits in 1 day"),
])
def test_bad_input_is_one_clear_error(trip_atlas, kw, exc, text):
    with pytest.raises(exc, match=text) as info:
        plan(trip_atlas, "wigs", **kw)
    assert isinstance(info.value, AtlasError) and "\n" not in str(info.value)


def test_empty_items_refused(trip_atlas):
    for items in ("", " , ,", []):
        with pytest.raises(BadQueryError):
            plan(trip_atlas, items)


# -- outputs --------------------------------------------------------------------------------------------------

def test_geojson_points_and_lines(trip_atlas):
    p = plan(trip_atlas, "socks, wigs, toys", end="Guangzhou", days=6, start_date="2027-03-09")
    g = p.to_geojson()
    assert g["type"] == "FeatureCollection"
    kinds = [f["properties"]["kind"] for f in g["features"]]
    assert kinds.count("start") == 1 and kinds.count("end") == 1 and kinds.count("stop") == 3
    assert kinds.count("leg") == 4 and kinds.count("market") == 1
    for f in g["features"]:
        coords = f["geometry"]["coordinates"]
        pts = [coords] if f["geometry"]["type"] == "Point" else coords
        for lon, lat in pts:
            assert 73 <= lon <= 136 and 3 <= lat <= 54  # [lon, lat], WGS-84, in China
    legs = [f for f in g["features"] if f["properties"]["kind"] == "leg"]
    assert [f["properties"]["order"] for f in legs] == [1, 2, 3, 4]
    for f, leg in zip(legs, p.legs):
        n = 4 if leg["mode"] == "flight" else 2
        assert f["geometry"]["type"] == "LineString" and len(f["geometry"]["coordinates"]) == n


def test_ics_has_a_dated_event_per_leg_and_visit(trip_atlas):
    from icalendar import Calendar

    p = plan(trip_atlas, "socks, wigs", start_date="2027-03-09", days=4)
    cal = Calendar.from_ical(p.to_ics())
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(p.legs) + len(p.stops) + 1  # + the fair on during the trip
    first = events[0]
    assert first.decoded("dtstart").isoformat() == "2027-03-09T08:00:00+08:00"
    assert "estimate" in str(first["summary"]).lower()
    assert p.to_ics() == p.to_ics()  # deterministic
    with pytest.raises(BadQueryError, match="needs dates"):
        plan(trip_atlas, "socks", days=2).to_ics()


def test_plans_are_thread_safe(trip_atlas):
    want = plan(trip_atlas, "socks, wigs, eyeglasses", days=4).to_dict()
    got, errors = [], []

    def run():
        try:
            got.append(plan(trip_atlas, "socks, wigs, eyeglasses", days=4).to_dict())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(g == want for g in got)


def test_shipped_atlas_done_when():
    """Issue 12: socks, wigs, eyeglasses from Shanghai in 4 days: an ordered itinerary with legs, modes,
    times, markets and airports."""
    p = plan_trip("socks, wigs, eyeglasses", start="Shanghai", days=4, today=TODAY).to_dict()
    assert len(p["stops"]) >= 2 and p["schedule"]["days"] == 4
    assert {leg["mode"] for leg in p["legs"]} <= {"drive", "rail", "flight"}
    assert all(s["airport"]["iata"] and "markets" in s for s in p["stops"])
    assert all(leg["estimate"]["hours"] > 0 for leg in p["legs"])
    items = [i for s in p["stops"] for i in s["items"]] + [lo["item"] for lo in p["left_out"]]
    assert sorted(items) == ["eyeglasses", "socks", "wigs"]


@pytest.mark.parametrize("city", ["Narnia", "London", "Berlin"])
def test_a_city_matched_only_by_spelling_below_prefecture_level_is_refused(trip_atlas, city):
    with pytest.raises(PlaceNotFound, match="only a guess by spelling") as info:
        plan(trip_atlas, "wigs", start=city)
    assert "\n" not in str(info.value)


def test_a_misspelt_big_city_is_still_taken(trip_atlas):
    from clusteratlas.trip._plan import resolve_city

    assert resolve_city("Shangai", "start")["name_zh"] == "上海市"
    assert resolve_city("Guangzho", "start")["name_zh"] == "广州市"


def test_airports_closed_to_civil_flights_are_never_the_nearest():
    from clusteratlas.trip._travel import CLOSED_TO_CIVIL_FLIGHTS

    got = [a.iata for a in nearest_airports(lon=116.39, lat=39.90, n=3)]  # Tiananmen, central Beijing
    assert "NAY" in CLOSED_TO_CIVIL_FLIGHTS and "NAY" not in got and got[0] in {"PEK", "PKX"}


def test_a_city_read_by_spelling_is_named_in_the_notes(trip_atlas):
    got = plan(trip_atlas, "wigs", start="Shangai").to_dict()
    assert any("'Shangai' was read by spelling as Shanghai" in n for n in got["notes"]), got["notes"]
