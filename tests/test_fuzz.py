"""Hostile input on every form never produces a 500 (R-E2), for the roles that use them."""

from __future__ import annotations

import re
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


_SAMPLES = {"op": "activate", "what": "person", "action": "sign"}
_NAME = re.compile(r'name="([^"]+)"')


def _sample_args(rule) -> dict[str, object]:
    return {arg: _SAMPLES.get(arg, 1) for arg in rule.arguments}


def _urls(app, method: str) -> list[tuple[str, str]]:
    """(endpoint, url) for every rule taking ``method``, with 1 for each id in the path."""
    with app.test_request_context():
        return [
            (
                rule.endpoint,
                url_for(rule.endpoint, **{a: _SAMPLES.get(a, 1) for a in rule.arguments}),
            )
            for rule in app.url_map.iter_rules()
            if method in rule.methods
        ]


def _field_names(app, client) -> list[str]:
    """Every form field name the user's pages render (prefixed names included), so the test
    follows the forms as they change instead of a hand-kept list."""
    names: set[str] = set()
    for endpoint, url in _urls(app, "GET"):
        if endpoint.endswith(("static", "export", "export_xlsx")) or url.endswith(".xlsx"):
            continue
        r = client.get(url)
        if r.status_code == 200 and r.mimetype == "text/html":
            names.update(_NAME.findall(r.get_data(as_text=True)))
    names.discard("csrf_token")  # CSRF is off in the tests; its absence is tested elsewhere
    return sorted(names)


@pytest.mark.parametrize("who", ["admin", "committee", "secretary"])
def test_no_post_endpoint_answers_500_to_hostile_input(app, world, login_as, who):
    tree, users, member = world
    # The fields every role's pages render: a form one role cannot see may still be posted.
    fields = sorted({f for u in users.values() for f in _field_names(app, login_as(u))})
    assert len(fields) > 60, fields  # the crawl reached the forms
    client = login_as(users[who])
    skip = {"auth.logout", "home.set_language", "auth.login", "auth.change_password"}
    targets = [(e, u) for e, u in _urls(app, "POST") if e not in skip]
    failures = []
    for endpoint, url in targets:
        for i, value in enumerate(NASTY):
            names = fields[i % 3 :: 3] if i % 2 else fields  # some fields missing
            r = client.post(url, data=dict.fromkeys(names, value))
            if r.status_code >= 500:
                failures.append((endpoint, value[:20], r.status_code))
    assert failures == []
    _ = (tree, member)
