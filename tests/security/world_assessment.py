"""Branch A's objects of the agents' assessment routes for the security proofs: a training
session of branch A expecting the target member (the agent pages use ``member_id``)."""

from __future__ import annotations

from datetime import date

from app.auth.models import User
from app.cases.models import ServiceCase
from app.extensions import db
from app.network.models import AgentAward, Training, TrainingAttendance
from app.roster.models import Member
from tests.factories import Tree


def build_assessment(
    t: Tree, users: dict[str, User], case: ServiceCase
) -> tuple[dict[str, int], list[str]]:
    training = Training(org_id=t.branch_a.id, title="甲支部代理员培训", held_on=date(2026, 7, 1))
    db.session.add(training)
    db.session.flush()
    target = db.session.scalar(db.select(Member).where(Member.name == "甲组预备"))
    db.session.add(TrainingAttendance(training_id=training.id, member_id=target.id))
    db.session.add(
        AgentAward(
            member_id=target.id,
            org_id=t.branch_a.id,
            kind="reward",
            title="甲支部服务之星",
            reason="群众满意",
            decided_on=date(2026, 7, 2),
        )
    )
    db.session.flush()
    return {"training_id": training.id}, []
