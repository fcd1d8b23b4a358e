"""Logging in and out, login delays, server-side sessions, forced password change."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Role
from app.common.timeutil import utcnow
from app.extensions import db
from tests.conftest import login
from tests.factories import PASSWORD, make_tree, make_user

GENERIC = "用户名或密码错误"


def test_login_success_lands_on_home_naming_roles_and_scope(client):
    tree = make_tree()
    make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a), display_name="李秀兰")
    r = login(client, "sec")
    assert r.status_code == 302 and r.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "李秀兰" in page
    assert "支部书记" in page
    # the scope is shown as the org's full trail
    assert "测试党委" in page and "测试党总支" in page and "甲党支部" in page


def test_wrong_password_and_unknown_user_answer_alike(client):
    make_user("alice")
    wrong = login(client, "alice", "not the password")
    unknown = login(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC in wrong.get_data(as_text=True)
    assert wrong.get_data(as_text=True) == unknown.get_data(as_text=True).replace(
        'value="nobody"', 'value="alice"'
    )
    assert client.get("/").status_code == 302  # still anonymous


def test_deactivated_account_cannot_log_in(client, app):
    user = make_user("bob")
    user.is_active = False
    db.session.commit()
    r = login(client, "bob")
    assert r.status_code == 200
    assert GENERIC in r.get_data(as_text=True)
    failed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.login", AuditEvent.result == "fail")
    ).all()
    assert [e.details["reason"] for e in failed] == ["inactive"]


def test_deactivation_ends_existing_sessions(login_as):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    victim = make_user("victim", (Role.BRANCH_SECRETARY, tree.branch_a))
    victim_client = login_as(victim)
    assert victim_client.get("/orgs/").status_code == 200
    admin_client = login_as(admin)
    r = admin_client.post(f"/auth/users/{victim.id}/deactivate", data={"version": victim.version})
    assert r.status_code == 302
    assert victim_client.get("/orgs/").status_code == 302  # back to login


def test_five_failures_slow_the_account_down_instead_of_locking_it(client):
    # The throttle's own tests are in test_throttle.py; here the old 30-minute lock is gone.
    make_user("carol")
    for _ in range(5):
        assert GENERIC in login(client, "carol", "wrong").get_data(as_text=True)
    # the right password waits out the delay, with the same message
    assert login(client, "carol").status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=2)):
        assert login(client, "carol").status_code == 302
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("auth.throttle") == 1 and "auth.lock" not in actions


def test_logout_revokes_the_session_server_side(app, client):
    make_user("dave")
    login(client, "dave")
    cookie = client.get_cookie("session")
    assert cookie is not None
    r = client.post("/auth/logout")
    assert r.status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    assert replay.get("/").status_code == 302


def test_idle_session_expires(client):
    make_user("erin")
    login(client, "erin")
    assert client.get("/").status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=31)):
        assert client.get("/").status_code == 302


def test_must_change_password_is_forced_then_lifted(client):
    make_user("frank", must_change_password=True)
    login(client, "frank")
    r = client.get("/")
    assert r.status_code == 302 and r.location.endswith("/auth/password")
    r = client.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a much better phrase",
            "confirm": "a much better phrase",
        },
    )
    assert r.status_code == 302
    assert client.get("/").status_code == 200


def test_password_change_rejects_weak_password_beside_the_field(client):
    make_user("gina")
    login(client, "gina")
    r = client.post(
        "/auth/password",
        data={"current_password": PASSWORD, "new_password": "12345678", "confirm": "12345678"},
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "invalid-feedback" in page


def test_password_change_ends_other_sessions(login_as):
    user = make_user("hank")
    first = login_as(user)
    second = login_as(user)
    r = second.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "new_password": "another long phrase",
            "confirm": "another long phrase",
        },
    )
    assert r.status_code == 302
    assert second.get("/").status_code == 200
    assert first.get("/").status_code == 302


def test_next_parameter_only_follows_local_paths(client):
    make_user("ivy")
    for bad in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        fresh = client.application.test_client()
        r = fresh.post(f"/auth/login?next={bad}", data={"username": "ivy", "password": PASSWORD})
        assert r.location == "/"
    r = client.post("/auth/login?next=/orgs/", data={"username": "ivy", "password": PASSWORD})
    assert r.location == "/orgs/"


def test_password_is_hashed_with_argon2id(app):
    user = make_user("jack")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_revoked_role_takes_effect_on_next_request(login_as):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    sec_client = login_as(sec)
    assert sec_client.get("/orgs/").status_code == 200
    grant = sec.grants[0]
    r = login_as(admin).post(f"/auth/users/{sec.id}/grants/{grant.id}/revoke")
    assert r.status_code == 302
    assert sec_client.get("/orgs/").status_code == 403
