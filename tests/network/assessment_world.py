"""Builders for the assessment and reminder tests: a village room in branch A with two agents
(one with a login), the people over them, and hand-made facts (cases done with their dates
and ratings, complaints with findings, shifts, training) whose figures are known."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from app.auth.models import Role, User
from app.cases.models import Applicant, Evaluation, ServiceCase
from app.extensions import db
from app.network.models import (
    Complaint,
    DutyRota,
    DutyShift,
    Training,
    TrainingAttendance,
)
from app.orgs.models import ServicePoint
from app.roster.models import Member
from app.volunteers.models import ServiceItem
from app.volunteers.services import save_item
from tests.factories import Tree, make_member, make_service_point, make_tree, make_user

_seq = itertools.count(1)


@dataclass
class World:
    t: Tree
    room: ServicePoint
    room_b: ServicePoint
    item: ServiceItem
    cmte: User
    sec: User
    sec_b: User
    agent: User  # login of ``agent_member``
    agent_member: Member
    colleague: Member  # an agent of room A without a login
    member_b: Member  # an agent of branch B
    plain: Member  # a member of group A who is no agent

    def case(self, agent: Member, *, done_on=None, due_on=None, status="evaluated", rating=None):
        n = next(_seq)
        person = Applicant(name=f"申办人{n}", phone_tail="1234")
        c = ServiceCase(
            number=f"测试〔2026〕{n:04d}",
            year=2026,
            seq=n,
            item=self.item,
            service_point=self.room,
            origin_point=self.room,
            applicant=person,
            status=status,
            kind="promised",
            done_on=done_on,
            due_on=due_on,
            agent_member_id=agent.id,
            tracking_hash=f"hash{n}",
        )
        db.session.add(c)
        db.session.flush()
        if rating is not None:
            db.session.add(Evaluation(case_id=c.id, level=rating, source="online"))
        db.session.flush()
        return c

    def complaint(self, agent: Member | None, received_on: date, finding=None, **kw):
        n = next(_seq)
        c = Complaint(
            number=f"投诉〔2026〕{n:04d}",
            service_point_id=self.room.id,
            agent_member_id=agent.id if agent else None,
            content="态度不好",
            received_on=received_on,
            finding=finding,
            status="closed" if finding else kw.pop("status", "received"),
            **kw,
        )
        db.session.add(c)
        db.session.flush()
        return c

    def rota(self, year: int, month: int, status: str = "published", kind: str = "duty"):
        r = DutyRota(
            service_point_id=self.room.id, kind=kind, year=year, month=month, status=status
        )
        db.session.add(r)
        db.session.flush()
        return r

    def shift(self, rota: DutyRota, member: Member, day: date, kept=None):
        s = DutyShift(rota_id=rota.id, member_id=member.id, day=day, kept=kept)
        db.session.add(s)
        db.session.flush()
        return s

    def training(self, held_on: date, attendees: dict[Member, bool], org=None):
        org_id = (org or self.t.branch_a).id
        tr = Training(org_id=org_id, title=f"培训{next(_seq)}", held_on=held_on)
        db.session.add(tr)
        db.session.flush()
        for m, came in attendees.items():
            db.session.add(TrainingAttendance(training_id=tr.id, member_id=m.id, attended=came))
        db.session.flush()
        return tr


def build() -> World:
    t = make_tree()
    room_b = make_service_point(t.branch_b, "乙村为民服务室")
    item = save_item(
        None,
        t.committee,
        {
            "name": "低保申请",
            "category": "civil_affairs",
            "level": "village",
            "handling": "promised",
            "promised_days": 5,
            "is_published": True,
        },
    )
    cmte = make_user("a_cmte", (Role.COMMITTEE, t.committee))
    sec = make_user("a_sec", (Role.BRANCH_SECRETARY, t.branch_a))
    sec_b = make_user("a_sec_b", (Role.BRANCH_SECRETARY, t.branch_b))
    agent = make_user("a_agent", (Role.AGENT, t.branch_a, t.room_a), (Role.MEMBER, t.group_a))
    agent_member = make_member(t.group_a, name="钱代理")
    agent_member.user_id = agent.id
    colleague = make_member(t.group_a, name="孙代理")
    colleague.service_point_id = t.room_a.id
    member_b = make_member(t.group_b, name="乙代理")
    member_b.service_point_id = room_b.id
    plain = make_member(t.group_a, name="李普通")
    db.session.commit()
    return World(
        t=t,
        room=t.room_a,
        room_b=room_b,
        item=item,
        cmte=cmte,
        sec=sec,
        sec_b=sec_b,
        agent=agent,
        agent_member=agent_member,
        colleague=colleague,
        member_b=member_b,
        plain=plain,
    )
