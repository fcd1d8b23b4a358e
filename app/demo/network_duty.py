"""The demo's duty rotas and letters-and-visits register: this month's and next month's rotas
at every point (this month's published, with past shifts recorded as kept or missed), and a
few letters and visits at the demo room, one of them turned into a case.

The district centre and the township station get a few cadres as their agents first (their
volunteer profiles name the point), so that their pools are not empty."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common import timeutil
from app.demo.common import DEMO_ROOM, user_named
from app.extensions import db
from app.network import duty, duty_shifts, visits
from app.network.models import DutyRota
from app.orgs.models import Org, ServicePoint
from app.roster.models import Member
from app.volunteers.models import ServiceItem, VolunteerProfile

# The org whose cadres staff the district centre (by name); a township station is staffed
# from its own township's cadres.
STAFF_FROM = {"district": "为民服务中心党支部"}
STAFF_PER_POINT = 6
VISITS = [
    (
        "visit",
        "张桂兰",
        "13909371234",
        "咨询高龄补贴申领",
        "老人今年满八十岁，想问高龄补贴怎么申请。",
    ),
    ("phone", "马文斌", "13609375678", "反映村道路灯不亮", "村东头三盏路灯坏了半个月。"),
    ("letter", "李春梅", "", "建议增设便民服务时间", "希望周六上午也能办理业务。"),
    ("visit", "王德福", "18809370011", "申请低保", "家中老伴患病，收入微薄，想申请低保。"),
    ("visit", "赵玉珍", "15109372233", "询问合作医疗缴费", "问今年新农合缴费标准和截止时间。"),
]


def seed_network_duty() -> int:
    """Seed the rotas and the register (skipped when any rota exists). Returns the rotas."""
    if db.session.scalar(select(DutyRota.id).limit(1)) is not None:
        return 0
    committee = user_named("committee")
    points = list(
        db.session.scalars(
            select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.id)
        )
    )
    _staff_upper_points(points)
    today = timeutil.today()
    this = today.replace(day=1)
    nxt = (this + timedelta(days=32)).replace(day=1)
    made = 0
    rng = random.Random(77)  # noqa: S311 - demo data
    for sp in points:
        for kind in duty.kinds_for(sp):
            for month in (this, nxt):
                rota, _plan = duty.generate_rota(
                    committee, sp, kind, month.year, month.month, duty.DEFAULTS[kind]
                )
                made += 1
                rota = _loaded(rota.id)
                if rota.shifts and (month == this or sp.level == "village"):
                    duty.publish_rota(committee, rota, expected_version=rota.version)
                if month == this and rota.shifts:
                    _record_kept(committee, rota, today, rng)
    _seed_visits(today)
    return made


def _staff_upper_points(points: list[ServicePoint]) -> None:
    """Name a few cadres with a volunteer profile and no point as agents of the district
    centre and of each township station."""
    for sp in points:
        if sp.level == "township":
            org = sp.org
        elif sp.level in STAFF_FROM:
            org = db.session.scalar(select(Org).where(Org.name == STAFF_FROM[sp.level]))
        else:
            continue
        if org is None:
            continue
        in_org = select(Org.id).where(Org.path.startswith(org.path))
        profiles = db.session.scalars(
            select(VolunteerProfile)
            .join(Member, Member.id == VolunteerProfile.member_id)
            .where(
                Member.org_id.in_(in_org),
                Member.post_kind == "cadre",
                Member.service_point_id.is_(None),
                VolunteerProfile.service_point_id.is_(None),
            )
            .order_by(Member.id)
            .limit(STAFF_PER_POINT)
        ).all()
        for p in profiles:
            p.service_point_id = sp.id
    db.session.flush()


def _loaded(rota_id: int) -> DutyRota:
    return db.session.scalar(
        select(DutyRota).where(DutyRota.id == rota_id).options(selectinload(DutyRota.shifts))
    )


def _record_kept(actor, rota: DutyRota, today: date, rng: random.Random) -> None:
    if rota.status != "published":
        return
    for shift in list(rota.shifts):
        if shift.day < today:
            value = "missed" if rng.random() < 0.08 else "kept"
            duty_shifts.record_kept(actor, rota, shift, value, expected_version=rota.version)
            db.session.flush()


def _seed_visits(today: date) -> None:
    room = db.session.scalar(select(ServicePoint).where(ServicePoint.name == DEMO_ROOM))
    agent = user_named("agent")
    if room is None or agent is None:
        return
    made = []
    for i, (channel, name, phone, subject, content) in enumerate(VISITS):
        day = today - timedelta(days=3 * (len(VISITS) - i))
        data = visits.VisitData(day, channel, name, phone, subject, content)
        made.append(visits.register_visit(agent, room, data))
    db.session.flush()
    consult, lamps = made[0], made[1]
    visits.handle_visit(
        agent,
        consult,
        consult.received_on,
        "当场讲解高龄补贴政策，告知所需材料。",
        expected_version=consult.version,
    )
    visits.handle_visit(
        agent,
        lamps,
        lamps.received_on + timedelta(days=2),
        "已联系村委会安排电工维修，回电告知群众。",
        expected_version=lamps.version,
    )
    item = db.session.scalar(
        select(ServiceItem)
        .where(ServiceItem.is_published, ServiceItem.name.contains("低保"))
        .order_by(ServiceItem.id)
    )
    if item is not None:
        allowance = made[3]
        visits.visit_to_case(
            agent,
            allowance,
            item,
            f"{allowance.subject}：{allowance.content}",
            village="泉湖村",
            expected_version=allowance.version,
        )
    db.session.flush()
