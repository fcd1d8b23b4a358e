"""The six rates (六率, plan 三.2) of any org subtree and any period, computed in SQL.

Use::

    from app.reports.periods import Period
    from app.reports.rates import RATE_CODES, six_rates, six_rates_over, six_rates_by_org

    rates = six_rates(["/1/4/"], Period("quarter", 2026, 3))   # {"health": Rate, ...}
    rates["acceptance"].num, rates["acceptance"].den, rates["acceptance"].value  # 9, 10, 0.9
    str(rates["satisfaction"])  # "90.0%", or "—" when nobody rated anything
    series = six_rates_over(paths, Period("quarter", 2026, 4).last(4))  # one dict per period
    by_town = six_rates_by_org(townships, period)  # {org.id: {"health": Rate, ...}, ...}

``paths`` are materialized org paths like ``policy.scope_paths`` returns (the caller decides
what the user may see; an empty list gives only "—"). ``point_ids`` narrows to some service
points (an agent's own point). Every function runs a fixed number of queries whatever the
number of cases, periods or orgs: points (1), catalogue items (1), cases (2) and the settings
(1, skipped when ``rules`` is given). Rows are grouped by service point / org in SQL; Python
only adds up those few group rows. The grouped rows are computed once per change of their
tables (``app.reports.figures``): when nothing changed, one token read replaces the four
queries; the cases' are kept month by month, so that a write counts again only the months
its case and ratings count in (a case completed today: this month and the month it was
registered in), not the year's.

The definitions (our defaults where the plan is silent; ``RateRules`` holds the committee's
choices, see ``app.reports.settings``), written as SQL conditions in
``app.reports.rate_conditions``:

``health`` 组织机构健全率
    points in order / points that should exist. Should exist: the active service points of the
    subtree (``expected_rule`` "all": also the closed ones, never in order). In order: active,
    a hotline, an agent on duty (``duty_rule`` "staffed": an agent account or an active
    volunteer profile attached to the point; "account": an agent account; "rota": a published
    duty rota for a month of the period) and a published catalogue (``catalogue_rule`` "own":
    a published item kept by the point's org or designated at the point; "inherited": also the
    published items of the orgs above). The points' state is today's (no history is kept),
    except the rota, which is the period's.
``openness`` 代理事项公开率
    published catalogue items / all items kept by orgs of the subtree (today's state).
``acceptance`` 申请事项受理率
    accepted / applied: the cases registered (``created_at``) in the period by points of the
    subtree, not still ``new``; withdrawn before acceptance left out unless
    ``count_withdrawn``; accepted = has an acceptance time.
``completion`` 代理事项办结率
    completed by the period's end / accepted in the period.
``punctuality`` 承诺期限兑现率
    completed on or before the promised date / completed in the period with a promised date.
``satisfaction`` 群众评价满意率
    satisfied (latest rating 非常满意 or 满意, level ≥ 4) / cases whose latest rating was
    given in the period.

Cases count with the point that registered them (``origin_point_id``), which sees an
escalated case through (代理办结), so a township's figures include what its villages forwarded.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from app.cases.models import ServiceCase
from app.common import versions
from app.common.timeutil import utc_midnight
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.orgs.tree import path_filter
from app.reports import figures
from app.reports.periods import Period
from app.reports.rate_conditions import (
    case_conditions,
    is_latest,
    latest_rating,
    point_conditions,
    points_in,
)
from app.reports.rate_value import RATE_CODES, Rate, Rates, empty_rates
from app.reports.settings import RateRules, rules_for
from app.volunteers.models import ServiceItem

CASE_RATES = RATE_CODES[2:]


# --- the three grouped queries ------------------------------------------------------------------


def unindexed(column) -> Any:
    """``column + 0``: a value no index answers. SQLite plans without statistics and walks the
    index of an ``IN`` list (every case of a county's points, 200,000) before a date range's
    (a year's cases); PostgreSQL plans by cost either way."""
    return column + literal_column("0")


def _flag(cond) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _point_rows(paths, point_ids, periods, rules) -> list[tuple]:
    """(point id, org path, then per period: should exist, in order)."""
    cols: list[Any] = [ServicePoint.id, Org.path]
    for p in periods:
        expected, in_order = point_conditions(p, rules)
        cols += [case((expected, 1), else_=0), case((and_(expected, in_order), 1), else_=0)]
    stmt = select(*cols).join(Org, Org.id == ServicePoint.org_id)
    return [tuple(r) for r in db.session.execute(stmt.where(points_in(paths, point_ids)))]


def _item_rows(paths) -> list[tuple]:
    """(org path, items, published items) per org keeping items."""
    stmt = (
        select(Org.path, func.count(ServiceItem.id), _flag(ServiceItem.is_published))
        .join(Org, Org.id == ServiceItem.org_id)
        .where(path_filter(Org.path, paths))
        .group_by(Org.path)
    )
    return [tuple(r) for r in db.session.execute(stmt)]


# A month of a period: (the period's index in the figures asked for, the period, the month's
# first day and the first day after it).
_Window = tuple[int, Period, date, date]


def _case_rows(paths, point_ids, periods, rules) -> list[list[dict[int, list[int]]]]:
    """Per period, its months' counts: point id -> per case rate, denominator and numerator.
    Each month's counts are kept until a case or rating of that month is written
    (``figures.case_month``): a write today recomputes this month's counts (and the month the
    case was registered in), not the year's. The months missing are counted together in two
    grouped queries (``_count_windows``). A period's figures are its months' summed where
    they are read (``_Facts``), column by column, not merged point by point here: on the
    county's dashboard after a case write, the rates' work beside their queries went from
    12 to 5 ms."""
    windows: list[_Window] = [
        (i, p, first, after) for i, p in enumerate(periods) for first, after in p.month_spans()
    ]
    key = ("reports.rates.month", tuple(paths), point_ids, rules)
    parts = [(figures.case_month(w[2]), (*key, w[1], w[2])) for w in windows]
    pieces = versions.cached_parts(
        parts,
        lambda missing: _count_windows(point_ids, paths, [windows[j] for j in missing], rules),
    )
    out: list[list[dict[int, list[int]]]] = [[] for _ in periods]
    for (i, *_), piece in zip(windows, pieces, strict=True):
        out[i].append(piece)
    return out


def _count_windows(point_ids, paths, windows: list[_Window], rules) -> list[dict[int, list[int]]]:
    """Per window: point id -> per case rate, denominator and numerator. Two grouped queries,
    each over the cases of the windows alone (walking the indexes on the registration,
    acceptance and completion dates, and on the ratings' dates), not over every case the
    points ever had: one for acceptance, completion and punctuality, one for satisfaction
    (each rated case's latest rating). A subtree's cases are asked window by window, each a
    part of a UNION ALL: a case is then read once per window it counts in, rather than every
    case of the whole span tested against every window's conditions (the county's four
    quarters: 106 ms -> 63 ms on SQLite); a few points' cases are read by their origin's
    index once for all the windows."""
    points = select(ServicePoint.id).join(Org, Org.id == ServicePoint.org_id)
    points = points.where(points_in(paths, point_ids))
    # A few points: their cases by the origin index; a subtree: the span's by the date indexes.
    origin = ServiceCase.origin_point_id
    of_points = (origin if point_ids is not None else unindexed(origin)).in_(points)
    numbered = list(enumerate(windows))
    together = [numbered]
    apart = together if point_ids is not None else [[one] for one in numbered]
    width = 2 * len(CASE_RATES)
    out: list[dict[int, list[int]]] = [{} for _ in windows]
    # The cases by their dates (every rate but satisfaction, the last), a subtree's window by
    # window; then the ratings of every window in one pass (a few thousand a month, each
    # joined to its case: a part per month made PostgreSQL scan every case once per month).
    for k, batches, at, size in ((0, apart, 0, width - 2), (1, together, width - 2, 2)):
        stmts = [
            _case_counts(n, of_points, [w for _, w in batch], rules, by_rating=k == 1)
            for n, batch in enumerate(batches)
        ]
        stmt = stmts[0] if len(stmts) == 1 else union_all(*stmts)
        for n, point_id, *values in db.session.execute(stmt):
            for j, (i, _) in enumerate(batches[n]):
                counts = out[i].setdefault(point_id, [0] * width)
                counts[at : at + size] = [int(v) for v in values[j * size : (j + 1) * size]]
    return out


def _case_counts(
    number: int, of_points, windows: list[_Window], rules, *, by_rating: bool
) -> Select:
    """The grouped query of ``windows``, its rows headed by ``number``: the cases by their
    dates (every rate but satisfaction), or with ``by_rating`` by their latest ratings."""
    c, rating = ServiceCase, latest_rating()
    first, last = min(w[2] for w in windows), max(w[3] for w in windows)
    s, e = utc_midnight(first), utc_midnight(last)
    codes = [code for code in CASE_RATES if (code == "satisfaction") == by_rating]
    columns: list[Any] = [literal_column(str(int(number))), c.origin_point_id]
    for _i, period, start, after in windows:
        conditions = case_conditions(period, rules, rating, within=(start, after))
        for code in codes:
            den, num = conditions[code]
            columns.extend([_flag(den), _flag(num)])
    if by_rating:
        return (
            select(*columns)
            .select_from(rating)
            .join(c, c.id == rating.c.case_id)
            .where(rating.c.created_at >= s, rating.c.created_at < e, is_latest(rating), of_points)
            .group_by(c.origin_point_id)
        )
    in_span = or_(
        and_(c.created_at >= s, c.created_at < e),
        and_(c.accepted_at >= s, c.accepted_at < e),
        and_(c.done_on >= first, c.done_on < last),
    )
    return select(*columns).where(of_points, in_span).group_by(c.origin_point_id)


@dataclass
class _Facts:
    periods: list[Period]
    points: list[tuple]
    items: list[tuple]
    cases: list[list[dict[int, list[int]]]]  # per period, per month: point id -> counts
    summed: dict[tuple[int, str | None], Rates] = field(default_factory=dict, repr=False)

    def rates(self, i: int, prefix: str | None = None) -> Rates:
        """Period ``i``'s rates over the rows under ``prefix`` (an org path; None: all), summed
        once per ``_Facts`` (which ``_gather`` keeps until the data changes)."""
        if (i, prefix) not in self.summed:
            self.summed[(i, prefix)] = self._sum(i, prefix)
        return dict(self.summed[(i, prefix)])

    def _sum(self, i: int, prefix: str | None) -> Rates:
        out = empty_rates()
        health = [0, 0]  # (in order, should exist)
        months = self.cases[i] if self.cases else []
        if prefix is None:
            rows = self.points
            counted = [counts for piece in months for counts in piece.values()]
        else:
            rows = [row for row in self.points if row[1].startswith(prefix)]
            counted = [piece[row[0]] for piece in months for row in rows if row[0] in piece]
        for row in rows:
            health[0] += row[3 + 2 * i]
            health[1] += row[2 + 2 * i]
        # Each rate's denominator and numerator, summed column by column.
        cases = [sum(c) for c in zip(*counted, strict=True)] or [0] * 2 * len(CASE_RATES)
        out["health"] = Rate(health[0], health[1])
        for k, code in enumerate(CASE_RATES):
            out[code] = Rate(cases[2 * k + 1], cases[2 * k])
        for path, total, published in self.items:
            if prefix is None or path.startswith(prefix):
                out["openness"] += Rate(int(published), int(total))
        return out


def _gather(paths, periods, rules, point_ids) -> _Facts:
    """The grouped rows, each set computed once per change of its tables (figures.py), and
    the rates summed from them kept with them (``_Facts.rates``)."""
    paths, periods = list(paths), list(periods)
    rules = rules or rules_for(paths)
    ids = None if point_ids is None else tuple(sorted(point_ids))
    key = (tuple(paths), tuple(periods), rules, ids)

    def points_and_items() -> tuple[list[tuple], list[tuple]]:
        items = _item_rows(paths) if ids is None else _item_rows_of_points(ids)
        return _point_rows(paths, ids, periods, rules), items

    def facts() -> _Facts:
        points, items = versions.cached(
            figures.POINTS, ("reports.rates.points", *key), points_and_items
        )
        cases = _case_rows(paths, ids, periods, rules) if periods else []
        return _Facts(periods=periods, points=points, items=items, cases=cases)

    # One token read when nothing changed; after a login (accounts) only the points again.
    return versions.cached(figures.RATES, ("reports.rates", *key), facts)


def _item_rows_of_points(point_ids: Collection[int]) -> list[tuple]:
    """For a set of points: the items of their orgs (an agent's point: its org's catalogue)."""
    orgs = select(ServicePoint.org_id).where(ServicePoint.id.in_(list(point_ids) or [-1]))
    stmt = (
        select(Org.path, func.count(ServiceItem.id), _flag(ServiceItem.is_published))
        .join(Org, Org.id == ServiceItem.org_id)
        .where(ServiceItem.org_id.in_(orgs))
        .group_by(Org.path)
    )
    return [tuple(r) for r in db.session.execute(stmt)]


# --- the API ------------------------------------------------------------------------------------


def six_rates(
    paths: Sequence[str],
    period: Period,
    *,
    rules: RateRules | None = None,
    point_ids: Collection[int] | None = None,
) -> Rates:
    """The six rates of the subtrees ``paths`` in ``period``, keyed by ``RATE_CODES`` in order.
    ``rules`` defaults to the tree's settings; ``point_ids`` limits to those service points."""
    return _gather(paths, [period], rules, point_ids).rates(0)


def six_rates_over(
    paths: Sequence[str],
    periods: Sequence[Period],
    *,
    rules: RateRules | None = None,
    point_ids: Collection[int] | None = None,
) -> list[Rates]:
    """The six rates for each of ``periods`` (any kinds, any order; e.g. ``p.last(8)``), one
    dict per period in the same order. Still four queries (plus the settings): each period
    is a set of CASE columns (a subtree's: a part of a UNION ALL) of the same grouped queries."""
    facts = _gather(paths, periods, rules, point_ids)
    return [facts.rates(i) for i in range(len(periods))]


def six_rates_by_org(
    orgs: Sequence[Org], period: Period, *, rules: RateRules | None = None
) -> dict[int, Rates]:
    """The six rates of each org's subtree in ``period``: ``{org.id: rates}`` in the order of
    ``orgs`` (e.g. the townships, or the branches under a township). Orgs may nest: each one
    counts its whole subtree. Four queries whatever the number of orgs."""
    paths = [o.path for o in orgs]
    if rules is None and paths:
        rules = rules_for(paths)
    facts = _gather(paths, [period], rules or RateRules(), None)
    return {o.id: facts.rates(0, o.path) for o in orgs}
