"""Org tree rules: paths, kinds, moving a subtree, deactivation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Role
from app.errors import PermissionDenied, StaleRecord, ValidationError
from app.extensions import db
from app.orgs import services
from app.orgs.models import Org, OrgKind, ServicePoint
from tests.factories import make_org, make_service_point, make_tree, make_user


def assert_paths_consistent() -> None:
    """Every org's path is its parent's path plus its own id, and depth matches."""
    db.session.expire_all()
    orgs = {o.id: o for o in db.session.scalars(select(Org))}
    for o in orgs.values():
        if o.parent_id is None:
            assert o.path == f"/{o.id}/" and o.depth == 0, o
        else:
            parent = orgs[o.parent_id]
            assert o.path == f"{parent.path}{o.id}/", o
            assert o.depth == parent.depth + 1, o


def test_create_sets_path_and_depth(app):
    tree = make_tree()
    assert tree.committee.path == f"/{tree.committee.id}/"
    assert tree.group_a.path == (
        f"/{tree.committee.id}/{tree.general.id}/{tree.branch_a.id}/{tree.group_a.id}/"
    )
    assert tree.group_a.depth == 3
    assert_paths_consistent()


@pytest.mark.parametrize(
    ("parent_kind", "child_kind"),
    [
        (OrgKind.GROUP, OrgKind.GROUP),
        (OrgKind.BRANCH, OrgKind.BRANCH),
        (OrgKind.GENERAL_BRANCH, OrgKind.GROUP),
        (OrgKind.BRANCH, OrgKind.COMMITTEE),
    ],
)
def test_kind_rules(app, parent_kind, child_kind):
    tree = make_tree()
    parent = {
        OrgKind.GROUP: tree.group_a,
        OrgKind.BRANCH: tree.branch_a,
        OrgKind.GENERAL_BRANCH: tree.general,
    }[parent_kind]
    with pytest.raises(ValidationError) as err:
        services.create_org(None, name="新组织", kind=child_kind, parent=parent)
    assert err.value.field == "kind"


def test_root_must_be_a_committee(app):
    with pytest.raises(ValidationError):
        services.create_org(None, name="孤立支部", kind=OrgKind.BRANCH, parent=None)


def test_sibling_names_are_unique(app):
    tree = make_tree()
    with pytest.raises(ValidationError) as err:
        services.create_org(None, name=" 甲第一党小组 ", kind=OrgKind.GROUP, parent=tree.branch_a)
    assert err.value.field == "name"


def test_move_subtree_rewrites_every_descendant_path(app):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    extra = make_org("甲第二党小组", OrgKind.GROUP, tree.branch_a)
    other_general = make_org("第二党总支", OrgKind.GENERAL_BRANCH, tree.committee)
    moved = services.move_org(
        admin, tree.branch_a, other_general, expected_version=tree.branch_a.version
    )
    db.session.commit()
    assert moved == 3  # the branch and its two groups
    assert_paths_consistent()
    branch = db.session.get(Org, tree.branch_a.id)
    assert branch.parent_id == other_general.id
    for o in (db.session.get(Org, tree.group_a.id), db.session.get(Org, extra.id)):
        assert o.path.startswith(other_general.path)
    # the old parent's subtree no longer holds them
    old = db.session.scalars(services.subtree_stmt(tree.general)).all()
    assert {o.id for o in old} == {tree.general.id}
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org.move"))
    assert ev.details["rows"] == 3


def test_move_deep_tree_repeatedly_keeps_paths_right(app):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    sub = make_org("下级党委", OrgKind.COMMITTEE, tree.committee)
    services.move_org(admin, tree.general, sub, expected_version=tree.general.version)
    services.move_org(admin, tree.branch_b, sub, expected_version=tree.branch_b.version)
    general = db.session.get(Org, tree.general.id)
    services.move_org(admin, general, tree.committee, expected_version=general.version)
    db.session.commit()
    assert_paths_consistent()
    assert db.session.get(Org, tree.group_a.id).depth == 3
    assert db.session.get(Org, tree.group_b.id).depth == 3


def test_cannot_move_into_own_subtree(app):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    sub = make_org("下级党委", OrgKind.COMMITTEE, tree.committee)
    inner = make_org("内层党委", OrgKind.COMMITTEE, sub)
    with pytest.raises(ValidationError):
        services.move_org(admin, sub, inner, expected_version=sub.version)
    assert_paths_consistent()


def test_move_refuses_kind_the_new_parent_cannot_hold(app):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    with pytest.raises(ValidationError):
        services.move_org(admin, tree.group_a, tree.general, expected_version=tree.group_a.version)


def test_move_with_stale_version_is_refused(app):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    with pytest.raises(StaleRecord):
        services.move_org(admin, tree.branch_b, tree.general, expected_version=99)


def test_secretary_cannot_move_their_branch(app):
    tree = make_tree()
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    with pytest.raises(PermissionDenied):
        services.move_org(
            sec, tree.branch_a, tree.committee, expected_version=tree.branch_a.version
        )


def test_deactivation_closes_subtree_and_its_service_points(app):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    impact = services.deactivation_impact(tree.branch_a)
    assert (impact.orgs, impact.service_points) == (2, 1)
    n = services.set_org_active(admin, tree.branch_a, False, expected_version=tree.branch_a.version)
    db.session.commit()
    assert n == 2
    db.session.expire_all()
    assert not db.session.get(Org, tree.group_a.id).is_active
    assert not db.session.get(ServicePoint, tree.room_a.id).is_active
    with pytest.raises(ValidationError):
        services.create_org(None, name="新小组", kind=OrgKind.GROUP, parent=tree.branch_a)
    # reactivating the child alone is refused while the parent is closed
    group = db.session.get(Org, tree.group_a.id)
    with pytest.raises(ValidationError):
        services.set_org_active(admin, group, True, expected_version=group.version)
    branch = db.session.get(Org, tree.branch_a.id)
    services.set_org_active(admin, branch, True, expected_version=branch.version)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Org, tree.group_a.id).is_active


def test_org_tree_is_scoped(app):
    tree = make_tree()
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    rows = services.flatten(services.org_tree(sec))
    assert [(d, o.name) for d, o in rows] == [(0, "甲党支部"), (1, "甲第一党小组")]


def test_service_point_names_are_unique(app):
    tree = make_tree()
    with pytest.raises(ValidationError):
        make_service_point(tree.branch_b, "甲村为民服务室")
