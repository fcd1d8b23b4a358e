"""Roster pages over HTTP: scope, masking, search in the session, fixed query counts."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Role
from app.extensions import db
from app.roster.models import Member
from tests.factories import make_id_number, make_member, make_user

ID_RE = re.compile(r"\b\d{17}[\dX]\b")
MOBILE_RE = re.compile(r"\b1[3-9]\d{9}\b")


def test_list_shows_only_masked_numbers(tree, login_as):
    make_member(tree.group_a, name="甲一", id_number=make_id_number(seq=1), phone="13911112222")
    c = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    for url in ("/roster/", f"/roster/{db.session.scalar(select(Member.id))}"):
        page = c.get(url).get_data(as_text=True)
        assert "甲一" in page
        assert not ID_RE.search(page) and not MOBILE_RE.search(page), url
        assert "620902********" in page


def test_secretary_sees_own_branch_and_gets_404_elsewhere(tree, login_as):
    make_member(tree.group_a, name="甲一")
    b = make_member(tree.group_b, name="乙一")
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    page = c.get("/roster/").get_data(as_text=True)
    assert "甲一" in page and "乙一" not in page
    assert c.get(f"/roster/{b.id}").status_code == 404
    assert c.get(f"/roster/{b.id}/edit").status_code == 404


def test_member_sees_only_their_own_record(tree, login_as):
    user = make_user("self", (Role.MEMBER, tree.group_a))
    mine = make_member(tree.group_a, name="自己")
    other = make_member(tree.group_a, name="别人")
    mine.user_id = user.id
    db.session.commit()
    c = login_as(user)
    assert c.get("/roster/").status_code == 403
    assert c.get(f"/roster/{mine.id}").status_code == 200
    assert c.get(f"/roster/{other.id}").status_code == 404
    assert f'href="/roster/{mine.id}"' in c.get("/").get_data(as_text=True)  # "my record"


def test_search_text_stays_out_of_the_url(tree, login_as):
    number = make_id_number(seq=77)
    make_member(tree.group_a, name="要找的人", id_number=number)
    make_member(tree.group_a, name="别的人")
    c = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    r = c.post("/roster/", data={"q": number, "sort": "pinyin"})
    assert r.status_code == 302 and number not in r.location
    page = c.get(r.location).get_data(as_text=True)
    assert "要找的人" in page and "别的人" not in page


def test_create_member_through_the_form_with_field_errors(tree, login_as):
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    bad = c.post(
        "/roster/new",
        data={
            "name": "新人",
            "id_number": "123",
            "org_id": tree.group_a.id,
            "membership": "full",
            "post_kind": "no_post",
            "party_status": "normal",
        },
    )
    assert bad.status_code == 200 and "invalid-feedback" in bad.get_data(as_text=True)
    ok = c.post(
        "/roster/new",
        data={
            "name": "新人",
            "id_number": make_id_number(seq=9),
            "org_id": tree.group_a.id,
            "membership": "full",
            "joined_on": "2010-07-01",
            "full_member_on": "2011-07-01",
            "post_kind": "no_post",
            "party_status": "normal",
            "skills": "法律咨询，驾驶",
        },
    )
    assert ok.status_code == 302
    m = db.session.scalar(select(Member).where(Member.name == "新人"))
    assert sorted(s.name for s in m.skills) == ["法律咨询", "驾驶"]


def test_edit_form_keeps_the_masked_id_and_refuses_stale_versions(tree, login_as):
    m = make_member(tree.group_a, name="老党员")
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    page = c.get(f"/roster/{m.id}/edit").get_data(as_text=True)
    masked = re.search(r'name="id_number"[^>]*value="([^"]+)"', page).group(1)
    assert "*" in masked
    data = {
        "name": "老党员",
        "id_number": masked,
        "org_id": tree.group_a.id,
        "membership": "full",
        "joined_on": "2005-07-01",
        "full_member_on": "2006-07-01",
        "post_kind": "cadre",
        "party_status": "normal",
        "version": m.version,
    }
    assert c.post(f"/roster/{m.id}/edit", data=data).status_code == 302
    assert c.post(f"/roster/{m.id}/edit", data=data).status_code == 409


def test_unmask_over_http(tree, login_as):
    number = make_id_number(seq=88)
    m = make_member(tree.group_a, id_number=number)
    sec = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    assert sec.post(f"/roster/{m.id}/unmask", data={"reason": "核对"}).status_code == 403
    cmte = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    r = cmte.post(f"/roster/{m.id}/unmask", data={"reason": "组织关系转接"})
    assert number in r.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.unmask"))
    assert number not in cmte.get(f"/roster/{m.id}").get_data(as_text=True)


def test_list_page_runs_a_fixed_number_of_queries(tree, login_as, count_queries):
    c = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    make_member(tree.group_a, skills="法律咨询")
    with count_queries() as few:
        assert c.get("/roster/").status_code == 200
    for i in range(40):
        make_member(tree.group_a if i % 2 else tree.group_b, skills="驾驶，电商销售")
    with count_queries() as many:
        assert c.get("/roster/").status_code == 200
    assert many.count == few.count


def test_mentor_is_chosen_from_the_branchs_mentors_only(tree, login_as):
    m = make_member(tree.group_a, name="预备", membership="probationary", full_member_on="")
    mentor = make_user("mentor", (Role.MENTOR, tree.branch_a))
    outsider = make_user("other", (Role.MENTOR, tree.branch_b))
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    page = c.get(f"/roster/{m.id}").get_data(as_text=True)
    assert 'name="mentor_user_id"' in page and outsider.display_name not in page
    bad = c.post(f"/roster/{m.id}/mentor", data={"mentor_user_id": outsider.id})
    assert bad.status_code == 200 and "invalid-feedback" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, m.id).mentor_user_id is None
    assert c.post(f"/roster/{m.id}/mentor", data={"mentor_user_id": mentor.id}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, m.id).mentor_user_id == mentor.id


def test_a_secretary_lists_their_branch_and_their_own_record_from_elsewhere(tree, login_as):
    from app.auth.models import Role
    from app.extensions import db
    from tests.factories import make_member, make_user

    in_a = make_member(tree.group_a, name="甲支部党员")
    in_b = make_member(tree.group_b, name="乙支部党员")
    mine = make_member(tree.group_b, name="书记本人")
    secretary = make_user("sec_a", (Role.BRANCH_SECRETARY, tree.branch_a))
    mine.user_id = secretary.id
    db.session.commit()
    page = login_as(secretary).get("/roster/").get_data(as_text=True)
    assert in_a.name in page and mine.name in page and in_b.name not in page
