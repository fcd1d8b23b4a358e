"""The service cases' named rules: the staff of a service point (its agents, and the branch
secretaries and committee over its org) handle its cases; the agent holding a case works it;
the point that registered an escalated case still sees it through (plan 三.4, 代理办结)."""

from __future__ import annotations

from typing import Any

from app.auth.models import Role, User
from app.policy.core import _RULES, covers, grants_of, has_role, rule

SUPERVISORS = (Role.BRANCH_SECRETARY, Role.COMMITTEE)
CASE_READERS = (Role.AGENT, Role.BRANCH_SECRETARY, Role.COMMITTEE)


def agent_point_ids(user: User) -> set[int]:
    """The service points where ``user`` serves as an agent."""
    return {g.service_point_id for g in grants_of(user, [Role.AGENT]) if g.service_point_id}


def point_staff(user: User, sp: Any) -> bool:
    """An agent of the point, or a secretary or the committee over its org."""
    if sp is None:
        return False
    return sp.id in agent_point_ids(user) or covers(user, sp.org, SUPERVISORS)


def _holder(user: User, c: Any) -> bool:
    return c.agent is not None and c.agent.user_id is not None and c.agent.user_id == user.id


def _owner_staff(user: User, c: Any) -> bool:
    return point_staff(user, c.service_point)


def _worker(user: User, c: Any) -> bool:
    return _owner_staff(user, c) or _holder(user, c)


def _follower(user: User, c: Any) -> bool:
    # The point that registered it still delivers the result and hears the applicant.
    return _worker(user, c) or point_staff(user, c.origin_point)


@rule("case.list")
def _case_list(user: User, target: Any) -> bool:
    return has_role(user, *CASE_READERS)


@rule("case.view")
def _case_view(user: User, c: Any) -> bool:
    return _follower(user, c)


@rule("case.intake")
def _case_intake(user: User, sp: Any) -> bool:
    return sp is not None and sp.is_active and point_staff(user, sp)


@rule("case.register")
def _case_register(user: User, c: Any) -> bool:
    return point_staff(user, c.origin_point)


for _name in (
    "accept",
    "accept_immediate",
    "accept_supplement",
    "papers_arrived",
    "escalate",
    "refuse",
    "assign",
):
    _RULES[f"case.{_name}"] = _owner_staff

for _name in ("note", "part_done", "complete"):
    _RULES[f"case.{_name}"] = _worker

for _name in ("deliver", "evaluate", "return_visit", "fix", "withdraw"):
    _RULES[f"case.{_name}"] = _follower


@rule("case.reveal_phone")
def _case_reveal_phone(user: User, c: Any) -> bool:
    # Those who call the applicant back: the staff of either point and the agent holding it.
    return _follower(user, c)


@rule("case.open_follow_up")
def _case_open_follow_up(user: User, c: Any) -> bool:
    return False  # the system opens it when a first rating is bad


@rule("case.urge")
def _case_urge(user: User, c: Any) -> bool:
    # Those answerable for the case's progress: the supervisors of either point, and the
    # point that registered it (on the applicant's behalf).
    return (
        covers(user, c.service_point.org, SUPERVISORS)
        or covers(user, c.origin_point.org, SUPERVISORS)
        or point_staff(user, c.origin_point)
    )


@rule("case.ledger")
def _case_ledger(user: User, sp: Any) -> bool:
    return point_staff(user, sp)


@rule("case.board")
def _case_board(user: User, sp: Any) -> bool:
    # A point's board: every open case it owns, by state and agent.
    return point_staff(user, sp)
