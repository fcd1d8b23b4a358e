"""The named rules of supervision (plan 三.2 监督投诉 … 责任追究, 四.2 督查通报), and the scopes of
complaints, inspections and accountability records.

- Complaints: the staff of a point (its agents, the secretaries and committee over it) take one
  in at the counter; the secretaries and committee over the point, and the handler named, see
  it and take its steps. The agent a complaint names never sees it, handles it or decides it.
- Inspections: the committee, and the secretary of a general branch for its own subtree, hold
  one; those over an inspected point (its agents, the secretaries over it) see its findings
  there, and the secretaries over the point record the rectification.
- Accountability records: the committee over the person only (not their branch secretary,
  not the person).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, or_, select

from app.auth.models import Role, User
from app.extensions import db
from app.network.models import Accountability, Complaint, Inspection, InspectionFinding
from app.orgs.models import Org, OrgKind, ServicePoint
from app.orgs.tree import in_subtrees
from app.policy.cases import SUPERVISORS, agent_point_ids, point_staff
from app.policy.core import covers, grants_of, has_role, rule, scope_paths
from app.policy.scopes import scopes
from app.roster.models import Member

COMMITTEE = (Role.COMMITTEE,)


def own_member_id(user: User) -> int | None:
    """The roster record linked to ``user``'s login, if any."""
    return db.session.scalar(select(Member.id).where(Member.user_id == user.id))


def is_accused(user: User, c: Any) -> bool:
    """``user`` is the agent the complaint names."""
    agent_id = getattr(c, "agent_member_id", None)
    return agent_id is not None and own_member_id(user) == agent_id


def _supervises_point(user: User, sp: Any) -> bool:
    return sp is not None and covers(user, sp.org, SUPERVISORS)


def may_handle(user: User, c: Any) -> bool:
    """May be named a complaint's handler: a secretary or the committee over its point, and
    not the agent it names."""
    return _supervises_point(user, c.service_point) and not is_accused(user, c)


def _reader(user: User, c: Any) -> bool:
    if is_accused(user, c):
        return False
    is_handler = c.handler_id is not None and c.handler_id == user.id
    return is_handler or _supervises_point(user, c.service_point)


# --- complaints ---------------------------------------------------------------------------------


@rule("complaint.list")
def _complaint_list(user: User, target: Any) -> bool:
    return has_role(user, *SUPERVISORS)


@rule("complaint.view")
def _complaint_view(user: User, c: Any) -> bool:
    return _reader(user, c)


@rule("complaint.intake")
def _complaint_intake(user: User, sp: Any) -> bool:
    return sp is not None and sp.is_active and point_staff(user, sp)


@rule("complaint.register")
def _complaint_register(user: User, c: Any) -> bool:
    return point_staff(user, c.service_point) and not is_accused(user, c)


@rule("complaint.assign")
def _complaint_assign(user: User, c: Any) -> bool:
    return may_handle(user, c)


for _step in ("uphold", "dismiss", "close"):
    # The handler or a supervisor of the point decides; never the agent complained about.
    rule(f"complaint.{_step}")(_reader)


@rule("complaint.reveal_phone")
def _complaint_reveal_phone(user: User, c: Any) -> bool:
    return _reader(user, c)


@scopes(Complaint)
def _complaints(stmt: Select, user: Any) -> Select:
    paths = scope_paths(user, SUPERVISORS)
    conds = [Complaint.handler_id == user.id]
    if paths:
        in_orgs = select(ServicePoint.id).where(in_subtrees(ServicePoint.org_id, paths))
        conds.append(Complaint.service_point_id.in_(in_orgs))
    mine = own_member_id(user)
    stmt = stmt.where(or_(*conds))
    if mine is not None:
        stmt = stmt.where(
            or_(Complaint.agent_member_id.is_(None), Complaint.agent_member_id != mine)
        )
    return stmt


# --- inspections --------------------------------------------------------------------------------


def _general_branch_paths(user: User) -> list[str]:
    return [
        g.org.path
        for g in grants_of(user, [Role.BRANCH_SECRETARY])
        if g.org.kind == OrgKind.GENERAL_BRANCH
    ]


def inspection_paths(user: User) -> list[str]:
    """The subtrees whose inspections ``user`` holds: the committee's, and a general branch's
    for its secretary (plan 四.2: 各党(工)委、总支 inspect their own service points)."""
    return sorted({*scope_paths(user, COMMITTEE), *_general_branch_paths(user)})


