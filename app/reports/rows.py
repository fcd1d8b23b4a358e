"""The rows behind a figure of the six rates: the cases, catalogue items or service points
counted in a rate's numerator or denominator, one page at a time.

The conditions are the very ones ``app.reports.rates`` counts with, so a list holds as many
rows as the figure says; cases also pass through ``policy.scope`` (a case the user may not list
is never shown, even when counted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, select

from app import policy
from app.auth.models import User
from app.cases.models import ServiceCase
from app.common.pagination import Page, paginate
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.orgs.tree import path_filter
from app.reports.periods import Period
from app.reports.rate_conditions import (
    case_conditions,
    catalogued,
    has_hotline,
    is_latest,
    latest_rating,
    point_conditions,
    points_in,
    rating_of_case,
    staffed,
)
from app.reports.rates import RATE_CODES
from app.reports.settings import RateRules
from app.reports.subject import Subject
from app.volunteers.models import ServiceItem

PARTS = ("num", "den")
PER_PAGE = 50


@dataclass
class RowsPage:
    """One page of the rows behind ``code``'s ``part``; ``kind`` says what they are
    ("cases", "items" or "points"); ``extra`` holds per-row facts (a case's latest rating,
    a point's missing pieces)."""

    code: str
    part: str
    kind: str
    page: Page
    extra: dict[int, Any] = field(default_factory=dict)


def rows(
    user: User,
    subject: Subject,
    period: Period,
    code: str,
    part: str,
    rules: RateRules,
    page: int = 1,
) -> RowsPage:
    """The page ``page`` of the rows behind ``subject``'s ``code`` rate (``part`` "num" or
    "den") in ``period``. Raises NotFound for an unknown rate or part."""
    if code not in RATE_CODES or part not in PARTS:
        raise NotFound(_l("No such figure."))
    if code == "health":
        return _point_rows(subject, period, part, rules, page)
    if code == "openness":
        return _item_rows(subject, part, page)
    return _case_rows(user, subject, period, code, part, rules, page)


def _case_rows(user, subject, period, code, part, rules, page) -> RowsPage:
    rating = latest_rating()
    den, num = case_conditions(period, rules, rating)[code]
    points = select(ServicePoint.id).join(Org, Org.id == ServicePoint.org_id)
    points = points.where(points_in(subject.paths, subject.point_ids))
    ids = (
        select(ServiceCase.id)
        .outerjoin(rating, rating_of_case(rating))
        .where(ServiceCase.origin_point_id.in_(points), num if part == "num" else den)
    )
    stmt = (
        select(ServiceCase)
        .where(ServiceCase.id.in_(ids))
        .order_by(ServiceCase.created_at.desc(), ServiceCase.id.desc())
    )
    result = paginate(policy.scope(stmt, user, ServiceCase), page, PER_PAGE)
    shown = [c.id for c in result.items]
    of_shown = select(rating.c.case_id, rating.c.level).where(
        rating.c.case_id.in_(shown), is_latest(rating)
    )
    levels = {case_id: level for case_id, level in db.session.execute(of_shown)}
    return RowsPage(code, part, "cases", result, levels)


def _item_rows(subject, part, page) -> RowsPage:
    stmt = select(ServiceItem).join(Org, Org.id == ServiceItem.org_id)
    if subject.point is not None:
        stmt = stmt.where(ServiceItem.org_id == subject.point.org_id)
    else:
        stmt = stmt.where(path_filter(Org.path, subject.paths))
    if part == "num":
        stmt = stmt.where(ServiceItem.is_published)
    stmt = stmt.order_by(Org.path, ServiceItem.level, ServiceItem.name)
    return RowsPage("openness", part, "items", paginate(stmt, page, PER_PAGE))


def _point_rows(subject, period, part, rules, page) -> RowsPage:
    expected, in_order = point_conditions(period, rules)
    cond = expected if part == "den" else and_(expected, in_order)
    stmt = (
        select(ServicePoint)
        .join(Org, Org.id == ServicePoint.org_id)
        .where(points_in(subject.paths, subject.point_ids), cond)
        .order_by(Org.path, ServicePoint.name)
    )
    result = paginate(stmt, page, PER_PAGE)
    return RowsPage("health", part, "points", result, _missing(result.items, period, rules))


def _missing(points: list[ServicePoint], period: Period, rules: RateRules) -> dict[int, list[str]]:
    """Point id -> the pieces it lacks ("inactive", "hotline", "agent", "catalogue")."""
    if not points:
        return {}
    flag = {
        "hotline": has_hotline(),
        "agent": staffed(period, rules),
        "catalogue": catalogued(rules),
    }
    cols = [case((cond, 1), else_=0) for cond in flag.values()]
    stmt = (
        select(ServicePoint.id, ServicePoint.is_active, *cols)
        .join(Org, Org.id == ServicePoint.org_id)
        .where(ServicePoint.id.in_([p.id for p in points]))
    )
    out: dict[int, list[str]] = {}
    for pid, active, *flags in db.session.execute(stmt):
        lacks = [] if active else ["inactive"]
        lacks += [name for name, ok in zip(flag, flags, strict=True) if not ok]
        out[pid] = lacks
    return out
