"""The overview page of a quarter for one org: an org with branches under it (the committee, a
general branch) as a summary by branch with drill-down links; a branch (or a party group), or
any org asked for its records, as a paginated list of read-only rows.

Read-only: Core rows of the needed columns, never ORM objects; a fixed number of queries
whatever the size of the quarter (the Excel summary keeps every row, see ``excel.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import aliased

from app import policy
from app.appraisal.labels import GRADE_LABELS, STATUS_LABELS
from app.appraisal.models import Appraisal, AppraisalPeriod, Grade
from app.appraisal.responsibility import Coverage, coverage_for_rows
from app.auth.models import User
from app.common.pagination import Page
from app.errors import PermissionDenied
from app.extensions import db
from app.orgs.models import Org, OrgKind
from app.orgs.tree import in_subtrees, org_labels
from app.roster.models import Member

PER_PAGE = 50


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

    def add(self, status: str, grade: str | None, probationary: bool, n: int) -> None:
        self.counts[status] = self.counts.get(status, 0) + n
        if grade is not None and not probationary:
            self.grades[grade] = self.grades.get(grade, 0) + n


@dataclass
class BranchRow:
    branch: Org
    tally: Tally
    can_open: bool


@dataclass
class OverviewPage:
    tally: Tally
    whole: bool  # the reader reads every record of the org (not a mentor's share)
    branches: list[BranchRow] | None = None  # the summary by branch, or else:
    page: Page | None = None  # the page of record rows
    org_names: dict[int, str] = field(default_factory=dict)
    coverage: dict[int, Coverage] = field(default_factory=dict)


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
) -> OverviewPage:
    """The overview of ``org``'s subtree in ``period`` as ``user`` may read it: a summary by
    branch when ``org`` holds branches (unless ``records`` or a ``status`` is asked for), else
    one page of the records, in ``status`` if given."""
    if not policy.can(user, "appraisal.overview", org):
        raise PermissionDenied(_l("This organisation is outside your scope."))

    def scoped(stmt: Select) -> Select:
        where = (Appraisal.period_id == period.id, in_subtrees(Appraisal.org_id, [org.path]))
        return policy.scope(stmt.where(*where), user, Appraisal)

    whole = any(org.path.startswith(p) for p in policy.subtrees(user, "appraisal.read_all"))
    if has_branches(org) and not records and not status:
        branches, tally = _by_branch(user, scoped)
        return OverviewPage(tally=tally, whole=whole, branches=branches)
    tally = _tally(scoped)
    total = tally.counts.get(status, 0) if status else tally.total
    out = OverviewPage(tally=tally, whole=whole, page=_rows(scoped, status, page, total))
    orgs = _orgs({r.org_id for r in out.page.items})
    out.org_names = org_labels(orgs.values())
    out.coverage = coverage_for_rows(
        period.year, period.quarter, [(r.id, r.member_id, orgs[r.org_id]) for r in out.page.items]
    )
    return out


def _grouped(stmt: Select, *keys: Any) -> Select:
    cols = (Appraisal.status, Appraisal.grade, Appraisal.is_probationary)
    return stmt.group_by(*keys, *cols)


def _tally(scoped) -> Tally:
    """States and grades of the whole selection: one grouped query."""
    cols = (Appraisal.status, Appraisal.grade, Appraisal.is_probationary, func.count())
    tally = Tally()
    for row in db.session.execute(_grouped(scoped(select(*cols)))):
        tally.add(*row)
    return tally


def _by_branch(user: User, scoped) -> tuple[list[BranchRow], Tally]:
    """Per branch (a group counts with its branch) the states and grades: one grouped query,
    and one for the branches' names."""
    o = aliased(Org)  # not the subtree filter's Org, which must not correlate with it
    branch_id = case((o.kind == OrgKind.GROUP.value, o.parent_id), else_=o.id)
    stmt = scoped(
        select(
            branch_id, Appraisal.status, Appraisal.grade, Appraisal.is_probationary, func.count()
        ).join(o, o.id == Appraisal.org_id)
    )
    tallies: dict[int, Tally] = {}
    total = Tally()
    for bid, *rest in db.session.execute(_grouped(stmt, branch_id)):
        tallies.setdefault(bid, Tally()).add(*rest)
        total.add(*rest)
    branches = sorted(_orgs(set(tallies)).values(), key=lambda b: b.path)
    rows = [
        BranchRow(b, tallies[b.id], policy.can(user, "appraisal.overview", b)) for b in branches
    ]
    return rows, total


def _rows(scoped, status: str, page: int, total: int) -> Page:
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
            )
        )
        .join(Member, Member.id == Appraisal.member_id)
        .order_by(Appraisal.org_id, Member.surname_strokes, Member.name_pinyin, Appraisal.id)
    )
    if status:
        stmt = stmt.where(Appraisal.status == status)
    items = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total)


def _orgs(ids: set[int]) -> dict[int, Org]:
    if not ids:
        return {}
    return {o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(ids)))}
