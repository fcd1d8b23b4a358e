"""Org tree and service point rules: create, rename, move a subtree, deactivate."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import joinedload

from app import audit, policy
from app.auth.models import RoleGrant, User
from app.common import versions
from app.common.timeutil import utcnow
from app.errors import PermissionDenied, StaleRecord, ValidationError
from app.extensions import db
from app.orgs.models import ALLOWED_CHILDREN, Org, OrgKind, ServiceLevel, ServicePoint


@dataclass
class OrgNode:
    """An org with its children, for rendering the tree."""

    org: Org
    children: list[OrgNode] = field(default_factory=list)


def _clean_name(name: str, field_name: str = "name") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_l("This field is required."), field=field_name)
    if len(name) > 100:
        raise ValidationError(_l("Use at most %(n)d characters.", n=100), field=field_name)
    return name


def _check_sibling_name(parent_id: int | None, name: str, exclude_id: int | None = None) -> None:
    stmt = select(Org.id).where(Org.name == name)
    stmt = stmt.where(Org.parent_id.is_(None) if parent_id is None else Org.parent_id == parent_id)
    if exclude_id is not None:
        stmt = stmt.where(Org.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise ValidationError(
            _l("An organisation with this name already exists here."), field="name"
        )


def _check_kind(parent: Org | None, kind: str, field_name: str = "kind") -> None:
    if kind not in set(OrgKind):
        raise ValidationError(_l("Unknown organisation kind."), field=field_name)
    if parent is None:
        if kind != OrgKind.COMMITTEE:
            raise ValidationError(_l("A top-level organisation must be a committee."), field_name)
    elif kind not in ALLOWED_CHILDREN[OrgKind(parent.kind)]:
        raise ValidationError(
            _l("This kind of organisation cannot be placed under the chosen parent."),
            field=field_name,
        )


def create_org(actor: User | None, *, name: str, kind: str, parent: Org | None) -> Org:
    """Create an org under ``parent`` (None: a new root). ``actor`` None is the system."""
    if actor is not None:
        allowed = (
            policy.can(actor, "org.create_root")
            if parent is None
            else policy.can(actor, "org.create_child", parent)
        )
        if not allowed:
            raise PermissionDenied(_l("You may not add an organisation here."))
    if parent is not None and not parent.is_active:
        raise ValidationError(_l("The parent organisation is deactivated."), field="parent_id")
    name = _clean_name(name)
    _check_kind(parent, kind)
    _check_sibling_name(parent.id if parent else None, name)
    org = Org(
        name=name,
        kind=kind,
        parent_id=parent.id if parent else None,
        depth=(parent.depth + 1) if parent else 0,
    )
    db.session.add(org)
    db.session.flush()  # the id is part of the path
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    db.session.flush()
    audit.record(actor, "org.create", org, kind=kind, parent=parent.name if parent else "")
    return org


def rename_org(actor: User, org: Org, *, name: str, expected_version: int) -> None:
    if not policy.can(actor, "org.edit", org):
        raise PermissionDenied(_l("You may not rename this organisation."))
    if org.version != expected_version:
        raise StaleRecord()
    name = _clean_name(name)
    if name == org.name:
        return
    _check_sibling_name(org.parent_id, name, exclude_id=org.id)
    audit.record(actor, "org.rename", org, old=org.name, new=name)
    org.name = name


def subtree_stmt(org: Org):
    """select(Org) over ``org`` and everything below it."""
    return select(Org).where(Org.path.startswith(org.path, autoescape=True))


def move_org(actor: User, org: Org, new_parent: Org, *, expected_version: int) -> int:
    """Move ``org`` with its whole subtree under ``new_parent``; returns the rows re-pathed.

    One UPDATE rewrites every descendant's path prefix and depth, so paths stay right.
    Refuses a move into the org's own subtree, a kind the new parent cannot hold, a sibling name
    clash, and (via policy) anything outside the actor's reach.
    """
    if org.version != expected_version:
        raise StaleRecord()
    if not policy.can(actor, "org.move", org) or not policy.can(actor, "org.move_into", new_parent):
        raise PermissionDenied(_l("You may not move this organisation there."))
    if new_parent.path.startswith(org.path):
        raise ValidationError(
            _l("An organisation cannot be moved into itself or its own subtree."),
            field="parent_id",
        )
    if new_parent.id == org.parent_id:
        raise ValidationError(_l("The organisation is already there."), field="parent_id")
    _check_kind(new_parent, org.kind, field_name="parent_id")
    _check_sibling_name(new_parent.id, org.name, exclude_id=org.id)

    old_prefix = org.path
    new_prefix = f"{new_parent.path}{org.id}/"
    delta = new_parent.depth + 1 - org.depth
    old_parent_name = db.session.get(Org, org.parent_id).name if org.parent_id else ""
    result = db.session.execute(
        update(Org)
        .where(Org.path.startswith(old_prefix, autoescape=True))
        .values(
            path=literal(new_prefix) + func.substr(Org.path, len(old_prefix) + 1),
            depth=Org.depth + delta,
        )
        .execution_options(synchronize_session="fetch")
    )
    org.parent_id = new_parent.id
    db.session.flush()
    db.session.refresh(org)
    audit.record(
        actor,
        "org.move",
        org,
        old_parent=old_parent_name,
        new_parent=new_parent.name,
        old_path=old_prefix,
        new_path=new_prefix,
        rows=result.rowcount,
    )
    return result.rowcount or 0


@dataclass
class DeactivationImpact:
    orgs: int
    service_points: int
    grants: int


def deactivation_impact(org: Org) -> DeactivationImpact:
    """What deactivating ``org`` would close, to show before the user confirms."""
    sub = select(Org.id).where(Org.path.startswith(org.path, autoescape=True), Org.is_active)
    return DeactivationImpact(
        orgs=db.session.scalar(select(func.count()).select_from(sub.subquery())) or 0,
        service_points=db.session.scalar(
            select(func.count(ServicePoint.id)).where(
                ServicePoint.org_id.in_(sub), ServicePoint.is_active
            )
        )
        or 0,
        grants=db.session.scalar(select(func.count(RoleGrant.id)).where(RoleGrant.org_id.in_(sub)))
        or 0,
    )


def set_org_active(actor: User, org: Org, active: bool, *, expected_version: int) -> int:
    """Deactivate (or reactivate) ``org`` with its whole subtree and its service points.

    Deactivation keeps all records; the org disappears from pickers and takes no new children
    or grants. Reactivation needs an active parent. Returns the number of orgs changed.
    """
    if org.version != expected_version:
        raise StaleRecord()
    if not policy.can(actor, "org.deactivate", org):
        raise PermissionDenied(_l("You may not change this organisation's status."))
    if active and org.parent_id is not None:
        parent = db.session.get(Org, org.parent_id)
        if parent is not None and not parent.is_active:
            raise ValidationError(_l("Reactivate the parent organisation first."))
    if org.is_active == active:
        return 0
    in_subtree = Org.path.startswith(org.path, autoescape=True)
    subtree_ids = select(Org.id).where(in_subtree)
    if active:
        # Reopen only what this org's deactivation closed, not what was closed on its own.
        stamp = org.deactivated_at
        org_rows = update(Org).where(in_subtree, Org.deactivated_at == stamp)
        sp_rows = update(ServicePoint).where(
            ServicePoint.org_id.in_(subtree_ids), ServicePoint.deactivated_at == stamp
        )
        new_stamp = None
    else:
        new_stamp = utcnow()
        org_rows = update(Org).where(in_subtree, Org.is_active)
        sp_rows = update(ServicePoint).where(
            ServicePoint.org_id.in_(subtree_ids), ServicePoint.is_active
        )
    result = db.session.execute(
        org_rows.values(
            is_active=active, deactivated_at=new_stamp, version=Org.version + 1
        ).execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        sp_rows.values(
            is_active=active, deactivated_at=new_stamp, version=ServicePoint.version + 1
        ).execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    audit.record(actor, "org.activate" if active else "org.deactivate", org, rows=result.rowcount)
    return result.rowcount or 0


def org_tree(user: User, *, include_inactive: bool = False) -> list[OrgNode]:
    """The orgs ``user`` may see, as a forest (one query)."""
    stmt = policy.scope(select(Org), user, Org)
    if not include_inactive:
        stmt = stmt.where(Org.is_active)
    # Creation order (id) is the customary order: 第一党小组 before 第二党小组.
    orgs = list(db.session.scalars(stmt.order_by(Org.depth, Org.sort_order, Org.id)))
    nodes = {o.id: OrgNode(o) for o in orgs}
    roots: list[OrgNode] = []
    for o in orgs:
        node = nodes[o.id]
        parent = nodes.get(o.parent_id) if o.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def flatten(nodes: list[OrgNode], depth: int = 0) -> list[tuple[int, Org]]:
    """The tree in display order with each org's indent level."""
    out: list[tuple[int, Org]] = []
    for n in nodes:
        out.append((depth, n.org))
        out.extend(flatten(n.children, depth + 1))
    return out


