"""The one place that answers "may this user do this to that?" and scopes list queries.

Actions are named strings; each is a predicate of (user, target) built from small pieces:
"a grant of one of these roles covers the target's org". A grant covers its org's whole subtree,
which is a path-prefix test. Views call ``require``; templates call ``can`` only to hide buttons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import abort
from sqlalchemy import Select, false, or_, select

from app.audit import AuditEvent
from app.auth.models import Role, RoleGrant, User
from app.orgs.models import ALLOWED_CHILDREN, Org, OrgKind, ServicePoint

Rule = Callable[[User, Any], bool]
_RULES: dict[str, Rule] = {}

# Roles that look after organisations and may open the org admin screens of their subtree.
ORG_STEWARDS = (Role.ADMIN, Role.COMMITTEE, Role.BRANCH_SECRETARY)
ORG_MANAGERS = (Role.ADMIN, Role.COMMITTEE)


def rule(name: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        _RULES[name] = fn
        return fn

    return register


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def grants_of(user: Any, roles: Iterable[str] | None = None) -> list[RoleGrant]:
    """The user's grants, optionally only those of the given roles."""
    if not _active(user):
        return []
    wanted = set(roles) if roles is not None else None
    # A grant on a deactivated organisation confers nothing until it is reactivated.
    return [g for g in user.grants if g.org.is_active and (wanted is None or g.role in wanted)]


def has_role(user: Any, *roles: str) -> bool:
    return bool(grants_of(user, roles))


def covers(user: Any, org: Org | None, roles: Iterable[str], *, strictly: bool = False) -> bool:
    """A grant of one of ``roles`` covers ``org`` (strictly: lies above it, not at it)."""
    if org is None:
        return False
    for grant in grants_of(user, roles):
        if org.path.startswith(grant.org.path):
            if not strictly or org.path != grant.org.path:
                return True
    return False


def scope_paths(user: Any, roles: Iterable[str]) -> list[str]:
    """The subtree roots the user's grants of ``roles`` reach, without nested duplicates."""
    paths = sorted({g.org.path for g in grants_of(user, roles)})
    roots: list[str] = []
    for p in paths:
        if not any(p.startswith(r) for r in roots):
            roots.append(p)
    return roots


# --- organisations -------------------------------------------------------------------------


@rule("org.list")
def _org_list(user: User, target: Any) -> bool:
    return has_role(user, *ORG_STEWARDS)


@rule("org.view")
def _org_view(user: User, org: Org) -> bool:
    return covers(user, org, ORG_STEWARDS)


@rule("org.create_root")
def _org_create_root(user: User, target: Any) -> bool:
    # A new tree root is outside every subtree: only an admin over a root may add one.
    return any(g.org.parent_id is None for g in grants_of(user, [Role.ADMIN]))


@rule("org.create_child")
def _org_create_child(user: User, parent: Org) -> bool:
    if not parent.is_active or not ALLOWED_CHILDREN[OrgKind(parent.kind)]:
        return False
    if covers(user, parent, ORG_MANAGERS):
        return True
    # A branch secretary keeps the party groups of their own branch.
    return parent.kind == "branch" and covers(user, parent, [Role.BRANCH_SECRETARY])


@rule("org.edit")
def _org_edit(user: User, org: Org) -> bool:
    if covers(user, org, ORG_MANAGERS):
        return True
    return org.kind == "group" and covers(user, org, [Role.BRANCH_SECRETARY], strictly=True)


@rule("org.move")
def _org_move(user: User, org: Org) -> bool:
    # Moving the top of one's own grant would move it out of one's own reach.
    return covers(user, org, ORG_MANAGERS, strictly=True)


@rule("org.move_into")
def _org_move_into(user: User, new_parent: Org) -> bool:
    return new_parent.is_active and covers(user, new_parent, ORG_MANAGERS)


@rule("org.deactivate")
def _org_deactivate(user: User, org: Org) -> bool:
    if covers(user, org, ORG_MANAGERS, strictly=True):
        return True
    return org.kind == "group" and covers(user, org, [Role.BRANCH_SECRETARY], strictly=True)


@rule("service_point.manage")
def _service_point_manage(user: User, org: Org) -> bool:
    return covers(user, org, ORG_MANAGERS)


@rule("service_point.view")
def _service_point_view(user: User, sp: ServicePoint) -> bool:
    return covers(user, sp.org, ORG_STEWARDS)


# --- accounts and roles ----------------------------------------------------------------------


