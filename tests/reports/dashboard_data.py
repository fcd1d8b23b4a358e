"""Hand-made data for the dashboard tests, with the figures it must give written next to it.

Today is 2026-11-15 (Beijing), the fourth quarter. The tree is tests.factories.Tree:
committee › general branch (the township) › branch A › group A, and committee › branch B ›
group B. Records and cases are made through the services, then shaped column by column to the
state each figure needs (only these fixtures do that; the app moves them by its workflows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select

from app.appraisal import services as appraisal_services
from app.appraisal.models import Appraisal
from app.auth.models import Role, User
from app.cases import services as case_services
from app.cases.models import ServiceCase
from app.extensions import db
from app.orgs.models import ServiceLevel, ServicePoint
from app.roster.models import Member
from app.volunteers import profiles
from app.volunteers import services as volunteer_services
from app.volunteers.models import ServiceItem
from tests.factories import Tree, make_member, make_service_point, make_tree, make_user

TODAY = date(2026, 11, 15)
NOW = datetime(2026, 11, 15, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


@dataclass
class World:
    tree: Tree
    room_b: ServicePoint
    station: ServicePoint
    civil: ServiceItem  # category civil_affairs, level village
    land: ServiceItem  # category land, level township
    agent_a: User
    member_a: Member
    agent_b: User
    member_b: Member
    station_member: Member
    cmte: User
    sec_a: User
    sec_b: User
    township: User
    members: dict[str, list[Member]] = field(default_factory=dict)


def _item(org, name: str, category: str, level: str) -> ServiceItem:
    return volunteer_services.save_item(
        None,
        org,
        {
            "name": name,
            "category": category,
            "level": level,
            "handling": "promised",
            "promised_days": 5,
            "is_published": True,
        },
    )


def _agent(username: str, org, sp: ServicePoint, member_org, max_cases: int = 5):
    user = make_user(username, (Role.AGENT, org, sp), (Role.MEMBER, member_org))
    member = make_member(member_org, name=f"代理员{username}")
    member.user_id = user.id
    db.session.flush()
    profiles.save_profile(
        user,
        member,
        {
            "categories": ["civil_affairs"],
            "availability": [],
            "max_cases": max_cases,
            "skills": [],
            "service_point_id": sp.id,
        },
    )
    db.session.commit()
    return user, member


def build_world() -> World:
    t = make_tree()
    room_b = make_service_point(t.branch_b, "乙村为民服务室", ServiceLevel.VILLAGE)
    station = make_service_point(t.general, "测试镇为民服务站", ServiceLevel.TOWNSHIP)
    civil = _item(t.committee, "低保申请", "civil_affairs", "village")
    land = _item(t.committee, "宅基地审批", "land", "township")
    db.session.commit()
    agent_a, member_a = _agent("agent_a", t.branch_a, t.room_a, t.group_a, max_cases=2)
    agent_b, member_b = _agent("agent_b", t.branch_b, room_b, t.group_b)
    _u, station_member = _agent("station", t.general, station, t.group_a)
    w = World(
        tree=t,
        room_b=room_b,
        station=station,
        civil=civil,
        land=land,
        agent_a=agent_a,
        member_a=member_a,
        agent_b=agent_b,
        member_b=member_b,
        station_member=station_member,
        cmte=make_user("cmte", (Role.COMMITTEE, t.committee)),
        sec_a=make_user("sec_a", (Role.BRANCH_SECRETARY, t.branch_a)),
        sec_b=make_user("sec_b", (Role.BRANCH_SECRETARY, t.branch_b)),
        township=make_user("township", (Role.BRANCH_SECRETARY, t.general)),
    )
    _appraisals(w)
    _cases(w)
    return w


# --- appraisal ---------------------------------------------------------------------------------
#
# Members: group A holds agent_a's and station's members plus two more, branch A one more
# (5 in branch A); group B holds agent_b's member plus one more (2 in branch B).
#
# 2026 Q4, branch A: draft 1, submitted 1, signed 1, assessed 2 (excellent, qualified).
#          branch B: assessed 1 (qualified), closed 1 (vetoed: unqualified; sampled, adjusted).
# 2026 Q3, branch A: closed 5: excellent 1, qualified 4; two sampled: confirmed 1, returned 1.
#          branch B: closed 2: basically qualified 1, qualified 1 (sampled, not checked yet).


def _period(t: Tree, year: int, quarter: int) -> dict[int, Appraisal]:
    d = date(year, quarter * 3, 20)
    appraisal_services.open_period(
        None, t.committee, year, quarter, appraisal_services.Deadlines(d, d, d, d)
    )
    db.session.commit()
    rows = db.session.scalars(
        select(Appraisal).where(Appraisal.year == year, Appraisal.quarter == quarter)
    )
    return {a.member_id: a for a in rows}


def _shape(a: Appraisal, status: str, grade: str | None = None, **extra) -> None:
    a.status, a.grade = status, grade
    for name, value in extra.items():
        setattr(a, name, value)


def _appraisals(w: World) -> None:
    t = w.tree
    a_members = [w.member_a, w.station_member, make_member(t.group_a), make_member(t.group_a)]
    a_members.append(make_member(t.branch_a))
    b_members = [w.member_b, make_member(t.group_b)]
    w.members = {"a": a_members, "b": b_members}
    q4 = _period(t, 2026, 4)
    a4 = [q4[m.id] for m in a_members]
    _shape(a4[0], "draft")
    _shape(a4[1], "submitted")
    _shape(a4[2], "signed")
    _shape(a4[3], "assessed", "excellent")
    _shape(a4[4], "assessed", "qualified")
    b4 = [q4[m.id] for m in b_members]
    _shape(b4[0], "assessed", "qualified")
    _shape(
        b4[1],
        "closed",
        "unqualified",
        is_vetoed=True,
        veto_category="discipline",
        is_sampled=True,
        spot_result="adjusted",
    )
    db.session.commit()
    q3 = _period(t, 2026, 3)
    a3 = [q3[m.id] for m in a_members]
    _shape(a3[0], "closed", "excellent", is_sampled=True, spot_result="confirmed")
    _shape(a3[1], "closed", "qualified", is_sampled=True, spot_result="returned")
    for a in a3[2:]:
        _shape(a, "closed", "qualified")
    b3 = [q3[m.id] for m in b_members]
    _shape(b3[0], "closed", "basically_qualified")
    _shape(b3[1], "closed", "qualified", is_sampled=True)
    db.session.commit()


# --- cases -------------------------------------------------------------------------------------
#
# Registered in 2026 (the four quarters shown):
#   room A: c1 civil handling agent_a due 11-10 (overdue); c2 civil handling agent_a due 11-20;
#           c3 land applied, nobody's; c4 civil evaluated agent_a; c5 civil refused.
#   room B: b1 civil handling agent_b due 11-01 (overdue); b2 land done agent_b, due 11-05,
#           done 11-07 (late: overdue).
#   station: s1 land supplement, nobody's.
# Registered in 2025 (outside the window, still counted among the open cases):
#   room A: old1 civil handling agent_a due 2025-07-01 (overdue); old2 civil evaluated.
#
# Committee: open 7 (overdue 4, nobody's 2); agent_a 3 open (2 overdue), agent_b 2 (2),
#   station's agent 0. Window: civil in hand 3, completed 1, not handled 1; land in hand 2,
#   completed 1; 8 in all.


def _case(
    w: World,
    sp: ServicePoint,
    item: ServiceItem,
    status: str,
    agent: Member | None = None,
    *,
    registered: datetime = NOW,
    due: date | None = None,
    done: date | None = None,
) -> ServiceCase:
    case, _code = case_services.register_case(
        None, sp, item, case_services.ApplicantData(name="王秀英", phone="13800001111"), "申请办理"
    )
    case.status = status
    case.agent_member_id = agent.id if agent else None
    case.created_at = registered
    case.due_on = due
    case.done_on = done
    db.session.commit()
    return case


def _cases(w: World) -> None:
    room_a, civil, land = w.tree.room_a, w.civil, w.land
    spring = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    _case(w, room_a, civil, "handling", w.member_a, due=date(2026, 11, 10))
    _case(w, room_a, civil, "handling", w.member_a, due=date(2026, 11, 20))
    _case(w, room_a, land, "applied")
    _case(w, room_a, civil, "evaluated", w.member_a, registered=spring, done=date(2026, 3, 5))
    _case(w, room_a, civil, "refused", registered=spring)
    _case(w, w.room_b, civil, "handling", w.member_b, due=date(2026, 11, 1))
    _case(w, w.room_b, land, "done", w.member_b, due=date(2026, 11, 5), done=date(2026, 11, 7))
    _case(w, w.station, land, "supplement")
    last_year = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)
    _case(w, room_a, civil, "handling", w.member_a, registered=last_year, due=date(2025, 7, 1))
    _case(w, room_a, civil, "evaluated", w.member_a, registered=last_year, done=date(2025, 6, 9))
