"""A few figures of the user's dashboard for the home page: the current appraisal quarter's
progress, the open and overdue cases, and this quarter's satisfaction rate so far, with the
link to the whole dashboard. A fixed number of grouped queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.auth.models import User
from app.common import versions
from app.extensions import db
from app.orgs.models import ServicePoint
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
    or None when they open no dashboard. Each part is computed once per change of what it
    reads: the open cases for the user and the day (``figures.CASES``), the appraisal
    quarter's steps for the user (``figures.APPRAISAL``), the satisfaction rate apart (cached
    by ``six_rates`` under the rules in force); a login (which writes the accounts)
    recomputes none of them."""
    period = Period.containing(today)
    key = ("reports.home_figures.cases", user.id, today)
    found = versions.cached(figures.CASES, key, lambda: _open_cases(user, today))
    if found is None:
        return None
    paths, point_ids, open_now = found
    quarter, steps = None, appraisal.StepCounts()
    if point_ids is None:
        quarter, steps = quarter_steps(user, paths)
    rates = six_rates(paths, period, point_ids=point_ids)
    return HomeFigures(
        quarter=quarter,
        steps=steps,
        open=open_now.total,
        overdue=open_now.overdue,
        period=period,
        satisfaction=rates["satisfaction"],
        point_id=point_ids[0] if point_ids else None,
    )


def quarter_steps(
    user: User, paths: list[str]
) -> tuple[tuple[int, int] | None, appraisal.StepCounts]:
    """The latest appraisal quarter of the subtrees ``paths`` and the records ``user`` reads
    there per step: computed once per change of the appraisal data for the user and the
    subtrees (the home page's progress card and its figures both show them)."""

    def compute() -> tuple[tuple[int, int] | None, appraisal.StepCounts]:
        quarter = appraisal.latest_quarter(paths)
        return quarter, appraisal.step_totals(user, paths, quarter)

    key = ("reports.quarter_steps", user.id, tuple(paths))
    return versions.cached(figures.APPRAISAL, key, compute)


def _open_cases(
    user: User, today: date
) -> tuple[list[str], list[int] | None, cases.OpenCases] | None:
    """The subtrees and points the figures cover (``point_ids`` None: the subtrees' every
    point) and their open cases now; None when the user opens no dashboard."""
    paths = dashboard_paths(user)
    point_ids: list[int] | None = None
    key: tuple = ("paths", tuple(paths))
    if paths:
        points = cases.points_under(paths)
    else:
        ids = sorted(agent_point_ids(user))
        sp = db.session.get(ServicePoint, ids[0]) if ids else None
        if sp is None:
            return None
        points = select(ServicePoint.id).where(ServicePoint.id == sp.id)
        paths, point_ids, key = [sp.org.path], [sp.id], ("point", sp.id)
    return paths, point_ids, cases.open_cases(user, points, today, key, with_agents=False)
