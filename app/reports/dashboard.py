"""The dashboards: an org's (the committee's whole tree, a general branch's or a branch's
subtree) and a service point's, gathered in a fixed number of grouped queries whatever the
size of the data. Who may open which is asked of policy (``report.org``, ``report.point``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app import policy
from app.auth.models import User
from app.common import timeutil, versions
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Org, OrgKind, ServicePoint, branch_id_of
from app.orgs.tree import path_filter
from app.policy.reports import dashboard_paths
from app.reports import dashboard_appraisal as appraisal
from app.reports import dashboard_cases as cases
from app.reports import dashboard_rates as rates
from app.reports import figures
from app.reports.periods import Period

QUARTERS_SHOWN = 4  # the charts over time cover the last four quarters
BUSIEST_SHOWN = 30  # the load table lists the busiest agents first, this many at most


@dataclass(frozen=True)
class PointRow:
    id: int
    name: str
    level: str
    org_id: int
    org_depth: int  # the depth of the point's org in the tree (0: a root)


@dataclass
class CasePanels:
    """What both kinds of dashboard show of the cases, and the rates of the same scope."""

    periods: list[Period]
    figures: cases.CaseFigures
    open: cases.OpenCases
    today: date
    rates: rates.RatesPanel | None = None  # added to the cached panels on every view

    @property
    def busiest(self) -> list[cases.AgentLoad]:
        return self.open.agents[:BUSIEST_SHOWN]


@dataclass
class OrgDashboard:
    org: appraisal.OrgRow
    choices: list[appraisal.OrgRow]  # the org picker: the dashboards the user may open
    points: list[PointRow]
    progress: appraisal.Progress
    quarters: list[appraisal.QuarterFigures]
    panels: CasePanels
    org_names: dict[int, str] = field(default_factory=dict)
    choice_pairs: list[tuple[str, str]] = field(default_factory=list)  # (id, indented name)

    @property
    def point_names(self) -> dict[int, str]:
        return {p.id: p.name for p in self.points}

    @property
    def near_points(self) -> list[PointRow]:
        """The points table's rows: the points of the org and of the orgs one level below (a
        county's centre and its townships' stations); those further down are listed on the
        dashboards of the orgs below (a county's 400 village rooms in one table were
        unreadable, and a fifth of the page's time)."""
        depth = self.org.path.count("/") - 2
        return [p for p in self.points if p.org_depth <= depth + 1]


@dataclass
class PointDashboard:
    point: ServicePoint
    choices: list[ServicePoint]  # the other points whose dashboards the user may open
    panels: CasePanels

    @property
    def point_names(self) -> dict[int, str]:
        return {self.point.id: self.point.name}


def _org_rows(paths: list[str]) -> list[appraisal.OrgRow]:
    """Every active org in the subtrees ``paths``, in tree order. One query."""
    if not paths:
        return []
    stmt = (
        select(Org.id, Org.name, Org.kind, Org.parent_id, Org.path)
        .where(path_filter(Org.path, paths), Org.is_active)
        .order_by(Org.path)
    )
    return [
        appraisal.OrgRow(i, name, kind, parent, path, branch_id_of(i, kind, parent))
        for i, name, kind, parent, path in db.session.execute(stmt)
    ]


def _case_panels(
    user: User, points: Select, today: date, key: tuple, *, subtree: bool
) -> CasePanels:
    """The case figures and open cases, without the rates (see ``_with_rates``); ``key``
    names the points (an org's, a point's) for the figures kept per month."""
    periods = Period.containing(today).last(QUARTERS_SHOWN)
    return CasePanels(
        periods=periods,
        figures=cases.case_figures(user, points, periods, (user.id, *key), subtree=subtree),
        open=cases.open_cases(user, points, today, key, busiest=BUSIEST_SHOWN),
        today=today,
    )


def _with_rates(panels: CasePanels, paths: list[str], point: ServicePoint | None) -> CasePanels:
    """``panels`` with the six rates of their quarters, cached apart (``rates._gather``): the
    health rate follows the agents' accounts, which every login writes, and the rules."""
    panel = rates.rates_panel(paths, point, panels.today, panels.periods)
    return replace(panels, rates=panel)


def has_dashboards(user: User) -> bool:
    """The user opens an org's dashboard (not only a service point's)."""
    return bool(dashboard_paths(user))


def org_dashboard(user: User, org_id: int | None = None) -> OrgDashboard:
    """The dashboard of ``org_id`` (by default the top of the user's scope): its subtree's
    appraisal progress, grades, vetoes and spot checks, cases, open and overdue cases, the
    agents' load and the six rates. Raises NotFound for an org out of the user's reach or a
    party group (its figures are its branch's).

    Each part is computed once per change of what it reads, so that a write to one kind of
    data leaves the others' figures reused: the org picker under the roster topic, the
    appraisal panels under ``figures.APPRAISAL``, the case panels under
    ``figures.CASE_ITEMS`` for the day (overdue cases follow the clock), and the rates under
    their own (``_with_rates``; only the health rate reads the accounts every login writes).
    When nothing changed: one token read."""
    today = timeutil.today()
    scope = versions.cached(
        figures.ORGS, ("reports.dashboard.scope", user.id, org_id), lambda: _scope(user, org_id)
    )
    org, paths = scope.org, [scope.org.path]
    progress, quarters = versions.cached(
        figures.APPRAISAL,
        ("reports.dashboard.appraisal", user.id, org.id),
        lambda: _appraisal_panels(user, org, scope.subtree),
    )
    point_rows, panels = versions.cached(
        figures.CASE_ITEMS,
        ("reports.dashboard.cases", user.id, org.id, today),
        lambda: (
            _points(paths),
            _case_panels(
                user, cases.points_under(paths), today, ("paths", tuple(paths)), subtree=True
            ),
        ),
    )
    return OrgDashboard(
        org=org,
        choices=scope.choices,
        points=point_rows,
        progress=progress,
        quarters=quarters,
        panels=_with_rates(panels, paths, None),
        org_names={i: o.name for i, o in scope.subtree.items()},
        choice_pairs=scope.pairs,
    )


@dataclass(frozen=True)
class _Scope:
    org: appraisal.OrgRow
    choices: list[appraisal.OrgRow]
    subtree: dict[int, appraisal.OrgRow]  # the org and every active org under it, groups too
    pairs: list[tuple[str, str]]  # the picker's (id, name indented by depth)


def _scope(user: User, org_id: int | None) -> _Scope:
    in_scope = _org_rows(dashboard_paths(user))
    choices = [o for o in in_scope if o.kind != OrgKind.GROUP]
    if not choices:
        raise NotFound(_l("No organisation in your scope."))
    org = next((o for o in choices if o.id == org_id), None) if org_id else choices[0]
    if org is None:
        raise NotFound(_l("No such organisation in your scope."))
    subtree = {o.id: o for o in in_scope if o.path.startswith(org.path)}
    pairs = [(str(o.id), "　" * (o.path.count("/") - 2) + o.name) for o in choices]
    return _Scope(org, choices, subtree, pairs)


def _appraisal_panels(
    user: User, org: appraisal.OrgRow, subtree: dict[int, appraisal.OrgRow]
) -> tuple[appraisal.Progress, list[appraisal.QuarterFigures]]:
    paths = [org.path]
    quarter = appraisal.latest_quarter(paths)
    back = appraisal.quarters_back(quarter, QUARTERS_SHOWN) if quarter else []
    return (
        appraisal.progress(user, org, quarter, subtree),
        appraisal.quarter_figures(user, paths, back),
    )


def _points(paths: list[str]) -> list[PointRow]:
    """The service points under the subtrees ``paths``, by level then name. One query."""
    order = {"district": 0, "township": 1, "village": 2}
    stmt = (
        select(ServicePoint.id, ServicePoint.name, ServicePoint.level, Org.id, Org.depth)
        .join(Org, Org.id == ServicePoint.org_id)
        .where(path_filter(Org.path, paths))
    )
    rows = [PointRow(*r) for r in db.session.execute(stmt)]
    return sorted(rows, key=lambda p: (order.get(p.level, 9), p.name))


def get_point(user: User, sp_id: int) -> ServicePoint:
    """A point whose dashboard ``user`` may open; NotFound otherwise (nothing is revealed)."""
    sp = db.session.get(ServicePoint, sp_id)
    if sp is None or not policy.can(user, "report.point", sp):
        raise NotFound(_l("No such service point in your scope."))
    return sp


def point_choices(user: User) -> list[ServicePoint]:
    """The active points whose dashboards ``user`` may open, by level then name."""
    stmt = select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.name)
    order = {"district": 0, "township": 1, "village": 2}
    allowed = [sp for sp in db.session.scalars(stmt) if policy.can(user, "report.point", sp)]
    return sorted(allowed, key=lambda sp: (order.get(sp.level, 9), sp.name))


def point_dashboard(user: User, sp: ServicePoint) -> PointDashboard:
    """A service point's dashboard: its cases, open and overdue ones, its agents' load and
    the six rates of its org (computed once per change of their data, like the org's)."""
    points = select(ServicePoint.id).where(ServicePoint.id == sp.id)
    today = timeutil.today()
    key = ("reports.point_panels", user.id, sp.id, today)
    panels = versions.cached(
        figures.CASE_ITEMS,
        key,
        lambda: _case_panels(user, points, today, ("point", sp.id), subtree=False),
    )
    panels = _with_rates(panels, [sp.org.path], sp)
    return PointDashboard(point=sp, choices=point_choices(user), panels=panels)
