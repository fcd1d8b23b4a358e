"""The selection's rules outside the workflow tables: opening a round with its defaults,
nominating, and the lists the pages show (each in a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit, policy
from app.appraisal.models import AppraisalPeriod
from app.auth.models import User
from app.auth.names import named
from app.common import timeutil
from app.common.workdays import add_workdays, is_workday
from app.errors import FieldErrors, NotFound, PermissionDenied
from app.extensions import db
from app.orgs.models import Org, OrgKind, branch_id_of
from app.orgs.tree import org_labels, path_filter
from app.roster.models import Member
from app.selection.models import (
    Nomination,
    NominationStatus,
    QuotaMode,
    Rounding,
    SelectionRound,
    SelectionStep,
)
from app.selection.nomination_workflow import ACTIVE, NA, apply_nomination
from app.selection.quota import BranchQuota, branch_quota
from app.selection.ranking import Candidate, branch_sizes, candidates, mark_ties_at_cut
from app.selection.workflow import check_dates, lock_round

N = NominationStatus
NOTICE_WORKDAYS = 5  # our default length of the public notice, in working days
ROUND_KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)

# --- opening a round ----------------------------------------------------------------------------


def default_title(year: int) -> str:
    return str(_l('%(year)d年"七一"优秀共产党员评选', year=year))


def recent_closed_quarters(org: Org, n: int = 4) -> list[tuple[int, int]]:
    """The ``n`` most recent appraisal quarters closed for ``org``'s subtree (opened at the
    org, above it or inside it), oldest first."""
    rows = db.session.execute(
        select(AppraisalPeriod.year, AppraisalPeriod.quarter)
        .join(Org, Org.id == AppraisalPeriod.org_id)
        .where(
            AppraisalPeriod.is_closed,
            path_filter(Org.path, [org.path]) | Org.id.in_(org.ancestor_ids),
        )
        .distinct()
        .order_by(AppraisalPeriod.year.desc(), AppraisalPeriod.quarter.desc())
        .limit(n)
    ).all()
    return sorted((y, q) for y, q in rows)


def known_quarters(org: Org) -> list[tuple[int, int]]:
    """Every appraisal quarter opened for ``org``'s subtree, newest first (the form's choice)."""
    rows = db.session.execute(
        select(AppraisalPeriod.year, AppraisalPeriod.quarter)
        .join(Org, Org.id == AppraisalPeriod.org_id)
        .where(path_filter(Org.path, [org.path]) | Org.id.in_(org.ancestor_ids))
        .distinct()
        .order_by(AppraisalPeriod.year.desc(), AppraisalPeriod.quarter.desc())
    ).all()
    return [(y, q) for y, q in rows]


def default_dates(today: date) -> dict[str, date]:
    """Two weeks to nominate, one to review, then a notice of five working days."""
    nominations_due = today + timedelta(days=14)
    review_due = nominations_due + timedelta(days=7)
    notice_starts = add_workdays(review_due, 1)
    return {
        "nominations_due": nominations_due,
        "review_due": review_due,
        "notice_starts": notice_starts,
        "notice_ends": notice_end(notice_starts),
    }


def notice_end(starts: date, workdays: int = NOTICE_WORKDAYS) -> date:
    """The last day of a notice of ``workdays`` working days starting on ``starts``."""
    return add_workdays(starts, workdays - 1 if is_workday(starts) else workdays)


@dataclass
class RoundData:
    year: int
    title: str
    quarters: list[tuple[int, int]]
    quota_mode: str = QuotaMode.SHARE
    quota_value: float = 0.1
    quota_rounding: str = Rounding.ROUND
    dates: dict[str, date] = field(default_factory=dict)


def open_round(actor: User | None, org: Org, data: RoundData) -> SelectionRound:
    """The committee opens the year's selection for ``org``'s subtree. Audited.
    Raises PermissionDenied, FieldErrors naming each field at fault."""
    if actor is not None and not policy.can(actor, "selection.open", org):
        raise PermissionDenied(_l("Only the party committee opens a selection."))
    errors: dict[str, str] = {}
    if org.kind not in ROUND_KINDS:
        errors["org_id"] = str(_l("A selection is opened by a committee or general branch."))
    if not 2000 <= data.year <= 2100:
        errors["year"] = str(_l("Enter a year."))
    elif db.session.scalar(
        select(SelectionRound.id).where(
            SelectionRound.org_id == org.id, SelectionRound.year == data.year
        )
    ):
        errors["year"] = str(_l("This year's selection is already open here."))
    title = " ".join((data.title or "").split())[:100] or default_title(data.year)
    quarters = sorted({(int(y), int(q)) for y, q in data.quarters if 1 <= int(q) <= 4})
    if not quarters:
        errors["quarters"] = str(_l("Choose the appraisal quarters the selection reads."))
    if data.quota_mode not in set(QuotaMode):
        errors["quota_mode"] = str(_l("Choose how quotas are set."))
    elif data.quota_mode == QuotaMode.SHARE and not 0 < data.quota_value <= 1:
        errors["quota_value"] = str(_l("Give a share between 1% and 100%."))
    elif data.quota_mode == QuotaMode.COUNT and (
        data.quota_value != int(data.quota_value) or not 0 <= data.quota_value <= 1000
    ):
        errors["quota_value"] = str(_l("Give a whole number up to 1000."))
    if data.quota_rounding not in set(Rounding):
        errors["quota_rounding"] = str(_l("Choose how shares are rounded."))
    dates = {**default_dates(timeutil.today()), **{k: v for k, v in data.dates.items() if v}}
    errors.update(check_dates(dates))
    if errors:
        raise FieldErrors(errors)
    r = SelectionRound(
        org_id=org.id,
        org=org,
        year=data.year,
        title=title,
        quarters=[[y, q] for y, q in quarters],
        quota_mode=data.quota_mode,
        quota_value=float(data.quota_value),
        quota_rounding=data.quota_rounding,
        quota_overrides={},
        rules_off={},
        opened_by_id=getattr(actor, "id", None),
        **dates,
    )
    db.session.add(r)
    db.session.flush()
    audit.record(actor, "selection.open_round", r, org_path=org.path, year=data.year)
    return r


# --- finding things -----------------------------------------------------------------------------


def rounds_for(user: User) -> list[SelectionRound]:
    stmt = policy.scope(select(SelectionRound), user, SelectionRound)
    return list(db.session.scalars(stmt.order_by(SelectionRound.year.desc(), SelectionRound.id)))


def get_round(user: User, round_id: int) -> SelectionRound:
    r = db.session.get(SelectionRound, round_id)
    if r is None or not policy.can(user, "selection.view", r):
        raise NotFound(_l("No such selection in your scope."))
    return r


def get_nomination(user: User, nomination_id: int) -> Nomination:
    stmt = policy.scope(select(Nomination), user, Nomination).where(Nomination.id == nomination_id)
    n = db.session.scalar(stmt)
    if n is None:
        raise NotFound(_l("No such nomination in your scope."))
    return n


def get_branch(user: User, r: SelectionRound, branch_id: int) -> Org:
    """A branch inside the round whose candidates ``user`` may see (else NotFound)."""
    branch = db.session.get(Org, branch_id)
    if (
        branch is None
        or branch.branch_id != branch.id
        or not branch.is_within(r.org)
        or not policy.can(user, "selection.candidates", branch)
    ):
        raise NotFound(_l("No such branch in your scope."))
    return branch


def viewer_paths(user: User, r: SelectionRound) -> list[str]:
    """The subtrees of the round whose candidates ``user`` sees (all of it for the committee
    over it, one's own branches for a secretary)."""
    paths = policy.subtrees(user, "selection.read")
    if any(r.org.path.startswith(p) for p in paths):
        return [r.org.path]
    return [p for p in paths if p.startswith(r.org.path)]


# --- the lists ----------------------------------------------------------------------------------


@dataclass
class BranchRow:
    branch: Org
    label: str
    listed: int
    eligible: int
    quota: BranchQuota
    active: int  # nominations holding a place
    approved: int
    top: list[Candidate] = field(default_factory=list)

    @property
    def left(self) -> int:
        return max(0, self.quota.quota - self.active)


def branch_rows(user: User, r: SelectionRound, *, with_top: bool = False) -> list[BranchRow]:
    """Per branch the viewer sees: members listed, eligible, quota with its figures, places
    taken; with ``with_top`` the eligible candidates within quota (and ties at the line).
    A fixed number of queries whatever the number of members."""
    paths = viewer_paths(user, r)
    if not paths:
        return []
    sizes = branch_sizes(r, paths)
    if not sizes:
        return []
    branches = list(db.session.scalars(select(Org).where(Org.id.in_(sizes)).order_by(Org.path)))
    labels = org_labels(branches)
    counts: dict[int, dict[str, int]] = {}
    for branch_id, status, n in db.session.execute(
        select(Nomination.branch_id, Nomination.status, func.count())
        .where(Nomination.round_id == r.id, Nomination.branch_id.in_(sizes))
        .group_by(Nomination.branch_id, Nomination.status)
    ):
        counts.setdefault(branch_id, {})[status] = n
    rows = []
    for b in branches:
        listed, eligible, base = sizes[b.id]
        mine = counts.get(b.id, {})
        rows.append(
            BranchRow(
                branch=b,
                label=labels[b.id],
                listed=listed,
                eligible=eligible,
                quota=branch_quota(r, b, base),
                active=sum(mine.get(s, 0) for s in ACTIVE),
                approved=mine.get(N.APPROVED, 0),
            )
        )
    if with_top and rows:
        top = max(row.quota.quota for row in rows)
        found: dict[int, list[Candidate]] = {}
        for c in candidates(r, paths, top=top + 1):
            found.setdefault(c.branch_id, []).append(c)
        for row in rows:
            ranked = found.get(row.branch.id, [])
            mark_ties_at_cut(ranked, row.quota.quota)
            row.top = [
                c
                for c in ranked
                if c.rank is not None and (c.rank <= row.quota.quota or c.tie_at_cut)
            ]
    return rows


@dataclass
class BranchList:
    branch: Org
    quota: BranchQuota
    eligible: list[Candidate]
    excluded: list[Candidate]
    nominations: dict[int, Nomination]  # member id -> the branch's nomination of them
    active: int


def branch_list(user: User, r: SelectionRound, branch: Org) -> BranchList:
    """One branch's full ranked list, the excluded with their reasons, and its nominations."""
    rows = candidates(r, [branch.path], branch_id=branch.id)
    quota = branch_quota(r, branch)
    eligible = [c for c in rows if c.eligible]
    mark_ties_at_cut(eligible, quota.quota)
    noms = {
        n.member_id: n
        for n in db.session.scalars(
            select(Nomination).where(Nomination.round_id == r.id, Nomination.branch_id == branch.id)
        )
    }
    return BranchList(
        branch=branch,
        quota=quota,
        eligible=eligible,
        excluded=[c for c in rows if not c.eligible],
        nominations=noms,
        active=sum(1 for n in noms.values() if n.status in ACTIVE),
    )


def nominations_of(
    user: User, r: SelectionRound, statuses: tuple[str, ...] | None = None
) -> list[Nomination]:
    """The round's nominations the viewer may list, by branch and name."""
    stmt = (
        policy.scope(select(Nomination), user, Nomination)
        .join(Org, Org.id == Nomination.branch_id)
        .join(Member, Member.id == Nomination.member_id)
        .where(Nomination.round_id == r.id)
    )
    if statuses:
        stmt = stmt.where(Nomination.status.in_(statuses))
    return list(db.session.scalars(stmt.order_by(Org.path, Member.name_pinyin)))


def timeline(r: SelectionRound, user: User) -> list[tuple[SelectionStep, Nomination | None]]:
    """The round's steps, newest first, each with its nomination when it has one; the steps
    of nominations outside the viewer's branches are left out."""
    visible = policy.scope(select(Nomination.id), user, Nomination)
    rows = db.session.execute(
        select(SelectionStep, Nomination)
        .outerjoin(Nomination, Nomination.id == SelectionStep.nomination_id)
        .where(
            SelectionStep.round_id == r.id,
            SelectionStep.nomination_id.is_(None) | SelectionStep.nomination_id.in_(visible),
        )
        .order_by(SelectionStep.id.desc())
    ).all()
    steps = named(s for s, _n in rows)  # names, never logins
    return [(s, n) for s, (_s, n) in zip(steps, rows, strict=True)]


# --- nominating ---------------------------------------------------------------------------------


def own_member_ids(user: User) -> set[int]:
    """The roster entries of ``user`` themself (nobody nominates themselves)."""
    return set(db.session.scalars(select(Member.id).where(Member.user_id == user.id)))


def candidate_member(user: User, r: SelectionRound, member_id: int) -> tuple[Member, Org]:
    """The member and their branch, when the member is in the round and ``user`` may see the
    branch's candidates (else NotFound)."""
    missing = NotFound(_l("No such member in your scope."))
    m = db.session.get(Member, member_id)
    if m is None:
        raise missing
    org = db.session.get(Org, m.org_id)
    branch = db.session.get(Org, branch_id_of(org.id, org.kind, org.parent_id))
    if not org.is_within(r.org) or not policy.can(user, "selection.candidates", branch):
        raise missing
    return m, branch


def nominate(
    actor: User, r: SelectionRound, member: Member, branch: Org, data: dict[str, Any]
) -> Nomination:
    """The branch nominates ``member`` (again, after a withdrawal) with the reason, the deeds
    in one line and, for a flagged candidate, the explanation. Raises as ``apply_nomination``."""
    lock_round(r)  # a second nomination of the same member waits, then finds this one
    n = db.session.scalar(
        select(Nomination).where(Nomination.round_id == r.id, Nomination.member_id == member.id)
    )
    if n is not None and n.status != N.WITHDRAWN:
        raise FieldErrors({"member_id": str(_l("This member is already nominated in this round."))})
    if n is None:
        n = Nomination(round=r, member=member, branch=branch)
        db.session.add(n)
    else:
        n.branch = branch  # nominated again, maybe by the branch the member moved to
    db.session.flush()
    apply_nomination(n, NA.NOMINATE, actor, expected_version=n.version, data=data)
    return n
