"""A post high in the tree (设岗定责) is seen by every branch below it, but its holders and what
they did only by those whose scope reaches the holder: never another branch (issue 11)."""

from __future__ import annotations

from datetime import date

import pytest

from app.auth.models import Role
from app.extensions import db
from app.volunteers import posts
from tests.crawl import text_of
from tests.factories import make_member, make_service_point, make_user


@pytest.fixture
def township_post(tree, cmte):
    """A committee-level post held by two members of branch A and one of branch B, each with
    a dated record of what they did."""
    a1 = make_member(tree.group_a, name="甲岗一")
    a2 = make_member(tree.group_a, name="甲岗二")
    b1 = make_member(tree.group_b, name="乙岗一")
    post = posts.create_post(cmte, tree.committee, "乡村振兴宣传岗", "宣讲政策")
    for m, summary in ((a1, "甲记录入户"), (a2, "甲记录宣讲"), (b1, "乙记录调解")):
        posts.assign(cmte, post, m)
        posts.add_record(cmte, post, m, date(2026, 5, 1), summary)
    db.session.commit()
    return post, (a1, a2), b1


def _viewers_of_branch_b(tree):
    room_b = make_service_point(tree.branch_b, "乙村为民服务室")
    member_b = make_user("member_b", (Role.MEMBER, tree.group_b))
    own = make_member(tree.group_b, name="乙本人")
    own.user_id = member_b.id
    db.session.commit()
    return {
        "secretary": make_user("sec_b", (Role.BRANCH_SECRETARY, tree.branch_b)),
        "member": member_b,
        "agent": make_user("agent_b", (Role.AGENT, tree.branch_b, room_b)),
    }


@pytest.mark.parametrize("who", ["secretary", "member", "agent"])
def test_branch_b_sees_the_post_but_no_holder_or_record_of_branch_a(
    tree, township_post, login_as, who
):
    post, branch_a_holders, _b1 = township_post
    c = login_as(_viewers_of_branch_b(tree)[who])
    r = c.get(f"/volunteers/posts/{post.id}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    page = text_of(html)
    assert "乡村振兴宣传岗" in page  # the post itself is the catalogue
    for m in branch_a_holders:
        assert m.name not in page
    assert "甲记录" not in page
    assert 'id="holders-hidden"' in html and "未显示" in page  # the others are only counted
    # The holder's own pages stay out of reach.
    for m in branch_a_holders:
        for url in (
            f"/roster/{m.id}",
            f"/volunteers/profiles/{m.id}",
            f"/appraisal/members/{m.id}/book",
        ):
            assert c.get(url).status_code == 404, (who, url)


def test_branch_b_secretary_sees_their_own_holder_and_record(tree, township_post, login_as):
    post, _a, b1 = township_post
    c = login_as(make_user("sec_b", (Role.BRANCH_SECRETARY, tree.branch_b)))
    page = text_of(c.get(f"/volunteers/posts/{post.id}").get_data(as_text=True))
    assert b1.name in page and "乙记录调解" in page


def test_holders_and_records_go_through_the_scope(tree, township_post, cmte):
    post, (a1, a2), b1 = township_post
    sec_a = make_user("sec_a", (Role.BRANCH_SECRETARY, tree.branch_a))
    held = posts.holders(sec_a, post)
    assert [h.member_id for h in held.shown] == [a1.id, a2.id] and held.hidden == 1
    assert {r.member_id for r in posts.records(sec_a, post)} == {a1.id, a2.id}
    everyone = posts.holders(cmte, post)
    assert len(everyone.shown) == 3 and everyone.hidden == 0
    # A member sees their own holding only.
    user = make_user("holder_a1", (Role.MEMBER, tree.group_a))
    a1.user_id = user.id
    db.session.commit()
    mine = posts.holders(user, post)
    assert [h.member_id for h in mine.shown] == [a1.id] and mine.hidden == 2
    assert [r.summary for r in posts.records(user, post)] == ["甲记录入户"]
