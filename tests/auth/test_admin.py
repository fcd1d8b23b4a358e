"""Account administration: create, grant, revoke, reset, reach of a sub-tree admin."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Role, RoleGrant, User
from app.extensions import db
from tests.conftest import login
from tests.factories import make_org, make_user


@pytest.fixture
def admin(tree):
    return make_user("root", (Role.ADMIN, tree.committee))


def test_admin_creates_account_with_one_time_password_that_must_be_changed(app, admin, login_as):
    c = login_as(admin)
    r = c.post(
        "/auth/users/new",
        data={"username": "wang.li", "display_name": "王丽", "generate": "y"},
    )
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    password = re.search(r"password-once[^>]*>([^<]+)<", page).group(1).strip()
    user = db.session.scalar(select(User).where(User.username == "wang.li"))
    assert user.must_change_password
    fresh = app.test_client()
    assert login(fresh, "wang.li", password).status_code == 302
    assert fresh.get("/").location.endswith("/auth/password")


def test_duplicate_username_is_reported_beside_the_field(admin, login_as):
    make_user("taken")
    r = login_as(admin).post(
        "/auth/users/new", data={"username": "TAKEN", "display_name": "某人", "generate": "y"}
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "invalid-feedback" in page
    assert db.session.scalar(select(db.func.count(User.id))) == 2


def test_grant_is_audited_and_gives_access(tree, admin, login_as):
    user = make_user("newsec")
    c = login_as(admin)
    r = c.post(
        f"/auth/users/{user.id}/grants",
        data={"grant-role": "branch_secretary", "grant-org_id": tree.branch_a.id},
    )
    assert r.status_code == 302
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == user.id))
    assert (grant.role, grant.org_id) == ("branch_secretary", tree.branch_a.id)
    ev = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "role.grant", AuditEvent.actor_id == admin.id)
    )
    assert ev.actor_name == "root" and ev.target_id == user.id
    assert ev.details["role"] == "branch_secretary"
    assert ev.org_path == tree.branch_a.path
    assert login_as(user).get(f"/orgs/{tree.branch_a.id}").status_code == 200


def test_agent_grant_needs_a_service_point(tree, admin, login_as):
    user = make_user("agent1")
    c = login_as(admin)
    r = c.post(
        f"/auth/users/{user.id}/grants",
        data={"grant-role": "agent", "grant-org_id": tree.branch_a.id},
    )
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
    r = c.post(
        f"/auth/users/{user.id}/grants",
        data={
            "grant-role": "agent",
            "grant-org_id": tree.branch_a.id,
            "grant-service_point_id": tree.room_a.id,
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert [g.service_point_id for g in user.grants] == [tree.room_a.id]


def test_admin_cannot_remove_own_last_admin_role(admin, login_as):
    grant = admin.grants[0]
    login_as(admin).post(f"/auth/users/{admin.id}/grants/{grant.id}/revoke")
    db.session.expire_all()
    assert db.session.get(RoleGrant, grant.id) is not None


@pytest.mark.parametrize("role", ["branch_secretary", "committee", "group_leader", "member"])
def test_non_admins_cannot_open_account_admin(tree, login_as, role):
    user = make_user("someone", (role, tree.branch_a))
    c = login_as(user)
    assert c.get("/auth/users").status_code == 403
    assert c.get(f"/auth/users/{user.id}").status_code == 403
    assert (
        c.post("/auth/users/new", data={"username": "x1", "display_name": "x"}).status_code == 403
    )


def test_subtree_admin_cannot_grant_outside_or_edit_a_wider_account(tree, admin, login_as):
    sub_admin = make_user("subadmin", (Role.ADMIN, tree.branch_a))
    target = make_user("target1")
    c = login_as(sub_admin)
    r = c.post(
        f"/auth/users/{target.id}/grants",
        data={"grant-role": "member", "grant-org_id": tree.branch_b.id},
    )
    assert r.status_code == 404  # an account with no role is outside a subtree admin's reach
    db.session.expire_all()
    assert target.grants == []
    # an account in reach, granted in an org outside it: the form offers no such org
    inside = make_user("inside1", (Role.MEMBER, tree.group_a))
    r = c.post(
        f"/auth/users/{inside.id}/grants",
        data={"grant-role": "member", "grant-org_id": tree.branch_b.id},
    )
    assert r.status_code == 200
    db.session.expire_all()
    assert [g.org_id for g in inside.grants] == [tree.group_a.id]
    # the committee-wide admin is outside the sub-tree admin's reach altogether
    assert c.get(f"/auth/users/{admin.id}").status_code == 404
    assert c.post(f"/auth/users/{admin.id}/deactivate", data={"version": 1}).status_code == 404


def test_stale_edit_is_refused_with_409(admin, login_as):
    user = make_user("stale")
    c = login_as(admin)
    ok = c.post(f"/auth/users/{user.id}/edit", data={"edit-display_name": "甲", "edit-version": 1})
    assert ok.status_code == 302
    stale = c.post(
        f"/auth/users/{user.id}/edit", data={"edit-display_name": "乙", "edit-version": 1}
    )
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "甲"


def test_reset_password_forces_change_and_ends_sessions(app, admin, login_as):
    user = make_user("forgetful")
    old = login_as(user)
    r = login_as(admin).post(f"/auth/users/{user.id}/reset-password")
    assert r.status_code == 200
    assert old.get("/").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).must_change_password


def test_user_list_is_paginated_and_searchable(app, admin, login_as):
    for i in range(60):
        make_user(f"bulk{i:02d}")
    c = login_as(admin)
    first = c.get("/auth/users").get_data(as_text=True)
    assert "bulk00" in first and "bulk55" not in first
    second = c.get("/auth/users?page=2").get_data(as_text=True)
    assert "bulk55" in second
    found = c.get("/auth/users?q=bulk07").get_data(as_text=True)
    assert "bulk07" in found and "bulk08" not in found


def test_user_list_runs_a_fixed_number_of_queries(app, tree, admin, login_as, count_queries):
    c = login_as(admin)
    org = make_org("另一党委")
    make_user("few", (Role.MEMBER, tree.group_a))
    with count_queries() as few:
        c.get("/auth/users")
    for i in range(20):
        make_user(f"many{i}", (Role.MEMBER, tree.group_a), (Role.MEMBER, tree.group_b))
    make_user("other", (Role.MEMBER, org))
    with count_queries() as many:
        c.get("/auth/users")
    assert many.count == few.count


def test_ones_own_account_page_offers_no_reset_or_deactivation(admin, login_as):
    c = login_as(admin)
    page = c.get(f"/auth/users/{admin.id}").get_data(as_text=True)
    assert f"/auth/users/{admin.id}/reset-password" not in page
    assert f"/auth/users/{admin.id}/deactivate" not in page
    assert c.post(f"/auth/users/{admin.id}/reset-password").status_code == 403
    other = make_user("other1", (Role.MEMBER, admin.grants[0].org))
    page = c.get(f"/auth/users/{other.id}").get_data(as_text=True)
    assert f"/auth/users/{other.id}/reset-password" in page
    assert f"/auth/users/{other.id}/deactivate" in page
