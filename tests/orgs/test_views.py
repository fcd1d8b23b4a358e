"""Org admin screens over HTTP: scope, forms, confirmation, fixed query counts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.orgs.models import Org, OrgKind, ServicePoint
from tests.factories import make_org, make_user


@pytest.fixture
def sec_a(tree):
    return make_user("sec_a", (Role.BRANCH_SECRETARY, tree.branch_a))


def _b_pages(tree):
    b = tree.branch_b.id
    return [
        ("get", f"/orgs/{b}"),
        ("get", f"/orgs/{tree.group_b.id}"),
        ("get", f"/orgs/new?parent={b}"),
        ("get", f"/orgs/{b}/move"),
        ("get", f"/orgs/{b}/deactivate"),
        ("post", f"/orgs/{b}/rename"),
        ("post", f"/orgs/{b}/deactivate"),
        ("post", f"/orgs/{b}/activate"),
        ("get", f"/orgs/{b}/service-points/new"),
    ]


def test_secretary_of_a_gets_404_on_branch_b_pages(tree, sec_a, login_as):
    c = login_as(sec_a)
    for method, url in _b_pages(tree):
        r = getattr(c, method)(url, data={"name": "x", "version": 1})
        assert r.status_code == 404, (method, url, r.status_code)
    db.session.expire_all()
    assert db.session.get(Org, tree.branch_b.id).name == "乙党支部"
    assert db.session.get(Org, tree.branch_b.id).is_active


def test_secretary_sees_own_branch_but_may_not_restructure_it(tree, sec_a, login_as):
    c = login_as(sec_a)
    a = tree.branch_a.id
    assert c.get(f"/orgs/{a}").status_code == 200
    assert c.get(f"/orgs/{a}/move").status_code == 403
    assert c.get(f"/orgs/{a}/deactivate").status_code == 403
    r = c.post(f"/orgs/{a}/rename", data={"name": "改名", "version": tree.branch_a.version})
    assert r.status_code == 403
    assert c.get(f"/orgs/{a}/service-points/new").status_code == 403


def test_secretary_keeps_the_groups_of_their_branch(tree, sec_a, login_as):
    c = login_as(sec_a)
    r = c.post(
        f"/orgs/new?parent={tree.branch_a.id}", data={"name": "甲第二党小组", "kind": "group"}
    )
    assert r.status_code == 302
    new = db.session.scalar(select(Org).where(Org.name == "甲第二党小组"))
    assert new.parent_id == tree.branch_a.id and new.kind == OrgKind.GROUP
    r = c.post(f"/orgs/{new.id}/rename", data={"name": "甲第三党小组", "version": new.version})
    assert r.status_code == 302
    db.session.expire_all()
    r = c.post(f"/orgs/{new.id}/deactivate", data={"version": db.session.get(Org, new.id).version})
    assert r.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Org, new.id).is_active


@pytest.mark.parametrize("role", ["group_leader", "member", "mentor"])
def test_roles_without_org_rights_are_refused(tree, login_as, role):
    user = make_user("plain", (role, tree.group_a))
    c = login_as(user)
    assert c.get("/orgs/").status_code == 403
    assert c.get(f"/orgs/{tree.group_a.id}").status_code == 404


def test_admin_moves_a_branch_through_the_form(tree, login_as):
    admin = make_user("root", (Role.ADMIN, tree.committee))
    c = login_as(admin)
    page = c.get(f"/orgs/{tree.branch_b.id}/move").get_data(as_text=True)
    assert "测试党总支" in page
    r = c.post(
        f"/orgs/{tree.branch_b.id}/move",
        data={"parent_id": tree.general.id, "version": tree.branch_b.version},
    )
    assert r.status_code == 302
    db.session.expire_all()
    group_b = db.session.get(Org, tree.group_b.id)
    assert group_b.path == f"{tree.general.path}{tree.branch_b.id}/{group_b.id}/"


def test_move_form_refuses_a_target_not_offered(tree, login_as):
    admin = make_user("root", (Role.ADMIN, tree.committee))
    c = login_as(admin)
    r = c.post(
        f"/orgs/{tree.branch_b.id}/move",
        data={"parent_id": tree.group_a.id, "version": tree.branch_b.version},
    )
    assert r.status_code == 200
    assert "invalid-feedback" in r.get_data(as_text=True)


def test_deactivation_asks_for_confirmation_first(tree, login_as):
    admin = make_user("root", (Role.ADMIN, tree.committee))
    c = login_as(admin)
    page = c.get(f"/orgs/{tree.branch_a.id}/deactivate").get_data(as_text=True)
    assert "<form" in page
    db.session.expire_all()
    assert db.session.get(Org, tree.branch_a.id).is_active  # GET changed nothing


def test_create_org_shows_error_beside_the_field(tree, login_as):
    admin = make_user("root", (Role.ADMIN, tree.committee))
    r = login_as(admin).post(
        f"/orgs/new?parent={tree.branch_a.id}", data={"name": "甲第一党小组", "kind": "group"}
    )
    assert r.status_code == 200
    assert "invalid-feedback" in r.get_data(as_text=True)


def test_service_point_create_and_edit(tree, login_as):
    admin = make_user("root", (Role.ADMIN, tree.committee))
    c = login_as(admin)
    r = c.post(
        f"/orgs/{tree.branch_b.id}/service-points/new",
        data={
            "name": "乙村为民服务室",
            "level": "village",
            "hotline": "0937-7654321",
            "address": "乙村村委会",
            "opening_hours": "周一至周五",
        },
    )
    assert r.status_code == 302
    sp = db.session.scalar(select(ServicePoint).where(ServicePoint.name == "乙村为民服务室"))
    r = c.post(
        f"/orgs/service-points/{sp.id}/edit",
        data={
            "name": "乙村为民服务室",
            "level": "village",
            "hotline": "110",
            "version": sp.version,
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(ServicePoint, sp.id).hotline == "110"


def test_org_list_runs_a_fixed_number_of_queries(tree, login_as, count_queries):
    admin = make_user("root", (Role.ADMIN, tree.committee))
    c = login_as(admin)
    with count_queries() as few:
        assert c.get("/orgs/").status_code == 200
    for i in range(15):
        b = make_org(f"新支部{i}", OrgKind.BRANCH, tree.committee)
        make_org(f"新小组{i}", OrgKind.GROUP, b)
    with count_queries() as many:
        page = c.get("/orgs/").get_data(as_text=True)
    assert "新小组14" in page
    assert many.count == few.count
