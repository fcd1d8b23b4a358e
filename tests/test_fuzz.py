"""Hostile input on every form never produces a 500 (R-E2), for the roles that use them."""

from __future__ import annotations

from datetime import date

import pytest
from flask import url_for

from app.appraisal import services as ap
from app.auth.models import Role
from app.extensions import db
from app.volunteers import posts
from app.volunteers import services as vs
from tests.factories import make_member, make_tree, make_user

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999999999",
    "1e308",
    "abc",
    "'\";--",
    "<script>alert(1)</script>",
    "\u202e反向",
    "😀" * 3,
    "x" * 5000,
    "2026-02-30",
    "full",
]


@pytest.fixture
def world(app):
    tree = make_tree()
    users = {
        "admin": make_user("root", (Role.ADMIN, tree.committee)),
        "committee": make_user("cmte", (Role.COMMITTEE, tree.committee)),
        "secretary": make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)),
    }
    member = make_member(tree.group_a, name="测试")
    db.session.commit()
    # Something behind id 1 for every kind of page, so the posts reach their handlers.

    ap.open_period(users["committee"], tree.committee, 2026, 3,
                   ap.Deadlines(*[date(2026, 9, 30)] * 4))  # fmt: skip
    vs.save_item(None, tree.branch_a, {"name": "事项", "category": "civil_affairs",
                                       "level": "village", "promised_days": 1})  # fmt: skip
    posts.create_post(users["secretary"], tree.branch_a, "岗位", "职责")
    db.session.commit()
    return tree, users, member


def _post_rules(app):
    # (the password page is left out: five wrong passwords lock the account, by design)
    skip = {"auth.logout", "home.set_language", "auth.login", "auth.change_password"}
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint not in skip:
            yield rule


def _fields(rule) -> list[str]:
    common = ["name", "kind", "version", "comment", "grade", "meeting_on", "masses",
              "category", "org_id", "parent_id", "level", "q", "reason", "note", "share",
              "seed", "member_id", "role", "service_point_id", "promised_days", "max_cases",
              "summary", "occurred_on", "person_id", "count", "id_number", "phone",
              "joined_on", "membership", "post_kind", "party_status", "edit-display_name",
              "edit-version", "grant-role", "grant-org_id", "username", "display_name",
              "current_password", "new_password", "confirm", "label-0", "key-0", "what",
              "political-text", "political-study_hours", "skill-0", "level-0",
              "confirm_skill", "is_key", "duties", "year", "quarter", "self_due"]  # fmt: skip
    return common


@pytest.mark.parametrize("who", ["admin", "committee", "secretary"])
def test_no_post_endpoint_answers_500_to_hostile_input(app, world, login_as, who):
    tree, users, member = world
    client = login_as(users[who])
    failures = []
    with app.test_request_context():
        targets = []
        for rule in _post_rules(app):
            values = {}
            for arg in rule.arguments:
                values[arg] = {"op": "activate", "what": "person", "action": "sign"}.get(arg, 1)
            targets.append((rule.endpoint, url_for(rule.endpoint, **values)))
    for endpoint, url in targets:
        for i, value in enumerate(NASTY):
            data = {f: value for f in _fields(None)}
            if i % 2:
                data = {f: value for f in _fields(None)[::3]}  # some fields missing
            r = client.post(url, data=data)
            if r.status_code >= 500:
                failures.append((endpoint, value[:20], r.status_code))
    assert failures == []
    _ = (tree, member)
