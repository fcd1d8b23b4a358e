"""Hostile or odd input gets a clear 4xx, never a 500; review findings stay fixed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import Role, RoleGrant
from app.extensions import db
from app.orgs import services as org_services
from app.orgs.models import Org, ServicePoint
from tests.conftest import build_app, login
from tests.factories import PASSWORD, make_user


@pytest.fixture
def admin(tree):
    return make_user("root", (Role.ADMIN, tree.committee))


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/auth/login", {"username": "a\x00b", "password": "x"}),
        ("get", "/auth/users?q=a%00b", None),
        ("get", "/audit/?actor=a%00b", None),
        ("post", "/orgs/new?parent=1", {"name": "x\x00y", "kind": "branch"}),
    ],
)
def test_control_characters_are_refused_with_400(admin, login_as, method, url, data):
    c = login_as(admin)
    r = getattr(c, method)(url, data=data)
    assert r.status_code == 400


def test_huge_ids_and_pages_do_not_overflow(admin, login_as):
    c = login_as(admin)
    assert c.get("/orgs/99999999999999999999").status_code == 404
    assert c.get("/auth/users/" + "9" * 30).status_code == 404
    assert c.get("/auth/users?page=922337203685477580").status_code == 200
    assert c.get("/audit/?page=922337203685477580").status_code == 200


def test_subtree_admin_cannot_reach_accounts_without_roles(tree, admin, login_as):
    loose = make_user("loose")
    sub_admin = make_user("subadmin", (Role.ADMIN, tree.branch_b))
    c = login_as(sub_admin)
    assert c.get(f"/auth/users/{loose.id}").status_code == 404
    assert c.post(f"/auth/users/{loose.id}/reset-password").status_code == 404
    assert "loose" not in c.get("/auth/users").get_data(as_text=True)
    assert login_as(admin).get(f"/auth/users/{loose.id}").status_code == 200


def test_nobody_grants_roles_to_themself(tree, admin, login_as):
    r = login_as(admin).post(
        f"/auth/users/{admin.id}/grants",
        data={"grant-role": "committee", "grant-org_id": tree.committee.id},
    )
    assert r.status_code == 403
    assert (
        db.session.scalar(
            select(RoleGrant).where(RoleGrant.user_id == admin.id, RoleGrant.role == "committee")
        )
        is None
    )


def test_reactivation_keeps_what_was_closed_on_its_own(tree, admin):
    org_services.set_service_point_active(
        admin, tree.room_a, False, expected_version=tree.room_a.version
    )
    org_services.set_org_active(admin, tree.group_a, False, expected_version=tree.group_a.version)
    db.session.commit()
    branch = db.session.get(Org, tree.branch_a.id)
    org_services.set_org_active(admin, branch, False, expected_version=branch.version)
    db.session.commit()
    branch = db.session.get(Org, tree.branch_a.id)
    org_services.set_org_active(admin, branch, True, expected_version=branch.version)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Org, tree.branch_a.id).is_active
    assert not db.session.get(Org, tree.group_a.id).is_active
    assert not db.session.get(ServicePoint, tree.room_a.id).is_active


@pytest.mark.parametrize("bad", ["//evil.example/x", "/\t/evil.example/x", "/a\nb", "https://x"])
def test_language_switch_only_redirects_locally(client, bad):
    r = client.post("/lang", data={"lang": "en", "next": bad})
    assert r.status_code == 302 and r.location == "/"


def test_guessing_the_current_password_locks_the_account(client):
    make_user("victim")
    login(client, "victim")
    for _ in range(5):
        client.post(
            "/auth/password",
            data={"current_password": "guess", "new_password": "x" * 12, "confirm": "x" * 12},
        )
    assert client.get("/").status_code == 302  # the session ended with the lock
    assert login(client, "victim", PASSWORD).status_code == 200  # locked


def test_grant_on_a_deactivated_org_confers_nothing(tree, admin, login_as):
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    c = login_as(sec)
    assert c.get(f"/orgs/{tree.branch_a.id}").status_code == 200
    org_services.set_org_active(admin, tree.branch_a, False, expected_version=tree.branch_a.version)
    db.session.commit()
    assert c.get(f"/orgs/{tree.branch_a.id}").status_code == 404


def test_concurrent_rename_is_refused_not_overwritten(tree, admin, login_as):
    c1, c2 = login_as(admin), login_as(admin)
    v = tree.branch_b.version
    assert (
        c1.post(f"/orgs/{tree.branch_b.id}/rename", data={"name": "甲", "version": v}).status_code
        == 302
    )
    r = c2.post(f"/orgs/{tree.branch_b.id}/rename", data={"name": "乙", "version": v})
    assert r.status_code == 409
    db.session.expire_all()
    assert db.session.get(Org, tree.branch_b.id).name == "甲"


def test_login_is_throttled_per_ip(database_url):
    if database_url != "sqlite://":
        pytest.skip("one throttle test is enough")
    app = build_app("sqlite://", RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    c = app.test_client()
    codes = [
        c.post("/auth/login", data={"username": "x", "password": "y"}).status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert "请求过于频繁" in c.post("/auth/login", data={}).get_data(as_text=True)
