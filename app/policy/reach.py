"""Reach names and role facts that other modules ask about, so that no module but this
package names a role: which subtrees a user reaches for a purpose, what a role needs."""

from __future__ import annotations

from sqlalchemy import Select, select

from app.auth.models import Role, RoleGrant, User
from app.orgs.models import Org
from app.policy.appraisal import APPRAISAL_READERS
from app.policy.core import ORG_STEWARDS, scope_paths
from app.policy.rules import ROSTER_EDITORS, ROSTER_READERS, VOLUNTEER_READERS
from app.policy.selection import SELECTION_STAFF

# The roles behind a kind of reach, for services that filter by subtree themselves.
_REACH: dict[str, tuple[str, ...]] = {
    "org.steward": ORG_STEWARDS,
    "roster.read": ROSTER_READERS,
    "roster.edit": ROSTER_EDITORS,
    "roster.unmask": (Role.COMMITTEE,),
    # The quarters one opens: where one reads some records (a mentor, their mentees' only).
    "appraisal.read": (*APPRAISAL_READERS, Role.MENTOR),
    # Where one reads every record, so that a page may state the whole org's figures.
    "appraisal.read_all": APPRAISAL_READERS,
    # The appraisal inbox: who is told of records waiting to be signed, given the branch
    # opinion, spot-checked, and of key persons still waiting for this month's talk.
    "appraisal.sign": (Role.GROUP_LEADER, Role.MENTOR, Role.BRANCH_SECRETARY),
    "appraisal.assess": (Role.BRANCH_SECRETARY,),
    "appraisal.spot": (Role.COMMITTEE,),
    "appraisal.talk": (Role.BRANCH_SECRETARY,),
    "selection.read": SELECTION_STAFF,
    "volunteers.read": VOLUNTEER_READERS,
    "volunteers.posts": (*VOLUNTEER_READERS, Role.MEMBER),
}


def subtrees(user: User, reach_name: str) -> list[str]:
    """The org paths whose subtrees ``user`` reaches for ``reach_name`` (see ``_REACH``)."""
    return scope_paths(user, _REACH[reach_name])


def reach_roles(reach_name: str) -> tuple[str, ...]:
    """The roles behind ``reach_name``, for ``policy.reach`` (the levels above count too)."""
    return _REACH[reach_name]


def role_needs_service_point(role: str) -> bool:
    """An agent serves at a service point; no other role has one."""
    return role == Role.AGENT


def is_last_admin_grant(user: User, grant: RoleGrant) -> bool:
    """``grant`` is ``user``'s own and only admin grant (nobody would be left to undo it)."""
    if grant.user_id != user.id or grant.role != Role.ADMIN:
        return False
    return len([g for g in user.grants if g.role == Role.ADMIN]) <= 1


def mentors_over(org: Org) -> Select:
    """Active users holding a mentor grant on ``org`` or above it, by display name."""
    return (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            RoleGrant.role == Role.MENTOR,
            RoleGrant.org_id.in_(org.ancestor_ids),
            User.is_active,
        )
        .order_by(User.display_name)
    )


# --- home page --------------------------------------------------------------------------------


def grant_reach(role: str) -> str:
    """How far a grant of ``role`` reaches, for the home page to describe: ``"own"`` (one's
    own records), ``"mentees"`` (the probation records of those one mentors),
    ``"service_point"`` (the cases at one's service point) or ``"subtree"`` (the org and
    everything under it)."""
    if role == Role.MEMBER:
        return "own"
    if role == Role.MENTOR:
        return "mentees"
    if role == Role.AGENT:
        return "service_point"
    return "subtree"
