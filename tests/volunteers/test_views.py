"""Catalogue, profiles, designation and the public guide."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.errors import FieldErrors
from app.extensions import db
from app.volunteers import services
from app.volunteers.models import ItemAgent
from tests.factories import make_member, make_tree, make_user


@pytest.fixture
def tree(app):
    return make_tree()


@pytest.fixture
def cmte(tree):
    return make_user("cmte", (Role.COMMITTEE, tree.committee))


def _item(org, name="低保申请", published=True, skills="法律咨询"):
    data = {"name": name, "category": "civil_affairs", "level": "village",
            "handling": "promised", "promised_days": 15, "skills": skills,
            "materials": "户口簿", "is_published": published}  # fmt: skip
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
        services.save_item(None, tree.branch_a, {"name": "", "category": "x", "level": "moon",
                                                 "promised_days": "-3"})  # fmt: skip
    assert {"name", "category", "level", "promised_days"} <= set(err.value.errors)


def test_catalogue_scope_and_editing(tree, login_as):
    a = _item(tree.branch_a, "甲事项")
    b = _item(tree.branch_b, "乙事项")
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    page = c.get("/volunteers/items").get_data(as_text=True)
    assert "甲事项" in page and "乙事项" not in page
    assert c.get(f"/volunteers/items/{b.id}").status_code == 404
    assert c.get(f"/volunteers/items/{b.id}/edit").status_code == 404
    r = c.post(f"/volunteers/items/{a.id}/edit", data={
        "org_id": tree.branch_a.id, "name": "甲事项", "category": "civil_affairs",
        "level": "village", "handling": "direct", "promised_days": "5",
        "version": a.version})  # fmt: skip
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
    services.save_profile(user, m, {"categories": ["civil_affairs"], "availability": ["mon"],
                                    "max_cases": 2, "skills": [("法律咨询", 3)]})  # fmt: skip
    db.session.commit()
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    [cand] = services.candidates(sec)
    assert cand.skills == {}  # declared, not yet confirmed
    ps = services.profile_of(m).skills[0]
    services.confirm_skill(sec, m, ps.id)
    db.session.commit()
    [cand] = services.candidates(sec)
    assert list(cand.skills.values()) == [3]
    page = login_as(sec).get(f"/volunteers/items/{item.id}").get_data(as_text=True)
    assert "志愿者" in page and "具备所需 1 项专长中的 1 项" in page  # the reason, in words


def test_designation_warns_then_confirms_ab_posts(tree, cmte):
    item = _item(tree.branch_a)
    a, b = make_member(tree.group_a, name="甲"), make_member(tree.group_a, name="乙")
    for m in (a, b):
        services.save_profile(cmte, m, {"max_cases": 1, "skills": [("法律咨询", 2)]})
    db.session.commit()
    warnings = services.designate(cmte, item, tree.room_a, a, "primary")
    assert warnings and db.session.scalar(select(ItemAgent)) is None  # nothing saved yet
    assert services.designate(cmte, item, tree.room_a, a, "primary", confirm=True) == []
    assert services.designate(cmte, item, tree.room_a, b, "backup") == []
    other = _item(tree.branch_a, "第二事项")
    warn = services.designate(cmte, other, tree.room_a, a, "primary")
    assert any("1" in w for w in warn)  # over the maximum of 1
    with pytest.raises(Exception):  # noqa: B017 - the same person as primary and backup
        services.designate(cmte, item, tree.room_a, b, "primary", confirm=True)
