"""Scopes: every list query passes through ``scope`` so it holds only what the user may see.

One function per model, registered in ``_SCOPES``; a model without one is refused loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Select, false, or_, select

from app.appraisal.models import Appraisal
from app.audit import AuditEvent
from app.auth.models import Role, RoleGrant, User
from app.cases.models import ServiceCase
from app.common import versions
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.orgs.tree import in_subtrees, path_filter
from app.policy.appraisal import APPRAISAL_READERS
from app.policy.cases import SUPERVISORS, agent_point_ids
from app.policy.core import ORG_STEWARDS, _active, root_admin, scope_paths
from app.policy.rules import POST_HOLDER_READERS, ROSTER_READERS
from app.policy.selection import SELECTION_STAFF
from app.roster.models import Member
from app.selection.models import Nomination, SelectionRound
from app.volunteers.models import PostAssignment, PostRecord

Scope = Callable[[Select, Any], Select]
_SCOPES: dict[type, Scope] = {}


def scopes(model: type) -> Callable[[Scope], Scope]:
    def register(fn: Scope) -> Scope:
        _SCOPES[model] = fn
        return fn

    return register


def scope(stmt: Select, user: Any, model: type) -> Select:
    """Limit ``stmt`` (selecting ``model``) to the rows ``user`` may list."""
    fn = _SCOPES.get(model)
    if fn is None:
        raise LookupError(f"no policy scope for {model.__name__}")
    if not _active(user):
        return stmt.where(false())
    return fn(stmt, user)


def reach(column: Any, user: Any, roles: Iterable[str]):
    """``column`` (an org id) is in the user's subtrees or above them: the catalogue and the
    posts of the levels above one's own org are visible too (a village sees its township's)."""
    paths = scope_paths(user, roles)
    ancestors = {int(i) for p in paths for i in p.strip("/").split("/") if i}
    in_scope = select(Org.id).where(path_filter(Org.path, paths))
    return column.in_(in_scope) | column.in_(ancestors)


def covers_every_root(paths: list[str]) -> bool:
    """True when the paths include every root org (the scope is the whole database): asked
    by several lists of a page, answered once per change of the tree (app/common/versions)."""

    def compute() -> bool:
        uncovered = db.session.scalar(
            select(Org.id).where(Org.parent_id.is_(None), ~path_filter(Org.path, paths)).limit(1)
        )
        return uncovered is None

    return versions.cached(("roster",), ("policy.covers_every_root", tuple(paths)), compute)


@scopes(Org)
def _orgs(stmt: Select, user: Any) -> Select:
    return stmt.where(path_filter(Org.path, scope_paths(user, ORG_STEWARDS)))


@scopes(ServicePoint)
def _service_points(stmt: Select, user: Any) -> Select:
    return stmt.where(in_subtrees(ServicePoint.org_id, scope_paths(user, ORG_STEWARDS)))


@scopes(User)
def _users(stmt: Select, user: Any) -> Select:
    paths = scope_paths(user, [Role.ADMIN])
    if not paths:
        return stmt.where(false())
    in_scope = (
        select(RoleGrant.user_id)
        .join(Org, RoleGrant.org_id == Org.id)
        .where(path_filter(Org.path, paths))
    )
    if root_admin(user):
        # An account with no role belongs to no subtree: only an admin over a root has it.
        return stmt.where(or_(User.id.in_(in_scope), ~User.grants.any()))
    return stmt.where(User.id.in_(in_scope))


@scopes(Member)
def _members(stmt: Select, user: Any) -> Select:
    paths = scope_paths(user, ROSTER_READERS)
    own = Member.user_id == user.id
    if not paths:
        return stmt.where(own)
    if covers_every_root(paths):
        # Committee-wide: no filter at all, so the database can walk the sort index.
        return stmt
    # The orgs named as a list, not a subquery, and the OR for one's own record only when it
    # lies outside them: both databases then read the scope from the org index instead of
    # scanning every member (a branch secretary's page 1: 25-84 ms -> about 2 ms).
    org_ids = list(db.session.scalars(select(Org.id).where(path_filter(Org.path, paths))))
    in_scope = Member.org_id.in_(org_ids)
    outside = set(db.session.scalars(select(Member.id).where(own, ~in_scope)))
    return stmt.where(or_(in_scope, Member.id.in_(outside)) if outside else in_scope)


@scopes(Appraisal)
def _appraisals(stmt: Select, user: Any) -> Select:
    paths = scope_paths(user, APPRAISAL_READERS)
    conds = [Appraisal.member_id.in_(select(Member.id).where(Member.user_id == user.id))]
    mentor_paths = scope_paths(user, [Role.MENTOR])
    if mentor_paths:
        # As ``policy.appraisal.mentor_reads``: the probationary quarters of one's named mentees
        # (or of members with no named mentor yet) in one's subtree; nothing else of the branch.
        mine_or_unnamed = or_(Member.mentor_user_id == user.id, Member.mentor_user_id.is_(None))
        conds.append(
            Appraisal.is_probationary
            & in_subtrees(Appraisal.org_id, mentor_paths)
            & Appraisal.member_id.in_(select(Member.id).where(mine_or_unnamed))
        )
    if paths and covers_every_root(paths):
        return stmt
    if paths:
        conds.append(in_subtrees(Appraisal.org_id, paths))
    return stmt.where(or_(*conds))


@scopes(ServiceCase)
def _cases(stmt: Select, user: Any) -> Select:
    # The points one serves at, the subtrees one supervises, and the cases one holds.
    points = agent_point_ids(user)
    paths = scope_paths(user, SUPERVISORS)
    if paths and covers_every_root(paths):
        return stmt  # every point lies in the subtrees supervised: the committee over all
    # One's own roster entries read first: as a subquery inside the OR, PostgreSQL walked a
    # county's 200,000 cases by date for an agent's 30 (60 ms); as values, each part of the OR
    # is an index lookup (0.2 ms).
    own = db.session.scalars(select(Member.id).where(Member.user_id == user.id)).all()
    conds = [ServiceCase.agent_member_id.in_(own)] if own else []
    if points:
        conds.append(ServiceCase.service_point_id.in_(points))
        conds.append(ServiceCase.origin_point_id.in_(points))
    if paths:
        in_orgs = select(ServicePoint.id).where(in_subtrees(ServicePoint.org_id, paths))
        conds.append(ServiceCase.service_point_id.in_(in_orgs))
        conds.append(ServiceCase.origin_point_id.in_(in_orgs))
    return stmt.where(or_(*conds) if conds else false())


@scopes(AuditEvent)
def _audit_events(stmt: Select, user: Any) -> Select:
    paths = scope_paths(user, [Role.ADMIN])
    conds = [path_filter(AuditEvent.org_path, paths)]
    # Events tied to no org (logins, account changes) belong to whoever admins a root.
    if root_admin(user):
        conds.append(AuditEvent.org_path == "")
    return stmt.where(or_(*conds))


@scopes(SelectionRound)
def _selection_rounds(stmt: Select, user: Any) -> Select:
    # A round is listed to the committee over it and to the secretaries of branches inside it.
    paths = scope_paths(user, SELECTION_STAFF)
    ancestors = {int(i) for p in paths for i in p.strip("/").split("/") if i}
    return stmt.where(
        in_subtrees(SelectionRound.org_id, paths) | SelectionRound.org_id.in_(ancestors)
    )


@scopes(Nomination)
def _nominations(stmt: Select, user: Any) -> Select:
    return stmt.where(in_subtrees(Nomination.branch_id, scope_paths(user, SELECTION_STAFF)))


def _reached_members(user: Any, roles: Iterable[str]) -> Select:
    """The ids of the members ``user`` reaches through ``roles``, or as their own record."""
    own = Member.user_id == user.id
    paths = scope_paths(user, roles)
    if not paths:
        return select(Member.id).where(own)
    return select(Member.id).where(or_(in_subtrees(Member.org_id, paths), own))


@scopes(PostAssignment)
def _post_assignments(stmt: Select, user: Any) -> Select:
    # A post above one's branch is seen by all below it; its holders only where one reaches them.
    return stmt.where(PostAssignment.member_id.in_(_reached_members(user, POST_HOLDER_READERS)))


@scopes(PostRecord)
def _post_records(stmt: Select, user: Any) -> Select:
    return stmt.where(PostRecord.member_id.in_(_reached_members(user, POST_HOLDER_READERS)))
