"""The day plan of a trip: half-day slots, when each leg leaves and arrives, when each visit starts and ends.

The clock (all times local, China Standard Time):

* a day has two half-day slots for visits, morning 08:00–13:00 and afternoon 13:00–18:00
  (:data:`SLOT_STARTS`, :data:`HALF_DAY_HOURS`);
* the trip starts at 08:00 on day 1 at the start city;
* a leg leaves when the previous visit ends (13:00 or 18:00). Leaving at 18:00 is allowed when the leg
  arrives by 22:00 (:data:`EVENING_END`); otherwise it leaves at 08:00 the next morning;
* a visit starts in the first half-day slot that began no more than :data:`LATE_START_HOURS` before the
  arrival (at the arrival, when that is later than the slot's start), and lasts whole half-days;
* a leg "uses" the half-days between the end of the previous visit and the first slot of the next one.

So every half-day of the trip is travel, visit or free, and they add up to twice the number of days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Start of the morning and afternoon half-day slots, hours after midnight.
SLOT_STARTS = (8.0, 13.0)
#: Length of a half-day slot, hours.
HALF_DAY_HOURS = 5.0
#: A visit may start this many hours after its slot began (a late arrival), and the half-day still counts.
LATE_START_HOURS = 2.0
#: A leg may leave at the end of an afternoon visit if it arrives by this hour; else it leaves next morning.
EVENING_END = 22.0


def slot_start(k: int) -> float:
    """Start of half-day slot ``k`` (0 = day 1 morning), hours after midnight of day 1."""
    return (k // 2) * 24.0 + SLOT_STARTS[k % 2]


def slot_end(k: int) -> float:
    """End of half-day slot ``k``, hours after midnight of day 1."""
    return slot_start(k) + HALF_DAY_HOURS


@dataclass(frozen=True)
class LegTime:
    """When a leg leaves and arrives (hours after midnight of day 1) and the half-days it uses."""

    depart: float
    arrive: float
    half_days: int
    first_free_slot: int


@dataclass(frozen=True)
class VisitTime:
    """A visit: its first slot, number of half-days, start (arrival or slot start) and end (hours)."""

    first_slot: int
    half_days: int
    start: float
    end: float


@dataclass(frozen=True)
class Timeline:
    """The whole day plan: one LegTime per leg (including the one to the end city), one VisitTime per stop,
    and ``used`` half-days (the first slot after the trip's last activity)."""

    legs: tuple[LegTime, ...]
    visits: tuple[VisitTime, ...]
    used: int


def place_leg(free_slot: int, ready: float, hours: float) -> LegTime:
    """Place a leg that can leave at ``ready`` (hours), when slot ``free_slot`` is the first unused one."""
    depart = ready
    day_start = (ready // 24.0) * 24.0
    if ready > slot_start(free_slot) - 1e-9 or ready + hours <= day_start + EVENING_END + 1e-9:
        pass  # leaving at once: during the day, or in the evening and arriving by EVENING_END
    else:
        depart = slot_start(free_slot)
    arrive = depart + hours
    k = free_slot
    while arrive > slot_start(k) + LATE_START_HOURS + 1e-9:
        k += 1
    return LegTime(depart=depart, arrive=arrive, half_days=k - free_slot, first_free_slot=k)


def build_timeline(leg_hours: Sequence[float], visit_half_days: Sequence[int]) -> Timeline:
    """The day plan for legs of these estimated durations (hours) and visits of these half-days.

    ``leg_hours`` has one more item than ``visit_half_days`` when the trip ends with a leg to an end city
    (or back to the start), else as many.
    """
    legs: list[LegTime] = []
    visits: list[VisitTime] = []
    free, ready = 0, slot_start(0)
    for i, hours in enumerate(leg_hours):
        leg = place_leg(free, ready, hours)
        legs.append(leg)
        free = leg.first_free_slot
        if i < len(visit_half_days):
            v = visit_half_days[i]
            start = max(slot_start(free), leg.arrive)
            end = slot_end(free + v - 1)
            visits.append(VisitTime(first_slot=free, half_days=v, start=start, end=end))
            free, ready = free + v, end
    return Timeline(legs=tuple(legs), visits=tuple(visits), used=free)