@rule("user.manage")
def _user_manage(user: User, target: Any) -> bool:
    return has_role(user, Role.ADMIN)


def _root_admin(user: User) -> bool:
    return any(g.org.parent_id is None for g in grants_of(user, [Role.ADMIN]))


@rule("user.view")
def _user_view(user: User, other: User) -> bool:
    if not has_role(user, Role.ADMIN):
        return False
    if not other.grants:
        # An account with no role belongs to no subtree: only an admin over a root has it.
        return _root_admin(user)
    return any(covers(user, g.org, [Role.ADMIN]) for g in other.grants)


@rule("user.edit")
def _user_edit(user: User, other: User) -> bool:
    # An admin may only change accounts entirely within their reach: no account that also
    # holds a role elsewhere, which would let a sub-tree admin lock out a wider one.
    if not has_role(user, Role.ADMIN):
        return False
    if not other.grants:
        return _root_admin(user)
    return all(covers(user, g.org, [Role.ADMIN]) for g in other.grants)


@rule("role.grant")
def _role_grant(user: User, org: Org) -> bool:
    return org.is_active and covers(user, org, [Role.ADMIN])


@rule("role.revoke")
def _role_revoke(user: User, grant: RoleGrant) -> bool:
    return covers(user, grant.org, [Role.ADMIN])


# --- roster -----------------------------------------------------------------------------------

ROSTER_READERS = (Role.COMMITTEE, Role.BRANCH_SECRETARY, Role.GROUP_LEADER)
ROSTER_EDITORS = (Role.COMMITTEE, Role.BRANCH_SECRETARY)


def _own_member(user: User, member: Any) -> bool:
    return member.user_id is not None and member.user_id == user.id


@rule("roster.list")
def _roster_list(user: User, target: Any) -> bool:
    return has_role(user, *ROSTER_READERS)


@rule("roster.view")
def _roster_view(user: User, member: Any) -> bool:
    return covers(user, member.org, ROSTER_READERS) or _own_member(user, member)


@rule("roster.create")
def _roster_create(user: User, org: Org | None) -> bool:
    if org is None:
        return has_role(user, *ROSTER_EDITORS)
    return org.is_active and org.kind in ("branch", "group") and covers(user, org, ROSTER_EDITORS)


@rule("roster.edit")
def _roster_edit(user: User, member: Any) -> bool:
    return covers(user, member.org, ROSTER_EDITORS)


@rule("roster.export")
def _roster_export(user: User, target: Any) -> bool:
    return has_role(user, *ROSTER_EDITORS)


@rule("roster.export_unmasked")
def _roster_export_unmasked(user: User, target: Any) -> bool:
    return has_role(user, Role.COMMITTEE)


@rule("roster.import")
def _roster_import(user: User, target: Any) -> bool:
    return has_role(user, *ROSTER_EDITORS)


@rule("roster.import_rollback")
def _roster_import_rollback(user: User, batch: Any) -> bool:
    # Its author, or an admin over a root (a sub-tree admin could undo another branch's work).
    return batch.user_id == user.id or _root_admin(user)


@rule("roster.unmask")
def _roster_unmask(user: User, member: Any) -> bool:
    return covers(user, member.org, [Role.COMMITTEE])


# --- appraisal ----------------------------------------------------------------------------------

APPRAISAL_READERS = (Role.GROUP_LEADER, Role.MENTOR, Role.BRANCH_SECRETARY, Role.COMMITTEE)
BRANCH_ASSESSORS = (Role.BRANCH_SECRETARY, Role.COMMITTEE)


def _own_appraisal(user: User, a: Any) -> bool:
    return a.member.user_id is not None and a.member.user_id == user.id


@rule("appraisal.list")
def _appraisal_list(user: User, target: Any) -> bool:
    return has_role(user, *APPRAISAL_READERS)


@rule("appraisal.view")
def _appraisal_view(user: User, a: Any) -> bool:
    return _own_appraisal(user, a) or covers(user, a.org, APPRAISAL_READERS)


@rule("appraisal.edit_self")
def _appraisal_edit_self(user: User, a: Any) -> bool:
    if a.status != "draft":  # a closed record is never a draft; a reopened one may be
        return False
    if _own_appraisal(user, a):
        return True
    # A member with no login (many older members have no phone) dictates the self-record to
    # the branch secretary, who enters it on their behalf.
    return a.member.user_id is None and covers(user, a.org, [Role.BRANCH_SECRETARY])


@rule("appraisal.submit")
def _appraisal_submit(user: User, a: Any) -> bool:
    return _appraisal_edit_self(user, a)