def scoped_orgs(user: User, *, active_only: bool = True, kinds: tuple[str, ...] = ()) -> list[Org]:
    """The orgs ``user`` may see, in tree order, for pickers."""
    stmt = policy.scope(select(Org), user, Org)
    if active_only:
        stmt = stmt.where(Org.is_active)
    if kinds:
        stmt = stmt.where(Org.kind.in_(kinds))
    return list(db.session.scalars(stmt.order_by(Org.path)))


def org_choices(user: User) -> list[tuple[str, str]]:
    """(id, indented name) of the active orgs ``user`` may see, in tree order, for filter
    pickers; computed once per change of the tree or the grants (app/common/versions.py)."""

    def compute() -> list[tuple[str, str]]:
        return [(str(o.id), "　" * o.depth + o.name) for o in scoped_orgs(user)]

    return versions.cached(("roster",), ("org_choices", user.id, user.is_active), compute)


def scoped_service_points(user: User, *, active_only: bool = False) -> list[ServicePoint]:
    """The service points of the orgs ``user`` may see, by level and name (one query)."""
    stmt = policy.scope(select(ServicePoint), user, ServicePoint)
    if active_only:
        stmt = stmt.where(ServicePoint.is_active)
    return list(db.session.scalars(stmt.order_by(ServicePoint.level, ServicePoint.name)))


