"""What waits for whom (the inbox) and the branch overview of a quarter: the appraisal's
read-side queries, each a fixed number of SQL statements whatever the branch size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app import policy
from app.appraisal.models import (
    Appraisal,
    AppraisalPeriod,
    ContactLog,
    ResponsibilityPerson,
    Status,
)
from app.auth.models import Role, User
from app.common import timeutil
from app.errors import PermissionDenied
from app.extensions import db
from app.orgs.models import Org
from app.roster.models import Member


@dataclass
class InboxItem:
    appraisal: Appraisal
    task: str
    due: date
    overdue: bool


@dataclass
class Inbox:
    items: list[InboxItem] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)


def inbox(user: User, *, limit: int = 200) -> Inbox:
    """What waits for ``user``: their self-records, sign-offs, branch opinions, spot checks.

    One query per kind of task (four), each loading member, org and period with it."""
    today = timeutil.today()
    out = Inbox()
    opts = (joinedload(Appraisal.member), joinedload(Appraisal.org), joinedload(Appraisal.period))
    base = (
        select(Appraisal)
        .join(AppraisalPeriod, AppraisalPeriod.id == Appraisal.period_id)
        .where(AppraisalPeriod.is_closed.is_(False))
        .options(*opts)
        .order_by(Appraisal.id)
        .limit(limit)
    )
    own = base.join(Member, Member.id == Appraisal.member_id).where(
        Member.user_id == user.id, Appraisal.status == Status.DRAFT
    )
    tasks: list[tuple[str, Any, str]] = [("self", own, "self_due")]

    def scoped(roles, status):
        paths = policy.scope_paths(user, roles)
        if not paths:
            return None
        in_orgs = policy.in_subtrees(Appraisal.org_id, paths)
        return base.where(in_orgs, Appraisal.status == status)

    for task, roles, status, due in (
        (
            "sign",
            [Role.GROUP_LEADER, Role.MENTOR, Role.BRANCH_SECRETARY],
            Status.SUBMITTED,
            "sign_due",
        ),
        ("assess", [Role.BRANCH_SECRETARY], Status.SIGNED, "opinion_due"),
    ):
        stmt = scoped(roles, status)
        if stmt is not None:
            tasks.append((task, stmt, due))
    # Key persons (责任区, rule 4.3.2) with no talk yet this month: the member and their
    # secretary are both told, through the member's open record of the quarter.
    month_start = today.replace(day=1)
    talked = (
        select(ContactLog.id)
        .where(
            ContactLog.person_id == ResponsibilityPerson.id,
            ContactLog.kind == "talk",
            ContactLog.occurred_on >= month_start,
        )
        .exists()
    )
    needs_talk = Appraisal.member_id.in_(
        select(ResponsibilityPerson.member_id).where(
            ResponsibilityPerson.is_key, ResponsibilityPerson.is_active, ~talked
        )
    )
    open_records = base.where(Appraisal.status != Status.CLOSED, needs_talk)
    mine = open_records.join(Member, Member.id == Appraisal.member_id).where(
        Member.user_id == user.id
    )
    talk_tasks = [mine]
    sec_paths = policy.scope_paths(user, [Role.BRANCH_SECRETARY])
    if sec_paths:
        talk_tasks.append(open_records.where(
            policy.in_subtrees(Appraisal.org_id, sec_paths)
        ))  # fmt: skip
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    seen_talk: set[int] = set()
    for stmt in talk_tasks:
        for a in db.session.scalars(stmt).unique():
            if a.id not in seen_talk:
                seen_talk.add(a.id)
                out.items.append(InboxItem(a, "talk", month_end, False))

    spot = scoped([Role.COMMITTEE], Status.ASSESSED)
    if spot is not None:
        tasks.append(("spot", spot.where(Appraisal.is_sampled, Appraisal.spot_result.is_(None)),
                      "spot_due"))  # fmt: skip
    for task, stmt, due_attr in tasks:
        for a in db.session.scalars(stmt).unique():
            if task != "self" and a.member.user_id == user.id:
                continue
            if task == "sign" and not policy.can(user, "appraisal.sign", a):
                continue
            due = getattr(a.period, due_attr)
            out.items.append(InboxItem(a, task, due, due < today))
    out.items.sort(key=lambda i: (i.due, i.appraisal.id))
    return out


@dataclass
class Overview:
    rows: list[Appraisal]
    counts: dict[str, int]
    excellent: int
    graded: int
    names: dict[int, str]


def branch_overview(user: User, period: AppraisalPeriod, org: Org, status: str = "") -> Overview:
    """Every record of ``org``'s subtree in the period, with counts per status: three queries
    whatever the branch size."""
    if not policy.can(user, "appraisal.overview", org):
        raise PermissionDenied(_l("This organisation is outside your scope."))
    in_org = Appraisal.org_id.in_(
        select(Org.id).where(Org.path.startswith(org.path, autoescape=True))
    )
    where = [Appraisal.period_id == period.id, in_org]
    counts = dict(
        db.session.execute(
            select(Appraisal.status, func.count()).where(*where).group_by(Appraisal.status)
        ).all()
    )
    grades = dict(
        db.session.execute(
            select(Appraisal.grade, func.count())
            .where(*where, Appraisal.is_probationary.is_(False))
            .group_by(Appraisal.grade)
        ).all()
    )
    stmt = (
        select(Appraisal)
        .where(*where)
        .join(Member, Member.id == Appraisal.member_id)
        .options(joinedload(Appraisal.member), joinedload(Appraisal.org))
        .order_by(Appraisal.org_id, Member.surname_strokes, Member.name_pinyin)
    )
    if status:
        stmt = stmt.where(Appraisal.status == status)
    rows = list(db.session.scalars(stmt).unique())
    return Overview(
        rows=rows,
        counts={k: v for k, v in counts.items()},
        excellent=grades.get("excellent", 0),
        graded=sum(n for g, n in grades.items() if g is not None),
        names={},
    )
