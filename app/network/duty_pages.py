"""What the duty pages show: a rota as a month calendar, who of the pool has no shift and why,
the days nobody stands, and who is on duty today at the points a user serves or supervises."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.extensions import db
from app.network.duty import pool
from app.network.duty_plan import Person, month_days, unplaced_reason
from app.network.models import DutyRota, DutyShift, RotaStatus
from app.orgs.models import ServicePoint
from app.policy.duty import staffed_points
from app.roster.models import Member
from app.volunteers.models import VolunteerProfile


@dataclass
class Cell:
    day: date | None
    is_workday: bool = False
    shifts: list[DutyShift] = field(default_factory=list)


@dataclass
class Review:
    """Who of the pool has no shift (with the reason code) and the working days nobody stands."""

    counts: list[tuple[Member, int]]
    unplaced: list[tuple[Member, str]]
    empty_days: list[date]


def calendar_weeks(rota: DutyRota) -> list[list[Cell]]:
    """The rota's month as weeks of seven cells, Monday first; days outside the month empty."""
    working = set(month_days(rota.year, rota.month))
    by_day: dict[date, list[DutyShift]] = {}
    for s in rota.shifts:
        by_day.setdefault(s.day, []).append(s)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(rota.year, rota.month):
        weeks.append(
            [
                Cell(d, d in working, by_day.get(d, [])) if d.month == rota.month else Cell(None)
                for d in week
            ]
        )
    return weeks


def review(rota: DutyRota) -> Review:
    """How the rota stands against its pool: each person's shifts, who has none and why, and
    the working days (the reception weekday, for a reception rota) with nobody on them."""
    counts = Counter(s.member_id for s in rota.shifts)
    people = pool(rota.service_point, rota.kind)
    weekdays = {s.day.weekday() for s in rota.shifts} if rota.kind == "reception" else None
    days = month_days(rota.year, rota.month)
    if weekdays is not None and len(weekdays) == 1:
        days = [d for d in days if d.weekday() in weekdays]
    staffed = {s.day for s in rota.shifts}
    unplaced = [
        (m, unplaced_reason(Person(m.id, m.name, avail), days))
        for m, avail in people
        if counts[m.id] == 0
    ]
    return Review(
        counts=[(m, counts[m.id]) for m, _a in people if counts[m.id]],
        unplaced=unplaced,
        empty_days=[d for d in days if d not in staffed],
    )


@dataclass
class PointDuty:
    point: ServicePoint
    shifts: list[DutyShift]  # today's, of published rotas


def _serving_points(user: User):
    """The ids of the points where ``user``'s roster record serves (roster or profile)."""
    mine = select(Member.id).where(Member.user_id == user.id)
    by_profile = select(VolunteerProfile.service_point_id).where(
        VolunteerProfile.member_id.in_(mine)
    )
    by_roster = select(Member.service_point_id).where(Member.user_id == user.id)
    return or_(ServicePoint.id.in_(by_profile), ServicePoint.id.in_(by_roster))


def _visible(user: User):
    """The condition on ServicePoint: active, and ``user`` serves at it or supervises it."""
    return and_(
        ServicePoint.is_active,
        or_(ServicePoint.id.in_(staffed_points(user)), _serving_points(user)),
    )


def visible_points(user: User) -> list[ServicePoint]:
    """The active points ``user`` serves at or supervises, by level and name (one query)."""
    stmt = select(ServicePoint).where(_visible(user))
    return list(db.session.scalars(stmt.order_by(ServicePoint.level, ServicePoint.name)))


def on_duty_today(
    user: User, day: date, points: list[ServicePoint] | None = None
) -> list[PointDuty]:
    """Who stands on ``day`` at the points ``user`` serves at or supervises (or at
    ``points``): published rotas only (a draft is not on duty). Points with nobody today are
    left out, and without ``points`` only the points with somebody on duty are loaded (a
    county committee supervises hundreds). At most two queries."""
    if not getattr(user, "is_authenticated", False):
        return []
    if points is None:
        where_point = DutyRota.service_point_id.in_(select(ServicePoint.id).where(_visible(user)))
    elif points:
        where_point = DutyRota.service_point_id.in_([p.id for p in points])
    else:
        return []
    shifts = db.session.scalars(
        select(DutyShift)
        .join(DutyRota, DutyRota.id == DutyShift.rota_id)
        .where(DutyShift.day == day, DutyRota.status == RotaStatus.PUBLISHED, where_point)
        .options(selectinload(DutyShift.rota))
        .order_by(DutyRota.kind, DutyShift.slot, DutyShift.id)
    ).all()
    if not shifts:
        return []
    by_point: dict[int, list[DutyShift]] = {}
    for s in shifts:
        by_point.setdefault(s.rota.service_point_id, []).append(s)
    if points is None:
        points = list(
            db.session.scalars(
                select(ServicePoint)
                .where(ServicePoint.id.in_(by_point))
                .order_by(ServicePoint.level, ServicePoint.name)
            )
        )
    return [PointDuty(p, by_point[p.id]) for p in points if p.id in by_point]
