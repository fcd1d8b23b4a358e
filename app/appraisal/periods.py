"""Appraisal periods: opening a quarter (its records in one INSERT … SELECT), adding the
missing records, which quarters a user sees and the records drawn for the spot check.
Closing a quarter lives in app/appraisal/closing.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, String, and_, case, func, insert, literal, or_, select, update

from app import audit, policy
from app.appraisal.checklists import ensure_defaults
from app.appraisal.dimensions import templates_for
from app.appraisal.models import Appraisal, AppraisalPeriod, Status
from app.auth.models import User
from app.errors import Conflict, FieldErrors, PermissionDenied
from app.extensions import db
from app.orgs.models import Org, OrgKind
from app.orgs.services import scoped_orgs
from app.orgs.tree import path_filter
from app.roster.models import Member

# Members who are appraised: those in good standing (retained, suspended, expelled,
# transferred-out and deceased members are not).
APPRAISED_STATUSES = ("normal", "restored")


@dataclass
class Deadlines:
    self_due: date
    sign_due: date
    opinion_due: date
    spot_due: date


def default_deadlines(today: date) -> tuple[int, int, Deadlines]:
    """The current quarter (year, quarter) and the usual deadlines around its end: the
    self-record the day before, sign-off a week, the branch opinion two and the spot
    check three and a half weeks after."""
    quarter = (today.month - 1) // 3 + 1
    _start, end = quarter_bounds(today.year, quarter)
    return (
        today.year,
        quarter,
        Deadlines(
            end - timedelta(days=1),
            end + timedelta(days=6),
            end + timedelta(days=14),
            end + timedelta(days=24),
        ),
    )


def period_orgs(user: User) -> list[Org]:
    """The committees and general branches where ``user`` opens quarters and edits the
    dimensions, in tree order."""
    return [
        o
        for o in scoped_orgs(user, kinds=("committee", "general_branch"))
        if policy.can(user, "appraisal.manage_periods", o)
    ]


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, end


def open_period(
    actor: User | None, org: Org, year: int, quarter: int, deadlines: Deadlines
) -> AppraisalPeriod:
    """Open a quarter for ``org``'s subtree: one appraisal per member in good standing.

    Members who already have a record for the quarter (moved in from a subtree that opened it
    first) keep theirs. Inserted in bulk. Audited.
    """
    if actor is not None and not policy.can(actor, "appraisal.manage_periods", org):
        raise PermissionDenied(_l("Only the party committee opens appraisal periods."))
    errors = {}
    if not 1 <= quarter <= 4:
        errors["quarter"] = str(_l("Choose a quarter."))
    if not 2000 <= year <= 2100:
        errors["year"] = str(_l("Enter a year."))
    order = [deadlines.self_due, deadlines.sign_due, deadlines.opinion_due, deadlines.spot_due]
    if order != sorted(order):
        errors["opinion_due"] = str(_l("Each step's deadline must follow the previous one."))
    exists = db.session.scalar(
        select(AppraisalPeriod.id).where(
            AppraisalPeriod.org_id == org.id,
            AppraisalPeriod.year == year,
            AppraisalPeriod.quarter == quarter,
        )
    )
    if exists:
        errors["quarter"] = str(_l("This quarter is already open here."))
    if errors:
        raise FieldErrors(errors)
    period = AppraisalPeriod(
        org_id=org.id,
        year=year,
        quarter=quarter,
        self_due=deadlines.self_due,
        sign_due=deadlines.sign_due,
        opinion_due=deadlines.opinion_due,
        spot_due=deadlines.spot_due,
        templates=templates_for(org),
        opened_by_id=getattr(actor, "id", None),
    )
    db.session.add(period)
    db.session.flush()
    ensure_defaults(org)  # the 三必清 / 三必访 / 四必谈 lists its records' talks are tagged with
    # Only the inserting half of add_missing_records: a new period has no drafts that could
    # lag behind their members, every record it gets is written from their current values.
    created = _insert_missing(period)
    audit.record(actor, "appraisal.open_period", org, year=year, quarter=quarter, records=created)
    return period


def add_missing_records(period: AppraisalPeriod) -> int:
    """Create the records of eligible members who have none for the quarter (new members,
    transfers in). A draft follows its member (new org inside the subtree, full membership,
    post kind) until it is submitted. Returns how many were created. Raises Conflict when the
    period is closed."""
    if period.is_closed:
        raise Conflict(_l("The period is closed; the record is read-only."))
    created = _insert_missing(period)
    _sync_drafts(period)
    return created


def _insert_missing(period: AppraisalPeriod) -> int:
    # One INSERT … SELECT: the rows never travel through Python. A member holding a record
    # for the quarter anywhere (moved in from a subtree that opened it first) keeps it.
    has_record = (
        select(Appraisal.id)
        .where(
            Appraisal.member_id == Member.id,
            Appraisal.year == period.year,
            Appraisal.quarter == period.quarter,
        )
        .exists()
    )
    values = {
        "period_id": literal(period.id),
        "member_id": Member.id,
        "org_id": Member.org_id,
        "year": literal(period.year),
        "quarter": literal(period.quarter),
        "status": literal(Status.DRAFT.value, String),
        "is_probationary": Member.membership == "probationary",
        "post_kind": Member.post_kind,
        "self_record": literal({}, JSON),
        "record_revision": literal(0),
        "version": literal(1),
    }
    rows = (
        select(*values.values())
        .join(Org, Org.id == Member.org_id)
        .where(
            path_filter(Org.path, [period.org.path]),
            Member.party_status.in_(APPRAISED_STATUSES),
            ~has_record,
        )
    )
    # SQLAlchemy reports an INSERT's row count only when asked to keep it (psycopg gives -1).
    stmt = insert(Appraisal).from_select(list(values), rows)
    return db.session.execute(stmt.execution_options(preserve_rowcount=True)).rowcount


def _sync_drafts(period: AppraisalPeriod) -> None:
    # Drafts follow their member: a transfer inside the subtree, full membership, post kind.
    # One UPDATE … FROM, touching (and versioning) only the drafts that actually change.
    probationary = Member.membership == "probationary"
    moved_inside = and_(
        Appraisal.org_id != Member.org_id,
        Member.org_id.in_(select(Org.id).where(path_filter(Org.path, [period.org.path]))),
    )
    db.session.execute(
        update(Appraisal)
        .where(
            Appraisal.member_id == Member.id,
            Appraisal.period_id == period.id,
            Appraisal.status == Status.DRAFT,
            or_(
                moved_inside,
                Appraisal.post_kind != Member.post_kind,
                Appraisal.is_probationary != probationary,
            ),
        )
        .values(
            org_id=case((moved_inside, Member.org_id), else_=Appraisal.org_id),
            is_probationary=probationary,
            post_kind=Member.post_kind,
            version=Appraisal.version + 1,
        )
        .execution_options(synchronize_session="fetch")
    )


def periods_for(user: User) -> list[AppraisalPeriod]:
    stmt = (
        select(AppraisalPeriod)
        .join(Org, Org.id == AppraisalPeriod.org_id)
        .order_by(AppraisalPeriod.year.desc(), AppraisalPeriod.quarter.desc(), Org.path)
    )
    paths = policy.subtrees(user, "appraisal.read")
    return [p for p in db.session.scalars(stmt) if _meets(p.org.path, paths)]


def period_visible(user: User, period: AppraisalPeriod) -> bool:
    """Whether ``user`` may open the quarter's page (as ``periods_for`` lists it)."""
    return _meets(period.org.path, policy.subtrees(user, "appraisal.read"))


