"""What the agents' pages show: the quarter's table of agents in scope, and one agent's record
over the last four quarters with the rows behind the figures (cases, complaints, shifts,
training) and their rewards and penalties. Each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from app import policy
from app.auth.models import User
from app.cases.models import ServiceCase
from app.common import timeutil
from app.common.pagination import Page, paginate
from app.errors import NotFound
from app.extensions import db
from app.network.assessment import (
    UPHELD,
    Figures,
    Quarter,
    agents_stmt,
    current_quarter,
    figures,
    scope_orgs,
)
from app.network.models import (
    AgentAward,
    Complaint,
    DutyRota,
    DutyShift,
    RotaStatus,
    Training,
    TrainingAttendance,
)
from app.orgs.models import Org
from app.roster.models import Member

EARLIEST_YEAR = 2000


def parse_quarter(year: int | None, quarter: int | None) -> Quarter:
    """The quarter asked for; the current one when missing or out of range."""
    now = current_quarter()
    if year is None or quarter is None:
        return now
    if not (EARLIEST_YEAR <= year <= now.year + 1 and 1 <= quarter <= 4):
        return now
    return Quarter(year, quarter)


def quarter_choices(q: Quarter) -> list[Quarter]:
    """The quarters the selector offers: the last twelve up to now (and ``q`` itself)."""
    out = current_quarter().last(12)
    if q not in out:
        out.append(q)
    return sorted(out, reverse=True)


@dataclass
class AgentTable:
    quarter: Quarter
    page: Page
    figures: dict[int, Figures]
    orgs: list[Org]
    org: Org | None


def _chosen_org(user: User, org_id: int | None) -> tuple[list[Org], Org | None]:
    orgs = scope_orgs(user)
    if not org_id:
        return orgs, None
    org = next((o for o in orgs if o.id == org_id), None)
    if org is None:
        raise NotFound(_l("No such organisation in your scope."))
    return orgs, org


def agent_table(
    user: User, q: Quarter, *, org_id: int | None = None, page: int = 1, per_page: int = 50
) -> AgentTable:
    """One page of the agents of ``q`` whom ``user`` reads, with their figures: seven queries
    whatever the page size (the count, the page, five grouped figures)."""
    orgs, org = _chosen_org(user, org_id)
    members = paginate(agents_stmt(user, q, org), page, per_page)
    ids = [m.id for m in members.items]
    return AgentTable(q, members, figures(ids, q), orgs, org)


def all_agents(user: User, q: Quarter, org_id: int | None = None) -> tuple[list, dict, Org | None]:
    """Every agent of the table (for the export) with their figures, and the org chosen."""
    _orgs, org = _chosen_org(user, org_id)
    members = list(db.session.scalars(agents_stmt(user, q, org)).unique())
    return members, figures([m.id for m in members], q), org


# --- one agent ---------------------------------------------------------------------------------


@dataclass
class AgentRecord:
    member: Member
    quarters: list[tuple[Quarter, Figures]]
    cases: list[ServiceCase] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    shifts: list[DutyShift] = field(default_factory=list)
    trainings: list[tuple[Training, TrainingAttendance]] = field(default_factory=list)
    awards: list[AgentAward] = field(default_factory=list)


def load_agent(user: User, member_id: int) -> Member:
    """The member whose figures ``user`` may read, with their org; NotFound otherwise."""
    member = db.session.get(Member, member_id, options=[joinedload(Member.org)])
    if member is None or not policy.can(user, "assessment.view", member):
        raise NotFound(_l("No such agent in your scope."))
    return member


def _cases(user: User, member: Member, start: date, end: date) -> list[ServiceCase]:
    visible = policy.scope(select(ServiceCase.id), user, ServiceCase)
    stmt = (
        select(ServiceCase)
        .where(
            ServiceCase.agent_member_id == member.id,
            ServiceCase.id.in_(visible),
            ServiceCase.done_on >= start,
            ServiceCase.done_on < end,
        )
        .options(lazyload(ServiceCase.parts))
        .order_by(ServiceCase.done_on.desc(), ServiceCase.id.desc())
    )
    return list(db.session.scalars(stmt).unique())


def _complaints(member: Member, start: date, end: date, *, own: bool) -> list[Complaint]:
    stmt = select(Complaint).where(
        Complaint.agent_member_id == member.id,
        Complaint.received_on >= start,
        Complaint.received_on < end,
    )
    if own:
        # The agent a complaint names never sees it while it is looked into (nor a dismissed
        # one): reading their own record, only the upheld ones their figures count.
        stmt = stmt.where(Complaint.finding.in_(UPHELD))
    stmt = stmt.order_by(Complaint.received_on.desc(), Complaint.id.desc())
    return list(db.session.scalars(stmt).unique())


def _shifts(member: Member, start: date, end: date) -> list[DutyShift]:
    stmt = (
        select(DutyShift)
        .join(DutyRota, DutyRota.id == DutyShift.rota_id)
        .where(
            DutyShift.member_id == member.id,
            DutyRota.status == RotaStatus.PUBLISHED,
            DutyShift.day >= start,
            DutyShift.day < end,
        )
        .options(joinedload(DutyShift.rota))
        .order_by(DutyShift.day.desc(), DutyShift.id.desc())
    )
    return list(db.session.scalars(stmt).unique())


def _trainings(member: Member, start: date, end: date) -> list[tuple[Training, TrainingAttendance]]:
    stmt = (
        select(TrainingAttendance, Training)
        .join(Training, Training.id == TrainingAttendance.training_id)
        .where(
            TrainingAttendance.member_id == member.id,
            Training.held_on >= start,
            Training.held_on < end,
        )
        .order_by(Training.held_on.desc(), Training.id.desc())
    )
    return [(t, a) for a, t in db.session.execute(stmt).unique()]


def agent_record(user: User, member: Member, q: Quarter, today: date | None = None) -> AgentRecord:
    """``member``'s last four quarters up to ``q`` and the rows behind them (a fixed number of
    queries); the cases listed are those ``user`` may list."""
    today = today or timeutil.today()
    quarters = q.last(4)
    start, end = quarters[-1].start, q.end
    awards = select(AgentAward).where(AgentAward.member_id == member.id)
    return AgentRecord(
        member=member,
        quarters=[(x, figures([member.id], x, today)[member.id]) for x in quarters],
        cases=_cases(user, member, start, end),
        complaints=_complaints(member, start, end, own=member.user_id == user.id),
        shifts=_shifts(member, start, end),
        trainings=_trainings(member, start, end),
        awards=list(
            db.session.scalars(
                awards.order_by(AgentAward.decided_on.desc(), AgentAward.id.desc())
            ).unique()
        ),
    )
