"""The fair month planner over plain values: holidays, adjusted working weekends, balance,
no two days running, availability, and who could not be placed."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from app.network.duty_plan import Person, Settings, month_days, plan_month

EVERYONE = frozenset()


def _people(n: int, days=EVERYONE) -> list[Person]:
    return [Person(i, f"P{i}", days) for i in range(1, n + 1)]


def test_october_2026_skips_the_national_holiday_and_keeps_the_adjusted_saturday():
    days = month_days(2026, 10)
    assert not any(date(2026, 10, d) in days for d in range(1, 8))  # 国庆、中秋 1–7 Oct
    assert date(2026, 10, 10) in days  # Saturday, an adjusted working day
    assert date(2026, 10, 11) not in days  # an ordinary Sunday
    assert date(2026, 10, 8) in days
    assert len(days) == 18


def test_counts_are_balanced_and_nobody_stands_two_days_running():
    plan = plan_month(2026, 10, _people(5), Settings(per_day=1))
    counts = Counter(m for _d, _s, m in plan.shifts)
    assert sum(counts.values()) == 18
    assert max(counts.values()) - min(counts.values()) <= 1
    by_person: dict[int, list[date]] = {}
    for d, _s, m in plan.shifts:
        by_person.setdefault(m, []).append(d)
    for days in by_person.values():
        assert all(b - a > timedelta(days=1) for a, b in zip(days, days[1:], strict=False))
    assert plan.short == [] and plan.unplaced == {}


def test_two_a_day_fill_every_day_with_two_different_people():
    plan = plan_month(2026, 10, _people(5), Settings(per_day=2))
    per_day = Counter(d for d, _s, _m in plan.shifts)
    assert set(per_day.values()) == {2}
    assert len({(d, m) for d, _s, m in plan.shifts}) == len(plan.shifts)
    counts = Counter(m for _d, _s, m in plan.shifts)
    assert max(counts.values()) - min(counts.values()) <= 1


def test_availability_is_respected_and_a_saturday_only_person_gets_the_adjusted_saturday():
    people = [
        Person(1, "Mondays", frozenset({"mon"})),
        Person(2, "Saturdays", frozenset({"sat"})),
        Person(3, "A", EVERYONE),
        Person(4, "B", EVERYONE),
    ]
    plan = plan_month(2026, 10, people, Settings(per_day=1))
    mine = {m: [d for d, _s, x in plan.shifts if x == m] for m in (1, 2)}
    assert mine[1] and all(d.weekday() == 0 for d in mine[1])
    assert mine[2] == [date(2026, 10, 10)]


def test_nobody_free_on_a_weekday_leaves_that_day_short_and_the_report_says_so():
    people = [Person(1, "A", frozenset({"mon", "tue"})), Person(2, "B", frozenset({"mon"}))]
    plan = plan_month(2026, 10, people, Settings(per_day=1))
    short_days = {d for d, _s, _n in plan.short}
    assert date(2026, 10, 9) in short_days  # a Friday: nobody is free
    assert all(d.weekday() not in (0, 1) for d in short_days)


def test_who_could_not_be_placed_and_why():
    people = [*_people(25), Person(99, "Sundays", frozenset({"sun"}))]
    plan = plan_month(2026, 10, people, Settings(per_day=1))
    assert plan.unplaced[99] == "no_days"
    enough = [m for m, why in plan.unplaced.items() if why == "enough"]
    assert len(enough) == 25 - 18  # 18 working days, one a day, fewest first


def test_a_reception_rota_keeps_to_its_weekday_and_half_days_split_the_day():
    plan = plan_month(2026, 10, _people(4), Settings(per_day=1, weekday=2))
    assert {d.weekday() for d, _s, _m in plan.shifts} == {2}
    assert len(plan.shifts) == 3  # 14, 21, 28 October
    halves = plan_month(2026, 10, _people(4), Settings(per_day=1, half_days=True))
    assert {s for _d, s, _m in halves.shifts} == {"morning", "afternoon"}
    assert len(halves.shifts) == 36
    assert len({(d, m) for d, _s, m in halves.shifts}) == 36  # nobody does both halves


def test_the_same_pool_and_month_always_give_the_same_rota():
    a = plan_month(2026, 10, _people(6), Settings(per_day=2))
    b = plan_month(2026, 10, _people(6), Settings(per_day=2))
    assert a.shifts == b.shifts
