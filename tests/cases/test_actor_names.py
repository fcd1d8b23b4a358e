"""The case timeline names who took each step, never their login."""

from __future__ import annotations

from app.auth.models import Role
from tests.factories import make_user


def test_the_case_timeline_names_the_agent_not_the_login(net, login_as):
    clerk = make_user(
        "zx9clerk", (Role.AGENT, net.tree.branch_a, net.room), display_name="窗口小王"
    )
    case = net.case(actor=clerk)
    page = login_as(net.secretary).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "窗口小王" in page and "zx9clerk" not in page
