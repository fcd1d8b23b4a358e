"""Each role's home page: its to-dos with their deadlines, the nearest first, each naming
whom it is about; its figures; its most used links; a fixed number of queries."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.appraisal import services
from app.appraisal.models import Appraisal, ResponsibilityPerson
from app.appraisal.workflow import apply
from app.auth.models import Role
from app.extensions import db
from app.home.services import LINKS_SHOWN, home_page
from tests.appraisal.conftest import World, fill
from tests.factories import make_member, make_user


@pytest.fixture
def world(app):
    return World()


def _submit(world, member, user) -> Appraisal:
    a = world.record(member)
    fill(a)
    apply(a, "submit", user, expected_version=None)
    db.session.commit()
    return a


def _grow(world, n: int) -> None:
    """More members in both branches, every record waiting at some step."""
    for i in range(n):
        make_member(world.tree.group_a if i % 2 else world.tree.group_b, name=f"新人{i}")
    services.add_missing_records(world.period)
    db.session.execute(
        update(Appraisal)
        .where(Appraisal.period_id == world.period.id, Appraisal.member_id != world.alice.id)
        .values(status="assessed", grade="qualified", is_sampled=True)
    )
    db.session.commit()


def _users(world):
    agent = make_user("agent_x", (Role.AGENT, world.tree.branch_a, world.tree.room_a))
    make_member(world.tree.group_a, name="代理员本人").user_id = agent.id
    admin = make_user("admin_x", (Role.ADMIN, world.tree.committee))
    db.session.commit()
    return {
        "member": world.alice_user,
        "leader": world.leader_a,
        "secretary": world.sec_a,
        "committee": world.committee,
        "mentor": world.mentor_a,
        "agent": agent,
        "admin": admin,
    }


def test_every_role_home_page_runs_a_fixed_number_of_queries(world, login_as, count_queries):
    users = _users(world)
    clients = {role: login_as(u) for role, u in users.items()}
    few = {}
    for role, c in clients.items():
        assert c.get("/").status_code == 200, role  # the figures' caches warmed
        with count_queries() as q:
            assert c.get("/").status_code == 200
        few[role] = q.count
    _grow(world, 12)
    for role, c in clients.items():
        c.get("/")
        with count_queries() as q:
            page = c.get("/").get_data(as_text=True)
        assert q.count == few[role], role
        assert 'id="home-todos"' in page and 'id="home-links"' in page


def test_todos_name_whom_they_are_about_nearest_deadline_first(world, app):
    _submit(world, world.alice, world.alice_user)
    _grow(world, 2)  # the others' records wait for the spot check
    me = make_member(world.tree.group_b, name="委员本人")
    me.user_id = world.committee.id
    db.session.add(ResponsibilityPerson(member_id=me.id, name="重点人老赵", is_key=True))
    services.add_missing_records(world.period)
    db.session.commit()
    with app.test_request_context():
        leader = home_page(world.leader_a, world.period.self_due).todos
        todos = home_page(world.committee, world.period.self_due).todos
    assert [(t.who, t.detail.split(" · ")[-1]) for t in leader] == [
        ("爱丽丝", "甲党支部 › 甲第一党小组")
    ]
    assert [t.due for t in todos] == sorted(t.due for t in todos)
    drawn = select(Appraisal.id).where(Appraisal.period_id == world.period.id, Appraisal.is_sampled)
    drawn_urls = {f"/appraisal/{i}" for i in db.session.scalars(drawn)}
    spots = [t for t in todos if any(t.url.endswith(u) for u in drawn_urls)]
    # a spot check names the branch (which of the drawn records come first is the database's)
    assert spots and {t.who for t in spots} <= {"甲党支部", "乙党支部"}
    talks = [t for t in todos if t.who == "重点人老赵"]  # a talk names the key person
    assert talks and "委员本人" in talks[0].detail


def test_an_agent_sees_the_cases_they_hold_and_their_counts(world, login_as):
    users = _users(world)
    page = login_as(users["agent"]).get("/").get_data(as_text=True)
    assert 'id="home-my-cases"' in page and "/cases/new" in page
    assert 'id="home-my-cases"' not in login_as(users["member"]).get("/").get_data(as_text=True)


def test_with_nothing_to_do_the_page_says_what_comes_next(world, login_as):
    users = _users(world)
    page = login_as(users["admin"]).get("/").get_data(as_text=True)
    assert 'id="home-nothing"' in page and "/auth/users" in page


def test_each_role_gets_a_short_list_of_its_own_links(world, app):
    users = _users(world)
    with app.test_request_context():
        links = {
            role: [x.url for x in home_page(u, world.period.self_due).links]
            for role, u in users.items()
        }
    assert all(0 < len(v) <= LINKS_SHOWN for v in links.values())
    assert f"/appraisal/members/{world.alice.id}/book" in links["member"]
    assert "/roster/" not in links["member"] and "/roster/" in links["secretary"]
    assert "/cases/new" in links["agent"] and "/auth/users" in links["admin"]
    assert "/appraisal/" not in links["admin"]  # no appraisal step ever comes to them


def test_a_group_leader_sees_the_quarter_per_state_in_the_group(world, login_as):
    _submit(world, world.alice, world.alice_user)
    page = login_as(world.leader_a).get("/").get_data(as_text=True)
    assert 'id="home-progress"' in page and "2026年第3季度" in page
    assert 'id="home-progress"' not in login_as(world.alice_user).get("/").get_data(as_text=True)


def test_the_kept_home_page_shows_each_change_and_each_users_own(world, login_as):
    """The home page's body is kept per change of what it shows, per user and day: a record
    submitted shows at once among the signer's to-dos, and each user gets their own page."""
    from app.common import versions

    versions.bump(db.session, versions.topics())  # every topic written once, as in use
    db.session.commit()
    leader, secretary = login_as(world.leader_a), login_as(world.sec_a)
    assert "爱丽丝" not in leader.get("/").get_data(as_text=True)
    assert world.sec_a.display_name in secretary.get("/").get_data(as_text=True)
    _submit(world, world.alice, world.alice_user)
    page = leader.get("/").get_data(as_text=True)
    assert "爱丽丝" in page and world.leader_a.display_name in page
    assert world.leader_a.display_name not in secretary.get("/").get_data(as_text=True)
