"""A designation at a point in one's scope may name a member of another branch (the committee
designates across branches): the item page names them only to those who reach them."""

from __future__ import annotations

from flask_babel import gettext

from app.auth.models import Role
from app.extensions import db
from app.volunteers import agents, profiles
from tests.factories import make_item, make_member, make_user


def test_a_designated_member_of_another_branch_is_not_named(tree, cmte, login_as):
    item = make_item(tree.branch_a)
    outsider = make_member(tree.group_b, name="乙志愿者")
    insider = make_member(tree.group_a, name="甲志愿者")
    for m in (outsider, insider):
        profiles.save_profile(cmte, m, {"max_cases": 3})
    agents.designate(cmte, item, tree.room_a, outsider, "primary", confirm=True)
    agents.designate(cmte, item, tree.room_a, insider, "backup", confirm=True)
    db.session.commit()
    sec_a = make_user("sec_a", (Role.BRANCH_SECRETARY, tree.branch_a))
    r = login_as(sec_a).get(f"/volunteers/items/{item.id}?service_point_id={tree.room_a.id}")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "乙志愿者" not in page and "甲志愿者" in page
    assert gettext("A member outside your scope") in page
    # The committee reaches both.
    page = login_as(cmte).get(f"/volunteers/items/{item.id}").get_data(as_text=True)
    assert "乙志愿者" in page and "甲志愿者" in page
