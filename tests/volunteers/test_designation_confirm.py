"""A designation that replaces someone asks first, naming whom it replaces."""

from __future__ import annotations

import re

from app.extensions import db
from app.volunteers import agents, profiles
from tests.factories import make_item, make_member


def test_replacing_the_primary_agent_names_who_is_replaced(tree, cmte, login_as):
    item = make_item(tree.branch_a)
    holder = make_member(tree.group_a, name="甲志愿者")
    other = make_member(tree.group_a, name="丙志愿者")
    for m in (holder, other):
        profiles.save_profile(cmte, m, {"max_cases": 3})
    agents.designate(cmte, item, tree.room_a, holder, "primary", confirm=True)
    db.session.commit()
    url = f"/volunteers/items/{item.id}?service_point_id={tree.room_a.id}"
    page = login_as(cmte).get(url).get_data(as_text=True)
    asks = re.findall(r'data-confirm="([^"]+)"', page)
    # Making 丙 primary asks and names 甲, whom it replaces; the backup post is free: no ask.
    assert [a for a in asks if "甲志愿者" in a and "丙志愿者" in a]
    assert all("丙志愿者" in a for a in asks if "甲志愿者" in a)
