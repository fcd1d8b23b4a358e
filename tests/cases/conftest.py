"""Shared fixtures for the service cases: a small service network with its catalogue, its
agents and the people over them. Tests import nothing from here; they ask for ``net``."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.auth.models import Role, User
from app.cases import services
from app.cases.models import ServiceCase
from app.extensions import db
from app.orgs.models import ServiceLevel, ServicePoint
from app.roster.models import Member
from app.volunteers import profiles
from app.volunteers import services as volunteer_services
from app.volunteers.models import ServiceItem
from tests.factories import Tree, make_member, make_service_point, make_tree, make_user

PHONE = "13800001234"


@dataclass
class Net:
    """The network of the cases tests.

    District centre (committee) › township station (general branch) › village room 甲
    (branch A, ``room``); village room 乙 under branch B (``room_b``, another township's).
    Items, all published and kept by the committee: ``direct`` (on the spot, no materials),
    ``promised`` (5 working days, two materials), ``joint`` (10 days, joint agency).
    Logins: ``agent`` at room 甲 (member ``agent_member``, with a volunteer profile there),
    ``agent_b`` at room 乙, ``township_agent`` at the station (member ``township_member``),
    ``secretary`` of branch A, ``cmte`` over everything."""

    tree: Tree
    district: ServicePoint
    township: ServicePoint
    room: ServicePoint
    room_b: ServicePoint
    direct: ServiceItem
    promised: ServiceItem
    joint: ServiceItem
    agent: User
    agent_member: Member
    agent_b: User
    township_agent: User
    township_member: Member
    secretary: User
    cmte: User

    def case(
        self,
        item: ServiceItem | None = None,
        point: ServicePoint | None = None,
        actor: User | None = None,
        *,
        name: str = "王大爷",
        phone: str = PHONE,
        request: str = "帮忙办理",
        channel: str = "counter",
    ) -> ServiceCase:
        """A case registered (status applied) and committed; its tracking code is
        ``services.tracking_code(case)``. By default: the promised item at room 甲 by its
        agent."""
        case, _code = services.register_case(
            actor or self.agent,
            point or self.room,
            item or self.promised,
            services.ApplicantData(name=name, phone=phone, village="甲村", id_number=""),
            request,
            channel,
        )
        db.session.commit()
        return case


def _item(org, name: str, handling: str, days: int, level: str, materials: str = ""):
    return volunteer_services.save_item(
        None,
        org,
        {
            "name": name,
            "category": "civil_affairs",
            "level": level,
            "handling": handling,
            "promised_days": days,
            "materials": materials,
            "is_published": True,
        },
    )


def _agent(username: str, org, sp: ServicePoint, member_org) -> tuple[User, Member]:
    user = make_user(username, (Role.AGENT, org, sp), (Role.MEMBER, member_org))
    member = make_member(member_org, name=f"代理员{username}")
    member.user_id = user.id
    db.session.flush()
    profiles.save_profile(
        user,
        member,
        {"categories": ["civil_affairs"], "availability": [], "max_cases": 5, "skills": []},
    )
    db.session.commit()
    return user, member


@pytest.fixture
def net(app) -> Net:
    tree = make_tree()
    district = make_service_point(tree.committee, "测试区为民服务中心", ServiceLevel.DISTRICT)
    township = make_service_point(tree.general, "测试镇为民服务站", ServiceLevel.TOWNSHIP)
    room_b = make_service_point(tree.branch_b, "乙村为民服务室", ServiceLevel.VILLAGE)
    direct = _item(tree.committee, "开具证明", "direct", 1, "village")
    promised = _item(tree.committee, "低保申请", "promised", 5, "village", "户口簿、身份证复印件")
    joint = _item(tree.committee, "危房改造", "joint", 10, "township", "申请书")
    db.session.commit()
    agent, agent_member = _agent("agent", tree.branch_a, tree.room_a, tree.group_a)
    agent_b, _member_b = _agent("agent_b", tree.branch_b, room_b, tree.group_b)
    township_agent, township_member = _agent("township", tree.general, township, tree.group_a)
    return Net(
        tree=tree,
        district=district,
        township=township,
        room=tree.room_a,
        room_b=room_b,
        direct=direct,
        promised=promised,
        joint=joint,
        agent=agent,
        agent_member=agent_member,
        agent_b=agent_b,
        township_agent=township_agent,
        township_member=township_member,
        secretary=make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)),
        cmte=make_user("cmte", (Role.COMMITTEE, tree.committee)),
    )
