"""The navigation bar: the links a user's grants allow, the current section marked, and the
per-process memo never showing one user's links to another or outliving a change of grants."""

from __future__ import annotations

import re

from app.auth import services as auth_services
from app.auth.models import Role
from app.extensions import db
from tests.factories import make_user


def _links(client, url: str = "/") -> list[tuple[str, bool]]:
    html = client.get(url).get_data(as_text=True)
    nav = html[html.index('id="mainnav"') : html.index('class="navbar-nav"', html.index("me-auto"))]
    return [
        (href, "active" in cls)
        for cls, href in re.findall(r'<a class="nav-link([^"]*)"[^>]*href="([^"]+)"', nav)
    ]


def test_links_follow_the_grants(app, tree, login_as):
    admin = make_user("nav-admin", (Role.ADMIN, tree.committee))
    member = make_user("nav-member")
    admin_links = [href for href, _ in _links(login_as(admin))]
    member_links = [href for href, _ in _links(login_as(member))]
    assert "/audit/" in admin_links and "/auth/users" in admin_links
    assert "/audit/" not in member_links and "/roster/" not in member_links
    assert member_links[:2] == ["/", "/appraisal/"]


def test_the_current_section_is_marked(app, tree, login_as):
    c = login_as(make_user("nav-sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    assert [href for href, active in _links(c, "/roster/") if active] == ["/roster/"]
    assert [href for href, active in _links(c, "/") if active] == ["/"]


def test_a_new_grant_shows_at_once(app, tree, login_as):
    user = make_user("nav-late")
    c = login_as(user)
    assert "/roster/" not in [href for href, _ in _links(c)]
    auth_services.grant_role(None, user, Role.BRANCH_SECRETARY, tree.branch_a)
    db.session.commit()
    assert "/roster/" in [href for href, _ in _links(c)]


def test_labels_follow_the_language(app, tree, login_as):
    c = login_as(make_user("nav-lang"))
    assert "首页" in c.get("/").get_data(as_text=True)
    c.post("/lang", data={"lang": "en", "next": "/"})
    html = c.get("/").get_data(as_text=True)
    assert ">Home</a>" in html
