"""The overview page of a quarter for one org: an org with branches under it (the committee, a
general branch) as a summary by branch with drill-down links; a branch (or a party group), or
any org asked for its records, as a paginated list of read-only rows.

Read-only: Core rows of the needed columns, never ORM objects; a fixed number of queries
whatever the size of the quarter (the Excel summary keeps every row, see ``excel.py``). The
counts come from two indexed aggregates (states from (period, org, status), grades from the
quarter's figures index), and the summary by branch is kept per change of the appraisal's or
the roster's data (``app.common.versions``): a whole county's summary reads 97,000 records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from app import policy
from app.appraisal.labels import GRADE_LABELS, STATUS_LABELS
from app.appraisal.models import Appraisal, AppraisalPeriod, Grade
from app.appraisal.responsibility import coverage_for_rows
from app.auth.models import User
from app.common import versions
from app.common.pagination import Page
from app.errors import PermissionDenied
from app.extensions import db
from app.orgs.models import Org, OrgKind
from app.orgs.tree import in_subtrees, org_labels
from app.roster.models import Member

PER_PAGE = 50

# The summary reads the records (app/reports/figures.py registers the same tables for its
# figures; a table may belong to a topic twice without harm).
versions.watch("appraisal", "appraisal", "appraisal_step", "appraisal_period")
_BY_BRANCH_TOPICS = ("appraisal", "roster")
# An overview page: the records and quarters, the roster, and the key persons' talks and the
# checklists they are tagged against (the coverage of the records shown).
versions.watch("responsibility", "checklist_item")
PAGE_TOPICS = (*_BY_BRANCH_TOPICS, "responsibility")


@dataclass
class Tally:
    """Records per state, and the grades of the members who are graded (full members)."""

    counts: dict[str, int] = field(default_factory=dict)
    grades: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def excellent(self) -> int:
        return self.grades.get(Grade.EXCELLENT.value, 0)

    @property
    def graded(self) -> int:
        return sum(self.grades.values())

    def add_status(self, status: str, n: int) -> None:
        self.counts[status] = self.counts.get(status, 0) + n

    def add_grade(self, grade: str, n: int) -> None:
        self.grades[grade] = self.grades.get(grade, 0) + n


@dataclass(frozen=True)
class UnitRef:
    """The org a summary row names (plain values: the summary outlives the session)."""

    id: int
    name: str
    path: str


@dataclass
class SummaryRow:
    """One org one level below the page's org (or the page's org itself, for its own records),
    with the states and grades of everything under it."""

    unit: UnitRef
    tally: Tally
    can_open: bool


@dataclass(frozen=True)
class CoverageCount:
    """How many checklist items a record's talks and visits met, of how many (plain values:
    the page is kept beyond the session that read it)."""

    met: int
    total: int


@dataclass
class OverviewPage:
    tally: Tally
    whole: bool  # the reader reads every record of the org (not a mentor's share)
    branches: list[SummaryRow] | None = None  # the summary by the level below, or else:
    page: Page | None = None  # the page of record rows
    org_names: dict[int, str] = field(default_factory=dict)
    coverage: dict[int, CoverageCount] = field(default_factory=dict)


def has_branches(org: Org) -> bool:
    """Whether ``org`` holds branches (its page summarises by branch)."""
    return org.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)


def labels() -> dict[str, dict[str, str]]:
    """The state and grade labels, translated once for the page."""
    return {
        "status_names": {k: str(v) for k, v in STATUS_LABELS.items()},
        "grade_names": {k: str(v) for k, v in GRADE_LABELS.items()},
    }


def overview_page(
    user: User,
    period: AppraisalPeriod,
    org: Org,
    *,
    status: str = "",
    records: bool = False,
    page: int = 1,
    q: str = "",
    sampled: str = "",
) -> OverviewPage:
    """The overview of ``org``'s subtree in ``period`` as ``user`` may read it: a summary by
    branch when ``org`` holds branches (unless ``records``, a ``status``, a search or the
    sample is asked for), else one page of the records, in ``status`` if given, whose member's
    name holds ``q``, drawn for the spot check when ``sampled`` ("drawn": all of the sample,
    "open": those not checked yet). The counts are always the whole org's (the progress)."""
    if not policy.can(user, "appraisal.overview", org):
        raise PermissionDenied(_l("This organisation is outside your scope."))

    def scoped(stmt: Select) -> Select:
        where = (Appraisal.period_id == period.id, in_subtrees(Appraisal.org_id, [org.path]))
        return policy.scope(stmt.where(*where), user, Appraisal)

    whole = any(org.path.startswith(p) for p in policy.subtrees(user, "appraisal.read_all"))
    q = " ".join((q or "").split())[:64]
    sampled = sampled if sampled in SAMPLED else ""
    if has_branches(org) and not (records or status or q or sampled):
        branches, tally = _by_branch(user, period, org, scoped)
        return OverviewPage(tally=tally, whole=whole, branches=branches)
    if q:  # a search is answered each time (its text stays out of the kept keys)
        return _records_page(user, period, org, scoped, whole, status, page, q, sampled)
    # A page of records is kept per change of the records, the roster (names, orgs, grants)
    # or the key persons' talks (the coverage column), for the reader and the page asked.
    key = ("appraisal.overview", user.id, user.is_active, period.id, org.id, status, page, sampled)
    return versions.cached(
        PAGE_TOPICS,
        key,
        lambda: _records_page(user, period, org, scoped, whole, status, page, q, sampled),
    )


