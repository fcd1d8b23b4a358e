"""The October comparison of the townships (plan 四.2: 10月份 … 对各乡镇推行为民服务代理制情况
进行评比并通报): each township's six rates for the year and its complaints, ranked.

A township is an org running an active township-level service point; its villages are the
points and orgs in its subtree. The ranking rule is OUR default, a setting of the committee:
score = the mean of the township's available rates (per cent) minus ``complaint_penalty``
points per complaint upheld or partly upheld in the year. Four queries whatever the number
of townships (townships, rates' three, complaints; plus the settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from app.extensions import db
from app.network.models import Complaint, ComplaintFinding
from app.orgs.models import Org, ServiceLevel, ServicePoint
from app.orgs.tree import path_filter
from app.reports.models import EmptyRateRule
from app.reports.periods import YEAR, Period
from app.reports.rates import RATE_CODES, Rates, six_rates_by_org
from app.reports.settings import RateRules, rules_for

UPHELD = (ComplaintFinding.UPHELD, ComplaintFinding.PARTLY)


@dataclass
class TownshipRow:
    org: Org
    rates: Rates
    complaints: int  # received in the year
    upheld: int  # upheld or partly upheld, of those
    score: float | None  # None: no rate to average
    rank: int | None = None

    @property
    def mean(self) -> float | None:
        values = [r.percent for r in self.rates.values() if r.percent is not None]
        return sum(values) / len(values) if values else None


@dataclass
class Comparison:
    root: Org
    year: int
    period: Period
    rows: list[TownshipRow]  # ranked, best first; unscored ones last
    rules: RateRules


def townships(root: Org) -> list[Org]:
    """The orgs under ``root`` that run an active township-level service point."""
    runs = select(ServicePoint.org_id).where(
        ServicePoint.level == ServiceLevel.TOWNSHIP, ServicePoint.is_active
    )
    stmt = (
        select(Org)
        .where(path_filter(Org.path, [root.path]), Org.id.in_(runs), Org.is_active)
        .order_by(Org.sort_order, Org.path)
    )
    return list(db.session.scalars(stmt))


def complaint_counts(orgs: list[Org], year: int) -> dict[int, tuple[int, int]]:
    """Org id -> (complaints received in ``year`` about points of its subtree, of those
    upheld or partly upheld). One grouped query by point."""
    upheld = case((Complaint.finding.in_(UPHELD), 1), else_=0)
    stmt = (
        select(Org.path, func.count(Complaint.id), func.coalesce(func.sum(upheld), 0))
        .join(ServicePoint, ServicePoint.id == Complaint.service_point_id)
        .join(Org, Org.id == ServicePoint.org_id)
        .where(path_filter(Org.path, [o.path for o in orgs]))
        .where(Complaint.received_on >= date(year, 1, 1))
        .where(Complaint.received_on < date(year + 1, 1, 1))
        .group_by(Org.path)
    )
    out = {o.id: (0, 0) for o in orgs}
    for path, n, up in db.session.execute(stmt):
        for o in orgs:
            if path.startswith(o.path):
                got, held = out[o.id]
                out[o.id] = (got + n, held + int(up))
    return out


def score(rates: Rates, upheld: int, rules: RateRules) -> float | None:
    """The mean of the available rates (per cent; a rate with nothing to count is left out,
    or counts as 0 when the settings say so) minus the penalty per upheld complaint."""
    as_zero = rules.empty_rate_rule == EmptyRateRule.ZERO
    values = [
        rates[c].percent if rates[c].percent is not None else 0.0
        for c in RATE_CODES
        if rates[c].percent is not None or as_zero
    ]
    if not values:
        return None
    return sum(values) / len(values) - rules.complaint_penalty * upheld


def compare_townships(root: Org, year: int) -> Comparison:
    """The townships of ``root``'s tree ranked for ``year`` (the caller checked
    ``report.compare``). Equal scores share a rank; townships with nothing to count are
    listed last without a rank."""
    rules = rules_for([root.path])
    period = Period(YEAR, year)
    orgs = townships(root)
    by_org = six_rates_by_org(orgs, period, rules=rules) if orgs else {}
    counts = complaint_counts(orgs, year) if orgs else {}
    rows = []
    for o in orgs:
        got, upheld = counts[o.id]
        rows.append(TownshipRow(o, by_org[o.id], got, upheld, score(by_org[o.id], upheld, rules)))
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.org.path))
    previous: float | None = None
    for i, r in enumerate(rows, start=1):
        if r.score is None:
            break
        r.rank = rows[i - 2].rank if previous is not None and round(r.score, 6) == previous else i
        previous = round(r.score, 6)
    return Comparison(root, year, period, rows, rules)
