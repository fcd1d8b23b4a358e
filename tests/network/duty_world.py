"""Test data for the duty rotas and the register: a village room with cadres (one free on
Mondays only), a non-cadre, the secretaries of both branches, the room's agent, an item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from app.auth.models import Role, User
from app.extensions import db
from app.orgs.models import ServicePoint
from app.roster.models import Member
from app.volunteers.models import ServiceItem, VolunteerProfile
from app.volunteers.services import save_item
from tests.factories import Tree, make_member, make_service_point, make_tree, make_user

BEIJING = ZoneInfo("Asia/Shanghai")


def on(year: int, month: int, day: int):
    """Travel to 09:00 Beijing time on that day."""
    return time_machine.travel(datetime(year, month, day, 9, tzinfo=BEIJING), tick=False)


@dataclass
class DutyWorld:
    t: Tree
    room: ServicePoint
    room_b: ServicePoint
    cadres: list[Member]
    monday_only: Member
    plain: Member
    secretary: User
    secretary_b: User
    agent: User
    item: ServiceItem


def build() -> DutyWorld:
    t = make_tree()
    room_b = make_service_point(t.branch_b, "乙村为民服务室")
    cadres = [make_member(t.group_a, name=f"值班干部{i}", post_kind="cadre") for i in range(1, 4)]
    monday_only = make_member(t.group_a, name="周一干部", post_kind="cadre")
    db.session.add(VolunteerProfile(member_id=monday_only.id, availability=["mon"]))
    plain = make_member(t.group_a, name="普通党员", post_kind="no_post")
    make_member(t.group_b, name="乙村干部", post_kind="cadre")
    item = save_item(
        None,
        t.branch_a,
        {
            "name": "低保申请",
            "category": "civil_affairs",
            "level": "village",
            "handling": "promised",
            "promised_days": 5,
            "is_published": True,
        },
    )
    db.session.commit()
    return DutyWorld(
        t=t,
        room=t.room_a,
        room_b=room_b,
        cadres=cadres,
        monday_only=monday_only,
        plain=plain,
        secretary=make_user("d_sec", (Role.BRANCH_SECRETARY, t.branch_a)),
        secretary_b=make_user("d_sec_b", (Role.BRANCH_SECRETARY, t.branch_b)),
        agent=make_user("d_agent", (Role.AGENT, t.branch_a, t.room_a)),
        item=item,
    )
