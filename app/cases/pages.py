"""What the staff's case pages show: my cases, a point's board, the case page with its
timeline, and the choices of the counter intake. Queries only; every list runs a fixed number
of them whatever the number of cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from app import policy
from app.auth.models import User
from app.auth.names import NamedStep, named
from app.cases.models import (
    OPEN_STATUSES,
    CaseStep,
    Deadlines,
    Evaluation,
    ServiceCase,
    Status,
)
from app.cases.models import Applicant as ApplicantRecord
from app.cases.workflow import days_left
from app.common import timeutil, versions
from app.common.crypto import decrypt
from app.common.idcard import mask_id, mask_phone
from app.common.pagination import Page
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.policy.cases import agent_point_ids
from app.policy.duty import staffed_points
from app.roster.models import Member
from app.roster.privacy import mask_address
from app.volunteers.models import ServiceItem

PER_PAGE = 30
STATE_ALL = "all"


# --- lists ------------------------------------------------------------------------------------


def late_clause(today: date):
    """``ServiceCase.is_overdue`` in SQL (a test holds the two together)."""
    return or_(
        and_(ServiceCase.status == Status.HANDLING, ServiceCase.due_on < today),
        and_(
            ServiceCase.status == Status.FOLLOW_UP,
            func.coalesce(ServiceCase.visit_due_on, ServiceCase.fix_due_on) < today,
        ),
        and_(ServiceCase.status == Status.DONE, ServiceCase.done_on > ServiceCase.due_on),
    )


def _due():
    """``ServiceCase.running_due`` in SQL, falling back to the promised date for ordering."""
    return case(
        (
            ServiceCase.status == Status.FOLLOW_UP,
            func.coalesce(ServiceCase.visit_due_on, ServiceCase.fix_due_on),
        ),
        else_=ServiceCase.due_on,
    )


def _filtered(stmt: Select, state: str, agent_id: int | None) -> Select:
    if state == STATE_ALL:
        pass
    elif state in {s.value for s in Status}:
        stmt = stmt.where(ServiceCase.status == state)
    else:
        stmt = stmt.where(ServiceCase.status.in_(OPEN_STATUSES))
    if agent_id:
        stmt = stmt.where(ServiceCase.agent_member_id == agent_id)
    return stmt


def _by_urgency(stmt: Select) -> Select:
    """Overdue first, then by due date (no date last), then the oldest."""
    due = _due()
    late_first = case((late_clause(timeutil.today()), 0), else_=1)
    return stmt.order_by(late_first, due.is_(None), due, ServiceCase.id)


@dataclass(frozen=True, slots=True)
class CaseRow(Deadlines):
    """One line of a case list, read as plain columns (``cases/_rows.html``)."""

    id: int
    number: str
    item_name: str
    kind: str | None
    applicant_name: str
    status: str
    due_on: date | None
    visit_due_on: date | None
    fix_due_on: date | None
    done_on: date | None
    point_name: str
    agent_name: str | None


def _case_rows(stmt: Select, page: int) -> Page:
    """One page of the cases ``stmt`` selects, in its order, as ``CaseRow``: the page's ids
    picked on the case table alone (one query), then those cases with their item, applicant,
    point and agent names (one query), and the count (one)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = min(max(1, page), 100_000)
    window = stmt.with_only_columns(ServiceCase.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ids = list(db.session.scalars(window))
    c = ServiceCase
    rows = (
        select(
            c.id,
            c.number,
            ServiceItem.name,
            c.kind,
            ApplicantRecord.name,
            c.status,
            c.due_on,
            c.visit_due_on,
            c.fix_due_on,
            c.done_on,
            ServicePoint.name,
            Member.name,
        )
        .join(ServiceItem, ServiceItem.id == c.item_id)
        .join(ApplicantRecord, ApplicantRecord.id == c.applicant_id)
        .join(ServicePoint, ServicePoint.id == c.service_point_id)
        .outerjoin(Member, Member.id == c.agent_member_id)
        .where(c.id.in_(ids))
    )
    found = {r[0]: CaseRow(*r) for r in db.session.execute(rows)}
    return Page([found[i] for i in ids if i in found], page, PER_PAGE, total or 0)


def my_cases(user: User, state: str = "", page: int = 1) -> Page:
    """The cases ``user`` holds or that sit at (or came from) the points they serve; for a
    secretary or the committee, those of the points they supervise. Open ones by default,
    overdue first, then by due date. Three queries."""
    stmt = policy.scope(select(ServiceCase), user, ServiceCase)
    return _case_rows(_by_urgency(_filtered(stmt, state, None)), page)


@dataclass
class Board:
    """A point's board: how many cases each agent holds in each state, and the rows."""

    sp: ServicePoint
    agents: list[tuple[int | None, str]]  # (member id or None: nobody yet, name)
    counts: dict[tuple[int | None, str], int]
    statuses: list[str]
    late: dict[int | None, int]
    rows: Page
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def get_point(user: User, sp_id: int) -> ServicePoint:
    """A point whose board ``user`` may see; NotFound otherwise."""
    sp = db.session.get(ServicePoint, sp_id)
    if sp is None or not policy.can(user, "case.board", sp):
        raise NotFound(_l("No such service point in your scope."))
    return sp


def board(
    user: User, sp: ServicePoint, state: str = "", agent_id: int | None = None, page: int = 1
):
    """Every open case owned by ``sp``, counted by state and agent, and a page of them (the
    rows filtered by ``state`` and ``agent_id``). Four queries."""
    base = policy.scope(select(ServiceCase), user, ServiceCase).where(
        ServiceCase.service_point_id == sp.id
    )
    today = timeutil.today()
    counted = (
        select(
            ServiceCase.agent_member_id,
            Member.name,
            ServiceCase.status,
            func.count(),
            func.sum(case((late_clause(today), 1), else_=0)),
        )
        .outerjoin(Member, Member.id == ServiceCase.agent_member_id)
        .where(ServiceCase.service_point_id == sp.id, ServiceCase.status.in_(OPEN_STATUSES))
        .group_by(ServiceCase.agent_member_id, Member.name, ServiceCase.status)
    )
    counted = policy.scope(counted, user, ServiceCase)
    agents: dict[int | None, str] = {}
    counts: dict[tuple[int | None, str], int] = {}
    late: dict[int | None, int] = {}
    by_status: dict[str, int] = {}
    for member_id, name, status, n, n_late in db.session.execute(counted):
        agents[member_id] = name or ""
        counts[(member_id, status)] = n
        late[member_id] = late.get(member_id, 0) + (n_late or 0)
        by_status[status] = by_status.get(status, 0) + n
    rows = _case_rows(_by_urgency(_filtered(base, state, agent_id)), page)
    ordered = sorted(agents.items(), key=lambda kv: (kv[0] is None, kv[1]))
    return Board(
        sp=sp,
        agents=ordered,
        counts=counts,
        statuses=[s.value for s in OPEN_STATUSES],
        late=late,
        rows=rows,
        total=sum(by_status.values()),
        by_status=by_status,
    )


def _points(user: User, action: str) -> list[ServicePoint]:
    """The active points where ``user`` may do ``action`` (a point-staff rule): the points
    they staff or supervise picked in SQL, each then checked by the rule itself."""
    stmt = (
        select(ServicePoint)
        .where(ServicePoint.is_active, ServicePoint.id.in_(staffed_points(user)))
        .options(joinedload(ServicePoint.org))
        .order_by(ServicePoint.level, ServicePoint.name)
    )
    return [sp for sp in db.session.scalars(stmt) if policy.can(user, action, sp)]


def board_points(user: User) -> list[tuple[int, str]]:
    """(id, name) of the active points whose board ``user`` may open (the links on my cases):
    the points they staff or supervise, which is the board rule (point staff) said in SQL; a
    county committee has hundreds, so they are read as rows, once per change of the network."""

    def compute() -> list[tuple[int, str]]:
        stmt = (
            select(ServicePoint.id, ServicePoint.name)
            .where(ServicePoint.is_active, ServicePoint.id.in_(staffed_points(user)))
            .order_by(ServicePoint.level, ServicePoint.name)
        )
        return [tuple(row) for row in db.session.execute(stmt)]

    return versions.cached(("points",), ("board_points", user.id, user.is_active), compute)


def can_intake(user: User) -> bool:
    """Whether ``user`` may register a case at any point: one query, once per change of the
    points, the tree or the grants (the home page and my cases ask on every view)."""

    def compute() -> bool:
        stmt = select(ServicePoint.id).where(
            ServicePoint.is_active, ServicePoint.id.in_(staffed_points(user))
        )
        return db.session.scalar(stmt.limit(1)) is not None

    return versions.cached(("points",), ("can_intake", user.id, user.is_active), compute)


# Who staffs or supervises which point changes with the points, the tree and the grants.
versions.watch("points", "service_point", "org", "role_grant")


# --- the case page ------------------------------------------------------------------------------


@dataclass
class Applicant:
    """The applicant as staff see them: phone, ID number and address masked."""

    name: str
    phone: str
    id_number: str
    village: str
    address: str


@dataclass
class CasePage:
    case: ServiceCase
    applicant: Applicant
    steps: list[NamedStep]
    evaluations: list[Evaluation]
    first_agent: str
    overdue: bool
    days_left: int | None
    today: date


def applicant_of(c: ServiceCase) -> Applicant:
    a = c.applicant
    return Applicant(
        name=a.name,
        phone=mask_phone(decrypt(a.phone_enc)) if a.phone_enc else "",
        id_number=mask_id(decrypt(a.id_number_enc)) if a.id_number_enc else "",
        village=a.village,
        address=mask_address(decrypt(a.address_enc)) if a.address_enc else "",
    )


def case_page(c: ServiceCase) -> CasePage:
    """What the case page and its printouts show of ``c`` (the caller checked the scope)."""
    today = timeutil.today()
    steps = db.session.scalars(
        select(CaseStep).where(CaseStep.case_id == c.id).order_by(CaseStep.id)
    ).all()
    evaluations = db.session.scalars(
        select(Evaluation).where(Evaluation.case_id == c.id).order_by(Evaluation.id)
    ).all()
    first = ""
    if c.first_agent_member_id and c.first_agent_member_id != c.agent_member_id:
        first = db.session.scalar(select(Member.name).where(Member.id == c.first_agent_member_id))
    return CasePage(
        case=c,
        applicant=applicant_of(c),
        steps=named(steps),
        evaluations=list(evaluations),
        first_agent=first or "",
        overdue=c.is_overdue(today),
        days_left=days_left(c, today),
        today=today,
    )


# --- intake -------------------------------------------------------------------------------------


def intake_points(user: User) -> list[ServicePoint]:
    """The active points where ``user`` may register a case, their own first."""
    own = agent_point_ids(user)
    return sorted(_points(user, "case.intake"), key=lambda sp: sp.id not in own)


def intake_items(user: User) -> list[ServiceItem]:
    """The published items of active orgs that ``user`` reaches in the catalogue (their
    orgs' and those of the levels above), with their org loaded. One query."""
    stmt = (
        select(ServiceItem)
        .join(Org, Org.id == ServiceItem.org_id)
        .where(
            ServiceItem.is_published,
            Org.is_active,
            policy.reach(ServiceItem.org_id, user, policy.reach_roles("volunteers.read")),
        )
        .options(contains_eager(ServiceItem.org))
        .order_by(ServiceItem.level, ServiceItem.category, ServiceItem.name)
    )
    return list(db.session.scalars(stmt))
