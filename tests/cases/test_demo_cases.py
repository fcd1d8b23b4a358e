"""The demo's service cases: every state and type, through the real workflow, once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cases.models import CasePart, Evaluation, Kind, ServiceCase, Status
from app.common import timeutil
from app.demo import seed_demo
from app.demo.cases import SCENARIOS, seed_cases
from app.extensions import db
from app.network.models import Visit
from app.orgs.models import ServicePoint


def test_the_demo_has_cases_in_every_status_and_kind(app):
    seed_demo()
    db.session.commit()
    # The scripted scenarios; the letters-and-visits demo turns one visit into a case of its own.
    from_visits = select(Visit.case_id).where(Visit.case_id.is_not(None))
    cases = list(db.session.scalars(select(ServiceCase).where(ServiceCase.id.not_in(from_visits))))
    assert len(cases) == sum(SCENARIOS.values())
    assert {c.status for c in cases} == set(Status) - {Status.NEW}
    assert {c.kind for c in cases} == {*Kind, None}  # None: refused or withdrawn unaccepted
    today = timeutil.today()
    assert sum(c.is_overdue(today) for c in cases) >= 10
    # Escalated from a village room to the township station, the first agent kept.
    escalated = [c for c in cases if c.kind == Kind.ESCALATED]
    assert {c.origin_point.level for c in escalated} == {"village"}
    assert {c.service_point.level for c in escalated} == {"township"}
    # Joint cases with some departments' parts done and some open.
    parts = list(db.session.scalars(select(CasePart)))
    assert {p.done_on is None for p in parts} == {True, False}
    # Mostly satisfied; bad first ratings followed up, some fixed and rated again.
    levels = list(db.session.scalars(select(Evaluation.level).where(Evaluation.round == 1)))
    assert sum(lv >= 4 for lv in levels) > len(levels) * 0.7
    assert db.session.scalar(select(func.count()).where(Evaluation.round == 2)) >= 5
    # Dated across the year, numbered in registration order, never in the future.
    assert min(c.created_at for c in cases).month < today.month - 3
    assert all(c.created_at.date() <= today for c in cases)
    assert all(c.due_on is None or c.clock_started_on <= c.due_on for c in cases)
    demo_room = db.session.scalar(
        select(ServicePoint).where(ServicePoint.name == "泉湖村为民服务室")
    )
    mine = sorted((c for c in cases if c.origin_point_id == demo_room.id), key=lambda c: c.seq)
    assert [c.created_at for c in mine] == sorted(c.created_at for c in mine)
    assert any(c.agent is not None and c.agent.user_id is not None for c in mine)
    assert seed_cases() == 0
