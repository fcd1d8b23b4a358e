"""The named rules of organisations, accounts, the roster, volunteers and the audit log:
one small predicate of (user, target) per action (the appraisal's are in ``appraisal``)."""

from __future__ import annotations

from typing import Any

from app.auth.models import Role, RoleGrant, User
from app.orgs.models import ALLOWED_CHILDREN, Org, OrgKind, ServicePoint
from app.policy.core import (
    ORG_MANAGERS,
    ORG_STEWARDS,
    covers,
    grants_of,
    has_role,
    root_admin,
    rule,
)

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


@rule("user.view")
def _user_view(user: User, other: User) -> bool:
    if not has_role(user, Role.ADMIN):
        return False
    if not other.grants:
        # An account with no role belongs to no subtree: only an admin over a root has it.
        return root_admin(user)
    return any(covers(user, g.org, [Role.ADMIN]) for g in other.grants)


@rule("user.edit")
def _user_edit(user: User, other: User) -> bool:
    # An admin may only change accounts entirely within their reach: no account that also
    # holds a role elsewhere, which would let a sub-tree admin lock out a wider one.
    if not has_role(user, Role.ADMIN):
        return False
    if not other.grants:
        return root_admin(user)
    return all(covers(user, g.org, [Role.ADMIN]) for g in other.grants)


@rule("user.reset_password")
def _user_reset_password(user: User, other: User) -> bool:
    # One's own password is changed knowing the current one, on the password page.
    return other.id != user.id and _user_edit(user, other)


@rule("user.deactivate")
def _user_deactivate(user: User, other: User) -> bool:
    # Nobody deactivates themself (nobody might be left to undo it).
    return other.id != user.id and _user_edit(user, other)


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
    return batch.user_id == user.id or root_admin(user)


@rule("roster.unmask")
def _roster_unmask(user: User, member: Any) -> bool:
    return covers(user, member.org, [Role.COMMITTEE])


@rule("roster.sanction")
def _roster_sanction(user: User, member: Any) -> bool:
    # Record or delete a disciplinary sanction (党纪处分): the branch or the committee, never
    # on one's own record (a secretary on the roster leaves theirs to the committee).
    return not _own_member(user, member) and covers(user, member.org, ROSTER_EDITORS)


@rule("roster.view_sanctions")
def _roster_view_sanctions(user: User, member: Any) -> bool:
    # That a sanction exists, its kind and dates: whoever sees the member's page, as for the
    # other sensitive facts there (a member in hardship).
    return covers(user, member.org, ROSTER_READERS) or _own_member(user, member)


@rule("roster.view_sanction_reason")
def _roster_view_sanction_reason(user: User, member: Any) -> bool:
    # The reason stays with those who record sanctions: not the group leader, not the member.
    return covers(user, member.org, ROSTER_EDITORS)


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


# A post's holders and their records (设岗定责): a post may sit high in the tree (a township's,
# the committee's) and be seen by every branch below it, but who holds it and what they did is
# shown only to those who reach the holder on the roster or the team: never another branch.
POST_HOLDER_READERS = (*ROSTER_READERS, Role.AGENT)


@rule("volunteers.post_holder_view")
def _volunteers_post_holder_view(user: User, member: Any) -> bool:
    return _own_member(user, member) or covers(user, member.org, POST_HOLDER_READERS)


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
