"""What waits for whom (the inbox) and the branch overview of a quarter: the appraisal's
read-side queries, each a fixed number of SQL statements whatever the branch size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from app import policy
from app.appraisal.models import (
    Appraisal,
    AppraisalPeriod,
    ContactLog,
    ResponsibilityPerson,
    Status,
)
from app.auth.models import User
from app.common import timeutil
from app.errors import PermissionDenied
from app.extensions import db
from app.orgs.models import Org
from app.orgs.tree import in_subtrees
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


# (task, reach name, status waited on, the period's deadline for it)
_ROLE_TASKS = (
    ("sign", "appraisal.sign", Status.SUBMITTED, "sign_due"),
    ("assess", "appraisal.assess", Status.SIGNED, "opinion_due"),
)


def inbox(user: User, *, limit: int = 200, today: date | None = None) -> Inbox:
    """What waits for ``user``: their self-records, sign-offs, branch opinions, spot checks,
    and key persons still waiting for this month's talk; overdue as of ``today`` (the
    reminders pass the day they are run for).

    One query per kind of task, each loading member, org and period with it."""
    today = today or timeutil.today()
    base = _open_records()
    out = Inbox(items=_talk_items(user, base, today, limit))
    for task, stmt, due_attr in _task_queries(user, base):
        for a in _load(stmt, limit):
            if _waits_for(user, task, a):
                due = getattr(a.period, due_attr)
                out.items.append(InboxItem(a, task, due, due < today))
    out.items.sort(key=lambda i: (i.due, i.appraisal.id))
    return out


def _open_records() -> Select:
    """The ids of records of quarters still open; each task narrows it (own, or by status and
    subtree) and ``_load`` reads only the records picked."""
    return (
        select(Appraisal.id)
        .join(AppraisalPeriod, AppraisalPeriod.id == Appraisal.period_id)
        .where(AppraisalPeriod.is_closed.is_(False))
    )


def _at_step(base: Select, *where) -> Select:
    """``base`` narrowed to records at a step: the open quarters named again as a list, so
    that the index on (status, period, org) answers it rather than the records."""
    open_periods = select(AppraisalPeriod.id).where(AppraisalPeriod.is_closed.is_(False))
    return base.where(Appraisal.period_id.in_(open_periods), *where)


def _load(ids: Select, limit: int):
    """The first ``limit`` records of ``ids``, with member, org and period loaded: the ids are
    picked from the index, and only the records shown are read."""
    picked = ids.order_by(Appraisal.id).limit(limit)
    stmt = (
        select(Appraisal)
        .where(Appraisal.id.in_(picked.scalar_subquery()))
        .options(
            joinedload(Appraisal.member), joinedload(Appraisal.org), joinedload(Appraisal.period)
        )
        .order_by(Appraisal.id)
    )
    return db.session.scalars(stmt).unique()


def _own(user: User, stmt: Select) -> Select:
    return stmt.join(Member, Member.id == Appraisal.member_id).where(Member.user_id == user.id)


def _reached(user: User, reach_name: str, stmt: Select) -> Select | None:
    """``stmt`` narrowed to the subtrees ``user`` reaches for ``reach_name`` and to the records
    they may read (a mentor's are their mentees'), or None."""
    paths = policy.subtrees(user, reach_name)
    if not paths:
        return None
    return policy.scope(stmt.where(in_subtrees(Appraisal.org_id, paths)), user, Appraisal)


def _task_queries(user: User, base: Select) -> list[tuple[str, Select, str]]:
    """(task, query, deadline attribute) for the member's own drafts and each role's steps."""
    tasks = [("self", _own(user, base).where(Appraisal.status == Status.DRAFT), "self_due")]
    for task, reach_name, status, due in _ROLE_TASKS:
        stmt = _reached(user, reach_name, _at_step(base, Appraisal.status == status))
        if stmt is not None:
            tasks.append((task, stmt, due))
    spot = _reached(
        user,
        "appraisal.spot",
        _at_step(
            base,
            Appraisal.status == Status.ASSESSED,
            Appraisal.is_sampled,
            Appraisal.spot_result.is_(None),
        ),
    )
    if spot is not None:
        tasks.append(("spot", spot, "spot_due"))
    return tasks


def _waits_for(user: User, task: str, a: Appraisal) -> bool:
    """Nobody is asked to act on their own record; a sign-off waits only for its signer."""
    if task != "self" and a.member.user_id == user.id:
        return False
    return task != "sign" or policy.can(user, "appraisal.sign", a)


def _talk_items(user: User, base: Select, today: date, limit: int) -> list[InboxItem]:
    """Key persons (责任区, rule 4.3.2) with no talk yet this month: the member and their
    secretary are both told, through the member's open record of the quarter."""
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
    queries = [_own(user, open_records), _reached(user, "appraisal.talk", open_records)]
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    items: dict[int, InboxItem] = {}
    for stmt in queries:
        if stmt is None:
            continue
        for a in _load(stmt, limit):
            items.setdefault(a.id, InboxItem(a, "talk", month_end, False))
    return list(items.values())


@dataclass
class Overview:
    rows: list[Appraisal]
    counts: dict[str, int]
    excellent: int
    graded: int
    names: dict[int, str]
    # Whether the reader reads every record of the org (not a mentor, who reads only their
    # mentees'): only then does the page state the org's own figures, such as the 优秀 cap.
    whole: bool = True


def branch_overview(user: User, period: AppraisalPeriod, org: Org, status: str = "") -> Overview:
    """The records of ``org``'s subtree in the period that ``user`` may read, with counts per
    status: three queries whatever the branch size."""
    if not policy.can(user, "appraisal.overview", org):
        raise PermissionDenied(_l("This organisation is outside your scope."))

    def scoped(stmt: Select) -> Select:
        where = (Appraisal.period_id == period.id, in_subtrees(Appraisal.org_id, [org.path]))
        return policy.scope(stmt.where(*where), user, Appraisal)

    counts = dict(
        db.session.execute(
            scoped(select(Appraisal.status, func.count())).group_by(Appraisal.status)
        ).all()
    )
    grades = dict(
        db.session.execute(
            scoped(select(Appraisal.grade, func.count()))
            .where(Appraisal.is_probationary.is_(False))
            .group_by(Appraisal.grade)
        ).all()
    )
    stmt = (
        scoped(select(Appraisal))
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
        whole=any(org.path.startswith(p) for p in policy.subtrees(user, "appraisal.read_all")),
    )
