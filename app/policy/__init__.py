"""The one place that answers "may this user do this to that?" and scopes list queries.

Actions are named strings; each is a predicate of (user, target) built from small pieces:
"a grant of one of these roles covers the target's org". A grant covers its org's whole subtree,
which is a path-prefix test. Views call ``require``; templates call ``can`` only to hide buttons.
Only this package knows role names: ``core`` (the registry and grant tests), ``rules`` (one
predicate per action), ``scopes`` (one query filter per listed model).
"""

from app.orgs.tree import in_subtrees
from app.policy import rules as _rules  # noqa: F401 - registers every named rule
from app.policy.core import (
    ORG_MANAGERS,
    ORG_STEWARDS,
    actions,
    can,
    covers,
    grants_of,
    has_role,
    require,
    root_admin,
    scope_paths,
)
from app.policy.rules import (
    APPRAISAL_READERS,
    BRANCH_ASSESSORS,
    ROSTER_EDITORS,
    ROSTER_READERS,
    VOLUNTEER_READERS,
    is_last_admin_grant,
    mentors_over,
    reach_roles,
    role_needs_service_point,
    subtrees,
)
from app.policy.scopes import reach, scope

__all__ = [
    "APPRAISAL_READERS",
    "BRANCH_ASSESSORS",
    "ORG_MANAGERS",
    "ORG_STEWARDS",
    "ROSTER_EDITORS",
    "ROSTER_READERS",
    "VOLUNTEER_READERS",
    "actions",
    "can",
    "covers",
    "grants_of",
    "has_role",
    "in_subtrees",
    "is_last_admin_grant",
    "mentors_over",
    "reach_roles",
    "role_needs_service_point",
    "subtrees",
    "reach",
    "require",
    "root_admin",
    "scope",
    "scope_paths",
]
