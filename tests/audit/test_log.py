"""The audit log records grants, failed logins and org changes; admins read it, scoped."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import audit
from app.audit import AuditEvent
from app.auth.models import Role
from app.extensions import db
from tests.conftest import login
from tests.factories import make_org, make_tree, make_user


def test_failed_login_is_recorded_with_name_ip_and_reason(client):
    make_user("alice")
    login(client, "alice", "wrong")
    login(client, "ghost", "wrong")
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.login").order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_name, e.result, e.details["reason"]) for e in rows] == [
        ("alice", "fail", "password"),
        ("", "fail", "unknown"),  # an unknown name may be a mistyped password: not kept
    ]
    assert rows[0].ip == "127.0.0.1" and rows[0].request_id
    assert "wrong" not in str(rows[0].details)  # the tried password is never logged


def test_audit_page_shows_grants_and_failed_logins_to_admin(client, login_as):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    login(client, "sec", "wrong")
    c = login_as(admin)
    page = c.get("/audit/").get_data(as_text=True)
    assert "授予角色" in page and "失败" in page and "sec" in page
    only_fail = c.get("/audit/?result=fail").get_data(as_text=True)
    assert "授予角色" not in only_fail.split("<tbody>")[1]


def test_audit_page_is_for_admins_only(login_as):
    tree = make_tree()
    for role in ("committee", "branch_secretary", "member"):
        user = make_user(f"x_{role}", (role, tree.branch_a))
        assert login_as(user).get("/audit/").status_code == 403


def test_subtree_admin_sees_only_their_subtree_events(login_as):
    tree = make_tree()
    other = make_org("另一党委")
    sub_admin = make_user("subadmin", (Role.ADMIN, tree.branch_a))
    page = login_as(sub_admin).get("/audit/?action=org.create").get_data(as_text=True)
    assert "甲第一党小组" in page
    assert "乙第一党小组" not in page and other.name not in page


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(app):
    audit.record(None, "test.event")
    db.session.commit()
    ev = db.session.scalar(select(AuditEvent))
    ev.action = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent)))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
