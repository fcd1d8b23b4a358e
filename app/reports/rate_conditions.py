"""The six rates' definitions (see app/reports/rates.py) as SQL conditions: each case rate's
denominator and numerator over the cases and their latest rating, and the conditions of a
service point that should exist and is in order (hotline, an agent on duty, a published
catalogue, as the committee's ``RateRules`` understand them). The grouped queries in
rates.py and the pages listing the rows behind a figure (rows.py) both build on these, so
a figure and its rows always agree.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased

from app.cases.models import Evaluation, ServiceCase, Status
from app.common.timeutil import utc_midnight
from app.network.models import DutyRota, RotaStatus
from app.orgs.models import Org, ServicePoint
from app.orgs.tree import path_filter
from app.policy.reports import agent_account_points
from app.reports.models import CatalogueRule, DutyRule, ExpectedRule
from app.reports.periods import Period
from app.reports.settings import RateRules
from app.volunteers.models import ItemAgent, ServiceItem, VolunteerProfile

SATISFIED_LEVEL = 4  # 满意 (4) and 非常满意 (5)


def latest_rating():
    """The evaluations under the name ``latest_rating`` (columns case_id, level, created_at):
    join it to the cases on ``rating_of_case(rating)`` (or filter it with
    ``is_latest(rating)``) so that only each case's latest evaluation counts."""
    return Evaluation.__table__.alias("latest_rating")


def is_latest(rating) -> Any:
    """No later evaluation of the same case: an index seek on evaluation (case_id, id) per
    row on SQLite and an anti-join on PostgreSQL. (``id IN (max(id) ... GROUP BY case_id)``
    was re-run for every case on SQLite: 1.7 s for 3,000 cases.)"""
    later = Evaluation.__table__.alias("later_rating")
    return ~exists().where(later.c.case_id == rating.c.case_id, later.c.id > rating.c.id)


def rating_of_case(rating) -> Any:
    """The outer join condition from ``ServiceCase`` to its latest rating."""
    return and_(rating.c.case_id == ServiceCase.id, is_latest(rating))


def case_conditions(
    period: Period, rules: RateRules, rating: Any, within: tuple[date, date] | None = None
) -> dict[str, tuple]:
    """Rate code -> (denominator condition, numerator condition) over ``ServiceCase`` joined
    (outer) to ``rating`` (``latest_rating()``). ``within`` (first day, first day after: a
    month of the period) counts only the cases whose date for the rate falls in it, so that
    the months' counts add up to the period's (a case accepted in the period is completed in
    time by the period's end, whichever month it was accepted in)."""
    c = ServiceCase
    first, after = within or (period.start, period.end)
    s, e = utc_midnight(first), utc_midnight(after)
    counted = c.status != Status.NEW
    if not rules.count_withdrawn:
        counted = and_(counted, ~and_(c.status == Status.WITHDRAWN, c.accepted_at.is_(None)))
    applied = and_(c.created_at >= s, c.created_at < e, counted)
    accepted_in = and_(c.accepted_at >= s, c.accepted_at < e)
    promised = and_(c.done_on >= first, c.done_on < after, c.due_on.is_not(None))
    rated = and_(rating.c.created_at >= s, rating.c.created_at < e)
    return {
        "acceptance": (applied, and_(applied, c.accepted_at.is_not(None))),
        "completion": (accepted_in, and_(accepted_in, c.done_on < period.end)),
        "punctuality": (promised, and_(promised, c.done_on <= c.due_on)),
        "satisfaction": (rated, and_(rated, rating.c.level >= SATISFIED_LEVEL)),
    }


def point_conditions(period: Period, rules: RateRules) -> tuple:
    """(should exist, in order) over ``ServicePoint`` joined to its ``Org``."""
    sp = ServicePoint
    expected = true() if rules.expected_rule == ExpectedRule.ALL else sp.is_active
    in_order = and_(sp.is_active, has_hotline(), staffed(period, rules))
    return expected, and_(in_order, catalogued(rules))


def has_hotline():
    return func.trim(ServicePoint.hotline) != ""


def staffed(period: Period, rules: RateRules):
    """The point has an agent on duty, as ``rules.duty_rule`` understands it."""
    sp = ServicePoint
    if rules.duty_rule == DutyRule.ROTA:
        months = or_(*(and_(DutyRota.year == y, DutyRota.month == m) for y, m in period.months()))
        rota = select(DutyRota.service_point_id).where(
            DutyRota.status == RotaStatus.PUBLISHED, months
        )
        return sp.id.in_(rota)
    accounts = sp.id.in_(agent_account_points())
    if rules.duty_rule == DutyRule.ACCOUNT:
        return accounts
    volunteers = select(VolunteerProfile.service_point_id).where(
        VolunteerProfile.is_active, VolunteerProfile.service_point_id.is_not(None)
    )
    return or_(accounts, sp.id.in_(volunteers))


def catalogued(rules: RateRules):
    """The point has a published catalogue, as ``rules.catalogue_rule`` understands it."""
    sp = ServicePoint
    designated = select(ItemAgent.service_point_id).join(
        ServiceItem, ServiceItem.id == ItemAgent.item_id
    )
    designated = sp.id.in_(designated.where(ServiceItem.is_published))
    if rules.catalogue_rule == CatalogueRule.INHERITED:
        keeper = aliased(Org)
        above = (
            exists()
            .where(ServiceItem.is_published, ServiceItem.org_id == keeper.id)
            .where(Org.path.startswith(keeper.path))
        )
        return or_(above, designated)
    own = sp.org_id.in_(select(ServiceItem.org_id).where(ServiceItem.is_published))
    return or_(own, designated)


def points_in(paths: Sequence[str], point_ids: Collection[int] | None):
    """Over ``ServicePoint`` joined to its ``Org``: the points of the subtrees (and ids)."""
    cond = path_filter(Org.path, paths)
    if point_ids is not None:
        cond = and_(cond, ServicePoint.id.in_(list(point_ids)) if point_ids else false())
    return cond
