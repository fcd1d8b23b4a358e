"""Catalogue, profiles, designation and the public guide."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from flask_babel import gettext
from sqlalchemy import select

from app.auth.models import Role
from app.errors import FieldErrors, ValidationError
from app.extensions import db
from app.volunteers import agents, posts, profiles, services
from app.volunteers.matching import Candidate, Need, rank
from app.volunteers.models import ItemAgent
from tests.factories import make_member, make_service_point, make_user


def _item(org, name="低保申请", published=True, skills="法律咨询"):
    data = {
        "name": name,
        "category": "civil_affairs",
        "level": "village",
        "handling": "promised",
        "promised_days": 15,
        "skills": skills,
        "materials": "户口簿",
        "is_published": published,
    }
    item = services.save_item(None, org, data)
    db.session.commit()
    return item


def test_public_guide_shows_only_published_items(tree, client):
    _item(tree.branch_a, "公开事项")
    hidden = _item(tree.branch_a, "内部事项", published=False)
    page = client.get("/guide/").get_data(as_text=True)
    assert "公开事项" in page and "内部事项" not in page
    assert client.get(f"/guide/items/{hidden.id}").status_code == 404
    assert "甲村为民服务室" in page and "0937-1234567" in page  # hotline shown


def test_item_validation_reports_each_field(tree):
    with pytest.raises(FieldErrors) as err:
        services.save_item(
            None,
            tree.branch_a,
            {"name": "", "category": "x", "level": "moon", "promised_days": "-3"},
        )
    assert {"name", "category", "level", "promised_days"} <= set(err.value.errors)


def test_catalogue_scope_and_editing(tree, login_as):
    a = _item(tree.branch_a, "甲事项")
    b = _item(tree.branch_b, "乙事项")
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    page = c.get("/volunteers/items").get_data(as_text=True)
    assert "甲事项" in page and "乙事项" not in page
    assert c.get(f"/volunteers/items/{b.id}").status_code == 404
    assert c.get(f"/volunteers/items/{b.id}/edit").status_code == 404
    r = c.post(
        f"/volunteers/items/{a.id}/edit",
        data={
            "org_id": tree.branch_a.id,
            "name": "甲事项",
            "category": "civil_affairs",
            "level": "village",
            "handling": "direct",
            "promised_days": "5",
            "version": a.version,
        },
    )
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)  # direct > 1 day
    sheet = c.get("/volunteers/items.xlsx")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(sheet.data)).worksheets[0].iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == ["甲事项"]


def test_declared_skills_count_once_confirmed_and_matching_explains(tree, login_as):
    item = _item(tree.branch_a, skills="法律咨询")
    m = make_member(tree.group_a, name="志愿者")
    user = make_user("vol", (Role.MEMBER, tree.group_a))
    m.user_id = user.id
    db.session.commit()
    profiles.save_profile(
        user,
        m,
        {
            "categories": ["civil_affairs"],
            "availability": ["mon"],
            "max_cases": 2,
            "skills": [("法律咨询", 3)],
        },
    )
    db.session.commit()
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    [cand] = agents.candidates(sec)
    assert cand.skills == {}  # declared, not yet confirmed
    ps = profiles.profile_of(m).skills[0]
    profiles.confirm_skill(sec, m, ps.id)
    db.session.commit()
    [cand] = agents.candidates(sec)
    assert list(cand.skills.values()) == [3]
    page = login_as(sec).get(f"/volunteers/items/{item.id}").get_data(as_text=True)
    assert "志愿者" in page and "具备所需 1 项专长中的 1 项" in page  # the reason, in words


def test_designation_warns_then_confirms_ab_posts(tree, cmte):
    item = _item(tree.branch_a)
    a, b = make_member(tree.group_a, name="甲"), make_member(tree.group_a, name="乙")
    for m in (a, b):
        profiles.save_profile(cmte, m, {"max_cases": 1, "skills": [("法律咨询", 2)]})
    db.session.commit()
    warnings = agents.designate(cmte, item, tree.room_a, a, "primary")
    assert warnings and db.session.scalar(select(ItemAgent)) is None  # nothing saved yet
    assert agents.designate(cmte, item, tree.room_a, a, "primary", confirm=True) == []
    assert agents.designate(cmte, item, tree.room_a, b, "backup") == []
    other = _item(tree.branch_a, "第二事项")
    warn = agents.designate(cmte, other, tree.room_a, a, "primary")
    assert any("1" in w for w in warn)  # over the maximum of 1
    with pytest.raises(ValidationError) as same_person:
        agents.designate(cmte, item, tree.room_a, b, "primary", confirm=True)
    assert str(same_person.value.message) == gettext(
        "The primary and the backup must be different people."
    )


def test_posts_for_members_without_posts(tree, login_as):
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    holder_user = make_user("holder", (Role.MEMBER, tree.group_a))
    m = make_member(tree.group_a, name="无职党员")
    m.user_id = holder_user.id
    cadre = make_member(tree.group_a, name="干部", post_kind="cadre")
    db.session.commit()
    post = posts.create_post(sec, tree.branch_a, "政策宣传岗", "宣讲政策")
    posts.assign(sec, post, m)
    with pytest.raises(FieldErrors):
        posts.assign(sec, post, cadre)
    db.session.commit()
    c = login_as(holder_user)
    form = {
        "member_id": m.id,
        "occurred_on": date(2026, 11, 1).isoformat(),
        "summary": "入户宣讲两次",
    }
    r = c.post(f"/volunteers/posts/{post.id}/records", data=form)
    assert r.status_code == 302
    assert [x.summary for x in posts.records(sec, post)] == ["入户宣讲两次"]
    other = make_user("other_sec", (Role.BRANCH_SECRETARY, tree.branch_b))
    assert login_as(other).get(f"/volunteers/posts/{post.id}").status_code == 404


def test_profile_lists_the_items_a_member_fits(tree, cmte, login_as):
    _item(tree.branch_a, "法律事项", skills="法律咨询")
    _item(tree.branch_a, "农技事项", skills="农业技术")
    m = make_member(tree.group_a, name="懂法的人")
    profiles.save_profile(cmte, m, {"max_cases": 3, "skills": [("法律咨询", 3)]})
    db.session.commit()
    page = login_as(cmte).get(f"/volunteers/profiles/{m.id}").get_data(as_text=True)
    assert page.index("法律事项") < page.index("农技事项")


def test_review_findings_stay_fixed(tree, cmte, login_as):
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    c = login_as(sec)
    # A post page with a holder renders.
    holder = make_member(tree.group_a, name="在岗")
    post = posts.create_post(sec, tree.branch_a, "环境监督岗", "")
    posts.assign(sec, post, holder)
    db.session.commit()
    assert c.get(f"/volunteers/posts/{post.id}").status_code == 200
    # Garbage in the profile form is an error, not a 500.
    m = make_member(tree.group_a, name="填表")
    garbage = {"skills-0-name": "法律咨询", "skills-0-level": "abc", "max_cases": "2"}
    r = c.post(f"/volunteers/profiles/{m.id}", data=garbage)
    assert r.status_code == 200 and "选择无效" in r.get_data(as_text=True)
    assert profiles.profile_of(m) is None
    assert c.post(f"/volunteers/profiles/{m.id}/skills/{'9' * 30}/confirm").status_code == 404
    r = c.post(f"/volunteers/profiles/{m.id}/skills/999/confirm")  # not a skill of the profile
    assert r.status_code == 302 and r.location.endswith(f"/volunteers/profiles/{m.id}")
    with pytest.raises(ValidationError):
        profiles.confirm_skill(sec, m, 10**30)
    # Another branch's service point cannot be chosen or designated at.
    room_b = make_service_point(tree.branch_b, "乙村室")
    with pytest.raises(FieldErrors):
        profiles.save_profile(sec, m, {"max_cases": 2, "service_point_id": room_b.id})
    item = _item(tree.branch_a)
    profiles.save_profile(sec, m, {"max_cases": 2})
    db.session.commit()
    form = {"member_id": m.id, "primary": "1", "service_point_id": room_b.id}
    r = c.post(f"/volunteers/items/{item.id}/designate", data=form)
    assert r.status_code == 404
    assert db.session.scalar(select(ItemAgent)) is None
    # A willing, free neighbour without the skill can outrank a far, full holder.
    need = Need(skill_ids=frozenset({1}), category="land", weekday="mon", service_point_id=5)
    holder_far = Candidate(1, "远", skills={1: 1}, open_cases=3, max_cases=3)
    neighbour = Candidate(
        2, "近", categories=frozenset({"land"}), availability=frozenset({"mon"}), service_point_id=5
    )
    assert [x.name for x in rank(need, [holder_far, neighbour])] == ["近", "远"]


def test_member_picks_skills_from_the_vocabulary(tree):
    user = make_user("self", (Role.MEMBER, tree.group_a))
    m = make_member(tree.group_a, name="自己", skills="驾驶")
    m.user_id = user.id
    db.session.commit()
    profiles.save_profile(user, m, {"max_cases": 1, "skills": [("驾驶", 2)]})
    with pytest.raises(FieldErrors):
        profiles.save_profile(user, m, {"max_cases": 1, "skills": [("新技能X", 2)]})


def test_volunteer_pages_run_a_fixed_number_of_queries(tree, cmte, login_as, count_queries):
    c = login_as(cmte)
    _item(tree.branch_a, "首项")
    m = make_member(tree.group_a, name="首人")
    profiles.save_profile(cmte, m, {"max_cases": 2, "skills": [("法律咨询", 2)]})
    db.session.commit()
    urls = ["/volunteers/", "/volunteers/items", "/volunteers/items/1"]
    few = {}
    for url in urls:
        with count_queries() as q:
            assert c.get(url).status_code == 200
        few[url] = q.count
    for i in range(12):
        _item(tree.branch_a, f"事项{i}", skills="驾驶，法律咨询")
        mm = make_member(tree.group_a if i % 2 else tree.branch_a, name=f"人{i}")
        profiles.save_profile(cmte, mm, {"max_cases": 2, "skills": [("驾驶", 1), ("法律咨询", 3)]})
    db.session.commit()
    for url in urls:
        with count_queries() as q:
            assert c.get(url).status_code == 200
        assert q.count == few[url], url