def _signer(user: User, a: Any) -> bool:
    # The named mentor signs for a probationary member (any mentor of the org while none is
    # named); the group leader for everyone else; the branch secretary where there is no
    # group (or for the group leader's own record).
    if _own_appraisal(user, a):
        return False
    if covers(user, a.org, [Role.BRANCH_SECRETARY]):
        return True
    if a.is_probationary:
        named = a.member.mentor_user_id
        if named and user.id != named:
            return False
        return covers(user, a.org, [Role.MENTOR])
    return covers(user, a.org, [Role.GROUP_LEADER])


@rule("appraisal.sign")
def _appraisal_sign(user: User, a: Any) -> bool:
    return _signer(user, a)


@rule("appraisal.return_to_member")
def _appraisal_return_to_member(user: User, a: Any) -> bool:
    return _signer(user, a)


def _assessor(user: User, a: Any) -> bool:
    return not _own_appraisal(user, a) and covers(user, a.org, BRANCH_ASSESSORS)


@rule("appraisal.assess")
def _appraisal_assess(user: User, a: Any) -> bool:
    return _assessor(user, a)


@rule("appraisal.return_to_signer")
def _appraisal_return_to_signer(user: User, a: Any) -> bool:
    return _assessor(user, a)


@rule("appraisal.veto")
def _appraisal_veto(user: User, a: Any) -> bool:
    return _assessor(user, a)


def _committee(user: User, a: Any) -> bool:
    return not _own_appraisal(user, a) and covers(user, a.org, [Role.COMMITTEE])


for _name in ("lift_veto", "spot_confirm", "spot_adjust", "return_to_branch", "reopen", "close",
              "mark_exemplary"):  # fmt: skip
    _RULES[f"appraisal.{_name}"] = _committee


@rule("appraisal.responsibility")
def _appraisal_responsibility(user: User, a: Any) -> bool:
    return _own_appraisal(user, a) or covers(user, a.org, BRANCH_ASSESSORS)


@rule("appraisal.manage_periods")
def _appraisal_manage_periods(user: User, org: Org | None) -> bool:
    if org is None:
        return has_role(user, Role.COMMITTEE)
    return covers(user, org, [Role.COMMITTEE])


@rule("appraisal.overview")
def _appraisal_overview(user: User, org: Org) -> bool:
    return covers(
        user, org, (Role.BRANCH_SECRETARY, Role.COMMITTEE, Role.GROUP_LEADER, Role.MENTOR)
    )


# --- volunteers ---------------------------------------------------------------------------------

VOLUNTEER_READERS = (Role.COMMITTEE, Role.BRANCH_SECRETARY, Role.AGENT)


@rule("volunteers.list")
def _volunteers_list(user: User, target: Any) -> bool:
    return has_role(user, *VOLUNTEER_READERS)


@rule("volunteers.catalogue_edit")
def _volunteers_catalogue_edit(user: User, org: Org | None) -> bool:
    if org is None:
        return has_role(user, Role.COMMITTEE, Role.BRANCH_SECRETARY)
    return covers(user, org, [Role.COMMITTEE, Role.BRANCH_SECRETARY])


@rule("volunteers.profile_view")
def _volunteers_profile_view(user: User, member: Any) -> bool:
    return _own_member(user, member) or covers(user, member.org, VOLUNTEER_READERS)


@rule("volunteers.profile_edit")
def _volunteers_profile_edit(user: User, member: Any) -> bool:
    return _own_member(user, member) or covers(user, member.org, ROSTER_EDITORS)


@rule("volunteers.confirm_skill")
def _volunteers_confirm_skill(user: User, member: Any) -> bool:
    return not _own_member(user, member) and covers(user, member.org, ROSTER_EDITORS)


@rule("volunteers.posts_manage")
def _volunteers_posts_manage(user: User, org: Org | None) -> bool:
    if org is None:
        return has_role(user, *ROSTER_EDITORS)
    return covers(user, org, ROSTER_EDITORS)


@rule("volunteers.post_record")
def _volunteers_post_record(user: User, member: Any) -> bool:
    return _own_member(user, member) or covers(user, member.org, ROSTER_EDITORS)


@rule("volunteers.designate")
def _volunteers_designate(user: User, sp: ServicePoint) -> bool:
    return covers(user, sp.org, [Role.COMMITTEE, Role.BRANCH_SECRETARY])


# --- audit ------------------------------------------------------------------------------------


@rule("audit.view")
def _audit_view(user: User, target: Any) -> bool:
    return has_role(user, Role.ADMIN)


