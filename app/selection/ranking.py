"""The candidate list: every member of the round's subtree with the window's figures, who is
excluded or flagged by which rule, and the rank within the branch by the stated order.

Eligibility and the rank are computed in SQL (grouped subqueries and a RANK() window), so a
committee of 100,000 members costs the same few queries as a branch of thirty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, or_, select

from app.appraisal.models import Appraisal, Grade, Status
from app.appraisal.periods import quarter_bounds
from app.cases.stats import completed_summary
from app.extensions import db
from app.orgs.models import Org, OrgKind
from app.orgs.tree import path_filter
from app.roster.models import Member, Membership, PartyStatus, Sanction
from app.selection.models import SelectionRound
from app.selection.rules import RULES, active_rules

# Members who left the party's rolls are not candidates at all (not even listed as excluded).
GONE = (PartyStatus.EXPELLED, PartyStatus.TRANSFERRED_OUT, PartyStatus.DECEASED)
# In good standing: normal, or restored to it (恢复党籍), as the appraisal counts them.
GOOD_STANDING = (PartyStatus.NORMAL, PartyStatus.RESTORED)


@dataclass
class Candidate:
    member_id: int
    name: str
    gender: str
    birth_date: date
    joined_on: date | None
    job_title: str
    org_id: int
    branch_id: int
    records: int
    excellent: int
    confirmed: int
    exemplary: int
    cases_done: int
    rating: float | None
    eligible: bool
    rank: int | None  # among the branch's eligible members; equal figures share a rank
    reasons: list[str] = field(default_factory=list)  # the keys of the rules that exclude
    flags: list[str] = field(default_factory=list)  # the keys of the rules that flag
    missing: int = 0  # quarters of the window without a record
    open: int = 0  # records still open or closed without a grade
    tie_at_cut: bool = False  # shares the rank that the quota line cuts through


def window_filter(window: list[tuple[int, int]]):
    return or_(*(and_(Appraisal.year == y, Appraisal.quarter == q) for y, q in window))


def window_dates(window: list[tuple[int, int]]) -> tuple[date, date]:
    """The first day of the window's first quarter and the day after its last."""
    start = min(quarter_bounds(y, q)[0] for y, q in window)
    end = max(quarter_bounds(y, q)[1] for y, q in window)
    return start, end


def branch_of(org=Org):
    """SQL: the branch an org counts with (a party group's parent, else the org itself)."""
    return case((org.kind == OrgKind.GROUP, org.parent_id), else_=org.id)


def members_in(r: SelectionRound, paths: list[str]) -> Select:
    """The ids of the round's members inside the subtrees ``paths`` (the viewer's reach)."""
    return (
        select(Member.id)
        .join(Org, Org.id == Member.org_id)
        .where(
            path_filter(Org.path, [r.org.path]),
            path_filter(Org.path, paths),
            Member.party_status.not_in(GONE),
        )
    )


def _counted(cond):
    """SQL: how many rows of the group meet ``cond``."""
    return func.sum(case((cond, 1), else_=0))


def _zero(col):
    return func.coalesce(col, 0)


def _window_records(window: list[tuple[int, int]], ids: Select):
    """Per member among ``ids``: the window's records counted by what the ranking reads."""
    A = Appraisal
    return (
        select(
            A.member_id.label("member_id"),
            func.count(A.id).label("records"),
            _counted(A.grade == Grade.EXCELLENT).label("excellent"),
            _counted(A.grade == Grade.UNQUALIFIED).label("unqualified"),
            _counted(A.is_vetoed).label("vetoed"),
            _counted(
                or_(
                    A.status != Status.CLOSED,
                    and_(A.grade.is_(None), A.is_probationary.is_(False)),
                )
            ).label("open"),
            _counted(A.spot_result == "confirmed").label("confirmed"),
            _counted(A.is_exemplary).label("exemplary"),
        )
        .where(window_filter(window), A.member_id.in_(ids))
        .group_by(A.member_id)
        .subquery("window_records")
    )


def _exclusions(r: SelectionRound, apx) -> dict[str, ColumnElement[bool]]:
    """Each exclusion rule as a condition on the member and their window's records."""
    start, _end = window_dates(r.window)
    sanctioned = exists().where(
        Sanction.member_id == Member.id,
        Sanction.decided_on <= r.notice_ends,
        or_(Sanction.ends_on.is_(None), Sanction.ends_on >= start),
    )
    return {
        "veto": _zero(apx.c.vetoed) > 0,
        "unqualified": _zero(apx.c.unqualified) > 0,
        "probationary": Member.membership == Membership.PROBATIONARY,
        "standing": Member.party_status.not_in(GOOD_STANDING),
        "sanction": sanctioned,
    }


