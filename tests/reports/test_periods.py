"""Report periods: dates, keys, neighbours, and reading them from a request."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.reports.periods import Period, choices


def test_dates_of_each_kind():
    q = Period("quarter", 2026, 4)
    assert (q.start, q.end, q.last_day) == (date(2026, 10, 1), date(2027, 1, 1), date(2026, 12, 31))
    h = Period("half", 2026, 1)
    assert (h.start, h.end) == (date(2026, 1, 1), date(2026, 7, 1))
    y = Period("year", 2026)
    assert (y.start, y.end) == (date(2026, 1, 1), date(2027, 1, 1))
    assert y.contains(date(2026, 12, 31)) and not y.contains(date(2027, 1, 1))
    assert h.months() == [(2026, m) for m in range(1, 7)]


def test_bounds_are_beijing_midnight(app):
    q = Period("quarter", 2026, 3)
    assert q.start_utc() == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    assert q.end_utc() == datetime(2026, 9, 30, 16, 0, tzinfo=UTC)


def test_keys_round_trip_and_bad_keys_give_none():
    for p in (Period("quarter", 2026, 3), Period("half", 2025, 2), Period("year", 2024)):
        assert Period.parse(p.key) == p
    assert [Period.parse(k) for k in ("2026-Q5", "2026-H3", "Q1", "", None, "1999", "x")] == [
        None
    ] * 7


def test_previous_and_quarters():
    assert Period("quarter", 2026, 1).previous() == Period("quarter", 2025, 4)
    assert Period("half", 2026, 1).previous() == Period("half", 2025, 2)
    assert Period("year", 2026).previous() == Period("year", 2025)
    assert [q.n for q in Period("half", 2026, 2).quarters()] == [3, 4]
    assert [q.n for q in Period("year", 2026).quarters()] == [1, 2, 3, 4]
    assert Period("quarter", 2026, 2).last(3) == [
        Period("quarter", 2025, 4),
        Period("quarter", 2026, 1),
        Period("quarter", 2026, 2),
    ]


def test_the_default_is_the_last_complete_quarter():
    assert Period.default(date(2026, 11, 27)) == Period("quarter", 2026, 3)
    assert Period.default(date(2026, 1, 5)) == Period("quarter", 2025, 4)
    today = date(2026, 11, 27)
    assert Period.from_args({"period": "2026-H1"}, today) == Period("half", 2026, 1)
    assert Period.from_args({"period": "junk"}, today) == Period("quarter", 2026, 3)
    assert Period.from_args({}, today) == Period("quarter", 2026, 3)


def test_bad_periods_are_refused():
    with pytest.raises(ValueError):
        Period("quarter", 2026, 5)
    with pytest.raises(ValueError):
        Period("month", 2026, 1)


def test_the_selector_offers_current_and_past_periods():
    offered = choices(date(2026, 11, 27))
    assert Period("quarter", 2026, 4) in offered and Period("year", 2024) in offered
    assert Period("quarter", 2027, 1) not in offered


def test_a_period_without_a_previous_one_is_not_read():
    # The rates and periodic pages show the previous period beside: 2000-Q1's would be 1999.
    assert [Period.parse(k) for k in ("2000-Q1", "2000-H1", "2000")] == [None] * 3
    assert Period.parse("2000-Q2") == Period("quarter", 2000, 2)
    assert Period.from_args({"period": "2000"}, date(2026, 11, 27)) == Period("quarter", 2026, 3)