def _records_page(
    user: User,
    period: AppraisalPeriod,
    org: Org,
    scoped,
    whole: bool,
    status: str,
    page: int,
    q: str,
    sampled: str,
) -> OverviewPage:
    """One page of the records asked for, with the org's tally and the rows' coverage."""
    tally = _tally(scoped, period)
    filters = _filters(status, q, sampled)
    if q or sampled:  # one count of the rows asked for; the tally counts the whole org
        counted = select(func.count()).select_from(Appraisal)
        total = db.session.scalar(
            scoped(counted).join(Member, Member.id == Appraisal.member_id).where(*filters)
        )
    else:
        total = tally.counts.get(status, 0) if status else tally.total
    out = OverviewPage(tally=tally, whole=whole, page=_rows(scoped, filters, page, total or 0))
    orgs = _orgs({r.org_id for r in out.page.items})
    out.org_names = org_labels(orgs.values())
    rows = [(r.id, r.member_id, orgs[r.org_id]) for r in out.page.items]
    out.coverage = {
        record_id: CoverageCount(c.met, c.total)
        for record_id, c in coverage_for_rows(period.year, period.quarter, rows).items()
    }
    return out


def _status_counts(scoped, *keys: Any) -> Select:
    """Records per (``keys``, state): read from the (period, org, status) index alone."""
    return scoped(select(*keys, Appraisal.status, func.count())).group_by(*keys, Appraisal.status)


def _grade_counts(scoped, period: AppraisalPeriod, *keys: Any) -> Select:
    """Graded full members per (``keys``, grade). Naming the quarter lets the quarter-figures
    index pick the graded records (under half of a busy quarter) before any row is read."""
    stmt = scoped(select(*keys, Appraisal.grade, func.count())).where(
        Appraisal.year == period.year,
        Appraisal.quarter == period.quarter,
        Appraisal.grade.is_not(None),
        Appraisal.is_probationary.is_(False),
    )
    return stmt.group_by(*keys, Appraisal.grade)


def _tally(scoped, period: AppraisalPeriod) -> Tally:
    """States and grades of the whole selection: two grouped queries."""
    tally = Tally()
    for status, n in db.session.execute(_status_counts(scoped)):
        tally.add_status(status, n)
    for grade, n in db.session.execute(_grade_counts(scoped, period)):
        tally.add_grade(grade, n)
    return tally


def _by_branch(
    user: User, period: AppraisalPeriod, org: Org, scoped
) -> tuple[list[SummaryRow], Tally]:
    """The summary by branch, computed once per change of the appraisal's or the roster's data
    (the orgs and role grants are the roster's) for each reader, period and org."""
    key = ("appraisal_by_branch", user.id, user.is_active, period.id, org.id)
    return versions.cached(
        _BY_BRANCH_TOPICS, key, lambda: _compute_by_branch(user, period, org, scoped)
    )