# --- checks -----------------------------------------------------------------------------------


def can(user: Any, action: str, target: Any = None) -> bool:
    """True when ``user`` may do ``action`` to ``target``. Unknown actions are denied."""
    if not _active(user):
        return False
    fn = _RULES.get(action)
    if fn is None:
        return False
    return bool(fn(user, target))


def require(user: Any, action: str, target: Any = None, *, visible: str | None = None) -> None:
    """Abort unless ``user`` may do ``action``.

    With ``visible`` (an action such as ``"org.view"``), a target the user may not even see
    answers 404, so ids outside one's scope reveal nothing; a visible one denied answers 403.
    """
    if visible is not None and not can(user, visible, target):
        abort(404)
    if not can(user, action, target):
        abort(403)


# --- scopes -----------------------------------------------------------------------------------


def _path_filter(column: Any, paths: list[str]):
    if not paths:
        return false()
    return or_(*(column.startswith(p, autoescape=True) for p in paths))


def in_subtrees(org_id_column: Any, paths: list[str]):
    """``org_id_column`` names an org inside one of the subtrees ``paths`` (one indexed
    prefix filter on the org path)."""
    return org_id_column.in_(select(Org.id).where(_path_filter(Org.path, paths)))


def reach(column: Any, user: Any, roles: Iterable[str]):
    """``column`` (an org id) is in the user's subtrees or above them: the catalogue and the
    posts of the levels above one's own org are visible too (a village sees its township's)."""
    paths = scope_paths(user, roles)
    ancestors = {int(i) for p in paths for i in p.strip("/").split("/") if i}
    in_scope = select(Org.id).where(_path_filter(Org.path, paths))
    return column.in_(in_scope) | column.in_(ancestors)


def _covers_every_root(paths: list[str]) -> bool:
    """True when the paths include every root org (the scope is the whole database)."""
    from app.extensions import db

    uncovered = db.session.scalar(
        select(Org.id).where(Org.parent_id.is_(None), ~_path_filter(Org.path, paths)).limit(1)
    )
    return uncovered is None


def scope(stmt: Select, user: Any, model: type, **kwargs: Any) -> Select:
    """Limit ``stmt`` (selecting ``model``) to the rows ``user`` may list."""
    if not _active(user):
        return stmt.where(false())
    if model is Org:
        return stmt.where(_path_filter(Org.path, scope_paths(user, ORG_STEWARDS)))
    if model is ServicePoint:
        sub = select(Org.id).where(_path_filter(Org.path, scope_paths(user, ORG_STEWARDS)))
        return stmt.where(ServicePoint.org_id.in_(sub))
    if model is User:
        paths = scope_paths(user, [Role.ADMIN])
        in_scope = (
            select(RoleGrant.user_id)
            .join(Org, RoleGrant.org_id == Org.id)
            .where(_path_filter(Org.path, paths))
        )
        if not paths:
            return stmt.where(false())
        if _root_admin(user):
            return stmt.where(or_(User.id.in_(in_scope), ~User.grants.any()))
        return stmt.where(User.id.in_(in_scope))
    if model.__name__ == "Member":
        paths = scope_paths(user, ROSTER_READERS)
        if paths and _covers_every_root(paths):
            # Committee-wide: no filter at all, so the database can walk the sort index.
            return stmt
        in_orgs = in_subtrees(model.org_id, paths)
        return stmt.where(
            or_(in_orgs, model.user_id == user.id) if paths else model.user_id == user.id
        )
    if model.__name__ == "Appraisal":
        paths = scope_paths(user, APPRAISAL_READERS)
        from app.roster.models import Member

        own = model.member_id.in_(select(Member.id).where(Member.user_id == user.id))
        if not paths:
            return stmt.where(own)
        if _covers_every_root(paths):
            return stmt
        in_orgs = in_subtrees(model.org_id, paths)
        return stmt.where(or_(in_orgs, own))
    if model is AuditEvent:
        paths = scope_paths(user, [Role.ADMIN])
        conds = [_path_filter(AuditEvent.org_path, paths)]
        # Events tied to no org (logins, account changes) belong to whoever admins a root.
        if any(g.org.parent_id is None for g in grants_of(user, [Role.ADMIN])):
            conds.append(AuditEvent.org_path == "")
        return stmt.where(or_(*conds))
    raise LookupError(f"no policy scope for {model.__name__}")


def actions() -> list[str]:
    """Every named action, for tests that check the rule table is complete."""
    return sorted(_RULES)
