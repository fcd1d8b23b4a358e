"""The named rules of duty rotas and of the letters-and-visits register (plan 三.2, 四.1).

Every rule takes the service point concerned (a rota's or a visit's ``service_point``):

- the committee and the branch secretaries over the point's org run its rotas (generate, edit,
  publish) and read everything of it;
- the point's agents read its rotas, record afterwards whether each shift was kept, and keep
  the register: they receive letters and visits, record how each was handled, and turn one
  into a case, as the secretaries and the committee over the point may;
- nobody else sees a point's rotas or register (an id outside one's reach answers 404).

``network.view`` opens the network's home page and its menu entry: anyone who serves at a
point or supervises one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select

from app.auth.models import Role, RoleGrant, User
from app.network.models import DutyRota, Visit
from app.orgs.models import ServicePoint
from app.orgs.tree import in_subtrees
from app.policy.cases import SUPERVISORS, agent_point_ids, point_staff
from app.policy.core import covers, has_role, rule, scope_paths
from app.policy.scopes import scopes

NETWORK_READERS = (Role.AGENT, Role.BRANCH_SECRETARY, Role.COMMITTEE)


@rule("network.view")
def _network_view(user: User, target: Any) -> bool:
    return has_role(user, *NETWORK_READERS)


def _supervises(user: User, sp: Any) -> bool:
    return sp is not None and covers(user, sp.org, SUPERVISORS)


def _staff(user: User, sp: Any) -> bool:
    return point_staff(user, sp)


def _open_staff(user: User, sp: Any) -> bool:
    # New rotas and registrations only at a point that is open.
    return sp is not None and sp.is_active and point_staff(user, sp)


@rule("duty.view")
def _duty_view(user: User, sp: Any) -> bool:
    return _staff(user, sp)


@rule("duty.manage")
def _duty_manage(user: User, sp: Any) -> bool:
    """Generate a month, edit it by hand, publish or withdraw it, delete a draft."""
    return _supervises(user, sp)


@rule("duty.record")
def _duty_record(user: User, sp: Any) -> bool:
    """Record afterwards whether a shift was kept (the agents' assessment reads it)."""
    return _staff(user, sp)


@rule("visit.view")
def _visit_view(user: User, sp: Any) -> bool:
    return _staff(user, sp)


@rule("visit.register")
def _visit_register(user: User, sp: Any) -> bool:
    return _open_staff(user, sp)


@rule("visit.handle")
def _visit_handle(user: User, sp: Any) -> bool:
    return _staff(user, sp)


@rule("visit.to_case")
def _visit_to_case(user: User, sp: Any) -> bool:
    # The same people who may register a case at the point (``case.intake``).
    return _open_staff(user, sp)


def point_agent_users(sp_id: int) -> Select:
    """The ids of the users who hold an agent grant at the service point ``sp_id`` (the duty
    pool asks, so that no module but the policy names a role)."""
    return select(RoleGrant.user_id).where(
        RoleGrant.role == Role.AGENT, RoleGrant.service_point_id == sp_id
    )


# --- scopes ----------------------------------------------------------------------------------


def staffed_points(user: User) -> Select:
    """The ids of the service points ``user`` serves at as an agent or supervises."""
    conds = []
    points = agent_point_ids(user)
    if points:
        conds.append(ServicePoint.id.in_(points))
    paths = scope_paths(user, SUPERVISORS)
    if paths:
        conds.append(in_subtrees(ServicePoint.org_id, paths))
    stmt = select(ServicePoint.id)
    return stmt.where(or_(*conds)) if conds else stmt.where(ServicePoint.id.is_(None))


@scopes(DutyRota)
def _rotas(stmt: Select, user: Any) -> Select:
    return stmt.where(DutyRota.service_point_id.in_(staffed_points(user)))


@scopes(Visit)
def _visits(stmt: Select, user: Any) -> Select:
    return stmt.where(Visit.service_point_id.in_(staffed_points(user)))
