"""The demo's supervision: complaints about the demo room in every state (one sent online and
waiting, one being looked into, one upheld whose rectification is done, one not upheld), an
inspection by the committee with findings at two points and its notice published, and one
accountability record from the upheld complaint. Skipped when any complaint exists."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.common import timeutil, workdays
from app.demo.common import COMMITTEE, DEMO_ROOM, user_named
from app.extensions import db
from app.network import accountability, complaints, inspections
from app.network.complaints_workflow import apply, complaint_days
from app.network.models import Complaint
from app.orgs.models import Org, ServicePoint
from app.roster.models import Member

COMPLAINTS = [
    # (channel, complainant, phone, days ago, names an agent, what happened, path)
    ("online", "陈玉兰", "13909370101", 1, False, "周五下午三点去办事，服务室没有人值班。", []),
    ("phone", "杨建国", "13609370202", 6, True, "代理员说材料不全，却不告诉缺什么。", ["assign"]),
    (
        "counter",
        "何淑芬",
        "15109370303",
        30,
        True,
        "申请低保证明，代理员推诿，让跑了三趟。",
        ["assign", "uphold", "close"],
    ),
    ("letter", "马志强", "", 20, False, "认为服务室收取了复印费。", ["assign", "dismiss"]),
]


def seed_network_supervision() -> int:
    """Complaints, an inspection and an accountability record. Returns the complaints made."""
    if db.session.scalar(select(Complaint.id).limit(1)) is not None:
        return 0
    room = db.session.scalar(select(ServicePoint).where(ServicePoint.name == DEMO_ROOM))
    committee, secretary = user_named("committee"), user_named("secretary")
    if room is None or committee is None or secretary is None:
        return 0
    accused = _agent_of(room, secretary.id)
    upheld = None
    for channel, name, phone, ago, names_agent, text, path in COMPLAINTS:
        actor = None if channel == "online" else secretary
        data = complaints.ComplaintData(
            content=text,
            name=name,
            phone=phone,
            agent_member_id=accused.id if names_agent and accused else None,
        )
        c, _code = complaints.register_complaint(actor, room, data, channel)
        c.received_on = timeutil.today() - timedelta(days=ago)  # backdated for the demo
        c.due_on = workdays.add_workdays(c.received_on, complaint_days())
        for action in path:
            apply(c, action, secretary, expected_version=c.version, data=_step(action, secretary))
        if "uphold" in path:
            upheld = c
    _inspection(committee, secretary, room)
    if upheld is not None and upheld.agent_member_id:
        accountability.record_accountability(
            committee,
            accountability.AccountabilityData(
                member_id=upheld.agent_member_id,
                measure="criticism",
                reason="群众投诉推诿办事，经核实属实；已当面批评教育，责令改正。",
                decided_on=timeutil.today(),
                complaint_id=upheld.id,
            ),
        )
    db.session.flush()
    return len(COMPLAINTS)


def _agent_of(room: ServicePoint, not_user_id: int) -> Member | None:
    return db.session.scalar(
        select(Member)
        .where(
            Member.service_point_id == room.id,
            (Member.user_id.is_(None)) | (Member.user_id != not_user_id),
        )
        .order_by(Member.id)
        .limit(1)
    )


def _step(action: str, handler) -> dict:
    soon = timeutil.today() + timedelta(days=10)
    return {
        "assign": {"handler_id": handler.id},
        "uphold": {
            "finding": "upheld",
            "finding_note": "经查，代理员未一次性告知所需材料，投诉属实。",
            "rectification": "向投诉人当面道歉；服务室公示材料清单，实行一次性告知。",
            "rectify_due_on": soon,
        },
        "close": {"result": "已当面道歉并办结低保证明；材料清单已上墙公示。已电话回复投诉人。"},
        "dismiss": {"reply": "经核实，服务室未收取费用，复印系申办人在外自行办理。已书面回复。"},
    }[action]


def _inspection(committee, secretary, room: ServicePoint) -> None:
    root = db.session.scalar(select(Org).where(Org.name == COMMITTEE))
    township = db.session.scalar(select(ServicePoint).where(ServicePoint.level == "township"))
    held = timeutil.today() - timedelta(days=12)
    i = inspections.create_inspection(
        committee,
        root,
        inspections.InspectionData(
            title=f"{held.year}年第{(held.month - 1) // 3 + 1}季度为民服务代理制专项督查",
            inspected_on=held,
            inspectors="党工委组织部、纪工委",
            summary="随机抽查服务室、服务站值班、台账和公示情况。",
        ),
    )
    first = inspections.add_finding(
        committee,
        i,
        inspections.FindingData(room.id, "代理事项台账登记不全", "补齐本季度台账", _due(held)),
    )
    if township is not None:
        inspections.add_finding(
            committee,
            i,
            inspections.FindingData(township.id, "服务承诺未上墙公示", "公示服务承诺和监督电话"),
        )
    inspections.update_inspection(
        committee,
        i,
        inspections.InspectionData(i.title, i.inspected_on, i.inspectors, i.summary),
        "经督查，各为民服务机构总体运行良好，但个别服务室台账不全、服务站公示不到位。"
        "请有关单位按下列要求限期整改，并将整改情况报党工委组织部。",
        None,
    )
    inspections.publish_notice(committee, i, None)
    fixed_on = held + timedelta(days=3)
    inspections.rectify_finding(secretary, first, "已补齐本季度台账并指定专人登记。", fixed_on)


def _due(day: date) -> date:
    return workdays.add_workdays(day, 10)
