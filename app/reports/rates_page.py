"""What the six rates page shows: the subject and period chosen, each rate with the previous
period's, the definitions in force and the settings (a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.auth.models import User
from app.extensions import db
from app.orgs.models import Org
from app.policy.reports import dashboard_paths
from app.reports import periods as periods_mod
from app.reports.labels import definitions
from app.reports.periods import Period
from app.reports.rates import RATE_CODES, Rate, six_rates_over
from app.reports.settings import RateRules, root_id, rules_for, settings_row
from app.reports.subject import Subject, resolve


@dataclass
class RateLine:
    code: str
    rate: Rate
    previous: Rate
    numerator: str  # what the numerator counts, in words
    denominator: str


@dataclass
class RatesPage:
    subject: Subject
    choices: list[tuple[str, str]]  # the picker's (key, label) pairs
    period: Period
    period_choices: list[Period]
    lines: list[RateLine]
    rules: RateRules
    root: Org | None

    @property
    def args(self) -> dict[str, str]:
        """The URL arguments that reopen this page (the subject and the period)."""
        return {**self.subject.args, "period": self.period.key}


def rates_page(user: User, key: str | None, period: Period, today: date) -> RatesPage:
    """The six rates of the subject ``key`` (see ``subject.resolve``; NotFound out of reach)
    in ``period``, each beside the previous period's."""
    subject, options = resolve(user, key)
    rules = rules_for(subject.paths)
    previous = period.previous()
    now, before = six_rates_over(
        subject.paths, [period, previous], rules=rules, point_ids=subject.point_ids
    )
    words = definitions(rules)
    lines = [RateLine(c, now[c], before[c], str(words[c][0]), str(words[c][1])) for c in RATE_CODES]
    root = db.session.get(Org, root_id(subject.paths) or 0)
    return RatesPage(subject, options, period, periods_mod.choices(today), lines, rules, root)


def tree_root(user: User) -> Org | None:
    """The root of the tree ``user`` reports on (None for an agent: no org of their own)."""
    paths = dashboard_paths(user)
    return db.session.get(Org, root_id(paths) or 0) if paths else None


def settings_of(root: Org) -> tuple[RateRules, int]:
    """The rules in force over ``root``'s tree and the row version (0: none stored yet)."""
    row = settings_row(root.id)
    return RateRules.of(row), row.version if row is not None else 0
