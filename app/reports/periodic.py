"""The periodic reports (plan 三.2: 季度汇报, 半年点评, 年终考核) of a subtree: the appraisal
results of the period and the six rates, each beside the previous period's, and the same
figures for each unit directly under the subtree. A half-year or a year adds up its quarters'
appraisal records (one record per member and quarter). A fixed number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from app.appraisal.models import Appraisal, Grade
from app.auth.models import User
from app.extensions import db
from app.orgs.models import Org, OrgKind
from app.orgs.tree import path_filter
from app.reports import periods as periods_mod
from app.reports.periods import Period
from app.reports.rates import RATE_CODES, Rate, Rates, six_rates_by_org, six_rates_over
from app.reports.settings import RateRules, rules_for
from app.reports.subject import Subject, resolve

GRADES = [g.value for g in Grade]
SPOT_RESULTS = ("confirmed", "adjusted", "returned")
SPOT_LABELS = {
    "confirmed": _l("Confirmed"),
    "adjusted": _l("Grade adjusted"),
    "returned": _l("Returned for another look"),
}


@dataclass
class AppraisalFigures:
    """A period's appraisal records of a subtree (member-quarters)."""

    records: int = 0
    grades: Counter = field(default_factory=Counter)
    vetoed: int = 0
    sampled: int = 0
    spot: Counter = field(default_factory=Counter)

    @property
    def graded(self) -> int:
        return sum(self.grades.values())

    def share(self, grade: str) -> Rate:
        """The share of ``grade`` among the graded records."""
        return Rate(self.grades.get(grade, 0), self.graded)

    @property
    def spot_checked(self) -> int:
        return sum(self.spot.values())

    def add(self, grade: str | None, vetoed: bool, sampled: bool, spot: str | None, n: int):
        """Count ``n`` records of one group row."""
        self.records += n
        if grade:
            self.grades[grade] += n
        self.vetoed += n if vetoed else 0
        self.sampled += n if sampled else 0
        if spot:
            self.spot[spot] += n


def appraisal_figures(paths: list[str], periods: list[Period]) -> list[AppraisalFigures]:
    """The appraisal figures of the subtrees ``paths`` for each of ``periods`` (one grouped
    query over all their quarters)."""
    quarters = {(q.year, q.n) for p in periods for q in p.quarters()}
    out = [AppraisalFigures() for _p in periods]
    if not quarters or not paths:
        return out
    a = Appraisal
    stmt = (
        select(a.year, a.quarter, a.grade, a.is_vetoed, a.is_sampled, a.spot_result, func.count())
        .join(Org, Org.id == a.org_id)
        .where(path_filter(Org.path, paths))
        .where(or_(*(and_(a.year == y, a.quarter == q) for y, q in sorted(quarters))))
        .group_by(a.year, a.quarter, a.grade, a.is_vetoed, a.is_sampled, a.spot_result)
    )
    held = [{(q.year, q.n) for q in p.quarters()} for p in periods]
    for year, quarter, *group in db.session.execute(stmt):
        for quarters_of, figures in zip(held, out, strict=True):
            if (year, quarter) in quarters_of:
                figures.add(*group)
    return out


@dataclass
class UnitRow:
    """A unit directly under the subject (a branch, a township's village branch …)."""

    org: Org
    rates: Rates
    appraisal: AppraisalFigures


@dataclass
class PeriodicReport:
    subject: Subject
    choices: list[tuple[str, str]]  # the picker's (key, label) pairs
    period: Period
    period_choices: list[Period]
    rates: Rates
    previous_rates: Rates
    appraisal: AppraisalFigures | None  # None for a service point (no members' records)
    previous_appraisal: AppraisalFigures | None
    units: list[UnitRow]
    rules: RateRules
    made_on: date

    @property
    def previous(self) -> Period:
        return self.period.previous()

    @property
    def args(self) -> dict[str, str]:
        return {**self.subject.args, "period": self.period.key}


def units_under(org: Org) -> list[Org]:
    """The active orgs directly under ``org``, party groups left out (they count with their
    branch)."""
    stmt = (
        select(Org)
        .where(Org.parent_id == org.id, Org.is_active, Org.kind != OrgKind.GROUP)
        .order_by(Org.sort_order, Org.path)
    )
    return list(db.session.scalars(stmt))


def periodic_report(user: User, key: str | None, period: Period, today: date) -> PeriodicReport:
    """The report of the subject ``key`` (see ``subject.resolve``; NotFound out of reach) for
    ``period``, with the previous period's figures beside."""
    subject, options = resolve(user, key)
    rules = rules_for(subject.paths)
    periods = [period, period.previous()]
    now, before = six_rates_over(subject.paths, periods, rules=rules, point_ids=subject.point_ids)
    appraisal = previous_appraisal = None
    units: list[UnitRow] = []
    if subject.org is not None:
        appraisal, previous_appraisal = appraisal_figures(subject.paths, periods)
        orgs = units_under(subject.org)
        if orgs:
            by_org = six_rates_by_org(orgs, period, rules=rules)
            figures = _appraisal_by_org(orgs, period)
            units = [UnitRow(o, by_org[o.id], figures[o.id]) for o in orgs]
    return PeriodicReport(
        subject=subject,
        choices=options,
        period=period,
        period_choices=periods_mod.choices(today),
        rates=now,
        previous_rates=before,
        appraisal=appraisal,
        previous_appraisal=previous_appraisal,
        units=units,
        rules=rules,
        made_on=today,
    )


def _appraisal_by_org(orgs: list[Org], period: Period) -> dict[int, AppraisalFigures]:
    """Each org's appraisal figures of ``period`` (one grouped query by org path)."""
    quarters = [(q.year, q.n) for q in period.quarters()]
    a = Appraisal
    stmt = (
        select(Org.path, a.grade, a.is_vetoed, a.is_sampled, a.spot_result, func.count())
        .join(Org, Org.id == a.org_id)
        .where(path_filter(Org.path, [o.path for o in orgs]))
        .where(or_(*(and_(a.year == y, a.quarter == q) for y, q in quarters)))
        .group_by(Org.path, a.grade, a.is_vetoed, a.is_sampled, a.spot_result)
    )
    out = {o.id: AppraisalFigures() for o in orgs}
    for path, *group in db.session.execute(stmt):
        for o in orgs:
            if path.startswith(o.path):
                out[o.id].add(*group)
    return out


__all__ = ["RATE_CODES", "AppraisalFigures", "PeriodicReport", "periodic_report"]
