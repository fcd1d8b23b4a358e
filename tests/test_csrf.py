"""CSRF protection is on for every POST in the real configuration."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth.models import Role
from app.extensions import db
from app.orgs.models import Org
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_tree, make_user


def test_login_post_without_token_is_refused(csrf_app):
    make_user("alice")
    c = csrf_app.test_client()
    r = c.post("/auth/login", data={"username": "alice", "password": PASSWORD})
    assert r.status_code == 400
    assert c.get("/").status_code == 302  # not logged in


def test_login_post_with_token_succeeds(csrf_app):
    make_user("alice")
    c = csrf_app.test_client()
    token = csrf_token(c, "/auth/login")
    r = c.post("/auth/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302


def test_state_changing_post_without_token_changes_nothing(csrf_app):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    c = csrf_app.test_client()
    token = csrf_token(c, "/auth/login")
    c.post(
        "/auth/login", data={"username": admin.username, "password": PASSWORD, "csrf_token": token}
    )
    before = db.session.scalar(select(func.count(Org.id)))
    r = c.post(f"/orgs/new?parent={tree.committee.id}", data={"name": "新党支部", "kind": "branch"})
    assert r.status_code == 400
    assert db.session.scalar(select(func.count(Org.id))) == before
    assert c.post("/auth/logout").status_code == 400
    assert c.get("/").status_code == 200  # still logged in: logout needs the token too


def test_the_token_is_rotated_at_login_and_logout(csrf_app):
    make_user("alice")
    c = csrf_app.test_client()
    anonymous = csrf_token(c, "/auth/login")
    r = c.post(
        "/auth/login", data={"username": "alice", "password": PASSWORD, "csrf_token": anonymous}
    )
    assert r.status_code == 302
    logged_in = csrf_token(c, "/auth/password")
    assert logged_in != anonymous
    # the token served before login no longer passes
    assert c.post("/auth/logout", data={"csrf_token": anonymous}).status_code == 400
    assert c.post("/auth/logout", data={"csrf_token": logged_in}).status_code == 302
    after = csrf_token(c, "/auth/login")
    assert after not in (logged_in, anonymous)
    # the next user of this browser cannot be made to post with the previous user's token
    r = c.post(
        "/auth/login", data={"username": "alice", "password": PASSWORD, "csrf_token": logged_in}
    )
    assert r.status_code == 400