def _meets(path: str, paths: list[str]) -> bool:
    # A period is visible to anyone whose scope meets its subtree (above or below it).
    return any(path.startswith(x) or x.startswith(path) for x in paths)


def closed_by_name(period: AppraisalPeriod) -> str:
    """The name of who closed the quarter ("" while open, or for a closing recorded before
    the period kept it)."""
    if period.closed_by_id is None:
        return ""
    row = db.session.execute(
        select(User.display_name, User.username).where(User.id == period.closed_by_id)
    ).first()
    return (row.display_name or row.username) if row else ""


def drawn_count(period: AppraisalPeriod) -> int:
    """How many records of the quarter were drawn for the spot check: one query."""
    stmt = select(func.count()).where(Appraisal.period_id == period.id, Appraisal.is_sampled)
    return db.session.scalar(stmt) or 0


@dataclass(frozen=True)
class DrawnRow:
    """A record drawn for the spot check, as the sample page lists it."""

    id: int
    name: str
    branch: str
    group: str  # the party group under the branch, or ""
    status: str
    grade: str | None
    is_vetoed: bool
    spot_result: str | None


def drawn_records(user: User, period: AppraisalPeriod) -> list[DrawnRow]:
    """The records of ``period`` drawn for the spot check that ``user`` may read, with their
    branch, in tree then stroke order: two queries (the rows, then the branches of groups)."""
    stmt = policy.scope(
        select(
            Appraisal.id,
            Member.name,
            Org.id,
            Org.name,
            Org.kind,
            Org.parent_id,
            Appraisal.status,
            Appraisal.grade,
            Appraisal.is_vetoed,
            Appraisal.spot_result,
        )
        .join(Member, Member.id == Appraisal.member_id)
        .join(Org, Org.id == Appraisal.org_id)
        .where(Appraisal.period_id == period.id, Appraisal.is_sampled)
        .order_by(Org.path, Member.surname_strokes, Member.name_pinyin, Appraisal.id),
        user,
        Appraisal,
    )
    rows = db.session.execute(stmt).all()
    parents = {r[5] for r in rows if r[4] == OrgKind.GROUP and r[5]}
    names = (
        dict(db.session.execute(select(Org.id, Org.name).where(Org.id.in_(parents))).all())
        if parents
        else {}
    )
    out = []
    for aid, name, _oid, org_name, kind, parent_id, status, grade, vetoed, result in rows:
        in_group = kind == OrgKind.GROUP and parent_id in names
        branch = names[parent_id] if in_group else org_name
        out.append(
            DrawnRow(aid, name, branch, org_name if in_group else "", status, grade, vetoed, result)
        )
    return out
