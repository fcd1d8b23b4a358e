"""A quarter rolled up by branch: how many records are in each state, and which are unfinished.

A group's records count with its branch (``Org.branch_id``). Three queries whatever the size
of the quarter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from app import policy
from app.appraisal.labels import DEADLINE_LABELS
from app.appraisal.models import Appraisal, AppraisalPeriod, Status
from app.auth.models import User
from app.common import timeutil
from app.extensions import db
from app.orgs.models import Org

# States in which a record still waits for someone: closing the quarter now would freeze
# them half-done. An assessed record is finished (the spot check is optional).
UNFINISHED = (Status.DRAFT.value, Status.SUBMITTED.value, Status.SIGNED.value)


@dataclass
class BranchCounts:
    branch: Org
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def unfinished(self) -> dict[str, int]:
        """The unfinished states with their counts (only those with any)."""
        return {s: self.counts[s] for s in UNFINISHED if self.counts.get(s)}

    @property
    def unfinished_total(self) -> int:
        return sum(self.unfinished.values())


def branch_counts(period: AppraisalPeriod, user: User | None = None) -> list[BranchCounts]:
    """Records of ``period`` per branch and state, in tree order; with ``user``, only the
    records they may read (a mentor's mentees') of the branches whose overview they may open."""
    stmt = select(Appraisal.org_id, Appraisal.status, func.count()).where(
        Appraisal.period_id == period.id
    )
    if user is not None:
        stmt = policy.scope(stmt, user, Appraisal)
    rows = db.session.execute(stmt.group_by(Appraisal.org_id, Appraisal.status)).all()
    orgs = _orgs({r[0] for r in rows})
    missing = {orgs[org_id].branch_id for org_id, _s, _n in rows} - set(orgs)
    orgs.update(_orgs(missing))
    branches: dict[int, BranchCounts] = {}
    for org_id, status, n in rows:
        branch = orgs.get(orgs[org_id].branch_id) or orgs[org_id]
        if user is not None and not policy.can(user, "appraisal.overview", branch):
            continue
        counts = branches.setdefault(branch.id, BranchCounts(branch)).counts
        counts[status] = counts.get(status, 0) + n
    return sorted(branches.values(), key=lambda b: b.branch.path)


def unfinished_by_branch(period: AppraisalPeriod) -> list[BranchCounts]:
    """The branches of ``period`` with records still unfinished, in tree order."""
    return [b for b in branch_counts(period) if b.unfinished]


def _orgs(ids: set[int]) -> dict[int, Org]:
    if not ids:
        return {}
    return {o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(ids)))}


@dataclass
class Deadline:
    label: str
    due: date
    days_left: int  # negative once passed


def deadlines(period: AppraisalPeriod) -> list[Deadline]:
    """The quarter's four deadlines with the days left until each (in the configured zone),
    so closing early shows what is still running."""
    today = timeutil.today()
    steps = [
        (DEADLINE_LABELS["self_due"], period.self_due),
        (DEADLINE_LABELS["sign_due"], period.sign_due),
        (DEADLINE_LABELS["opinion_due"], period.opinion_due),
        (DEADLINE_LABELS["spot_due"], period.spot_due),
    ]
    return [Deadline(str(label), due, (due - today).days) for label, due in steps]
