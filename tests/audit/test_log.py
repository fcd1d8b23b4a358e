"""The audit log records grants, failed logins and org changes; admins read it, scoped."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app import audit
from app.audit import AuditEvent
from app.audit.labels import ACTION_LABELS, DETAIL_LABELS, action_label
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


def test_the_log_reads_in_words_not_codes(app, login_as):
    tree = make_tree()  # org.create events, with kind=branch and kind=group
    admin = make_user("root", (Role.ADMIN, tree.committee))
    audit.record(
        admin,
        "appraisal.close",
        None,
        org_path=tree.branch_a.path,
        from_status="assessed",
        to_status="closed",
        member_id=7,
        comment="",
    )
    audit.record(admin, "volunteers.item_save", None, org_path=tree.committee.path, published=True)
    db.session.commit()
    page = login_as(admin).get("/audit/").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    for code in (
        "appraisal.close",
        "volunteers.item_save",
        "org.create",
        "from_status",
        "to_status",
        "published",
        "True",
        "assessed",
        "branch",
    ):
        assert code not in rows, code
    assert "已评定" in rows and "已关闭" in rows  # the statuses, as the appraisal pages say them
    assert "是" in rows and "党支部" in rows and "创建组织" in rows
    with app.test_request_context(), force_locale("zh_Hans"):
        assert str(action_label("appraisal.close")) in rows
        assert str(DETAIL_LABELS["from_status"]) in rows


def test_the_action_filter_offers_every_labelled_action(app, login_as):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    page = login_as(admin).get("/audit/?action=appraisal.close").get_data(as_text=True)
    assert '<option selected value="appraisal.close">' in page
    assert page.count("<option") == len(ACTION_LABELS) + 1 + 3  # + "all"; result: all/ok/fail
