"""The named rules of reports: who opens the dashboards of an org or of a service point."""

from __future__ import annotations

from typing import Any

from app.auth.models import Role, User
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