def _holds(user: User, org: Any) -> bool:
    return org is not None and any(org.path.startswith(p) for p in inspection_paths(user))


def over_point(user: User, sp: Any) -> bool:
    """An agent of the point, or a secretary or the committee over it."""
    return point_staff(user, sp)


@rule("inspection.list")
def _inspection_list(user: User, target: Any) -> bool:
    return bool(inspection_paths(user)) or has_role(user, Role.AGENT, *SUPERVISORS)


@rule("inspection.create")
def _inspection_create(user: User, org: Any) -> bool:
    return _holds(user, org)


@rule("inspection.manage")
def _inspection_manage(user: User, i: Any) -> bool:
    return _holds(user, i.org)


@rule("inspection.view")
def _inspection_view(user: User, i: Any) -> bool:
    if _holds(user, i.org):
        return True
    return any(over_point(user, f.service_point) for f in i.findings)


@rule("inspection.view_finding")
def _inspection_view_finding(user: User, f: Any) -> bool:
    return _holds(user, f.inspection.org) or over_point(user, f.service_point)


@rule("inspection.rectify")
def _inspection_rectify(user: User, f: Any) -> bool:
    return _holds(user, f.inspection.org) or _supervises_point(user, f.service_point)


@scopes(Inspection)
def _inspections(stmt: Select, user: Any) -> Select:
    conds = [in_subtrees(Inspection.org_id, inspection_paths(user))]
    points = agent_point_ids(user)
    paths = scope_paths(user, SUPERVISORS)
    seen_points = []
    if points:
        seen_points.append(InspectionFinding.service_point_id.in_(points))
    if paths:
        in_orgs = select(ServicePoint.id).where(in_subtrees(ServicePoint.org_id, paths))
        seen_points.append(InspectionFinding.service_point_id.in_(in_orgs))
    if seen_points:
        at = select(InspectionFinding.inspection_id).where(or_(*seen_points))
        conds.append(Inspection.id.in_(at))
    return stmt.where(or_(*conds))


@scopes(InspectionFinding)
def _inspection_findings(stmt: Select, user: Any) -> Select:
    held = select(Inspection.id).where(in_subtrees(Inspection.org_id, inspection_paths(user)))
    conds = [InspectionFinding.inspection_id.in_(held)]
    points = agent_point_ids(user)
    paths = scope_paths(user, SUPERVISORS)
    if points:
        conds.append(InspectionFinding.service_point_id.in_(points))
    if paths:
        in_orgs = select(ServicePoint.id).where(in_subtrees(ServicePoint.org_id, paths))
        conds.append(InspectionFinding.service_point_id.in_(in_orgs))
    return stmt.where(or_(*conds))


# --- accountability -----------------------------------------------------------------------------


def _committee_over_member(user: User, member: Any) -> bool:
    if member is None:
        return False
    return covers(user, db.session.get(Org, member.org_id), COMMITTEE)


def deciding_org_id(user: User, member: Any) -> int | None:
    """The org of ``user``'s committee grant over ``member`` (the deciding body), the
    nearest one when several cover it."""
    org = db.session.get(Org, member.org_id)
    over = [g.org for g in grants_of(user, COMMITTEE) if org.path.startswith(g.org.path)]
    return max(over, key=lambda o: len(o.path)).id if over else None


@rule("accountability.list")
def _accountability_list(user: User, target: Any) -> bool:
    return has_role(user, *COMMITTEE)


@rule("accountability.create")
def _accountability_create(user: User, member: Any) -> bool:
    # Against a member under one's committee; never against oneself.
    if member is None:
        return has_role(user, *COMMITTEE)
    return _committee_over_member(user, member) and member.user_id != user.id


@rule("accountability.view")
def _accountability_view(user: User, a: Any) -> bool:
    if a.member.user_id is not None and a.member.user_id == user.id:
        return False  # the person it is against does not read it here
    return _committee_over_member(user, a.member)


@scopes(Accountability)
def _accountabilities(stmt: Select, user: Any) -> Select:
    paths = scope_paths(user, COMMITTEE)
    if not paths:
        return stmt.where(false())
    mine = own_member_id(user)
    stmt = stmt.where(in_subtrees(Accountability.org_id, paths))
    stmt = stmt.where(
        Accountability.member_id.in_(select(Member.id).where(in_subtrees(Member.org_id, paths)))
    )
    if mine is not None:
        stmt = stmt.where(Accountability.member_id != mine)
    return stmt
