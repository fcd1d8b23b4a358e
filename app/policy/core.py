"""The rule registry, the grant tests every rule is built from, and ``can`` / ``require``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import abort

from app.auth.models import Role, RoleGrant, User
from app.orgs.models import Org

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


def real(user: Any) -> Any:
    """The user behind Flask-Login's ``current_user`` proxy: a page checks hundreds of rules,
    and every attribute read through the proxy looks the user up again."""
    unwrap = getattr(user, "_get_current_object", None)
    return unwrap() if unwrap is not None else user


def grants_of(user: Any, roles: Iterable[str] | None = None) -> list[RoleGrant]:
    """The user's grants, optionally only those of the given roles."""
    user = real(user)
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


def root_admin(user: Any) -> bool:
    """An admin over a root org (the whole of one tree)."""
    return any(g.org.parent_id is None for g in grants_of(user, [Role.ADMIN]))


def can(user: Any, action: str, target: Any = None) -> bool:
    """True when ``user`` may do ``action`` to ``target``. Unknown actions are denied."""
    user = real(user)
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


def actions() -> list[str]:
    """Every named action, for tests that check the rule table is complete."""
    return sorted(_RULES)
