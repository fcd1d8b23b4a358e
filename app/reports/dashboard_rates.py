"""The dashboards' six rates panel: the rates of the last quarters, as computed by
``app.reports.rates`` (this module only arranges them for the page)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.orgs.models import ServicePoint
from app.reports.periods import Period
from app.reports.rates import RATE_CODES, Rate, Rates, six_rates_over

QUARTERS_SHOWN = 4


@dataclass
class RateRow:
    code: str
    values: list[Rate]  # one per period, oldest first

    @property
    def latest(self) -> Rate:
        return self.values[-1]


@dataclass
class RatesPanel:
    """The six rates of each of ``periods`` (the last is the current quarter, so far)."""

    periods: list[Period]
    series: list[Rates]

    @property
    def rows(self) -> list[RateRow]:
        return [RateRow(code, [r[code] for r in self.series]) for code in RATE_CODES]

    @property
    def current(self) -> Rates:
        return self.series[-1]


def quarters(today: date, count: int = QUARTERS_SHOWN) -> list[Period]:
    """``count`` quarters ending with the one holding ``today``, oldest first."""
    return Period.containing(today).last(count)


def rates_panel(
    paths: Sequence[str],
    point: ServicePoint | None,
    today: date,
    periods: list[Period] | None = None,
) -> RatesPanel:
    """The six rates of the subtrees ``paths`` (of one service point: ``point``) over the last
    quarters. A fixed number of queries (see ``six_rates_over``)."""
    periods = periods or quarters(today)
    point_ids = [point.id] if point is not None else None
    return RatesPanel(periods, six_rates_over(paths, periods, point_ids=point_ids))
