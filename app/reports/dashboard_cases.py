"""The dashboards' case figures for a set of service points: the cases registered in a window
by category, level and state, and the open cases now, overdue ones and each agent's load.
One grouped query each, whatever the number of cases; ``points`` is a select of point ids.
The cases registered are counted month by month, each month kept until one of its cases is
written (``app.reports.figures.case_month``)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, literal_column, select, union_all

from app import policy
from app.auth.models import User
from app.cases.models import OPEN_STATUSES, ServiceCase, Status
from app.cases.pages import late_clause
from app.common import versions
from app.common.timeutil import utc_midnight
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.orgs.tree import path_filter
from app.reports import figures
from app.reports.periods import Period
from app.reports.rates import unindexed
from app.roster.models import Member
from app.volunteers.models import ServiceItem, VolunteerProfile

# How a state counts in the summaries: still being worked on, completed, or not handled.
IN_HAND, COMPLETED, NOT_HANDLED = "in_hand", "completed", "not_handled"
BUCKETS = (IN_HAND, COMPLETED, NOT_HANDLED)
_BUCKET_OF = {
    Status.APPLIED.value: IN_HAND,
    Status.SUPPLEMENT.value: IN_HAND,
    Status.HANDLING.value: IN_HAND,
    Status.FOLLOW_UP.value: IN_HAND,
    Status.DONE.value: COMPLETED,
    Status.DELIVERED.value: COMPLETED,
    Status.EVALUATED.value: COMPLETED,
    Status.REFUSED.value: NOT_HANDLED,
    Status.WITHDRAWN.value: NOT_HANDLED,
}
# The states a registered case can be in, in workflow order (a "new" case is not registered).
STATES = [s.value for s in Status if s != Status.NEW]


@dataclass
class Buckets:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, bucket: str, n: int) -> None:
        self.counts[bucket] = self.counts.get(bucket, 0) + n


@dataclass
class CaseFigures:
    """Cases registered from ``start`` to ``end`` (exclusive), by item category, item level
    and state."""

    start: date
    end: date
    by_category: dict[str, Buckets] = field(default_factory=dict)
    by_level: dict[str, Buckets] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


@dataclass
class AgentLoad:
    member_id: int
    name: str
    point_id: int | None
    open: int = 0
    overdue: int = 0
    capacity: int | None = None  # the profile's "at most N cases at once"

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.open > self.capacity


@dataclass
class OpenCases:
    """The open cases of the points now: how many, how many overdue, nobody's yet, per point
    and per agent (the agents of the points with no open case too)."""

    total: int = 0
    overdue: int = 0
    unassigned: int = 0
    by_point: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (open, overdue)
    agents: list[AgentLoad] = field(default_factory=list)  # busiest first (at most ``busiest``)
    agent_count: int = 0  # every agent counted, whether listed in ``agents`` or not


def points_under(paths: list[str]) -> Select:
    """The ids of the service points under the subtrees ``paths``, as a subquery (named
    ``("paths", tuple(paths))`` in the keys of the figures kept)."""
    return select(ServicePoint.id).where(
        ServicePoint.org_id.in_(select(Org.id).where(path_filter(Org.path, paths)))
    )


def case_figures(
    user: User,
    points: Select,
    periods: Sequence[Period],
    key: Hashable,
    *,
    subtree: bool = False,
) -> CaseFigures:
    """The cases owned by ``points`` registered from the first of ``periods`` to the end of
    the last (local days), grouped by the item's category and level and the case's state.
    Each month's counts are kept until a case of that month is written (``key`` names the
    user and the points); the months missing are counted in one query (``_count_months``)."""
    months = [m for p in periods for m in p.month_spans()]
    parts = [
        (figures.case_month(first, catalogue=True), ("reports.case_figures", key, first))
        for first, _ in months
    ]
    pieces = versions.cached_parts(
        parts, lambda missing: _count_months(user, points, [months[j] for j in missing], subtree)
    )
    out = CaseFigures(periods[0].start, periods[-1].end)
    for piece in pieces:
        for category, level, status, n in piece:
            bucket = _BUCKET_OF.get(status, IN_HAND)
            out.by_category.setdefault(category, Buckets()).add(bucket, n)
            out.by_level.setdefault(level, Buckets()).add(bucket, n)
            out.by_state[status] = out.by_state.get(status, 0) + n
    return out


def _count_months(
    user: User, points: Select, months: list[tuple[date, date]], subtree: bool
) -> list[list[tuple[str, str, str, int]]]:
    """Per month (first day, first day after): (category, level, state, cases) of the cases
    of ``points`` registered in it. One query: a subtree's walks the registration dates'
    index month by month (a part of a UNION ALL each: one CASE over the months was twice as
    slow), a point's its own cases; the cases are counted per month, item and state first,
    and only those counts joined to the items (a join per case cost a third of the time)."""
    created, point = ServiceCase.created_at, ServiceCase.service_point_id
    parts = [
        select(literal_column(str(k)).label("k"), ServiceCase.item_id, ServiceCase.status)
        .add_columns(func.count().label("n"))
        .where(
            (unindexed(point) if subtree else point).in_(points),
            ServiceCase.status != Status.NEW,
            created >= utc_midnight(first),
            created < utc_midnight(after),
        )
        .group_by(ServiceCase.item_id, ServiceCase.status)
        for k, (first, after) in enumerate(months)
    ]
    scoped = [policy.scope(part, user, ServiceCase) for part in parts]
    counted = (scoped[0] if len(scoped) == 1 else union_all(*scoped)).subquery()
    stmt = (
        select(
            counted.c.k,
            ServiceItem.category,
            ServiceItem.level,
            counted.c.status,
            func.sum(counted.c.n),
        )
        .join(ServiceItem, ServiceItem.id == counted.c.item_id)
        .group_by(counted.c.k, ServiceItem.category, ServiceItem.level, counted.c.status)
    )
    out: list[list[tuple[str, str, str, int]]] = [[] for _ in months]
    for k, category, level, status, total in db.session.execute(stmt):
        out[int(k)].append((category, level, status, int(total)))  # a sum: Decimal on PG
    return out


def open_cases(
    user: User,
    points: Select,
    today: date,
    key: Hashable,
    *,
    with_agents: bool = True,
    busiest: int | None = None,
) -> OpenCases:
    """The open cases owned by ``points`` (``key`` names them: an org's, a point's), overdue
    ones (``ServiceCase.is_overdue``) counted, per point and per agent; with ``with_agents``
    also the agents whose volunteer profile places them at one of the points, the
    ``busiest`` of them (None: all) listed by name.

    The cases are counted per point and holder, kept per group of points
    (``parts.group_of`` a point's id): a case written recounts its point's group only, and the
    groups are summed here (on the county, a group is about 400 of 13,000 open cases). Every
    holder's load is ranked here too (ranking in SQL took longer), and only the names of
    those listed are read. The agents placed at the points are kept until the network
    changes; one placed there with no open case joins the list only when fewer agents than
    ``busiest`` hold one."""
    out, groups = _open_by_point(user, points, today, key, with_agents)
    if not with_agents:
        return out
    at, capacity = versions.cached(
        figures.PLACED, ("reports.placed", key), lambda: _profiles(points)
    )
    loads = _loads(groups)
    if busiest is None or len(loads) < busiest:
        # Agents with no open case are listed too (tied at nought, their names settle it).
        for member_id in at:
            loads.setdefault(member_id, 0)
        out.agent_count = len(loads)
    else:  # none of them can tie with the last listed, who holds a case
        out.agent_count = len(loads) + len(at.keys() - loads.keys())
    listed = _busiest(loads, busiest)
    names = _names(listed)
    agents = []
    for i in listed:
        point = at.get(i)
        if point is None:  # placed nowhere here: the lowest of the points holding its cases
            point = min(g.lowest[i] for g in groups if i in g.lowest)
        n, n_late = divmod(loads[i], _LOAD)
        agents.append(AgentLoad(i, names.get(i, ""), point, n, n_late, capacity.get(i)))
    agents.sort(key=lambda a: (-a.open, -a.overdue, a.name))
    out.agents = agents[:busiest] if busiest is not None else agents
    return out


def _late(today: date) -> Any:
    return func.coalesce(func.sum(case((late_clause(today), 1), else_=0)), 0)


# An agent's load as one number, open * _LOAD + overdue (overdue <= open < _LOAD): loads add
# up as numbers, and the busiest (most open, then most overdue) hold the largest.
_LOAD = 1 << 32


@dataclass(frozen=True)
class _GroupOpen:
    """The open cases of one group of points (kept as it is: never changed once counted)."""

    total: int
    overdue: int
    unassigned: int
    by_point: dict[int, tuple[int, int]]  # point id -> (open, overdue)
    loads: dict[int, int]  # holder's member id -> load (``_LOAD``)
    lowest: dict[int, int]  # holder's member id -> the lowest point id of their cases here


def _open_by_point(
    user: User, points: Select, today: date, key: Hashable, with_agents: bool
) -> tuple[OpenCases, list[_GroupOpen]]:
    """The open cases per point (someone's or nobody's) summed from the groups of points
    kept, and the groups (with each holder's load when ``with_agents``). Each group is
    summed once when it is counted, so that a view adds up 32 groups' totals and points
    rather than a county's 13,000 (point, holder) pairs; without the agents, the cases are
    counted per point and whether someone holds them (840 rows instead of 13,000 on the
    county: the home page's first view 100 -> 77 ms)."""
    ids = versions.cached(
        figures.POINTS_UNDER,
        ("reports.point_ids", key),
        lambda: sorted(db.session.scalars(points)),
    )
    groups: list[_GroupOpen] = versions.cached_groups(
        ids,
        figures.open_cases_group,
        ("reports.open_cases", user.id, key, today, with_agents),
        lambda missing, _every: _count_open(user, missing, today, with_agents),
    )
    out = OpenCases()
    for group in groups:
        out.total += group.total
        out.overdue += group.overdue
        out.unassigned += group.unassigned
        out.by_point.update(group.by_point)  # a point is in one group
    return out, groups


def _loads(groups: list[_GroupOpen]) -> dict[int, int]:
    """Every holder's load (``_LOAD``) over ``groups`` (an agent may hold cases in several)."""
    loads: dict[int, int] = {}
    get = loads.get
    for group in groups:
        for member_id, load in group.loads.items():
            loads[member_id] = get(member_id, 0) + load
    return loads


def _count_open(
    user: User, groups: list[list[int]], today: date, with_agents: bool
) -> list[_GroupOpen]:
    """Per group of point ids, its open cases summed per point (and per holder when
    ``with_agents``). One query (the points named as values: each is a range of the (point,
    state) index)."""
    group_of = {sp_id: k for k, ids in enumerate(groups) for sp_id in ids}
    point, agent = ServiceCase.service_point_id, ServiceCase.agent_member_id
    if not with_agents:  # someone's (0) or nobody's (None)
        agent = case((agent.is_(None), None), else_=literal_column("0")).label("held")
    stmt = select(point, agent, func.count(), _late(today)).where(
        point.in_(list(group_of)), ServiceCase.status.in_(OPEN_STATUSES)
    )
    stmt = policy.scope(stmt, user, ServiceCase).group_by(point, agent)
    rows: list[list[Any]] = [[] for _ in groups]
    for row in db.session.execute(stmt):
        rows[group_of[row[0]]].append(row)
    return [_summed(group_rows, with_agents) for group_rows in rows]


def _summed(rows: list[Any], with_agents: bool) -> _GroupOpen:
    """A group's (point, holder, open, overdue) rows summed per point and per holder."""
    total = overdue = unassigned = 0
    by_point: dict[int, tuple[int, int]] = {}
    loads: dict[int, int] = {}
    lowest: dict[int, int] = {}
    for sp_id, holder, n, n_late in rows:
        n_late = int(n_late)  # a sum: Decimal on PostgreSQL
        total += n
        overdue += n_late
        sp_open, sp_late = by_point.get(sp_id, (0, 0))
        by_point[sp_id] = (sp_open + n, sp_late + n_late)
        if holder is None:
            unassigned += n
        elif with_agents:
            loads[holder] = loads.get(holder, 0) + n * _LOAD + n_late
            lowest[holder] = min(lowest.get(holder, sp_id), sp_id)
    return _GroupOpen(total, overdue, unassigned, by_point, loads, lowest)


def _busiest(loads: dict[int, int], count: int | None) -> list[int]:
    """The ids of the ``count`` busiest agents (None: all), with those tied with the last
    (the names, read next, settle the ties)."""
    ids = sorted(loads, key=loads.__getitem__, reverse=True)
    if count is None or len(ids) <= count:
        return ids
    if count <= 0:
        return []
    last = loads[ids[count - 1]]
    end = count
    while end < len(ids) and loads[ids[end]] == last:
        end += 1
    return ids[:end]


def _names(member_ids: list[int]) -> dict[int, str]:
    """The names of the members ``member_ids``. One query (in chunks of 500 ids)."""
    out: dict[int, str] = {}
    for i in range(0, len(member_ids), 500):
        chunk = member_ids[i : i + 500]
        rows = db.session.execute(select(Member.id, Member.name).where(Member.id.in_(chunk)))
        out.update((i, name) for i, name in rows)
    return out


def _profiles(points: Select) -> tuple[dict[int, int], dict[int, int | None]]:
    """Member id -> point id, and member id -> capacity, of the agents placed at ``points``
    by their active volunteer profile (those with no open case join with a load of nought;
    kept as dicts: a county has 10,000). One query."""
    rows = db.session.execute(
        select(
            VolunteerProfile.member_id,
            VolunteerProfile.service_point_id,
            VolunteerProfile.max_cases,
        ).where(VolunteerProfile.is_active, VolunteerProfile.service_point_id.in_(points))
    ).all()
    return {m: sp for m, sp, _cap in rows}, {m: cap for m, _sp, cap in rows}
