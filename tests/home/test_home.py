"""The home page: each grant with its org's trail and, in words from policy, how far it reaches."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.auth.models import Role
from app.extensions import db
from app.home.services import REACH_TEXTS, grant_lines
from tests.factories import make_member, make_tree, make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    ("role", "reach"),
    [
        (Role.MEMBER, "您仅能查看本人的记录。"),
        (Role.AGENT, "您在所属服务点受理代办事项。"),
        (Role.BRANCH_SECRETARY, "权限范围包括本组织及其全部下级组织。"),
        (Role.ADMIN, "权限范围包括本组织及其全部下级组织。"),
    ],
)
def test_each_grant_says_how_far_it_reaches(login_as, role, reach):
    tree = make_tree()
    spec = (role, tree.branch_a, tree.room_a) if role == Role.AGENT else (role, tree.branch_a)
    user = make_user("someone", spec)
    page = login_as(user).get("/").get_data(as_text=True)
    assert reach in page
    assert "测试党委" in page and "测试党总支" in page and "甲党支部" in page
    assert ("甲村为民服务室" in page) == (role == Role.AGENT)


def test_grant_lines_name_role_trail_and_point(app):
    tree = make_tree()
    user = make_user("agent", (Role.AGENT, tree.branch_a, tree.room_a), (Role.MEMBER, tree.group_b))
    lines = grant_lines(user)
    assert [(g.trail, g.service_point) for g in lines] == [
        (["测试党委", "测试党总支", "甲党支部"], "甲村为民服务室"),
        (["测试党委", "乙党支部", "乙第一党小组"], ""),
    ]
    assert lines[0].reach != lines[1].reach


def test_a_mentor_grant_says_it_reaches_the_mentees_only(app):
    tree = make_tree()
    user = make_user("mentor", (Role.MENTOR, tree.branch_a))
    [line] = grant_lines(user)
    assert line.reach == str(REACH_TEXTS["mentees"]) != str(REACH_TEXTS["subtree"])


def test_a_member_with_a_roster_entry_gets_a_link_to_it(login_as):
    tree = make_tree()
    user = make_user("mem", (Role.MEMBER, tree.group_a))
    member = make_member(tree.group_a)
    member.user_id = user.id
    db.session.commit()
    page = login_as(user).get("/").get_data(as_text=True)
    assert f"/roster/{member.id}" in page


def test_no_template_decides_by_role_name():
    roles = [r.value for r in Role]
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {r}"
        for path in TEMPLATES.rglob("*.html")
        for r in roles
        if f"'{r}'" in path.read_text(encoding="utf-8")
        or f'"{r}"' in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
