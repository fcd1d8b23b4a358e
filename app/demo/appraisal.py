"""The demo appraisals: four quarters of 2026, three closed (graded, some vetoed and
spot-checked) and the current one in every state. Every step goes through the workflow, as
users would take it, so the timelines and the audit log are real."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.appraisal import closing, periods
from app.appraisal import services as ap
from app.appraisal.checklists import items_for
from app.appraisal.models import Appraisal, AppraisalPeriod, ContactLog, ResponsibilityPerson
from app.appraisal.workflow import apply, dimensions_for
from app.auth.models import Role, User
from app.demo.common import COMMITTEE, DEMO_BRANCH, SeedReport, user_named
from app.demo.orgs import demo_account
from app.extensions import db
from app.orgs.models import Org, OrgKind
from app.roster.mentors import assign_mentor
from app.roster.models import Member

YEAR = 2026
SELF_TEXTS = {
    "political": "参加支部集中学习{n}次，自学党的创新理论，撰写学习心得一篇。",
    "party_spirit": "按时参加“三会一课”和主题党日活动，按月足额交纳党费。",
    "job_duties": "完成本岗位各项工作任务，参与村级为民服务代理事项{n}件。",
    "ideological_work": "与责任区群众谈心{n}次，走访困难户2户，帮助解决实际问题。",
    "technical": "参加业务培训一次，学习新技术、新规范。",
    "integrity": "严格遵守廉洁自律各项规定，无违规违纪行为。",
    "diligence": "深入一线解决群众反映的问题，按时办结承诺事项。",
    "close_to_masses": "坚持领导接待日制度，接待群众来访，听取意见建议。",
}
RETURN_NOTE = "请补充本季度谈心家访的具体情况。"
SIGN_NOTE = "情况属实，实事求是。"
VETO_NOTE = "违反工作纪律，造成不良影响。"
# How far a record of the current quarter gets: 0 draft … 4 assessed.
CURRENT_DEPTHS = [0, 0, 1, 1, 2, 2, 3, 3, 4]


@dataclass
class Staff:
    """Who takes the steps: a secretary and a mentor per branch, a leader per group."""

    secretaries: dict[int, User] = field(default_factory=dict)
    mentors: dict[int, User] = field(default_factory=dict)
    leaders: dict[int, User] = field(default_factory=dict)

    def signer(self, a: Appraisal) -> User:
        """The named mentor for a probationary member, else the group leader, else (no
        leader, or the leader's own record) the branch secretary."""
        if a.is_probationary:
            return self.mentors[a.org.branch_id]
        leader = self.leaders.get(a.org_id)
        if leader is None or leader.id == a.member.user_id:
            return self.secretaries[a.org.branch_id]
        return leader


def seed_appraisals(by_name: dict[str, Org], report: SeedReport) -> None:
    """Open, walk and close the four quarters (skipped when any quarter exists)."""
    if db.session.scalar(select(AppraisalPeriod.id).limit(1)) is not None:
        return
    rng = random.Random(71)  # noqa: S311 - demo data
    committee = user_named("committee")
    staff = _staff(by_name)
    db.session.refresh(committee)
    _name_mentors(staff)
    demo_member = user_named("member")
    for quarter in (1, 2, 3, 4):
        _seed_quarter(by_name[COMMITTEE], quarter, committee, staff, rng, demo_member.id)
        report.appraisal_periods += 1
    _seed_area(demo_member)


def _staff(by_name: dict[str, Org]) -> Staff:
    """The demo logins for the steps, plus an account per other branch and group."""
    staff = Staff()
    for org in by_name.values():
        if org.kind == OrgKind.BRANCH:
            sec = user_named("secretary")
            if org.name != DEMO_BRANCH:
                sec = demo_account(f"sj{org.id}", f"{org.name[:4]}书记", Role.BRANCH_SECRETARY, org)
            staff.secretaries[org.id] = sec
            staff.mentors[org.id] = demo_account(
                f"pyr{org.id}", f"{org.name[:4]}培养人", Role.MENTOR, org
            )
        elif org.kind == OrgKind.GROUP:
            if org.name == "第一党小组" and org.parent_id == by_name[DEMO_BRANCH].id:
                staff.leaders[org.id] = user_named("leader")
            else:
                staff.leaders[org.id] = demo_account(
                    f"zz{org.id}", "党小组长", Role.GROUP_LEADER, org
                )
    db.session.flush()
    for u in [*staff.secretaries.values(), *staff.mentors.values(), *staff.leaders.values()]:
        db.session.refresh(u)
    return staff


def _name_mentors(staff: Staff) -> None:
    """Each probationary member gets their branch's mentor, named by the branch secretary."""
    probationary = db.session.scalars(
        select(Member).where(Member.membership == "probationary").options(joinedload(Member.org))
    )
    for m in probationary:
        branch_id = m.org.branch_id
        if branch_id in staff.mentors:
            assign_mentor(staff.secretaries[branch_id], m, staff.mentors[branch_id])


def _seed_quarter(
    root: Org, quarter: int, committee: User, staff: Staff, rng: random.Random, demo_member: int
) -> None:
    _, end = periods.quarter_bounds(YEAR, quarter)
    deadlines = periods.Deadlines(
        end - timedelta(days=1),
        end + timedelta(days=6),
        end + timedelta(days=14),
        end + timedelta(days=24),
    )
    period = periods.open_period(committee, root, YEAR, quarter, deadlines)
    db.session.flush()
    records = list(
        db.session.scalars(
            select(Appraisal)
            .where(Appraisal.period_id == period.id)
            .options(
                joinedload(Appraisal.member),
                joinedload(Appraisal.org),
                joinedload(Appraisal.period),
            )
        ).unique()
    )
    # A third of each branch's graded records may be excellent.
    branches = {a.org.branch_id for a in records}
    quota = {
        b: sum(1 for a in records if a.org.branch_id == b and not a.is_probationary) // 3
        for b in branches
    }
    meeting_on = min(end, date(YEAR, 11, 20))
    # One branch committee meeting per branch decides all its opinions of the quarter.
    meetings: dict[int, int] = {}
    for a in records:
        depth = 4 if quarter < 4 else rng.choice(CURRENT_DEPTHS)
        if a.member.user_id is not None and quarter == 4:
            # The demo member still writes; the other linked logins wait for their signer.
            depth = 0 if a.member.user_id == demo_member else 2
        _walk(a, depth, staff, rng, quota, meeting_on, meetings)
    db.session.flush()
    if quarter < 4:
        chosen = ap.draw_sample(committee, period, 0.1, seed=f"demo-{quarter}")
        for a in records:
            if a.id in chosen and a.status == "assessed":
                apply(a, "spot_confirm", committee, expected_version=None)
        closing.close_period(committee, period, reason="季度考核期满，未完成的按现状归档。")


def _walk(
    a: Appraisal,
    depth: int,
    staff: Staff,
    rng: random.Random,
    quota: dict[int, int],
    meeting_on: date,
    meetings: dict[int, int],
) -> None:
    """Take ``a`` through ``depth`` steps: 1 submitted, 2 signed (sometimes after a return),
    3 and up assessed (rarely vetoed)."""
    sec = staff.secretaries[a.org.branch_id]
    author = sec if a.member.user_id is None else db.session.get(User, a.member.user_id)
    signer = staff.signer(a)
    if depth >= 1:
        _fill(a, rng)
        apply(a, "submit", author, expected_version=None)
    if depth >= 2 and a.member.user_id != signer.id:
        if rng.random() < 0.05:
            apply(a, "return_to_member", signer, expected_version=None, comment=RETURN_NOTE)
            _fill(a, rng)
            apply(a, "submit", author, expected_version=None)
        apply(a, "sign", signer, expected_version=None, comment=SIGN_NOTE)
    if depth >= 3 and a.status == "signed" and a.member.user_id != sec.id:
        _assess(a, sec, rng, quota, meeting_on, meetings)


def _fill(a: Appraisal, rng: random.Random) -> None:
    a.self_record = {
        d["key"]: {
            "text": SELF_TEXTS.get(d["key"], "认真履行党员义务。").format(n=rng.randint(2, 6))
        }
        for d in dimensions_for(a)
    }


def _assess(
    a: Appraisal,
    sec: User,
    rng: random.Random,
    quota: dict[int, int],
    meeting_on: date,
    meetings: dict[int, int],
) -> None:
    branch = a.org.branch_id
    grade: str | None = "qualified"
    if not a.is_probationary and quota[branch] > 0 and rng.random() < 0.3:
        grade, quota[branch] = "excellent", quota[branch] - 1
    elif rng.random() < 0.05:
        grade = "basically_qualified"
    if a.is_probationary:
        grade = None  # probationary members get the branch's opinion, not a grade
    opinion = {
        "meeting_id": meetings.get(branch),
        "meeting_on": meeting_on,
        "attendees": f"{sec.display_name}及支委会委员共5人",
        "decision": "逐一评议本季度党员写实记录，确定考核等次。",
        "grade": grade,
        "comment": "经支委会研究，同意该同志本季度考核意见。",
        "masses": "群众反映良好。",
    }
    apply(a, "assess", sec, expected_version=None, data=opinion)
    meetings[branch] = a.branch_meeting_id
    if rng.random() < 0.01:
        veto = {"category": "discipline"}
        apply(a, "veto", sec, expected_version=None, data=veto, comment=VETO_NOTE)


def _seed_area(user: User) -> None:
    """The demo member's responsibility area: a key person who had a talk in October only,
    so November shows the flag; the talks and a visit are tagged with checklist items (三必清
    / 三必访 / 四必谈), so the quarter's coverage shows some met and some not."""
    member = db.session.scalar(
        select(Member).where(Member.user_id == user.id).options(joinedload(Member.org))
    )
    items = {i.label: i.id for i in items_for(member.org)}
    people = [("马建军", "家中老人长期患病，思想压力大", True, "家庭情况"),
              ("周丽", "", False, "思想状况"),
              ("何永福", "刚调入本班组", False, "岗位变动时")]  # fmt: skip
    for name, note, key, item in people:
        p = ResponsibilityPerson(member_id=member.id, name=name, note=note, is_key=key)
        db.session.add(p)
        db.session.flush()
        talk = ContactLog(
            person_id=p.id,
            kind="talk",
            occurred_on=date(2026, 10, 12),
            summary="了解家庭情况，鼓励安心工作。",
            checklist_item_id=items.get(item),
            logged_by_id=user.id,
        )
        db.session.add(talk)
        if key:
            visit = ContactLog(
                person_id=p.id,
                kind="visit",
                occurred_on=date(2026, 10, 20),
                summary="老人住院，上门看望。",
                checklist_item_id=items.get("生病住院时"),
                logged_by_id=user.id,
            )
            db.session.add(visit)
