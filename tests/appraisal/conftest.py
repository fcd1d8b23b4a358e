"""A committee with two branches, their people and an open quarter."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.appraisal import services
from app.appraisal.models import Appraisal
from app.appraisal.workflow import dimensions_for
from app.auth.models import Role
from app.extensions import db
from tests.factories import make_member, make_tree, make_user


class World:
    def __init__(self) -> None:
        t = make_tree()
        self.tree = t
        self.committee = make_user("cmte", (Role.COMMITTEE, t.committee))
        self.sec_a = make_user("sec_a", (Role.BRANCH_SECRETARY, t.branch_a))
        self.sec_b = make_user("sec_b", (Role.BRANCH_SECRETARY, t.branch_b))
        self.leader_a = make_user("leader_a", (Role.GROUP_LEADER, t.group_a))
        self.leader_b = make_user("leader_b", (Role.GROUP_LEADER, t.group_b))
        self.mentor_a = make_user("mentor_a", (Role.MENTOR, t.branch_a))
        self.alice_user = make_user("alice", (Role.MEMBER, t.group_a))
        self.alice = make_member(t.group_a, name="爱丽丝")
        self.alice.user_id = self.alice_user.id
        self.leader_member = make_member(t.group_a, name="组长本人")
        self.leader_member.user_id = self.leader_a.id
        self.probie = make_member(
            t.group_a,
            name="预备",
            membership="probationary",
            full_member_on=None,
            joined_on="2026-03-01",
        )
        self.bob = make_member(t.group_b, name="鲍勃")
        for i in range(4):
            make_member(t.group_a, name=f"甲组{i}")
        db.session.commit()
        self.period = services.open_period(
            self.committee,
            t.committee,
            2026,
            3,
            services.Deadlines(
                date(2026, 9, 30), date(2026, 10, 7), date(2026, 10, 15), date(2026, 10, 25)
            ),
        )
        db.session.commit()

    def record(self, member) -> Appraisal:
        db.session.expire_all()
        return db.session.scalar(
            select(Appraisal)
            .where(Appraisal.member_id == member.id, Appraisal.period_id == self.period.id)
            .options(
                joinedload(Appraisal.member),
                joinedload(Appraisal.org),
                joinedload(Appraisal.period),
            )
        )


@pytest.fixture
def world(app):
    return World()


def fill(a) -> None:

    a.self_record = {d["key"]: {"text": "本季度情况"} for d in dimensions_for(a)}


ASSESS = {
    "meeting_on": date(2026, 10, 10),
    "attendees": "张书记、李委员、王委员",
    "grade": "qualified",
    "comment": "同意",
}
# What the masses report: required for excellent and unqualified.
MASSES = {"masses": "群众反映该同志工作认真，乐于助人。"}


def walk_to(world, member, status: str, *, data: dict | None = None) -> Appraisal:
    """Walk ``member``'s record of the quarter to ``status`` the normal way (branch A or B);
    ``data`` is the branch opinion when it goes as far as "assessed"."""
    from app.appraisal.workflow import apply

    a = world.record(member)
    if status == "draft":
        return a
    fill(a)
    in_a = a.org_id == world.tree.group_a.id
    sec = world.sec_a if in_a else world.sec_b
    actor = db.session.get(type(world.sec_a), a.member.user_id) if a.member.user_id else sec
    apply(a, "submit", actor, expected_version=None)
    if status == "submitted":
        return a
    signer = world.mentor_a if a.is_probationary else (world.leader_a if in_a else world.leader_b)
    apply(a, "sign", signer, expected_version=None, comment="属实")
    if status == "signed":
        return a
    apply(a, "assess", sec, expected_version=None, data=data or ASSESS)
    return a
