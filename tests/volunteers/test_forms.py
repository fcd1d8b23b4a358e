"""The volunteer forms: bad input comes back beside its field in Chinese and writes nothing;
good input is saved; pages show only the buttons and links the user may follow."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.extensions import db
from app.volunteers import posts, profiles, services
from app.volunteers.models import ItemAgent, Post, PostRecord, ServiceItem
from tests.factories import make_member, make_service_point, make_user


@pytest.fixture
def sec(tree):
    return make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _errors(page: str) -> list[str]:
    return re.findall(r'class="invalid-feedback[^"]*">([^<]+)<', page)


def _item(org, name="低保申请", level="village"):
    data = {
        "name": name,
        "category": "civil_affairs",
        "level": level,
        "handling": "promised",
        "promised_days": 15,
        "skills": "法律咨询",
        "is_published": True,
    }
    item = services.save_item(None, org, data)
    db.session.commit()
    return item


def _item_form(org_id, **overrides):
    return {
        "org_id": org_id,
        "name": "新事项",
        "category": "civil_affairs",
        "level": "village",
        "handling": "promised",
        "promised_days": "10",
        "skill_names": "法律咨询，驾驶",
        "materials": "身份证",
    } | overrides


def test_a_secretary_sees_no_edit_link_on_a_district_item_and_every_link_answers(
    tree, sec, login_as
):
    district = _item(tree.committee, "社会保障卡补办", level="district")
    own = _item(tree.branch_a, "本支部事项")
    c = login_as(sec)
    page = c.get(f"/volunteers/items/{district.id}").get_data(as_text=True)
    assert f"/volunteers/items/{district.id}/edit" not in page
    assert c.get(f"/volunteers/items/{district.id}/edit").status_code == 404
    links = set(re.findall(r'href="(/[^"#]*)"', page)) - {"/auth/logout"}
    assert links  # the page does link somewhere
    for url in sorted(links):
        if not url.startswith(("/static/", "/bootstrap/")):
            assert c.get(url).status_code == 200, url
    # Where the secretary keeps the item, the button is there and leads to the form.
    page = c.get(f"/volunteers/items/{own.id}").get_data(as_text=True)
    assert f"/volunteers/items/{own.id}/edit" in page
    assert c.get(f"/volunteers/items/{own.id}/edit").status_code == 200


def test_item_form_bad_input_is_shown_beside_the_fields_in_chinese(tree, sec, login_as):
    c = login_as(sec)
    bad = _item_form(tree.branch_a.id, name="", category="moon", promised_days="abc")
    r = c.post("/volunteers/items/new", data=bad)
    assert r.status_code == 200
    errors = _errors(r.get_data(as_text=True))
    assert "此项为必填项。" in errors
    assert any("不是有效的选择" in e for e in errors)
    assert any("整数" in e for e in errors)
    assert _count(ServiceItem) == 0
    # A rule the service checks (on the spot means at most one day) lands beside its field.
    r = c.post("/volunteers/items/new", data=_item_form(tree.branch_a.id, handling="direct"))
    assert r.status_code == 200 and _errors(r.get_data(as_text=True)) == [
        "即时办结的事项承诺时限不得超过 1 天。"
    ]
    assert _count(ServiceItem) == 0
    # Another branch is not a choice.
    r = c.post("/volunteers/items/new", data=_item_form(tree.branch_b.id))
    assert r.status_code == 200 and any("选择" in e for e in _errors(r.get_data(as_text=True)))
    assert _count(ServiceItem) == 0


def test_item_form_saves_and_refuses_a_stale_edit(tree, sec, login_as):
    c = login_as(sec)
    r = c.post("/volunteers/items/new", data=_item_form(tree.branch_a.id, is_published="y"))
    item = db.session.scalar(select(ServiceItem))
    assert r.status_code == 302 and r.location.endswith(f"/volunteers/items/{item.id}")
    assert (item.name, item.promised_days, item.is_published) == ("新事项", 10, True)
    assert sorted(s.name for s in item.skills) == ["法律咨询", "驾驶"]
    form = c.get(f"/volunteers/items/{item.id}/edit").get_data(as_text=True)
    assert 'value="新事项"' in form and "法律咨询，驾驶" in form
    edit = _item_form(tree.branch_a.id, name="改名", version=item.version)
    assert c.post(f"/volunteers/items/{item.id}/edit", data=edit).status_code == 302
    stale = _item_form(
        tree.branch_a.id, name="再改", version=item.version - 1 if item.version > 1 else 99
    )
    assert c.post(f"/volunteers/items/{item.id}/edit", data=stale).status_code == 409
    db.session.expire_all()
    assert db.session.get(ServiceItem, item.id).name == "改名"


def test_profile_form_errors_then_saves(tree, sec, login_as):
    m = make_member(tree.group_a, name="志愿者")
    db.session.commit()
    c = login_as(sec)
    bad = {
        "max_cases": "99",
        "categories": ["civil_affairs", "nonsense"],
        "skills-0-name": "法律咨询",
        "skills-0-level": "2",
    }
    r = c.post(f"/volunteers/profiles/{m.id}", data=bad)
    assert r.status_code == 200
    errors = _errors(r.get_data(as_text=True))
    assert "请输入 0 到 50 之间的数字。" in errors
    assert "请从列表中选择一项。" in errors
    assert profiles.profile_of(m) is None
    good = {
        "max_cases": "4",
        "categories": ["civil_affairs", "land"],
        "availability": ["mon"],
        "service_point_id": str(tree.room_a.id),
        "note": "周末可以",
        "skills-0-name": "法律咨询",
        "skills-0-level": "3",
        "skills-1-name": "",
        "skills-1-level": "1",
    }
    r = c.post(f"/volunteers/profiles/{m.id}", data=good)
    assert r.status_code == 302
    p = profiles.profile_of(m)
    assert (p.max_cases, p.categories, p.availability, p.service_point_id, p.note) == (
        4,
        ["civil_affairs", "land"],
        ["mon"],
        tree.room_a.id,
        "周末可以",
    )
    assert [(ps.skill.name, ps.level, ps.is_confirmed) for ps in p.skills] == [
        ("法律咨询", 3, True)
    ]
    page = c.get(f"/volunteers/profiles/{m.id}").get_data(as_text=True)
    assert 'name="skills-0-name" type="text" value="法律咨询"' in page
    assert re.search(r'<input checked[^>]* value="civil_affairs"', page)


def test_a_member_declares_skills_the_branch_confirms(tree, sec, login_as):
    user = make_user("self", (Role.MEMBER, tree.group_a))
    m = make_member(tree.group_a, name="自己", skills="驾驶")
    m.user_id = user.id
    db.session.commit()
    me = login_as(user)
    form = {"max_cases": "2", "skills-0-name": "新技能X", "skills-0-level": "1"}
    r = me.post(f"/volunteers/profiles/{m.id}", data=form)
    assert r.status_code == 200 and any("新技能X" in e for e in _errors(r.get_data(as_text=True)))
    assert profiles.profile_of(m) is None
    form["skills-0-name"] = "驾驶"
    assert me.post(f"/volunteers/profiles/{m.id}", data=form).status_code == 302
    ps = profiles.profile_of(m).skills[0]
    assert not ps.is_confirmed
    assert "/confirm" not in me.get(f"/volunteers/profiles/{m.id}").get_data(as_text=True)
    c = login_as(sec)
    url = f"/volunteers/profiles/{m.id}/skills/{ps.id}/confirm"
    assert url in c.get(f"/volunteers/profiles/{m.id}").get_data(as_text=True)
    assert me.post(url).status_code == 403
    assert c.post(url).status_code == 302
    db.session.expire_all()
    assert profiles.profile_of(m).skills[0].is_confirmed


def test_post_forms_errors_then_save(tree, sec, login_as):
    c = login_as(sec)
    r = c.post("/volunteers/posts", data={"org_id": tree.branch_a.id, "name": ""})
    assert r.status_code == 200 and "此项为必填项。" in _errors(r.get_data(as_text=True))
    assert _count(Post) == 0
    r = c.post("/volunteers/posts", data={"org_id": tree.branch_a.id, "name": "政策宣传岗"})
    post = db.session.scalar(select(Post))
    assert r.status_code == 302 and post.name == "政策宣传岗"
    r = c.post("/volunteers/posts", data={"org_id": tree.branch_a.id, "name": "政策宣传岗"})
    assert "本组织已有同名岗位。" in _errors(r.get_data(as_text=True))
    holder = make_member(tree.group_a, name="无职党员")
    db.session.commit()
    assert (
        c.post(f"/volunteers/posts/{post.id}/holders", data={"member_id": holder.id}).status_code
        == 302
    )
    assert [h.member_id for h in posts.holders(sec, post).shown] == [holder.id]
    url = f"/volunteers/posts/{post.id}/records"
    r = c.post(url, data={"member_id": holder.id, "occurred_on": "2026-11-01", "summary": "x"})
    assert r.status_code == 200
    assert _errors(r.get_data(as_text=True)) == ["字段长度必须介于 2 到 2000 个字符之间。"]
    r = c.post(url, data={"member_id": holder.id, "occurred_on": "2099-01-01", "summary": "宣讲"})
    assert r.status_code == 200 and _errors(r.get_data(as_text=True)) == ["该日期晚于今天。"]
    assert _count(PostRecord) == 0
    good = {"member_id": holder.id, "occurred_on": date(2026, 11, 1).isoformat(), "summary": "宣讲"}
    assert c.post(url, data=good).status_code == 302
    assert [r.summary for r in posts.records(sec, post)] == ["宣讲"]


def test_designation_warns_then_designates_anyway(tree, sec, login_as):
    item = _item(tree.branch_a)
    m = make_member(tree.group_a, name="甲")
    profiles.save_profile(sec, m, {"max_cases": 1, "skills": [("法律咨询", 2)]})
    db.session.commit()
    c = login_as(sec)
    url = f"/volunteers/items/{item.id}/designate"
    form = {"member_id": m.id, "service_point_id": tree.room_a.id, "primary": "1"}
    r = c.post(url, data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "此事项在本服务点尚无 B 岗（备岗） 代理员。" in page
    assert 'name="confirm" type="hidden" value="1"' in page and _count(ItemAgent) == 0
    r = c.post(url, data=form | {"confirm": "1"})
    assert r.status_code == 302
    assert [(a.member_id, a.role) for a in db.session.scalars(select(ItemAgent))] == [
        (m.id, "primary")
    ]
    other_room = make_service_point(tree.branch_b, "乙村室")
    assert c.post(url, data=form | {"service_point_id": other_room.id}).status_code == 404
