"""Report periods: a quarter, a half-year or a year (plan 三.2: 季度汇报, 半年点评, 年终考核).

A ``Period`` is a value: ``Period("quarter", 2026, 3)``, ``Period("half", 2026, 1)``,
``Period("year", 2026)``. Its ``start`` is the first day and ``end`` the first day AFTER it
(half-open, so ``start <= d < end``); ``key`` ("2026-Q3", "2026-H1", "2026") is what URLs carry,
and ``Period.parse(key)`` reads it back. ``Period.from_args(request.args, today)`` reads the
``period`` argument and falls back to ``Period.default(today)``: the last complete quarter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from app.common.timeutil import utc_midnight

QUARTER, HALF, YEAR = "quarter", "half", "year"
KINDS = (QUARTER, HALF, YEAR)
_MONTHS = {QUARTER: 3, HALF: 6, YEAR: 12}
_COUNT = {QUARTER: 4, HALF: 2, YEAR: 1}
_KEY = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]))?$")
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Period:
    """One report period. ``n`` is the quarter (1-4), the half (1-2), or 1 for a year."""

    kind: str
    year: int
    n: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS or not 1 <= self.n <= _COUNT[self.kind]:
            raise ValueError(f"bad period {self.kind} {self.year} {self.n}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year out of range: {self.year}")

    # --- dates -------------------------------------------------------------------------------

    @property
    def start(self) -> date:
        """The first day of the period."""
        return date(self.year, (self.n - 1) * _MONTHS[self.kind] + 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period (exclusive bound)."""
        month = self.n * _MONTHS[self.kind] + 1
        return date(self.year + 1, 1, 1) if month > 12 else date(self.year, month, 1)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    def start_utc(self) -> datetime:
        """Local midnight of ``start`` as an aware UTC datetime (for timestamp columns)."""
        return utc_midnight(self.start)

    def end_utc(self) -> datetime:
        """Local midnight of ``end`` as an aware UTC datetime (exclusive bound)."""
        return utc_midnight(self.end)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) pairs of the period, in order."""
        first = self.start.month
        return [(self.year, m) for m in range(first, first + _MONTHS[self.kind])]

    def month_spans(self) -> list[tuple[date, date]]:
        """Each month of the period as (first day, first day after), in order."""
        return [
            (date(y, m, 1), date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1))
            for y, m in self.months()
        ]

    # --- naming ------------------------------------------------------------------------------

    @property
    def key(self) -> str:
        """ "2026-Q3", "2026-H1" or "2026": the URL form, read back by ``Period.parse``."""
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.n}"
        if self.kind == HALF:
            return f"{self.year}-H{self.n}"
        return str(self.year)

    @property
    def label(self) -> str:
        """The period in words: 2026年第三季度, 2026年上半年, 2026年度."""
        if self.kind == QUARTER:
            return _("%(year)s Q%(n)s", year=self.year, n=self.n)
        if self.kind == HALF:
            return (
                _("%(year)s first half", year=self.year)
                if self.n == 1
                else _("%(year)s second half", year=self.year)
            )
        return _("Year %(year)s", year=self.year)

    @property
    def report_title(self) -> str:
        """What the plan calls the report of such a period: 季度汇报, 半年点评, 年终考核."""
        return {
            QUARTER: _("Quarterly report"),
            HALF: _("Half-year review"),
            YEAR: _("Year-end appraisal"),
        }[self.kind]

    # --- neighbours --------------------------------------------------------------------------

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.n > 1:
            return Period(self.kind, self.year, self.n - 1)
        return Period(self.kind, self.year - 1, _COUNT[self.kind])

    def quarters(self) -> list[Period]:
        """The quarters the period is made of (a quarter: itself)."""
        per = _MONTHS[self.kind] // 3
        first = (self.n - 1) * per + 1
        return [Period(QUARTER, self.year, q) for q in range(first, first + per)]

    def last(self, count: int) -> list[Period]:
        """``count`` periods of this kind ending with this one, oldest first."""
        out = [self]
        while len(out) < count:
            out.append(out[-1].previous())
        return out[::-1]

    # --- reading -----------------------------------------------------------------------------

    @classmethod
    def parse(cls, key: str | None) -> Period | None:
        """The period a key names ("2026-Q3", "2026-H1", "2026"), or None when it names none."""
        m = _KEY.match((key or "").strip())
        if not m:
            return None
        year, part = int(m.group(1)), m.group(2)
        try:
            if part is None:
                period = cls(YEAR, year)
            else:
                period = cls(QUARTER if part[0] == "Q" else HALF, year, int(part[1]))
            period.previous()  # the pages show the period before beside it: it must exist too
        except ValueError:
            return None
        return period

    @classmethod
    def containing(cls, day: date, kind: str = QUARTER) -> Period:
        """The period of ``kind`` that holds ``day``."""
        return cls(kind, day.year, (day.month - 1) // _MONTHS[kind] + 1)

    @classmethod
    def default(cls, today: date) -> Period:
        """The last complete quarter (in January: the year before's fourth)."""
        return cls.containing(today).previous()

    @classmethod
    def from_args(cls, args: Mapping[str, str], today: date, name: str = "period") -> Period:
        """The period in ``args[name]``; a missing or malformed one gives the default."""
        return cls.parse(args.get(name)) or cls.default(today)


def choices(today: date, years: int = 3) -> list[Period]:
    """The periods a selector offers: the quarters, halves and years of the last ``years``
    years up to the current one, newest first within each kind."""
    out: list[Period] = []
    for kind in KINDS:
        p = Period.containing(today, kind)
        out.extend(reversed(p.last(_COUNT[kind] * years)))
    return out
