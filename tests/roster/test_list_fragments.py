"""The roster list's table and filters are rendered once per change of their data for a user
and query string (app/common/versions.py fragment): what a user relies on is that they never
see a stale row, another user's scope or another language, and that a search is never kept."""

from __future__ import annotations

from app.auth.models import Role
from app.common import versions
from app.extensions import db
from tests.factories import make_member, make_service_point, make_user


def _page(client, query: str = "") -> str:
    r = client.get(f"/roster/{query}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_a_second_view_serves_the_kept_table_without_reading_the_rows(
    tree, login_as, count_queries
):
    make_member(tree.group_a, name="张三")
    client = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    first = _page(client)
    with count_queries() as q:
        again = _page(client)
    assert "张三" in first and "张三" in again
    assert not any("member_skill" in s for s in q.statements)


def test_an_edit_renamed_point_or_new_member_shows_on_the_next_view(tree, login_as):
    member = make_member(tree.group_a, name="张三")
    point = make_service_point(tree.branch_a, name="老服务室")
    member.service_point_id = point.id
    db.session.commit()
    client = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    assert "老服务室" in _page(client)
    point.name = "新服务室"
    db.session.commit()
    assert "新服务室" in _page(client)
    member.name = "张叁"
    db.session.commit()
    page = _page(client)
    assert "张叁" in page and "张三" not in page
    make_member(tree.group_b, name="李四")
    assert "李四" in _page(client)


def test_each_user_sees_their_own_scope_after_another_viewed(tree, login_as):
    make_member(tree.group_a, name="甲支部党员")
    make_member(tree.group_b, name="乙支部党员")
    committee = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    secretary = login_as(make_user("sec_a", (Role.BRANCH_SECRETARY, tree.branch_a)))
    assert "乙支部党员" in _page(committee)
    page = _page(secretary)
    assert "甲支部党员" in page and "乙支部党员" not in page


def test_the_query_string_and_language_are_part_of_what_is_kept(tree, login_as):
    make_member(tree.group_a, name="甲支部党员")
    make_member(tree.group_b, name="乙支部党员")
    client = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    assert "乙支部党员" in _page(client)
    filtered = _page(client, f"?org_id={tree.branch_a.id}")
    assert "甲支部党员" in filtered and "乙支部党员" not in filtered
    assert "全部" in _page(client)
    client.post("/lang", data={"lang": "en", "next": "/roster/"})
    english = _page(client)
    assert "All in my scope" in english and "Full name" in english and "全部" not in english


def test_a_search_is_rendered_each_time_and_never_kept(tree, login_as, monkeypatch):
    make_member(tree.group_a, name="王五")
    client = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    kept = []
    real = versions.fragment
    monkeypatch.setattr(versions, "fragment", lambda *a: kept.append(a[1]) or real(*a))
    client.post("/roster/", data={"q": "王五"})
    assert "王五" in _page(client)
    assert kept == []
    assert not any("王五" in repr(key) for key in versions._fragments.entries)
