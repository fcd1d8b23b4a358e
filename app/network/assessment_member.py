"""One member's quarter as an agent in a single statement (scalar subqueries): the evidence
the appraisal record shows (app/appraisal/evidence.py). Same figures as ``figures``."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, and_, case, func, select

from app.cases.models import ServiceCase
from app.cases.stats import _latest_ratings
from app.common import timeutil
from app.extensions import db
from app.network.assessment import SATISFIED_LEVEL, UPHELD, Figures, Quarter
from app.network.models import (
    AgentAward,
    AwardKind,
    Complaint,
    DutyRota,
    DutyShift,
    RotaStatus,
    Training,
    TrainingAttendance,
)


def _in(col, q: Quarter):
    return and_(col >= q.start, col < q.end)


def _ones(cond):
    return func.sum(case((cond, 1), else_=0))


def _cases(member_id: int, q: Quarter):
    latest = _latest_ratings()
    has_due = ServiceCase.due_on.is_not(None)
    return (
        select(
            func.count(ServiceCase.id).label("done"),
            _ones(has_due).label("with_due"),
            _ones(and_(has_due, ServiceCase.done_on <= ServiceCase.due_on)).label("on_time"),
            func.count(latest.c.level).label("rated"),
            func.avg(latest.c.level).label("mean"),
            _ones(latest.c.level >= SATISFIED_LEVEL).label("satisfied"),
        )
        .outerjoin(latest, latest.c.case_id == ServiceCase.id)
        .where(ServiceCase.agent_member_id == member_id, _in(ServiceCase.done_on, q))
        .subquery("cases")
    )


def _others(member_id: int, q: Quarter, today: date) -> list:
    """Scalar subqueries: complaints upheld, shifts kept and recorded, sessions attended and
    expected, rewards and penalties."""
    shifts = (
        select(DutyShift.kept)
        .join(DutyRota, DutyRota.id == DutyShift.rota_id)
        .where(
            DutyShift.member_id == member_id,
            DutyRota.status == RotaStatus.PUBLISHED,
            _in(DutyShift.day, q),
        )
        .subquery("shifts")
    )
    until = min(q.end, today + timedelta(days=1))  # a session still to come is not expected
    trainings = (
        select(TrainingAttendance.attended)
        .join(Training, Training.id == TrainingAttendance.training_id)
        .where(
            TrainingAttendance.member_id == member_id,
            Training.held_on >= q.start,
            Training.held_on < until,
        )
        .subquery("trainings")
    )
    awards = (
        select(AgentAward.kind)
        .where(AgentAward.member_id == member_id, _in(AgentAward.decided_on, q))
        .subquery("awards")
    )
    complaints = select(func.count(Complaint.id)).where(
        Complaint.agent_member_id == member_id,
        Complaint.finding.in_(UPHELD),
        _in(Complaint.received_on, q),
    )
    parts: list[Select] = [
        complaints,
        select(_ones(shifts.c.kept.is_(True))),
        select(func.count(shifts.c.kept)),
        select(_ones(trainings.c.attended.is_(True))),
        select(func.count()).select_from(trainings),
        select(_ones(awards.c.kind == AwardKind.REWARD)),
        select(_ones(awards.c.kind == AwardKind.PENALTY)),
    ]
    return [p.scalar_subquery() for p in parts]


def member_figures(member_id: int, q: Quarter, today: date | None = None) -> Figures | None:
    """``member_id``'s figures for ``q`` in one query, or None when there is no fact at all."""
    cases = _cases(member_id, q)
    row = db.session.execute(
        select(
            cases.c.done,
            cases.c.with_due,
            cases.c.on_time,
            cases.c.rated,
            cases.c.mean,
            cases.c.satisfied,
            *_others(member_id, q, today or timeutil.today()),
        )
    ).one()
    n = [int(v or 0) for v in row]
    f = Figures(
        cases_done=n[0],
        with_due=n[1],
        on_time=n[2],
        rated=n[3],
        rating_mean=float(row[4]) if row[4] is not None else None,
        satisfied=n[5],
        complaints_upheld=n[6],
        shifts_kept=n[7],
        shifts_recorded=n[8],
        trainings_attended=n[9],
        trainings_expected=n[10],
        rewards=n[11],
        penalties=n[12],
    )
    return None if f.is_empty else f
