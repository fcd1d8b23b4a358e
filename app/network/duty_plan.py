"""A fair month of duty, planned over plain values (no database): which days count, who
stands on each, and who could not be placed and why.

Fair means, in this order of precedence for each place to fill:

1. only people available that weekday (their volunteer profile's weekday codes; a profile
   that states none means every working day);
2. nobody two days running when someone else can stand (calendar days: Friday and Monday are
   not running);
3. the fewest shifts so far first, then the one who stood longest ago, then the pool's order
   (by name): the same pool and month always give the same rota.

The days are the working days of the official calendar (national holidays off, adjusted
working weekends on); a reception rota keeps only its reception weekday.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.common.workdays import is_workday
from app.volunteers.models import WEEKDAYS

DAY_SLOTS = ("day",)
HALF_DAY_SLOTS = ("morning", "afternoon")


@dataclass(frozen=True)
class Person:
    member_id: int
    name: str
    availability: frozenset[str] = frozenset()  # weekday codes; empty: every working day

    def free_on(self, day: date) -> bool:
        return not self.availability or WEEKDAYS[day.weekday()] in self.availability


@dataclass(frozen=True)
class Settings:
    """How a month is planned: our defaults, which the page shows and the manager may change."""

    per_day: int = 1  # people on each day (or each half-day)
    half_days: bool = False  # morning and afternoon shifts instead of whole days
    weekday: int | None = None  # only this weekday (0 = Monday): the reception day

    @property
    def slots(self) -> tuple[str, ...]:
        return HALF_DAY_SLOTS if self.half_days else DAY_SLOTS


@dataclass
class Plan:
    days: list[date]
    shifts: list[tuple[date, str, int]] = field(default_factory=list)  # (day, slot, member id)
    short: list[tuple[date, str, int]] = field(default_factory=list)  # (day, slot, places left)
    counts: dict[int, int] = field(default_factory=dict)
    unplaced: dict[int, str] = field(default_factory=dict)  # member id -> reason code


def month_days(year: int, month: int, weekday: int | None = None) -> list[date]:
    """The working days of the month on the official calendar (only ``weekday``, if given)."""
    last = calendar.monthrange(year, month)[1]
    days = [date(year, month, d) for d in range(1, last + 1)]
    return [d for d in days if is_workday(d) and (weekday is None or d.weekday() == weekday)]


def plan_month(year: int, month: int, people: list[Person], settings: Settings) -> Plan:
    """Plan the month for ``people`` (in the pool's order) under ``settings``."""
    plan = Plan(days=month_days(year, month, settings.weekday))
    order = {p.member_id: i for i, p in enumerate(people)}
    plan.counts = {p.member_id: 0 for p in people}
    last: dict[int, date] = {}
    for day in plan.days:
        free = [p for p in people if p.free_on(day)]
        today_taken: set[int] = set()
        for slot in settings.slots:
            ranked = sorted(
                (p for p in free if p.member_id not in today_taken),
                key=lambda p: (
                    last.get(p.member_id) == day - timedelta(days=1),
                    plan.counts[p.member_id],
                    last.get(p.member_id, date.min),
                    order[p.member_id],
                ),
            )
            chosen = ranked[: settings.per_day]
            for p in chosen:
                plan.shifts.append((day, slot, p.member_id))
                plan.counts[p.member_id] += 1
                last[p.member_id] = day
                today_taken.add(p.member_id)
            if len(chosen) < settings.per_day:
                plan.short.append((day, slot, settings.per_day - len(chosen)))
    plan.unplaced = {
        p.member_id: unplaced_reason(p, plan.days) for p in people if plan.counts[p.member_id] == 0
    }
    return plan


def unplaced_reason(person: Person, days: list[date]) -> str:
    """Why someone of the pool has no shift: ``no_days`` (free on none of the rota's days) or
    ``enough`` (the days were filled by people with fewer shifts)."""
    return "enough" if any(person.free_on(d) for d in days) else "no_days"
