"""Every demo login reaches its home page in a real browser."""

from __future__ import annotations

import pytest

from tests.e2e.support import login, need_browser, shot

need_browser()

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("username", ["committee", "secretary", "leader", "member", "agent"])
def test_each_role_reaches_its_home_page(new_page, username):
    page = new_page("desktop")
    login(page, username)
    response = page.goto("/")
    assert response.ok, f"home page of {username}: {response.status}"
    assert page.get_by_role("heading", level=1).first.is_visible()
    shot(page, f"home-{username}")
