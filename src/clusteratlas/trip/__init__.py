"""The sourcing-trip planner: :func:`plan_trip` and the travel model it uses.

* :func:`plan_trip` — products or cluster ids, a start city, dates or days → a :class:`TripPlan` (stops in
  an exactly optimised order, legs with estimated distances, modes and times, markets, fairs, airports,
  supplier leads); ``to_dict()``, ``to_geojson()``, ``to_ics()``.
* :func:`estimate_leg` — one leg's great-circle distance and estimated road distance, mode and time.
* :func:`nearest_airports` — airports of the ``airportsdata`` package nearest to a WGS-84 point.

The model (detour factors, speeds, fixed times, the day plan, the scoring of clusters) is stated in the
private modules' constants and in ``docs/trip.md``.
"""

from __future__ import annotations

from clusteratlas.trip._output import ESTIMATES_NOTE, TripPlan
from clusteratlas.trip._plan import MAX_DAYS, MAX_ITEMS, MAX_STOPS, plan_trip, split_items
from clusteratlas.trip._route import best_order, route_cost
from clusteratlas.trip._travel import MODES, Airport, LegEstimate, ModeEstimate, estimate_leg, nearest_airports

__all__ = [
    "plan_trip", "TripPlan", "estimate_leg", "nearest_airports", "best_order", "route_cost", "split_items",
    "Airport", "LegEstimate", "ModeEstimate", "MODES", "MAX_DAYS", "MAX_ITEMS", "MAX_STOPS", "ESTIMATES_NOTE",
]
