"""Each agent's quarter in figures (考核, plan 三.2): cases done and done on time, ratings,
complaints upheld, duty kept, training attended, rewards and penalties.

Who counts as an agent in a quarter (our definition): a member in normal standing whose login
holds an agent's grant, or whom the roster or a volunteer profile attaches to a service point,
and any member holding a case completed or due in the quarter. ``figures`` reads every
agent's numbers in five grouped queries, whatever the number of agents."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.cases.models import ServiceCase
from app.cases.stats import _latest_ratings
from app.common import timeutil
from app.extensions import db
from app.network.models import (
    AgentAward,
    AwardKind,
    Complaint,
    ComplaintFinding,
    DutyRota,
    DutyShift,
    RotaStatus,
    Training,
    TrainingAttendance,
)
from app.orgs.models import Org
from app.orgs.tree import in_subtrees
from app.policy.assessment import agent_user_ids, assessment_paths, reached_members
from app.roster.models import Member, PartyStatus
from app.volunteers.models import VolunteerProfile

# Our default: a rating of 满意 (4) or 非常满意 (5) counts as satisfied; the committee may
# change it.
SATISFIED_LEVEL = 4
UPHELD = (ComplaintFinding.UPHELD, ComplaintFinding.PARTLY)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter."""
        return date(self.year + (self.quarter == 4), (3 * self.quarter) % 12 + 1, 1)

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)
        )

    def last(self, n: int) -> list[Quarter]:
        """This quarter and the ``n - 1`` before it, newest first."""
        out = [self]
        while len(out) < n:
            out.append(out[-1].previous())
        return out

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def current_quarter() -> Quarter:
    return quarter_of(timeutil.today())


@dataclass
class Figures:
    """One agent's quarter. Shares are None where nothing was there to count."""

    cases_done: int = 0
    with_due: int = 0
    on_time: int = 0
    rated: int = 0
    rating_mean: float | None = None
    satisfied: int = 0
    complaints_upheld: int = 0
    shifts_kept: int = 0
    shifts_recorded: int = 0
    trainings_attended: int = 0
    trainings_expected: int = 0
    rewards: int = 0
    penalties: int = 0

    @staticmethod
    def _share(n: int, of: int) -> float | None:
        return n / of if of else None

    @property
    def on_time_share(self) -> float | None:
        return self._share(self.on_time, self.with_due)

    @property
    def satisfied_share(self) -> float | None:
        return self._share(self.satisfied, self.rated)

    @property
    def duty_share(self) -> float | None:
        return self._share(self.shifts_kept, self.shifts_recorded)

    @property
    def training_share(self) -> float | None:
        return self._share(self.trainings_attended, self.trainings_expected)

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.cases_done,
                self.complaints_upheld,
                self.shifts_recorded,
                self.trainings_expected,
                self.rewards,
                self.penalties,
            )
        )


# --- who the agents are -----------------------------------------------------------------------


def agent_condition(q: Quarter):
    """A condition on ``Member``: an agent in quarter ``q`` (see the module's docstring)."""
    attached = select(VolunteerProfile.member_id).where(
        VolunteerProfile.service_point_id.is_not(None), VolunteerProfile.is_active
    )
    in_q = lambda col: and_(col >= q.start, col < q.end)  # noqa: E731
    holding = select(ServiceCase.agent_member_id).where(
        ServiceCase.agent_member_id.is_not(None),
        or_(in_q(ServiceCase.done_on), in_q(ServiceCase.due_on)),
    )
    serving = or_(
        Member.user_id.in_(agent_user_ids()),
        Member.service_point_id.is_not(None),
        Member.id.in_(attached),
    )
    return or_(and_(Member.party_status == PartyStatus.NORMAL, serving), Member.id.in_(holding))


def agents_stmt(user: User, q: Quarter, org: Org | None = None) -> Select:
    """The agents of quarter ``q`` whose figures ``user`` reads (within ``org``'s subtree when
    given), by org and the customary name order, with their org loaded."""
    stmt = (
        select(Member)
        .where(agent_condition(q), reached_members(user))
        .options(joinedload(Member.org))
        .order_by(Member.org_id, Member.surname_strokes, Member.name_pinyin, Member.id)
    )
    if org is not None:
        stmt = stmt.where(in_subtrees(Member.org_id, [org.path]))
    return stmt


def scope_orgs(user: User) -> list[Org]:
    """The orgs whose agents ``user`` reads as a whole (for the org filter), in tree order."""
    paths = assessment_paths(user)
    if not paths:
        return []
    stmt = select(Org).where(Org.is_active, in_subtrees(Org.id, paths)).order_by(Org.path)
    return list(db.session.scalars(stmt))


