"""A candidate's evidence, one click from every list: the window's quarters (grade, opinions,
veto, spot check, exemplary mark), the service cases completed, the disciplinary sanctions,
and the nomination with its objections."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app import policy
from app.appraisal.models import Appraisal
from app.auth.models import User
from app.cases.stats import CompletedCase, completed_cases
from app.extensions import db
from app.network.assessment import Figures
from app.network.assessment import Quarter as AgentQuarter
from app.network.assessment_member import member_figures
from app.orgs.models import Org
from app.roster.models import Member, Sanction
from app.selection.models import Nomination, Objection, SelectionRound
from app.selection.ranking import Candidate, candidates, window_dates, window_filter


@dataclass
class Quarter:
    year: int
    quarter: int
    record: Appraisal | None  # None: no record for this quarter, or one the viewer may not read
    elsewhere: bool = False  # a record kept by an organisation outside the viewer's scope

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"


@dataclass
class Evidence:
    member: Member
    candidate: Candidate | None
    quarters: list[Quarter]
    cases: list[CompletedCase]
    sanctions: list[Sanction]
    nomination: Nomination | None
    objections: list[Objection]
    # The window's quarters as an agent (app/network/assessment.py), those with any fact.
    agent: list[tuple[Quarter, Figures]] = field(default_factory=list)


def evidence(user: User, r: SelectionRound, member: Member, branch: Org) -> Evidence:
    """Everything the selection reads about ``member`` in round ``r`` (a fixed few queries).
    The window's records are shown as the appraisal shows them to ``user``: one kept by an
    organisation outside their scope (before a transfer) is counted but not opened."""
    found = candidates(r, [branch.path], member_id=member.id)
    mine = select(Appraisal).where(Appraisal.member_id == member.id, window_filter(r.window))
    visible = set(
        db.session.scalars(policy.scope(mine, user, Appraisal).with_only_columns(Appraisal.id))
    )
    records = {(a.year, a.quarter): a for a in db.session.scalars(mine)}
    start, end = window_dates(r.window)
    sanctions = list(
        db.session.scalars(
            select(Sanction)
            .where(Sanction.member_id == member.id)
            .order_by(Sanction.decided_on.desc())
        )
    )
    nomination = db.session.scalar(
        select(Nomination).where(Nomination.round_id == r.id, Nomination.member_id == member.id)
    )
    objections = (
        list(
            db.session.scalars(
                select(Objection)
                .where(Objection.nomination_id == nomination.id)
                .order_by(Objection.id)
            )
        )
        if nomination
        else []
    )
    return Evidence(
        member=member,
        candidate=found[0] if found else None,
        quarters=[_quarter(y, q, records.get((y, q)), visible) for y, q in r.window],
        cases=completed_cases(member.id, start, end),
        sanctions=sanctions,
        nomination=nomination,
        objections=objections,
        agent=_agent_quarters(member, r.window),
    )


def _agent_quarters(member: Member, window) -> list[tuple[Quarter, Figures]]:
    """One query per quarter of the window (a fixed few)."""
    out = []
    for y, q in window:
        found = member_figures(member.id, AgentQuarter(y, q))
        if found is not None:
            out.append((Quarter(y, q, None), found))
    return out


def _quarter(year: int, quarter: int, record: Appraisal | None, visible: set[int]) -> Quarter:
    if record is not None and record.id not in visible:
        return Quarter(year, quarter, None, elsewhere=True)
    return Quarter(year, quarter, record)
