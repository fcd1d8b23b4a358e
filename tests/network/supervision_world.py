"""Builders for the supervision tests: a tree with a village room in branch A whose agent has
a login and a roster record, the supervisors over it, and branch B's secretary."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.models import Role, User
from app.extensions import db
from app.network import complaints
from app.network.models import Complaint
from app.orgs.models import OrgKind, ServicePoint
from app.roster.models import Member
from tests.factories import Tree, make_member, make_org, make_service_point, make_tree, make_user

PHONE = "13912345678"


@dataclass
class World:
    t: Tree
    room: ServicePoint
    room_b: ServicePoint
    cmte: User
    sec: User  # branch A's secretary
    sec_b: User  # branch B's secretary
    agent: User  # agent at room A, with a roster record
    agent_member: Member
    colleague: Member  # another agent at room A, no login
    member: User  # a plain member of group A

    def complaint(self, *, about: Member | None = None, actor=None, channel="counter") -> Complaint:
        c, _code = self.complaint_with_code(about=about, actor=actor, channel=channel)
        return c

    def complaint_with_code(self, *, about=None, actor=None, channel="counter"):
        data = complaints.ComplaintData(
            content="代理员态度恶劣，推诿不办",
            name="赵投诉",
            phone=PHONE,
            agent_member_id=about.id if about else None,
        )
        c, code = complaints.register_complaint(actor, self.room, data, channel)
        db.session.commit()
        return c, code


def build() -> World:
    t = make_tree()
    room_b = make_service_point(t.branch_b, "乙村为民服务室")
    cmte = make_user("s_cmte", (Role.COMMITTEE, t.committee))
    sec = make_user("s_sec", (Role.BRANCH_SECRETARY, t.branch_a))
    sec_b = make_user("s_sec_b", (Role.BRANCH_SECRETARY, t.branch_b))
    agent = make_user("s_agent", (Role.AGENT, t.branch_a, t.room_a))
    member = make_user("s_member", (Role.MEMBER, t.group_a))
    agent_member = make_member(t.group_a, name="钱代理")
    agent_member.user_id = agent.id
    agent_member.service_point_id = t.room_a.id
    colleague = make_member(t.group_a, name="孙代理")
    colleague.service_point_id = t.room_a.id
    db.session.commit()
    return World(t, t.room_a, room_b, cmte, sec, sec_b, agent, agent_member, colleague, member)


def general_secretary(w: World) -> User:
    """A secretary granted on the general branch (over branch A, not branch B)."""
    assert w.t.general.kind == OrgKind.GENERAL_BRANCH
    return make_user("s_gen", (Role.BRANCH_SECRETARY, w.t.general))


def other_committee() -> User:
    """A committee login of another tree altogether."""
    return make_user("s_cmte2", (Role.COMMITTEE, make_org("别的党委")))
