"""The 优秀 cap (rule: at most a share of a branch's members graded excellent each quarter): the
one computation that both the assess check refuses by and the pages state."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.appraisal.models import Appraisal, AppraisalPeriod, Grade
from app.common.locks import hold_row
from app.extensions import db
from app.orgs.models import Org, OrgKind
from app.orgs.tree import branch_org_ids


@dataclass(frozen=True)
class ExcellentCap:
    """The branch's cap for the quarter. ``total`` counts the members who will be graded: the
    branch's non-probationary records of the quarter, whatever their state (probationary
    members are reviewed, not graded). ``used`` counts those already excellent, without the
    record the figures were asked for (``excluding``), if any."""

    share: float
    total: int
    allowed: int
    used: int
    excluding: int | None = None

    def admits_one_more(self) -> bool:
        return self.used + 1 <= self.allowed

    def statement(self) -> str:
        """The figures in words, as every page shows them."""
        if self.excluding is not None:
            return _(
                "Excellent: at most %(allowed)d of the %(total)d members graded this quarter "
                "(the branch's full members, probationary members are not graded); "
                "%(used)d given to others.",
                allowed=self.allowed,
                total=self.total,
                used=self.used,
            )
        return _(
            "Excellent: at most %(allowed)d of the %(total)d members graded this quarter "
            "(the branch's full members, probationary members are not graded); %(used)d used.",
            allowed=self.allowed,
            total=self.total,
            used=self.used,
        )


def states_a_cap(org: Org) -> bool:
    """Whether a page about ``org`` can state one cap: the cap is per branch."""
    return org.kind in (OrgKind.BRANCH, OrgKind.GROUP)


def cap_share(period: AppraisalPeriod) -> float:
    share = period.excellent_cap
    if share is None:
        share = current_app.config.get("EXCELLENT_CAP", 1 / 3)
    return share


def lock_cap(org: Org) -> None:
    """Hold the cap of ``org``'s branch until commit: an assessor who grades excellent takes
    it before counting, so two grades for the last place are counted one after the other
    (PostgreSQL; SQLite serialises writers by itself). The branch's own row stands for its
    quarters' caps."""
    hold_row(Org, org.branch_id)


def excellent_cap(
    period: AppraisalPeriod, org: Org, *, excluding: int | None = None
) -> ExcellentCap:
    """The cap of the branch ``org`` counts with (a group counts with its branch) in
    ``period``; ``excluding`` leaves that record out of ``used`` (the record being graded).
    Three queries."""
    base = select(func.count(Appraisal.id)).where(
        Appraisal.period_id == period.id,
        Appraisal.org_id.in_(branch_org_ids(org)),
        Appraisal.is_probationary.is_(False),
    )
    total = db.session.scalar(base) or 0
    used_q = base.where(Appraisal.grade == Grade.EXCELLENT)
    if excluding is not None:
        used_q = used_q.where(Appraisal.id != excluding)
    used = db.session.scalar(used_q) or 0
    share = cap_share(period)
    allowed = math.floor(total * share + 1e-9)  # 0.29 × 100 is 28.999… in floating point
    return ExcellentCap(share, total, allowed, used, excluding)
