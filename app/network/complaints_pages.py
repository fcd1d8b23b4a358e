"""What the complaint pages show: the list with its filters, the tallies per point and per
agent, and the timelines (the staff's, and the complainant's on the public tracking page).
Queries only; the list runs a fixed number of them whatever the number of complaints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, case, func, or_, select

from app import policy
from app.auth.models import User
from app.common import timeutil
from app.common.pagination import Page, paginate
from app.extensions import db
from app.network.complaints_workflow import Action
from app.network.models import (
    Complaint,
    ComplaintFinding,
    ComplaintStatus,
    ComplaintStep,
)
from app.orgs.models import ServicePoint
from app.roster.models import Member

UPHELD = (ComplaintFinding.UPHELD, ComplaintFinding.PARTLY)
OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.HANDLING, ComplaintStatus.RECTIFYING)


# --- the list ---------------------------------------------------------------------------------


@dataclass
class Filters:
    status: str = ""
    point_id: int | None = None
    overdue: bool = False


def overdue_clause(today=None):
    """Open and past its deadline: the answer's while being looked into, the rectification's
    while it is under way."""
    today = today or timeutil.today()
    return or_(
        and_(
            Complaint.status.in_((ComplaintStatus.RECEIVED, ComplaintStatus.HANDLING)),
            Complaint.due_on < today,
        ),
        and_(Complaint.status == ComplaintStatus.RECTIFYING, Complaint.rectify_due_on < today),
    )


def scoped(user: User) -> Select:
    return policy.scope(select(Complaint), user, Complaint)


def list_complaints(user: User, filters: Filters, page: int, per_page: int = 25) -> Page:
    """The complaints ``user`` may see, newest first, filtered."""
    stmt = scoped(user)
    if filters.status in set(ComplaintStatus):
        stmt = stmt.where(Complaint.status == filters.status)
    if filters.point_id:
        stmt = stmt.where(Complaint.service_point_id == filters.point_id)
    if filters.overdue:
        stmt = stmt.where(overdue_clause())
    return paginate(
        stmt.order_by(Complaint.received_on.desc(), Complaint.id.desc()), page, per_page
    )


def listed_points(user: User) -> list[ServicePoint]:
    """The points of the complaints ``user`` sees (the filter's choices)."""
    ids = scoped(user).with_only_columns(Complaint.service_point_id).distinct()
    return list(
        db.session.scalars(select(ServicePoint).where(ServicePoint.id.in_(ids)).order_by("name"))
    )


@dataclass
class Tally:
    label: str
    total: int
    upheld: int
    open: int


def tallies(user: User) -> tuple[list[Tally], list[Tally]]:
    """Complaints per point and per agent named, in ``user``'s scope: how many, how many upheld
    in full or in part, how many still open."""
    sub = scoped(user).subquery()
    upheld = func.sum(case((sub.c.finding.in_(UPHELD), 1), else_=0))
    still_open = func.sum(case((sub.c.status.in_(OPEN), 1), else_=0))
    per_point = db.session.execute(
        select(ServicePoint.name, func.count(sub.c.id), upheld, still_open)
        .join(ServicePoint, ServicePoint.id == sub.c.service_point_id)
        .group_by(ServicePoint.id, ServicePoint.name)
        .order_by(func.count(sub.c.id).desc(), ServicePoint.name)
    )
    per_agent = db.session.execute(
        select(Member.name, func.count(sub.c.id), upheld, still_open)
        .join(Member, Member.id == sub.c.agent_member_id)
        .group_by(Member.id, Member.name)
        .order_by(func.count(sub.c.id).desc(), Member.name)
    )
    return (
        [Tally(n, t, int(u or 0), int(o or 0)) for n, t, u, o in per_point],
        [Tally(n, t, int(u or 0), int(o or 0)) for n, t, u, o in per_agent],
    )


# --- timelines --------------------------------------------------------------------------------


def timeline(c: Complaint) -> list[ComplaintStep]:
    return list(
        db.session.scalars(
            select(ComplaintStep)
            .where(ComplaintStep.complaint_id == c.id)
            .order_by(ComplaintStep.id)
        )
    )


@dataclass
class PublicStep:
    action: str
    at: datetime
    detail: str = ""


def public_timeline(c: Complaint) -> list[PublicStep]:
    """The steps as the complainant sees them: each step's name and time, the deadline, the
    finding, the rectification required and its result; never who handles it inside."""
    out = []
    for s in timeline(c):
        snap = s.snapshot or {}
        detail = ""
        if s.action in (Action.REGISTER, Action.ASSIGN):
            detail = str(snap.get("due_on", ""))
        elif s.action == Action.UPHOLD:
            detail = f"{snap.get('finding_note', '')} {snap.get('rectification', '')}".strip()
        elif s.action == Action.DISMISS:
            detail = str(snap.get("reply", ""))
        elif s.action == Action.CLOSE:
            detail = str(snap.get("result", ""))
        out.append(PublicStep(s.action, s.created_at, detail))
    return out
