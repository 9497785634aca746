"""The travel model of the trip planner: airports, and one leg's distance, mode and time estimates.

Every number this module returns except the great-circle distance is an **estimate** from the constants
below; the planner labels them so. The model is written out in ``docs/trip.md``.

Distances: great-circle (haversine, sphere of radius 6371.0088 km) between WGS-84 points, through the
project's one great-circle function; road and rail distances are the great-circle distance times a detour
factor. Times: distance over an average speed, plus fixed times at stations and airports.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from clusteratlas.geo import great_circle_km

#: Modes of travel, in order of preference when two take the same time.
MODES = ("drive", "rail", "flight")

#: Road distance / great-circle distance. The mean detour index (network ÷ straight-line distance) measured
#: over 25 Chinese cities is 1.324 ("Quantifying the relationships between network distance and straight-line
#: distance: applications in spatial bias correction", Annals of GIS 27(4):351–369, 2021,
#: doi:10.1080/19475683.2021.1966503). Intercity trips detour somewhat less than the city trips measured
#: there, so the estimate errs long.
ROAD_DETOUR_FACTOR = 1.32
#: Average door-to-door driving speed over the road distance, km/h. An assumption: about 60 % of China's
#: expressway limit of 120 km/h (Road Traffic Safety Law of the PRC, art. 67), for town roads at both ends,
#: toll gates and a break.
DRIVE_SPEED_KMH = 75.0
#: Longest road distance (km) the planner will drive; longer legs go by rail or air. An assumption.
MAX_DRIVE_ROAD_KM = 500.0
#: Rail distance / great-circle distance: the Beijing–Shanghai high-speed line is 1,318 km long between
#: stations 1,062 km apart on the great circle (ratio 1.24).
RAIL_DETOUR_FACTOR = 1.24
#: Average high-speed-rail speed over the rail distance, km/h, stops included. Beijing–Shanghai trains cover
#: 1,318 km in 4.5–5 h (260–290 km/h); lines built for 250 km/h and connections are slower, hence 250.
HSR_SPEED_KMH = 250.0
#: Hours added to every rail leg: getting to and from the stations (town to station) and the wait before
#: boarding (security, ticket gates close a few minutes before departure). An assumption.
RAIL_FIXED_HOURS = 2.0
#: Rail is not offered below this great-circle distance (km): a car is quicker door to door.
MIN_RAIL_KM = 80.0
#: Cruise-and-climb speed of a domestic flight over the great-circle distance between airports, km/h ...
FLIGHT_SPEED_KMH = 750.0
#: ... plus this much taxiing, climb and approach per flight (hours). With these two, Shanghai Hongqiao →
#: Beijing Capital (1,080 km) takes 2.2 h, near its timetabled block time of about 2 h 15 min.
FLIGHT_FIXED_HOURS = 0.75
#: Hours at the airports: 1.5 before departure (check-in, security; domestic check-in closes 30–45 minutes
#: before departure) and 0.5 after landing. An assumption.
AIRPORT_HOURS = 2.0
#: A flight is offered only when both ends have an airport within this great-circle distance (km) ...
MAX_AIRPORT_ACCESS_KM = 150.0
#: ... and the two airports are at least this far apart (km).
MIN_FLIGHT_KM = 400.0
#: Countries (ISO 3166) whose airports are considered: mainland China, Hong Kong, Macao.
AIRPORT_COUNTRIES = frozenset({"CN", "HK", "MO"})


@dataclass(frozen=True)
class Airport:
    """An airport from the ``airportsdata`` package (IATA code, WGS-84 point) and its distance from a point.

    Attributes
    ----------
    iata, icao : str
        Codes.
    name, city : str
        As airportsdata spells them.
    lat, lon : float
        WGS-84 degrees.
    distance_km : float
        Great-circle distance from the point asked about, km.
    """

    iata: str
    icao: str
    name: str
    city: str
    lat: float
    lon: float
    distance_km: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """``{iata, icao, name, city, lat, lon, distance_km}`` (distance great-circle, 0.1 km)."""
        return {"iata": self.iata, "icao": self.icao, "name": self.name, "city": self.city,
                "lat": self.lat, "lon": self.lon, "distance_km": round(self.distance_km, 1)}


#: Airports ``airportsdata`` still lists that no longer take civil flights: IATA code → (date closed, source).
CLOSED_TO_CIVIL_FLIGHTS: dict[str, tuple[str, str]] = {
    # Xinhua, 2019-09-25: "Beijing Nanyuan Airport to cease public operations soon … Civil aviation airlines
    # will move to the new Daxing International Airport"; the last civil flight left that night.
    "NAY": ("2019-09-25", "http://www.xinhuanet.com/english/2019-09/25/c_138421587.htm"),
}


@functools.cache
def _airports() -> tuple[Airport, ...]:
    """Civil airports with an IATA code in :data:`AIRPORT_COUNTRIES` (air bases and the airports of
    :data:`CLOSED_TO_CIVIL_FLIGHTS` left out), read once."""
    import airportsdata

    rows = airportsdata.load("IATA")
    return tuple(
        Airport(iata=code, icao=r.get("icao") or "", name=r["name"], city=r.get("city") or "",
                lat=float(r["lat"]), lon=float(r["lon"]))
        for code, r in sorted(rows.items())
        if r.get("country") in AIRPORT_COUNTRIES and "air base" not in r["name"].lower()
        and code not in CLOSED_TO_CIVIL_FLIGHTS
    )


def airports_version() -> str:
    """The ``airportsdata`` release the airports come from (its version is the data date)."""
    import airportsdata

    return str(getattr(airportsdata, "__version__", "unknown"))


def nearest_airports(*, lon: float, lat: float, n: int = 1) -> list[Airport]:
    """The ``n`` airports nearest to a WGS-84 point, by great-circle distance (km), nearest first.

    Airports are those of the ``airportsdata`` package with an IATA code in mainland China, Hong Kong and
    Macao, without air bases. The package says nothing about scheduled service: a small airport may have
    few flights.
    """
    scored = sorted(((great_circle_km(lon1=lon, lat1=lat, lon2=a.lon, lat2=a.lat), a.iata, a) for a in _airports()))
    return [Airport(**{**a.__dict__, "distance_km": d}) for d, _, a in scored[:n]]


@dataclass(frozen=True)
class ModeEstimate:
    """One way of making a leg, with its estimated distance and time.

    Attributes
    ----------
    mode : str
        drive | rail | flight.
    distance_km : float
        Estimated distance travelled, km: road, rail, or road to the airport + flight + road from it.
    hours : float
        Estimated door-to-door time, hours.
    parts : dict
        How the time is made up (hours by part; airports for a flight).
    """

    mode: str
    distance_km: float
    hours: float
    parts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "distance_km": round(self.distance_km, 1), "hours": round(self.hours, 2),
                "parts": self.parts}


@dataclass(frozen=True)
class LegEstimate:
    """The estimates for one leg between two WGS-84 points.

    Attributes
    ----------
    great_circle_km : float
        Great-circle distance, km (computed, not estimated).
    road_km : float
        Estimated road distance, km (:data:`ROAD_DETOUR_FACTOR` × great-circle).
    chosen : ModeEstimate
        The fastest of ``options``.
    options : tuple of ModeEstimate
        Every mode offered for this leg (see :func:`estimate_leg`).
    """

    great_circle_km: float
    road_km: float
    chosen: ModeEstimate
    options: tuple[ModeEstimate, ...]

    @property
    def hours(self) -> float:
        return self.chosen.hours

    @property
    def mode(self) -> str:
        return self.chosen.mode


def _drive(gc_km: float) -> ModeEstimate:
    road = gc_km * ROAD_DETOUR_FACTOR
    return ModeEstimate("drive", road, road / DRIVE_SPEED_KMH, {"drive_hours": round(road / DRIVE_SPEED_KMH, 2)})


def _rail(gc_km: float) -> ModeEstimate:
    rail = gc_km * RAIL_DETOUR_FACTOR
    ride = rail / HSR_SPEED_KMH
    return ModeEstimate("rail", rail, ride + RAIL_FIXED_HOURS,
                        {"train_hours": round(ride, 2), "stations_hours": RAIL_FIXED_HOURS})


def _flight(a_from: Airport, a_to: Airport) -> ModeEstimate:
    air_km = great_circle_km(lon1=a_from.lon, lat1=a_from.lat, lon2=a_to.lon, lat2=a_to.lat)
    access = a_from.distance_km * ROAD_DETOUR_FACTOR
    egress = a_to.distance_km * ROAD_DETOUR_FACTOR
    fly = FLIGHT_FIXED_HOURS + air_km / FLIGHT_SPEED_KMH
    ground = (access + egress) / DRIVE_SPEED_KMH
    return ModeEstimate("flight", access + air_km + egress, fly + AIRPORT_HOURS + ground, {
        "from_airport": a_from.iata, "to_airport": a_to.iata, "flight_km": round(air_km, 1),
        "flight_hours": round(fly, 2), "airport_hours": AIRPORT_HOURS,
        "drive_to_airport_hours": round(access / DRIVE_SPEED_KMH, 2),
        "drive_from_airport_hours": round(egress / DRIVE_SPEED_KMH, 2),
    })


def estimate_leg(*, lon1: float, lat1: float, lon2: float, lat2: float,
                 modes: tuple[str, ...] = MODES, airports: tuple[Airport | None, Airport | None] | None = None
                 ) -> LegEstimate:
    """Estimated distance, mode and time of a leg between two WGS-84 points.

    The modes offered: **drive** when the road estimate is at most :data:`MAX_DRIVE_ROAD_KM`; **rail**
    (high-speed) from :data:`MIN_RAIL_KM` great-circle; **flight** when both ends have an airport within
    :data:`MAX_AIRPORT_ACCESS_KM` and the airports are at least :data:`MIN_FLIGHT_KM` apart. The chosen mode
    is the fastest offered (ties: drive, then rail, then flight). A mode left out of ``modes`` is never
    offered; when none is left, driving is.

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float
        WGS-84 degrees.
    modes : tuple of str
        Allowed modes, from :data:`MODES`.
    airports : (Airport or None, Airport or None), optional
        The nearest airport of each end, when the caller has them (default: looked up).

    Returns
    -------
    LegEstimate
        ``great_circle_km`` is computed; every other figure is an estimate. The model is symmetric: the
        reverse leg has the same figures.
    """
    gc = great_circle_km(lon1=lon1, lat1=lat1, lon2=lon2, lat2=lat2)
    drive = _drive(gc)
    options = []
    if "drive" in modes and drive.distance_km <= MAX_DRIVE_ROAD_KM:
        options.append(drive)
    if "rail" in modes and gc >= MIN_RAIL_KM:
        options.append(_rail(gc))
    if "flight" in modes:
        if airports is None:
            airports = (nearest_airports(lon=lon1, lat=lat1)[0], nearest_airports(lon=lon2, lat=lat2)[0])
        a1, a2 = airports
        if (a1 and a2 and a1.iata != a2.iata and max(a1.distance_km, a2.distance_km) <= MAX_AIRPORT_ACCESS_KM
                and great_circle_km(lon1=a1.lon, lat1=a1.lat, lon2=a2.lon, lat2=a2.lat) >= MIN_FLIGHT_KM):
            options.append(_flight(a1, a2))
    if not options:
        options.append(drive)
    chosen = min(options, key=lambda o: (round(o.hours, 6), MODES.index(o.mode)))
    return LegEstimate(great_circle_km=gc, road_km=drive.distance_km, chosen=chosen, options=tuple(options))


def model_constants() -> dict[str, Any]:
    """The constants of the travel model, for the ``model`` block of a plan's JSON."""
    return {
        "road_detour_factor": ROAD_DETOUR_FACTOR, "drive_speed_kmh": DRIVE_SPEED_KMH,
        "max_drive_road_km": MAX_DRIVE_ROAD_KM, "rail_detour_factor": RAIL_DETOUR_FACTOR,
        "hsr_speed_kmh": HSR_SPEED_KMH, "rail_fixed_hours": RAIL_FIXED_HOURS, "min_rail_km": MIN_RAIL_KM,
        "flight_speed_kmh": FLIGHT_SPEED_KMH, "flight_fixed_hours": FLIGHT_FIXED_HOURS,
        "airport_hours": AIRPORT_HOURS, "max_airport_access_km": MAX_AIRPORT_ACCESS_KM,
        "min_flight_km": MIN_FLIGHT_KM, "airports": f"airportsdata {airports_version()} (IATA codes, WGS-84)",
        "great_circle": "haversine, sphere of radius 6371.0088 km, WGS-84 points",
    }

