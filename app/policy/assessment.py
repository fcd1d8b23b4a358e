"""The agents' assessment (考核奖惩, plan 三.2) and training (教育培训, plan 三.7): an agent reads
their own quarter's figures; the branch secretaries and the committee read the figures of the
agents of their subtree, run its training sessions and record rewards and penalties. Nobody
records a reward or a penalty for themself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select

from app.auth.models import Role, RoleGrant, User
from app.network.models import AgentAward, Training
from app.orgs.models import Org
from app.orgs.tree import in_subtrees
from app.policy.core import covers, has_role, rule, scope_paths
from app.policy.scopes import scopes
from app.roster.models import Member

ASSESSORS = (Role.BRANCH_SECRETARY, Role.COMMITTEE)


def _own(user: User, member: Any) -> bool:
    return member is not None and member.user_id is not None and member.user_id == user.id


@rule("assessment.list")
def _assessment_list(user: User, target: Any) -> bool:
    # The agents' figures page: its readers, and an agent for their own line.
    return has_role(user, *ASSESSORS, Role.AGENT)


@rule("assessment.view")
def _assessment_view(user: User, member: Any) -> bool:
    return _own(user, member) or covers(user, member.org, ASSESSORS)


@rule("assessment.export")
def _assessment_export(user: User, target: Any) -> bool:
    return has_role(user, *ASSESSORS)


@rule("award.record")
def _award_record(user: User, member: Any) -> bool:
    return not _own(user, member) and covers(user, member.org, ASSESSORS)


@rule("training.list")
def _training_list(user: User, target: Any) -> bool:
    return has_role(user, *ASSESSORS)


@rule("training.manage")
def _training_manage(user: User, org: Any) -> bool:
    """Set up a session for ``org``'s subtree (or edit one: pass the session's org)."""
    return org is not None and org.is_active and covers(user, org, ASSESSORS)


@rule("training.view")
def _training_view(user: User, training: Any) -> bool:
    return covers(user, training.org, ASSESSORS)


def reached_members(user: User) -> Any:
    """A condition on ``Member``: the members whose figures ``user`` reads (their own record,
    and every member of the subtrees they assess)."""
    paths = scope_paths(user, ASSESSORS)
    own = Member.user_id == user.id
    if not paths:
        return own
    return or_(in_subtrees(Member.org_id, paths), own)


def agent_user_ids() -> Select:
    """The ids of the accounts holding an agent's grant on an active org."""
    return (
        select(RoleGrant.user_id)
        .join(Org, Org.id == RoleGrant.org_id)
        .where(RoleGrant.role == Role.AGENT, Org.is_active)
    )


def assessment_paths(user: User) -> list[str]:
    """The subtrees whose agents, sessions and awards ``user`` keeps."""
    return scope_paths(user, ASSESSORS)


@scopes(Training)
def _training_scope(stmt: Select, user: Any) -> Select:
    return stmt.where(in_subtrees(Training.org_id, scope_paths(user, ASSESSORS)))


@scopes(AgentAward)
def _award_scope(stmt: Select, user: Any) -> Select:
    return stmt.where(AgentAward.member_id.in_(select(Member.id).where(reached_members(user))))