def _compute_by_branch(
    user: User, period: AppraisalPeriod, top: Org, scoped
) -> tuple[list[SummaryRow], Tally]:
    """The states and grades per org one level below ``top`` (a county committee's townships,
    a township's branches; ``top`` itself for its own records): a group counts with its
    branch, a branch with the org above it under ``top``. Two grouped queries by org and two
    for the orgs, whatever the number of branches; each row opens that org's own overview."""
    by_org: dict[int, Tally] = {}
    for org_id, status, n in db.session.execute(_status_counts(scoped, Appraisal.org_id)):
        by_org.setdefault(org_id, Tally()).add_status(status, n)
    for org_id, grade, n in db.session.execute(_grade_counts(scoped, period, Appraisal.org_id)):
        by_org.setdefault(org_id, Tally()).add_grade(grade, n)
    orgs = _orgs(set(by_org))
    depth = len(top.path.strip("/").split("/"))

    def unit_of(o: Org) -> int:
        ids = o.path.strip("/").split("/")
        return int(ids[depth]) if len(ids) > depth else top.id

    unit_of_org = {i: unit_of(o) for i, o in orgs.items()}
    orgs.update(_orgs(set(unit_of_org.values()) - set(orgs)))
    tallies: dict[int, Tally] = {}
    total = Tally()
    for org_id, t in by_org.items():
        unit = tallies.setdefault(unit_of_org[org_id], Tally())
        for target in (unit, total):
            for status, n in t.counts.items():
                target.add_status(status, n)
            for grade, n in t.grades.items():
                target.add_grade(grade, n)
    units = sorted((orgs[u] for u in tallies), key=lambda u: u.path)
    rows = [
        SummaryRow(
            UnitRef(u.id, u.name, u.path),
            tallies[u.id],
            policy.can(user, "appraisal.overview", u),
        )
        for u in units
    ]
    return rows, total


# The sample filter: every record drawn for the spot check, or those not checked yet (what the
# committee's inbox counts).
SAMPLED = ("drawn", "open")


def _filters(status: str, q: str, sampled: str) -> list[Any]:
    """The conditions on the listed rows (the member joined as ``Member``)."""
    out: list[Any] = []
    if status:
        out.append(Appraisal.status == status)
    if q and q.isascii() and q.replace(" ", "").isalpha():
        # Pinyin, as the roster's search reads it: "zhm" or "zhanghong" finds 张红梅.
        low = q.lower().replace(" ", "")
        out.append(
            or_(
                Member.name_initials.startswith(low, autoescape=True),
                Member.name_pinyin.startswith(low, autoescape=True),
            )
        )
    elif q:
        out.append(Member.name.contains(q, autoescape=True))
    if sampled:
        out.append(Appraisal.is_sampled.is_(True))
    if sampled == "open":
        out.append(Appraisal.spot_result.is_(None))
    return out


def _rows(scoped, filters: list[Any], page: int, total: int) -> Page:
    """One page of read-only record rows, in org then stroke order."""
    per_page = PER_PAGE
    page = min(max(1, page), max(1, -(-total // per_page)))
    stmt = (
        scoped(
            select(
                Appraisal.id,
                Appraisal.member_id,
                Appraisal.org_id,
                Member.name,
                Appraisal.status,
                Appraisal.grade,
                Appraisal.is_probationary,
                Appraisal.is_vetoed,
                Appraisal.is_sampled,
                Appraisal.is_exemplary,
                Appraisal.version,  # a batch form names the version each row showed
            )
        )
        .join(Member, Member.id == Appraisal.member_id)
        .order_by(Appraisal.org_id, Member.surname_strokes, Member.name_pinyin, Appraisal.id)
    )
    if filters:
        stmt = stmt.where(*filters)
    items = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total)


def _orgs(ids: set[int]) -> dict[int, Org]:
    if not ids:
        return {}
    return {o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(ids)))}
