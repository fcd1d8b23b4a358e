"""What waits for whom (the inbox), grouped by kind of task with each kind's true count, and
the branch overview of a quarter: the appraisal's read-side queries, each a fixed number of SQL
statements whatever the branch or county size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, false, func, or_, select, true
from sqlalchemy.orm import aliased, joinedload

from app import policy
from app.appraisal.models import (
    Appraisal,
    AppraisalPeriod,
    ContactLog,
    ResponsibilityPerson,
    Status,
)
from app.auth.models import User
from app.common import timeutil, versions
from app.errors import PermissionDenied
from app.extensions import db
from app.orgs.models import Org, OrgKind
from app.orgs.tree import in_subtrees
from app.policy.appraisal import not_own, signed_by
from app.policy.scopes import covers_every_root
from app.roster.models import Member

SHOWN = 20  # the first records of each kind shown; the rest are counted and linked

# What the inbox reads: the records and quarters ("appraisal", app/appraisal/overview.py), the
# members, orgs and grants ("roster"), the key persons and their talks ("responsibility").
versions.watch("responsibility", ResponsibilityPerson, ContactLog)
TOPICS = ("appraisal", "roster", "responsibility")

# (task, reach name, status waited on, the period's deadline for it)
_ROLE_TASKS = (
    ("sign", "appraisal.sign", Status.SUBMITTED, "sign_due"),
    ("assess", "appraisal.assess", Status.SIGNED, "opinion_due"),
    ("spot", "appraisal.spot", Status.ASSESSED, "spot_due"),
)


@dataclass(frozen=True)
class InboxItem:
    """One record waiting, as plain values read from a Core row."""

    task: str
    appraisal_id: int
    member_id: int
    member_name: str
    org_name: str
    year: int
    quarter: int
    due: date
    overdue: bool
    branch: str = ""  # the member's branch (a group's parent)
    key_persons: tuple[str, ...] = ()  # a talk: the key persons still to talk to this month

    @property
    def period_label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"  # as ``AppraisalPeriod.label``


@dataclass
class InboxGroup:
    """One kind of task: its true count (and how many are overdue), the oldest due first,
    and where the whole list is (a period and org whose overview filtered by ``status``
    lists them), when one list holds them."""

    task: str
    total: int
    overdue: int
    items: list[InboxItem]
    status: str | None = None
    period_id: int | None = None
    org_id: int | None = None

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class Inbox:
    groups: list[InboxGroup] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)

    @property
    def overdue(self) -> int:
        return sum(g.overdue for g in self.groups)

    @property
    def items(self) -> list[InboxItem]:
        """The shown items of every kind, oldest due first."""
        out = [i for g in self.groups for i in g.items]
        out.sort(key=lambda i: (i.due, i.appraisal_id))
        return out


@dataclass
class _Kind:
    task: str
    where: list  # conditions on Appraisal rows (the open quarters are added)
    due: Any  # the period's deadline column, or a fixed date (the talks: the month's end)
    status: str | None = None
    paths: list[str] = field(default_factory=list)


def inbox(
    user: User,
    *,
    limit: int = SHOWN,
    today: date | None = None,
    due_by: date | None = None,
) -> Inbox:
    """What waits for ``user``, by kind: their self-records, sign-offs, branch opinions, spot
    checks, and key persons still waiting for this month's talk; overdue as of ``today``.
    Each kind with its true count and its first ``limit`` records, oldest due first;
    ``due_by`` keeps only what is due by then (the reminders pass their horizon).

    Two queries per kind (a count by period from the index ix_appraisal_inbox, then the rows
    shown as Core rows), and one for the open quarters' deadlines, whatever the data size.
    Nobody is asked to act on their own record (but for their own self-record and talks),
    and a sign-off waits only for its signer (``policy.appraisal.signed_by``).

    Computed once per change of what it reads (``TOPICS``: the records and quarters, the
    roster with its grants, the key persons and their talks) for the user and the day: one
    token read otherwise."""
    today = today or timeutil.today()
    key = ("appraisal.inbox", user.id, user.is_active, limit, today, due_by)
    return versions.cached(TOPICS, key, lambda: _inbox(user, limit, today, due_by))


def _inbox(user: User, limit: int, today: date, due_by: date | None) -> Inbox:
    periods = {
        p.id: p
        for p in db.session.execute(
            select(
                AppraisalPeriod.id,
                AppraisalPeriod.self_due,
                AppraisalPeriod.sign_due,
                AppraisalPeriod.opinion_due,
                AppraisalPeriod.spot_due,
            ).where(AppraisalPeriod.is_closed.is_(False))
        )
    }
    out = Inbox()
    if not periods:
        return out
    for kind in _kinds(user, today):
        fixed = isinstance(kind.due, date)
        if fixed:
            if due_by is not None and kind.due > due_by:
                continue
            wanted = list(periods)
        else:
            name = kind.due.key
            wanted = [
                pid for pid, p in periods.items() if due_by is None or getattr(p, name) <= due_by
            ]
        if not wanted:
            continue
        # One's own records and the talks are found from the member and the few key persons,
        # not from the quarter's records: their period test is kept off the index (``+ 0``)
        # so that the planner starts from those.
        own_kind = kind.task in ("self", "talk")
        period = Appraisal.period_id + 0 if own_kind else Appraisal.period_id
        where = (period.in_(wanted), *kind.where)
        counts = dict(
            db.session.execute(
                select(Appraisal.period_id, func.count())
                .where(*where)
                .group_by(Appraisal.period_id)
            ).all()
        )
        dues = {pid: kind.due if fixed else getattr(periods[pid], kind.due.key) for pid in wanted}
        rows = _rows(kind, where, dues, limit, today)  # asked even when none: a constant count
        total = sum(counts.values())
        if not total:
            continue
        group = InboxGroup(kind.task, total, 0, rows, kind.status)
        if not isinstance(kind.due, date):
            group.overdue = sum(
                n for pid, n in counts.items() if getattr(periods[pid], kind.due.key) < today
            )
        if len(counts) == 1 and len(kind.paths) == 1:
            group.period_id = next(iter(counts))
            group.org_id = int(kind.paths[0].strip("/").split("/")[-1])
        out.groups.append(group)
    return out


def _rows(
    kind: _Kind, where: tuple, dues: dict[int, date], limit: int, today: date
) -> list[InboxItem]:
    """The first ``limit`` records of ``kind``, oldest due first (``dues``: each wanted
    period's deadline for it), member, org and quarter read as one Core row each.

    The page's ids are picked from the records alone, ordered by their period's deadline
    rank and id, and only those are joined: joining every waiting record before the sort
    (the county committee's 1,953 spot checks) cost 5.5 ms a page on SQLite."""
    order = sorted(set(dues.values()))
    ranks = {pid: order.index(due) for pid, due in dues.items()}
    first = [] if len(order) < 2 else [case(ranks, value=Appraisal.period_id)]
    page = select(Appraisal.id).where(*where).order_by(*first, Appraisal.id).limit(limit)
    parent = aliased(Org)
    branch = case((Org.kind == OrgKind.GROUP, parent.name), else_=Org.name)
    stmt = (
        select(
            Appraisal.id,
            Appraisal.member_id,
            Member.name,
            Org.name,
            AppraisalPeriod.year,
            AppraisalPeriod.quarter,
            Appraisal.period_id,
            branch,
        )
        .join(AppraisalPeriod, AppraisalPeriod.id == Appraisal.period_id)
        .join(Member, Member.id == Appraisal.member_id)
        .join(Org, Org.id == Appraisal.org_id)
        .outerjoin(parent, parent.id == Org.parent_id)
        .where(Appraisal.id.in_(page.scalar_subquery()))
    )
    rows = sorted(db.session.execute(stmt).all(), key=lambda r: (ranks[r[6]], r[0]))
    # A talk names the key persons still to talk to (one query, asked even when none).
    persons = _key_persons([r[1] for r in rows], today) if kind.task == "talk" else {}
    items = []
    for aid, mid, name, org, year, quarter, period_id, br in rows:
        d = dues[period_id]
        who = tuple(persons.get(mid, ()))
        items.append(
            InboxItem(kind.task, aid, mid, name, org, year, quarter, d, d < today, br or "", who)
        )
    return items


def _not_talked(today: date) -> Any:
    """A key person of an area with no talk logged since the month began (rule 4.3.2)."""
    talked = (
        select(ContactLog.id)
        .where(
            ContactLog.person_id == ResponsibilityPerson.id,
            ContactLog.kind == "talk",
            ContactLog.occurred_on >= today.replace(day=1),
        )
        .exists()
    )
    return and_(ResponsibilityPerson.is_key, ResponsibilityPerson.is_active, ~talked)


def _key_persons(member_ids: list[int], today: date) -> dict[int, list[str]]:
    """The key persons of these members' areas still to talk to this month, by member."""
    out: dict[int, list[str]] = {}
    stmt = (
        select(ResponsibilityPerson.member_id, ResponsibilityPerson.name)
        .where(ResponsibilityPerson.member_id.in_(member_ids), _not_talked(today))
        .order_by(ResponsibilityPerson.member_id, ResponsibilityPerson.id)
    )
    for mid, name in db.session.execute(stmt):
        out.setdefault(mid, []).append(name)
    return out


def _kinds(user: User, today: date) -> list[_Kind]:
    """The kinds of task ``user`` may have, each as conditions on Appraisal rows."""
    # One's own record by equality on the member's id, read first (a login has at most one
    # roster entry): the index on (member, year, quarter) finds it, never a scan of the open
    # quarter's drafts (a subquery there left SQLite guessing: 13 ms on a county).
    own_id = db.session.scalar(select(Member.id).where(Member.user_id == user.id))
    own = Appraisal.member_id == own_id if own_id is not None else false()
    kinds = []
    if own_id is not None:
        drafts = [own, Appraisal.status == Status.DRAFT]
        kinds.append(_Kind("self", drafts, AppraisalPeriod.self_due))
    kinds += _role_kinds(user)
    kinds.append(_talks(user, own, today))
    return kinds


def _role_kinds(user: User) -> list[_Kind]:
    """The steps others' records wait at for ``user`` (sign, opinion, spot check)."""
    kinds = []
    for task, reach_name, status, due in _ROLE_TASKS:
        paths = policy.subtrees(user, reach_name)
        if not paths:
            continue
        where = [Appraisal.status == status, _scoped(user, paths)]
        if task == "sign":
            where.append(signed_by(user))  # the signer's own record excepted too
        else:
            where.append(not_own(user))
        if task == "spot":
            where += [Appraisal.is_sampled.is_(True), Appraisal.spot_result.is_(None)]
        kinds.append(_Kind(task, where, getattr(AppraisalPeriod, due), status, paths))
    return kinds


def waits_for(user: User) -> Any:
    """A condition on Appraisal rows: the record waits at a step ``user`` takes (a sign-off,
    a branch opinion, a spot check), as the inbox counts them."""
    conds = [and_(*kind.where) for kind in _role_kinds(user)]
    return or_(*conds) if conds else false()


def _scoped(user: User, paths: list[str]) -> Any:
    """Records in ``paths`` that ``user`` may read (a mentor's are their mentees')."""
    readable = policy.scope(select(Appraisal.id), user, Appraisal).whereclause
    # Subtrees holding every root are no filter (the committee over the whole database): the
    # records are then read from the index alone, not each joined to its org for its path
    # (the county's 1,953 spot checks: 5.3 -> 3.3 ms on PostgreSQL).
    inside = true() if covers_every_root(paths) else in_subtrees(Appraisal.org_id, paths)
    return inside if readable is None else and_(inside, readable)


def _talks(user: User, own: Any, today: date) -> _Kind:
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
    paths = policy.subtrees(user, "appraisal.talk")
    whose = or_(own, _scoped(user, paths)) if paths else own
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return _Kind("talk", [Appraisal.status != Status.CLOSED, needs_talk, whose], month_end)


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
