"""Working days on the official calendar (chinese-calendar's 2026 data): national holidays are
off, adjusted working weekends are on, and a year the library does not know yet falls back to
Monday to Friday."""

from __future__ import annotations

from datetime import date

import pytest

from app.common.workdays import add_workdays, is_workday, knows_year, workdays_between

# 2026 as the State Council published it: 国庆节 1–7 October with Saturday 10 October worked;
# 中秋节 25–27 September with Sunday 20 September worked; 春节 15–23 February with Saturdays
# 14 and 28 February worked.
NATIONAL_DAY = [date(2026, 10, d) for d in range(1, 8)]
ADJUSTED_WORKING_WEEKENDS = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


@pytest.mark.parametrize("day", NATIONAL_DAY, ids=str)
def test_national_day_is_off_even_on_weekdays(day):
    assert not is_workday(day)


@pytest.mark.parametrize("day", ADJUSTED_WORKING_WEEKENDS, ids=str)
def test_an_adjusted_weekend_is_a_working_day(day):
    assert day.weekday() >= 5
    assert is_workday(day)


def test_an_ordinary_weekend_is_off():
    assert not is_workday(date(2026, 10, 11))  # the Sunday after the worked Saturday
    assert not is_workday(date(2026, 11, 28))  # a Saturday


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2026, 11, 27), 0, date(2026, 11, 27)),  # no working days: the day itself
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday + 1 → Monday
        # Across 国庆节: 30 September + 1 is 8 October, the third day is Saturday 10 October
        # (worked), the fourth Monday 12 October.
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2026, 9, 30), 4, date(2026, 10, 12)),
        # 中秋节 on Friday 25 September: Thursday + 1 is the next Monday.
        (date(2026, 9, 24), 1, date(2026, 9, 28)),
        # The worked Sunday before it: Friday 18 September + 1 is Sunday 20 September.
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        # 春节: the worked Saturday 14 February, then nine days off, then Tuesday 24 February.
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        # Fifteen working days (a fix after a bad rating) over 春节 and the worked 28 February.
        (date(2026, 2, 13), 15, date(2026, 3, 12)),
    ],
)
def test_add_workdays_follows_the_official_calendar(start, n, due):
    assert add_workdays(start, n) == due


def test_working_days_between_two_dates_skip_the_holiday():
    # 8, 9, 10 (Saturday, worked) and 12 October.
    assert workdays_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert workdays_between(date(2026, 10, 12), date(2026, 10, 12)) == 0
    assert workdays_between(date(2026, 10, 12), date(2026, 9, 30)) == 0


def test_the_library_knows_2026_but_not_2027():
    assert knows_year(2026)
    assert not knows_year(2027)


def test_a_year_not_yet_published_counts_monday_to_friday():
    # Until 2027's calendar is published: Monday to Friday, and New Year's Day off.
    assert not is_workday(date(2027, 1, 1))  # New Year's Day is kept even so
    assert not is_workday(date(2027, 1, 2))
    assert add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert add_workdays(date(2026, 12, 31), 2) == date(2027, 1, 5)
    assert add_workdays(date(2027, 9, 30), 5) == date(2027, 10, 7)  # no 国庆节 known yet
    assert workdays_between(date(2026, 12, 31), date(2027, 1, 8)) == 5