def org_breadcrumb(org: Org) -> list[Org]:
    """The org's ancestors from the root, itself last (one query)."""
    ids = org.ancestor_ids
    by_id = {o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def children_of(org: Org) -> list[Org]:
    return list(
        db.session.scalars(
            select(Org).where(Org.parent_id == org.id).order_by(Org.sort_order, Org.id)
        )
    )


def service_points_of(org: Org) -> list[ServicePoint]:
    return list(
        db.session.scalars(
            select(ServicePoint).where(ServicePoint.org_id == org.id).order_by(ServicePoint.name)
        )
    )


def grants_on(org: Org) -> list[RoleGrant]:
    """Who holds which role directly on ``org``."""
    return list(
        db.session.scalars(
            select(RoleGrant)
            .where(RoleGrant.org_id == org.id)
            .options(joinedload(RoleGrant.user))
            .order_by(RoleGrant.role, RoleGrant.id)
        ).unique()
    )


def _clean_sp(data: dict) -> dict:
    out = {
        "name": _clean_name(data.get("name", "")),
        "level": data.get("level", ""),
        "hotline": " ".join((data.get("hotline") or "").split())[:40],
        "address": " ".join((data.get("address") or "").split())[:200],
        "opening_hours": " ".join((data.get("opening_hours") or "").split())[:100],
    }
    if out["level"] not in set(ServiceLevel):
        raise ValidationError(_l("Choose a level."), field="level")
    return out


def _check_sp_name(name: str, exclude_id: int | None = None) -> None:
    stmt = select(ServicePoint.id).where(ServicePoint.name == name)
    if exclude_id is not None:
        stmt = stmt.where(ServicePoint.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise ValidationError(_l("A service point with this name already exists."), field="name")


def create_service_point(actor: User | None, org: Org, **data: str) -> ServicePoint:
    """Attach a service point (centre, station or room) to ``org``."""
    if actor is not None and not policy.can(actor, "service_point.manage", org):
        raise PermissionDenied(_l("You may not manage service points here."))
    if not org.is_active:
        raise ValidationError(_l("This organisation is deactivated."))
    clean = _clean_sp(data)
    _check_sp_name(clean["name"])
    sp = ServicePoint(org=org, **clean)
    db.session.add(sp)
    db.session.flush()
    audit.record(actor, "service_point.create", sp, level=clean["level"])
    return sp


def update_service_point(
    actor: User, sp: ServicePoint, *, expected_version: int, **data: str
) -> None:
    if not policy.can(actor, "service_point.manage", sp.org):
        raise PermissionDenied(_l("You may not manage service points here."))
    if sp.version != expected_version:
        raise StaleRecord()
    clean = _clean_sp(data)
    _check_sp_name(clean["name"], exclude_id=sp.id)
    changed = {k: v for k, v in clean.items() if getattr(sp, k) != v}
    if not changed:
        return
    for k, v in changed.items():
        setattr(sp, k, v)
    audit.record(actor, "service_point.update", sp, fields=sorted(changed))


def set_service_point_active(
    actor: User, sp: ServicePoint, active: bool, *, expected_version: int
) -> None:
    if not policy.can(actor, "service_point.manage", sp.org):
        raise PermissionDenied(_l("You may not manage service points here."))
    if sp.version != expected_version:
        raise StaleRecord()
    if active and not sp.org.is_active:
        raise ValidationError(_l("This organisation is deactivated."))
    if sp.is_active == active:
        return
    sp.is_active = active
    sp.deactivated_at = None if active else utcnow()
    audit.record(actor, "service_point.activate" if active else "service_point.deactivate", sp)
