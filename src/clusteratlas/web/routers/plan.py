"""``/api/v1/plan``: a sourcing trip, the same plan as ``clusteratlas plan`` (JSON, GeoJSON or iCalendar)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from clusteratlas.web._errors import ERROR_RESPONSES
from clusteratlas.web._http import cached, data_response, json_bytes
from clusteratlas.web._params import MAX_QUERY_CHARS, get_atlas

router = APIRouter(tags=["trip"], responses=ERROR_RESPONSES)


class PlanFormat(str, Enum):
    json = "json"
    geojson = "geojson"
    ics = "ics"


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class TripPlanOut(_Open):
    """A planned trip (the JSON of ``clusteratlas plan --format json``). Coordinates are WGS-84 degrees;
    every figure under ``estimate`` and the day plan are estimates from the stated ``model``."""

    request: dict[str, Any] = Field(description="What was asked: items, cities, dates, days, tier, role, modes.")
    start: dict[str, Any] = Field(description="The start city: place and nearest airport.")
    end: dict[str, Any] | None = Field(description="The end city, or null when the trip ends at its last stop.")
    stops: list[dict[str, Any]] = Field(description="In visiting order: place, clusters and items, markets, fairs "
                                                    "during the dates, nearest airport, half-days, arrival, "
                                                    "supplier leads (outside links).")
    legs: list[dict[str, Any]] = Field(description="Between the start, the stops and the end: great_circle_km, "
                                                   "mode, estimate {distance_km, road_km, hours, parts, options}, "
                                                   "depart, arrive, half_days, path [[lon, lat], …].")
    left_out: list[dict[str, Any]] = Field(description="Items not in the plan, each with its reason.")
    schedule: dict[str, Any] = Field(description="days, half_days = travel + visit + free half-days, dates.")
    totals: dict[str, Any]
    notes: list[str]
    estimates_note: str
    leads_notice: str
    model: dict[str, Any] = Field(description="The constants of the travel model and the scoring.")


@router.get("/plan", summary="Plan a sourcing trip", response_model=TripPlanOut, responses={
    200: {"content": {"application/geo+json": {}, "text/calendar": {}},
          "description": "The plan: JSON (default), GeoJSON (`format=geojson`) or iCalendar (`format=ics`)."}})
def plan(
    request: Request,
    items: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS * 4,
                                description="Products and/or cluster ids, comma-separated: "
                                            "`socks, wigs, eyeglasses`.")],
    start: Annotated[str, Query(alias="from", min_length=1, max_length=MAX_QUERY_CHARS,
                                description="Start city: `Shanghai`, `上海`, `Yiwu`.")],
    end: Annotated[str | None, Query(alias="to", max_length=MAX_QUERY_CHARS,
                                     description="End city (the start city for a round trip).")] = None,
    start_date: Annotated[dt.date | None, Query(alias="start", description="First day, YYYY-MM-DD (not in "
                                                                           "the past).")] = None,
    end_date: Annotated[dt.date | None, Query(alias="end", description="Last day, YYYY-MM-DD.")] = None,
    days: Annotated[int | None, Query(ge=1, le=60, description="Number of days, 1–60.")] = None,
    tier: Annotated[str | None, Query(max_length=40, description="`cheap` or `high quality`.")] = None,
    role: Annotated[str | None, Query(max_length=20, description="Prefer clusters of this role: leading, "
                                                                 "major or notable.")] = None,
    modes: Annotated[str, Query(max_length=40, description="Allowed modes, comma-separated: drive, rail, "
                                                           "flight.")] = "drive,rail,flight",
    format: Annotated[PlanFormat, Query(description="`json` (default), `geojson` (stops and markets as "
                                                    "Points, legs as LineStrings, [lon, lat]) or `ics`.")]
    = PlanFormat.json,
    atlas=Depends(get_atlas),
):
    """The best cluster for each product (relevance, tier, role and detour), the stops in an exactly
    optimised order, each leg's great-circle distance and estimated distance, mode and time, markets,
    fairs within the dates, nearest airports, the day plan, and supplier leads (outside links: nothing is
    fetched). Items that match nothing or do not fit the days are listed in ``left_out`` with the reason.
    Bad input answers 400 (dates in the past, unknown tier …) or 404 (a city the gazetteer does not know)."""
    from clusteratlas.trip import plan_trip

    result = plan_trip(items, start=start, end=end, start_date=start_date, end_date=end_date, days=days, tier=tier,
                       role=role, modes=modes, atlas=atlas)
    if format is PlanFormat.geojson:
        return cached(request, json_bytes(result.to_geojson()), "application/geo+json")
    if format is PlanFormat.ics:
        return cached(request, result.to_ics(), "text/calendar; charset=utf-8",
                      {"Content-Disposition": 'attachment; filename="trip.ics"'})
    return data_response(request, result.to_dict())

