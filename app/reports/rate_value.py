"""A rate: a numerator over a denominator, printed as a percentage or "—" when undefined.
(Split from ``app.reports.rates``, which re-exports it.)"""

from __future__ import annotations

from dataclasses import dataclass

RATE_CODES = ("health", "openness", "acceptance", "completion", "punctuality", "satisfaction")


@dataclass(frozen=True)
class Rate:
    """``num`` over ``den``. With ``den == 0`` the rate is undefined: ``value`` is None and it
    prints as "—" (never 0 % or 100 %)."""

    num: int = 0
    den: int = 0

    @property
    def value(self) -> float | None:
        """The rate as a fraction 0..1, or None when there is nothing to count."""
        return self.num / self.den if self.den else None

    @property
    def percent(self) -> float | None:
        return None if self.value is None else self.value * 100

    @property
    def text(self) -> str:
        """ "87.5%" or "—"."""
        return "—" if self.percent is None else f"{self.percent:.1f}%"

    def __str__(self) -> str:
        return self.text

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.num + other.num, self.den + other.den)

    def change(self, previous: Rate | None) -> float | None:
        """Percentage points gained since ``previous`` (None when either is undefined)."""
        if previous is None or self.percent is None or previous.percent is None:
            return None
        return self.percent - previous.percent

    def change_text(self, previous: Rate | None) -> str:
        """ "+2.5", "-1.0", "0.0" (percentage points) or "—"."""
        diff = self.change(previous)
        return "—" if diff is None else f"{diff:+.1f}".replace("+0.0", "0.0")


Rates = dict[str, Rate]


def empty_rates() -> Rates:
    return {code: Rate() for code in RATE_CODES}