def _ranked(r: SelectionRound, paths: list[str]) -> Select:
    """One SELECT of every candidate with figures, eligibility, flags and rank."""
    ids = members_in(r, paths)
    apx = _window_records(r.window, ids)
    svc = completed_summary(ids, *window_dates(r.window))
    excludes = _exclusions(r, apx)
    active = active_rules(r)
    conds = [cond for key, cond in excludes.items() if key in active]
    eligible = case((or_(*conds), 0), else_=1) if conds else literal(1)
    incomplete = or_(_zero(apx.c.records) < len(r.window), _zero(apx.c.open) > 0)
    # Each rule's verdict comes back too, whether or not it applies (the page says both).
    verdicts = [case((cond, 1), else_=0).label(f"rule_{k}") for k, cond in excludes.items()]
    inner = (
        select(
            Member.id.label("member_id"),
            Member.name,
            Member.gender,
            Member.birth_date,
            Member.joined_on,
            Member.job_title,
            Member.org_id,
            Member.name_pinyin,
            branch_of().label("branch_id"),
            *(_zero(apx.c[k]).label(k) for k in _FIGURES),
            _zero(svc.c.cases_done).label("cases_done"),
            svc.c.rating,
            eligible.label("eligible"),
            case((incomplete, 1), else_=0).label("rule_incomplete"),
            *verdicts,
        )
        .join(Org, Org.id == Member.org_id)
        .outerjoin(apx, apx.c.member_id == Member.id)
        .outerjoin(svc, svc.c.member_id == Member.id)
        .where(Member.id.in_(ids))
        .subquery("candidates")
    )
    c = inner.c
    rank = func.rank().over(
        partition_by=(c.branch_id, c.eligible),
        order_by=(
            c.excellent.desc(),
            c.confirmed.desc(),
            c.exemplary.desc(),
            c.cases_done.desc(),
            func.coalesce(c.rating, 0).desc(),
        ),
    )
    return select(inner, rank.label("rank"))


_FIGURES = ("records", "excellent", "confirmed", "exemplary", "open")


def candidates(
    r: SelectionRound,
    paths: list[str],
    *,
    branch_id: int | None = None,
    member_id: int | None = None,
    member_ids: Select | None = None,
    top: int | None = None,
) -> list[Candidate]:
    """The round's candidates inside ``paths``: eligible ones by branch and rank, then the
    excluded. ``branch_id`` keeps one branch, ``member_id`` one member and ``member_ids`` (a
    select) some, each still ranked among all the others; ``top`` keeps, per branch, the
    eligible members ranked ``top`` or better (ties included). One query."""
    ranked = _ranked(r, paths).subquery("ranked")
    stmt = select(ranked)
    if member_id is not None:
        stmt = stmt.where(ranked.c.member_id == member_id)
    if member_ids is not None:
        stmt = stmt.where(ranked.c.member_id.in_(member_ids))
    if branch_id is not None:
        stmt = stmt.where(ranked.c.branch_id == branch_id)
    if top is not None:
        stmt = stmt.where(ranked.c.eligible == 1, ranked.c.rank <= top)
    stmt = stmt.order_by(
        ranked.c.branch_id, ranked.c.eligible.desc(), ranked.c.rank, ranked.c.name_pinyin
    )
    active = active_rules(r)
    rows = []
    for row in db.session.execute(stmt).mappings():
        eligible = bool(row["eligible"])
        rows.append(
            Candidate(
                member_id=row["member_id"],
                name=row["name"],
                gender=row["gender"],
                birth_date=row["birth_date"],
                joined_on=row["joined_on"],
                job_title=row["job_title"],
                org_id=row["org_id"],
                branch_id=row["branch_id"],
                records=row["records"],
                excellent=row["excellent"],
                confirmed=row["confirmed"],
                exemplary=row["exemplary"],
                cases_done=row["cases_done"],
                rating=float(row["rating"]) if row["rating"] is not None else None,
                eligible=eligible,
                rank=row["rank"] if eligible else None,
                reasons=[
                    k.key
                    for k in RULES
                    if k.effect == "exclude" and k.key in active and row[f"rule_{k.key}"]
                ],
                flags=["incomplete"] if "incomplete" in active and row["rule_incomplete"] else [],
                missing=max(0, len(r.window) - row["records"]),
                open=row["open"],
            )
        )
    return rows


def mark_ties_at_cut(rows: list[Candidate], quota: int) -> None:
    """Flag the eligible candidates whose shared rank the quota line cuts through (the
    branch chooses among them, and says why)."""
    eligible = [c for c in rows if c.eligible]
    if quota <= 0 or len(eligible) <= quota:
        return
    cut_rank = eligible[quota - 1].rank
    if eligible[quota].rank == cut_rank:
        for c in eligible:
            if c.rank == cut_rank:
                c.tie_at_cut = True


def branch_sizes(r: SelectionRound, paths: list[str]) -> dict[int, tuple[int, int, int]]:
    """Branch id -> (members listed, eligible, quota base) in the round inside ``paths``;
    the quota base counts the full members in good standing. One query."""
    ranked = _ranked(r, paths).subquery("ranked")
    full_normal = and_(ranked.c.rule_probationary == 0, ranked.c.rule_standing == 0)
    stmt = select(
        ranked.c.branch_id,
        func.count(),
        func.sum(ranked.c.eligible),
        func.sum(case((full_normal, 1), else_=0)),
    ).group_by(ranked.c.branch_id)
    return {b: (int(n), int(e or 0), int(q or 0)) for b, n, e, q in db.session.execute(stmt)}
