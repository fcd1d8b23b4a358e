"""What is due or overdue for each user on a day: the appraisal's to-dos (the inbox's own
queries: self-records, sign-offs, branch opinions, spot checks, talks), the open cases an agent
holds, the complaints a handler must settle, and the duty shifts of today and tomorrow.

"Due" is our default: a deadline within the next two working days (the committee may change
``HORIZON_WORKDAYS``). Items carry numbers, titles and dates only: never a phone or an ID
number, and no applicant's or complainant's name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, lazyload

from app.appraisal.inbox import inbox
from app.auth.models import User
from app.cases.models import OPEN_STATUSES, ServiceCase
from app.common.workdays import add_workdays
from app.extensions import db
from app.network.duty_labels import SLOT_LABELS
from app.network.models import (
    Complaint,
    ComplaintStatus,
    DutyRota,
    DutyShift,
    RotaStatus,
)
from app.roster.models import Member

HORIZON_WORKDAYS = 2
APPRAISAL_LIMIT = 200  # records of each appraisal kind named in one reminder
KINDS = ("self", "sign", "assess", "spot", "talk", "case", "complaint", "duty")


@dataclass(frozen=True)
class Item:
    kind: str  # one of KINDS
    text: str  # what it is: a member's name and quarter, a case number and item, a shift
    due: date
    overdue: bool


@dataclass
class UserReminders:
    user: User
    items: list[Item] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for i in self.items:
            out[i.kind] = out.get(i.kind, 0) + 1
        return out


def horizon(day: date) -> date:
    return add_workdays(day, HORIZON_WORKDAYS)


def _appraisal_items(user: User, day: date, until: date) -> list[Item]:
    """The inbox's records due by ``until``, up to ``APPRAISAL_LIMIT`` of each kind."""
    out = []
    for i in inbox(user, today=day, due_by=until, limit=APPRAISAL_LIMIT).items:
        text = f"{i.member_name} · {i.year}-Q{i.quarter}"
        out.append(Item(i.task, text, i.due, i.due < day))
    return out


def _case_items(day: date, until: date) -> dict[int, list[Item]]:
    """User id -> the open cases they hold whose running deadline is by ``until``."""
    rows = db.session.execute(
        select(ServiceCase, Member.user_id)
        .join(Member, Member.id == ServiceCase.agent_member_id)
        .where(
            Member.user_id.is_not(None),
            ServiceCase.status.in_(OPEN_STATUSES),
            or_(
                ServiceCase.due_on <= until,
                ServiceCase.visit_due_on <= until,
                ServiceCase.fix_due_on <= until,
            ),
        )
        .options(lazyload(ServiceCase.parts))
        .order_by(ServiceCase.id)
    ).unique()
    out: dict[int, list[Item]] = defaultdict(list)
    for c, user_id in rows:
        due = c.running_due
        if due is not None and due <= until:
            out[user_id].append(Item("case", f"{c.number} · {c.item.name}", due, due < day))
    return out


def _complaint_items(day: date, until: date) -> dict[int, list[Item]]:
    """Handler id -> their open complaints due by ``until`` (the rectification's date while
    rectifying, else the finding's)."""
    rectifying = Complaint.status == ComplaintStatus.RECTIFYING
    rows = db.session.scalars(
        select(Complaint)
        .where(
            Complaint.handler_id.is_not(None),
            Complaint.status != ComplaintStatus.CLOSED,
            or_(
                and_(~rectifying, Complaint.due_on <= until),
                and_(rectifying, Complaint.rectify_due_on <= until),
            ),
        )
        .order_by(Complaint.id)
    ).unique()
    out: dict[int, list[Item]] = defaultdict(list)
    for c in rows:
        due = c.rectify_due_on if c.status == ComplaintStatus.RECTIFYING else c.due_on
        out[c.handler_id].append(Item("complaint", c.number, due, due < day))
    return out


def _duty_items(day: date) -> dict[int, list[Item]]:
    """User id -> their shifts of published rotas today and tomorrow."""
    rows = db.session.execute(
        select(DutyShift, Member.user_id)
        .join(Member, Member.id == DutyShift.member_id)
        .join(DutyRota, DutyRota.id == DutyShift.rota_id)
        .where(
            Member.user_id.is_not(None),
            DutyRota.status == RotaStatus.PUBLISHED,
            DutyShift.day >= day,
            DutyShift.day <= day + timedelta(days=1),
        )
        .options(joinedload(DutyShift.rota))
        .order_by(DutyShift.day, DutyShift.id)
    ).unique()
    out: dict[int, list[Item]] = defaultdict(list)
    for s, user_id in rows:
        slot = str(SLOT_LABELS.get(s.slot, s.slot))
        out[user_id].append(Item("duty", f"{s.rota.service_point.name} · {slot}", s.day, False))
    return out


def collect(day: date) -> list[UserReminders]:
    """Every active user with something due or overdue on ``day``, by user name; each
    user's items by date."""
    until = horizon(day)
    per_user: dict[int, list[Item]] = defaultdict(list)
    for found in (_case_items(day, until), _complaint_items(day, until), _duty_items(day)):
        for user_id, items in found.items():
            per_user[user_id].extend(items)
    out = []
    users = db.session.scalars(select(User).where(User.is_active).order_by(User.username))
    for user in users:
        items = _appraisal_items(user, day, until) + per_user.get(user.id, [])
        if items:
            items.sort(key=lambda i: (i.due, KINDS.index(i.kind), i.text))
            out.append(UserReminders(user, items))
    return out
