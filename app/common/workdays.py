"""Working days on the official calendar: national holidays off, adjusted working weekends on.

The holiday calendar is published each November for the next year; ``chinese-calendar`` carries
the years it knows. For a year it does not know yet, Monday to Friday count as working days,
New Year's Day excepted (``knows_year`` tells which years are provisional); updating the pinned
package brings the new year's holidays.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def knows_year(year: int) -> bool:
    """The official holidays and adjusted working days of ``year`` are known."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    """A working day: Monday to Friday unless a holiday, or an adjusted working weekend."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5 and (day.month, day.day) != (1, 1)


def add_workdays(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself when ``n`` is 0): a matter
    accepted on a Friday with one working day is due on Monday."""
    day = start
    left = n
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
