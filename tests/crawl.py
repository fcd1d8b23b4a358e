"""A small site with something behind id 1 on every kind of page, and a crawler over it, for
tests that walk every page or post to every form (hostile input, untranslated text)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser

from flask import url_for

from app.appraisal import services as ap
from app.auth.models import Role
from app.extensions import db
from app.volunteers import posts
from app.volunteers import services as vs
from tests.factories import make_member, make_tree, make_user

SAMPLES = {"op": "activate", "what": "person", "action": "sign"}


def build_site():
    """(tree, users by role, the member): a quarter open, an item, a post; the member has a
    login so their self-record form renders."""
    tree = make_tree()
    users = {
        "admin": make_user("root", (Role.ADMIN, tree.committee)),
        "committee": make_user("cmte", (Role.COMMITTEE, tree.committee)),
        "secretary": make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)),
        "member": make_user("mem", (Role.MEMBER, tree.group_a)),
    }
    member = make_member(tree.group_a, name="测试")
    member.user_id = users["member"].id
    db.session.commit()
    ap.open_period(
        users["committee"], tree.committee, 2026, 3, ap.Deadlines(*[date(2026, 9, 30)] * 4)
    )
    vs.save_item(
        None,
        tree.branch_a,
        {"name": "事项", "category": "civil_affairs", "level": "village", "promised_days": 1},
    )
    posts.create_post(users["secretary"], tree.branch_a, "岗位", "职责")
    db.session.commit()
    return tree, users, member


def _sample(arguments) -> dict[str, object]:
    return {arg: SAMPLES.get(arg, 1) for arg in arguments}


def urls(app, method: str) -> list[tuple[str, str]]:
    """(endpoint, url) for every rule taking ``method``, with 1 for each id in the path."""
    with app.test_request_context():
        return [
            (
                rule.endpoint,
                url_for(rule.endpoint, **{a: SAMPLES.get(a, 1) for a in rule.arguments}),
            )
            for rule in app.url_map.iter_rules()
            if method in rule.methods
        ]


def html_pages(app, client) -> Iterator[tuple[str, str]]:
    """(url, html) of every page that answers this client with HTML."""
    for endpoint, url in urls(app, "GET"):
        if endpoint.endswith("static") or url.endswith(".xlsx"):
            continue
        r = client.get(url)
        if r.status_code == 200 and r.mimetype == "text/html":
            yield url, r.get_data(as_text=True)


class _VisibleText(HTMLParser):
    """The text nodes of a page (no attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> str:
    """A page's text, for tests that check what a reader sees (names, not ids in links)."""
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)
