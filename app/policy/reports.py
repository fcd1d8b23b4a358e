"""The named rules of reports: who opens the dashboards of an org or of a service point."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from app.auth.models import Role, RoleGrant, User
from app.orgs.models import Org
from app.policy.cases import agent_point_ids, point_staff
from app.policy.core import covers, has_role, rule, scope_paths

# The dashboards of an org: the committee over its tree, a (general) branch secretary over
# their subtree.
DASHBOARD_READERS = (Role.BRANCH_SECRETARY, Role.COMMITTEE)


def dashboard_paths(user: User) -> list[str]:
    """The subtrees whose dashboards ``user`` opens (the org picker's choices)."""
    return scope_paths(user, DASHBOARD_READERS)


@rule("report.view")
def _report_view(user: User, target: Any) -> bool:
    # The Reports entry: an org's dashboard, or (for an agent) their point's.
    return has_role(user, *DASHBOARD_READERS) or bool(agent_point_ids(user))


@rule("report.org")
def _report_org(user: User, org: Any) -> bool:
    return covers(user, org, DASHBOARD_READERS)


@rule("report.point")
def _report_point(user: User, sp: Any) -> bool:
    # A point's dashboard: its agents and the secretaries and committee over its org.
    return point_staff(user, sp)


# The six rates' settings and the October comparison of townships: the committee over the tree.
RATE_STEWARDS = (Role.COMMITTEE,)


def agent_account_points() -> Select:
    """The ids of the service points where an active account holds an agent grant on an active
    org (one meaning of "an agent on duty" in 组织机构健全率)."""
    return (
        select(RoleGrant.service_point_id)
        .join(User, User.id == RoleGrant.user_id)
        .join(Org, Org.id == RoleGrant.org_id)
        .where(RoleGrant.role == Role.AGENT, User.is_active, Org.is_active)
    )


@rule("report.compare")
def _report_compare(user: User, org: Any) -> bool:
    # The October comparison of the townships of ``org``'s tree (plan 四.2).
    return covers(user, org, RATE_STEWARDS)


@rule("report.settings")
def _report_settings(user: User, org: Any) -> bool:
    # The rates' open definitions and the ranking rule of ``org``'s tree.
    return covers(user, org, RATE_STEWARDS)
