"""What an agent's cases say about them: open load, ratings and satisfaction (for the matcher,
one grouped query each whatever the number of agents), the cases a profile shows, and the
cases completed in a period (the appraisal's evidence of 为群众办实事)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, exists, func, select

from app import policy
from app.auth.models import User
from app.cases.models import OPEN_STATUSES, Evaluation, ServiceCase, Status
from app.extensions import db
from app.roster.models import Member
from app.volunteers.models import ServiceItem

MemberIds = Iterable[int] | Select | None


def _for_members(stmt: Select, member_ids: MemberIds) -> Select:
    """Limit ``stmt`` to cases held by ``member_ids`` (ids or a select of ids; None: all)."""
    if member_ids is None:
        return stmt.where(ServiceCase.agent_member_id.is_not(None))
    ids = member_ids if isinstance(member_ids, Select) else list(member_ids)
    return stmt.where(ServiceCase.agent_member_id.in_(ids))


def _latest_ratings():
    """Each rated case's latest evaluation (after a follow-up, the second rating counts): no
    later evaluation of the same case, an index seek per rating (``id IN (max(id) GROUP BY
    case_id)`` was re-run for every row on SQLite)."""
    later = Evaluation.__table__.alias("later_rating")
    newer = exists().where(later.c.case_id == Evaluation.case_id, later.c.id > Evaluation.id)
    return select(Evaluation.case_id, Evaluation.level).where(~newer).subquery("latest_rating")


def open_loads(member_ids: MemberIds = None) -> dict[int, int]:
    """Member id -> the number of open cases they hold (members without any are absent)."""
    stmt = (
        select(ServiceCase.agent_member_id, func.count())
        .where(ServiceCase.status.in_(OPEN_STATUSES))
        .group_by(ServiceCase.agent_member_id)
    )
    return dict(db.session.execute(_for_members(stmt, member_ids)).all())


@dataclass(frozen=True)
class Ratings:
    """An agent's ratings: the mean level (1 非常不满意 … 5 非常满意) over their rated cases."""

    mean: float
    count: int

    @property
    def satisfaction(self) -> float:
        """The mean on the matcher's 0..1 scale."""
        return (self.mean - 1) / 4


def ratings(member_ids: MemberIds = None, case_ids: Select | None = None) -> dict[int, Ratings]:
    """Member id -> the ratings of the cases they hold, each case counted once by its latest
    evaluation; ``case_ids`` (a select of ids) limits the cases counted. Unrated members are
    absent."""
    latest = _latest_ratings()
    stmt = (
        select(ServiceCase.agent_member_id, func.avg(latest.c.level), func.count())
        .join(latest, latest.c.case_id == ServiceCase.id)
        .group_by(ServiceCase.agent_member_id)
    )
    if case_ids is not None:
        stmt = stmt.where(ServiceCase.id.in_(case_ids))
    rows = db.session.execute(_for_members(stmt, member_ids)).all()
    return {m: Ratings(mean=float(mean), count=n) for m, mean, n in rows}


def satisfaction(member_ids: MemberIds = None) -> dict[int, float]:
    """Member id -> past satisfaction 0..1 (the mean of (level - 1) / 4 over their rated
    cases); members without a rating are absent (the matcher then says so)."""
    return {m: r.satisfaction for m, r in ratings(member_ids).items()}


# --- a member's cases on their profile ---------------------------------------------------------


@dataclass(frozen=True)
class OpenCase:
    case: ServiceCase
    due_on: date | None  # the running clock's date (the fix's during a follow-up)
    is_overdue: bool


@dataclass(frozen=True)
class MemberCases:
    """What a profile shows of the member's cases, limited to those the viewer may list."""

    open: list[OpenCase]  # overdue first, then by due date
    done_this_year: int
    ratings: Ratings | None


def member_cases(user: User, member: Member, today: date) -> MemberCases:
    """The cases ``member`` holds that ``user`` may list: the open ones with their due dates,
    how many were completed this year, and their ratings."""
    visible = policy.scope(select(ServiceCase.id), user, ServiceCase).where(
        ServiceCase.agent_member_id == member.id
    )
    held = select(ServiceCase).where(
        ServiceCase.id.in_(visible), ServiceCase.status.in_(OPEN_STATUSES)
    )
    rows = []
    for c in db.session.scalars(held).unique():
        due = c.fix_due_on if c.status == Status.FOLLOW_UP else c.due_on
        rows.append(OpenCase(case=c, due_on=due, is_overdue=c.is_overdue(today)))
    rows.sort(key=lambda r: (not r.is_overdue, r.due_on or date.max, r.case.id))
    done = db.session.scalar(
        select(func.count()).where(
            ServiceCase.id.in_(visible),
            ServiceCase.done_on >= date(today.year, 1, 1),
            ServiceCase.done_on <= today,
        )
    )
    rated = ratings([member.id], case_ids=visible).get(member.id)
    return MemberCases(open=rows, done_this_year=done or 0, ratings=rated)


# --- cases completed in a period ----------------------------------------------------------------


@dataclass(frozen=True)
class CompletedCase:
    case_id: int
    number: str
    item: str
    done_on: date
    rating: int | None  # the latest evaluation's level, None while unrated


def completed_summary(member_ids: Select, start: date, end: date):
    """A subquery of (member_id, cases_done, rating): per member among ``member_ids``, the
    cases they hold completed on ``start`` ≤ done_on < ``end``, and the mean of those cases'
    latest ratings (NULL when none is rated). One grouped query, for rankings."""
    latest = _latest_ratings()
    return (
        select(
            ServiceCase.agent_member_id.label("member_id"),
            func.count(ServiceCase.id).label("cases_done"),
            func.avg(latest.c.level).label("rating"),
        )
        .outerjoin(latest, latest.c.case_id == ServiceCase.id)
        .where(
            ServiceCase.agent_member_id.in_(member_ids),
            ServiceCase.done_on >= start,
            ServiceCase.done_on < end,
        )
        .group_by(ServiceCase.agent_member_id)
        .subquery("service_work")
    )


def completed_cases(member_id: int, start: date, end: date) -> list[CompletedCase]:
    """The cases ``member_id`` holds that were completed on ``start`` ≤ done_on < ``end``,
    oldest first, with their latest rating."""
    latest = _latest_ratings()
    rows = db.session.execute(
        select(
            ServiceCase.id,
            ServiceCase.number,
            ServiceItem.name,
            ServiceCase.done_on,
            latest.c.level,
        )
        .join(ServiceItem, ServiceItem.id == ServiceCase.item_id)
        .outerjoin(latest, latest.c.case_id == ServiceCase.id)
        .where(
            ServiceCase.agent_member_id == member_id,
            ServiceCase.done_on >= start,
            ServiceCase.done_on < end,
        )
        .order_by(ServiceCase.done_on, ServiceCase.id)
    )
    return [CompletedCase(*row) for row in rows]
