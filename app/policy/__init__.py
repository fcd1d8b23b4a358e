"""The one place that answers "may this user do this to that?" and scopes list queries.

Actions are named strings; each is a predicate of (user, target) built from small pieces:
"a grant of one of these roles covers the target's org". A grant covers its org's whole subtree,
which is a path-prefix test. Views call ``require``; templates call ``can`` only to hide buttons.
Only this package knows role names:

- ``core``: the rule registry, the grant tests, ``can`` and ``require``;
- ``rules``, ``appraisal``, ``cases`` and ``selection``: one predicate per named action;
- ``reach``: which subtrees a user reaches for a purpose, and the facts of roles;
- ``scopes``: one query filter per listed model.
"""

from app.orgs.tree import in_subtrees
from app.policy import appraisal as _appraisal  # noqa: F401 - registers the appraisal's rules
from app.policy import assessment as _assessment  # noqa: F401 - agents' training and awards
from app.policy import cases as _cases  # noqa: F401 - registers the service cases' rules
from app.policy import duty as _duty  # noqa: F401 - registers the duty rotas' and visits' rules
from app.policy import jobs as _jobs  # noqa: F401 - registers the background jobs' rule
from app.policy import reports as _reports  # noqa: F401 - registers the reports' rules
from app.policy import rules as _rules  # noqa: F401 - registers the other named rules
from app.policy import selection as _selection  # noqa: F401 - registers the 七一 selection's
from app.policy import supervision as _supervision  # noqa: F401 - complaints and inspections
from app.policy.core import (
    actions,
    can,
    covers,
    grants_of,
    has_role,
    require,
    root_admin,
    scope_paths,
)
from app.policy.reach import (
    grant_reach,
    is_last_admin_grant,
    mentors_over,
    reach_roles,
    role_needs_service_point,
    subtrees,
)
from app.policy.scopes import reach, scope

__all__ = [
    "actions",
    "can",
    "covers",
    "grant_reach",
    "grants_of",
    "has_role",
    "in_subtrees",
    "is_last_admin_grant",
    "mentors_over",
    "reach",
    "reach_roles",
    "require",
    "role_needs_service_point",
    "root_admin",
    "scope",
    "scope_paths",
    "subtrees",
]
