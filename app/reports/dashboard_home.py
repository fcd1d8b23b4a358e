"""A few figures of the user's dashboard for the home page: the current appraisal quarter's
progress, the open and overdue cases, and this quarter's satisfaction rate so far, with the
link to the whole dashboard. A fixed number of grouped queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from app.auth.models import User
from app.common import versions
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.orgs.tree import path_filter
from app.policy.cases import agent_point_ids
from app.policy.reports import dashboard_paths
from app.reports import dashboard_appraisal as appraisal
from app.reports import dashboard_cases as cases
from app.reports import figures
from app.reports.periods import QUARTER, Period
from app.reports.rates import Rate, six_rates


@dataclass
class HomeFigures:
    quarter: tuple[int, int] | None  # the appraisal quarter counted (None: none opened yet)
    steps: appraisal.StepCounts
    open: int
    overdue: int
    period: Period  # the current quarter, for the satisfaction rate so far
    satisfaction: Rate
    point_id: int | None = None  # an agent's figures are their point's: the link goes there

    @property
    def quarter_label(self) -> str:
        return Period(QUARTER, *self.quarter).label if self.quarter else ""

    @property
    def has_appraisal(self) -> bool:
        return self.quarter is not None and self.steps.total > 0


def home_figures(user: User, today: date) -> HomeFigures | None:
    """The figures of ``user``'s dashboard scope (an org's, else the first of their points'),
    or None when they open no dashboard. The appraisal and case figures are computed once per
    change of their data for the user and the day (``figures.DASHBOARD``), the satisfaction
    rate apart (cached by ``six_rates`` under the rules in force)."""
    period = Period.containing(today)
    key = ("reports.home_figures", user.id, today)
    found = versions.cached(figures.DASHBOARD, key, lambda: _home_figures(user, today))
    if found is None:
        return None
    out, paths, point_ids = found
    rates = six_rates(paths, period, point_ids=point_ids)
    return replace(out, satisfaction=rates["satisfaction"])


def _home_figures(
    user: User, today: date
) -> tuple[HomeFigures, list[str], list[int] | None] | None:
    """The figures but the satisfaction rate, with the subtrees and points it covers."""
    paths = dashboard_paths(user)
    point_ids: list[int] | None = None
    if paths:
        points = select(ServicePoint.id).where(
            ServicePoint.org_id.in_(select(Org.id).where(path_filter(Org.path, paths)))
        )
        quarter = appraisal.latest_quarter(paths)
        steps = appraisal.step_totals(user, paths, quarter)
    else:
        ids = sorted(agent_point_ids(user))
        sp = db.session.get(ServicePoint, ids[0]) if ids else None
        if sp is None:
            return None
        points = select(ServicePoint.id).where(ServicePoint.id == sp.id)
        quarter, steps = None, appraisal.StepCounts()
        paths, point_ids = [sp.org.path], [sp.id]
    open_now = cases.open_cases(user, points, today, with_agents=False)
    out = HomeFigures(
        quarter=quarter,
        steps=steps,
        open=open_now.total,
        overdue=open_now.overdue,
        period=Period.containing(today),
        satisfaction=Rate(),
        point_id=point_ids[0] if point_ids else None,
    )
    return out, paths, point_ids