# --- the figures ------------------------------------------------------------------------------

MemberIds = Iterable[int] | Select


def _ids(member_ids: MemberIds):
    return member_ids if isinstance(member_ids, Select) else list(member_ids)


def _in(col, q: Quarter):
    return and_(col >= q.start, col < q.end)


def _case_rows(ids, q: Quarter):
    latest = _latest_ratings()
    has_due = ServiceCase.due_on.is_not(None)
    return db.session.execute(
        select(
            ServiceCase.agent_member_id,
            func.count(ServiceCase.id),
            func.sum(case((has_due, 1), else_=0)),
            func.sum(case((and_(has_due, ServiceCase.done_on <= ServiceCase.due_on), 1), else_=0)),
            func.count(latest.c.level),
            func.avg(latest.c.level),
            func.sum(case((latest.c.level >= SATISFIED_LEVEL, 1), else_=0)),
        )
        .outerjoin(latest, latest.c.case_id == ServiceCase.id)
        .where(ServiceCase.agent_member_id.in_(ids), _in(ServiceCase.done_on, q))
        .group_by(ServiceCase.agent_member_id)
    ).all()


def _complaint_rows(ids, q: Quarter):
    return db.session.execute(
        select(Complaint.agent_member_id, func.count(Complaint.id))
        .where(
            Complaint.agent_member_id.in_(ids),
            Complaint.finding.in_(UPHELD),
            _in(Complaint.received_on, q),
        )
        .group_by(Complaint.agent_member_id)
    ).all()


def _duty_rows(ids, q: Quarter):
    return db.session.execute(
        select(
            DutyShift.member_id,
            func.sum(case((DutyShift.kept.is_(True), 1), else_=0)),
            func.count(DutyShift.kept),
        )
        .join(DutyRota, DutyRota.id == DutyShift.rota_id)
        .where(
            DutyShift.member_id.in_(ids),
            DutyRota.status == RotaStatus.PUBLISHED,
            _in(DutyShift.day, q),
        )
        .group_by(DutyShift.member_id)
    ).all()


def _training_rows(ids, q: Quarter, today: date):
    # A session still to come is not yet expected of anyone.
    until = min(q.end, today + timedelta(days=1))
    return db.session.execute(
        select(
            TrainingAttendance.member_id,
            func.sum(case((TrainingAttendance.attended.is_(True), 1), else_=0)),
            func.count(TrainingAttendance.id),
        )
        .join(Training, Training.id == TrainingAttendance.training_id)
        .where(
            TrainingAttendance.member_id.in_(ids),
            Training.held_on >= q.start,
            Training.held_on < until,
        )
        .group_by(TrainingAttendance.member_id)
    ).all()


def _award_rows(ids, q: Quarter):
    return db.session.execute(
        select(
            AgentAward.member_id,
            func.sum(case((AgentAward.kind == AwardKind.REWARD, 1), else_=0)),
            func.sum(case((AgentAward.kind == AwardKind.PENALTY, 1), else_=0)),
        )
        .where(AgentAward.member_id.in_(ids), _in(AgentAward.decided_on, q))
        .group_by(AgentAward.member_id)
    ).all()


def figures(member_ids: MemberIds, q: Quarter, today: date | None = None) -> dict[int, Figures]:
    """Member id -> their figures for ``q``; five grouped queries whatever the number of
    members. Members with no fact at all get empty figures only when listed in ``member_ids``
    (a select yields entries for those with facts)."""
    ids = _ids(member_ids)
    today = today or timeutil.today()
    out: dict[int, Figures] = {}
    if not isinstance(ids, Select):
        out = {i: Figures() for i in ids}
        if not ids:
            return out

    def get(mid: int) -> Figures:
        return out.setdefault(mid, Figures())

    for mid, done, with_due, on_time, rated, mean, satisfied in _case_rows(ids, q):
        f = get(mid)
        f.cases_done, f.with_due, f.on_time = done, int(with_due or 0), int(on_time or 0)
        f.rated, f.satisfied = rated, int(satisfied or 0)
        f.rating_mean = float(mean) if mean is not None else None
    for mid, n in _complaint_rows(ids, q):
        get(mid).complaints_upheld = n
    for mid, kept, recorded in _duty_rows(ids, q):
        get(mid).shifts_kept, get(mid).shifts_recorded = int(kept or 0), recorded
    for mid, attended, expected in _training_rows(ids, q, today):
        get(mid).trainings_attended, get(mid).trainings_expected = int(attended or 0), expected
    for mid, rewards, penalties in _award_rows(ids, q):
        get(mid).rewards, get(mid).penalties = int(rewards or 0), int(penalties or 0)
    return out
