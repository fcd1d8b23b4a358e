"""The inbox by kind of task: the same number of queries however many records wait, each
kind's true count beyond the records shown, and nobody asked to act on their own record."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text, update

from app.appraisal import services
from app.appraisal.inbox import inbox
from app.appraisal.models import Appraisal
from app.extensions import db
from tests.factories import make_member


def _spot_names(user) -> set[str]:
    return {i.member_name for i in inbox(user, limit=100).items if i.task == "spot"}


def _sample_everything(world, n: int) -> None:
    for i in range(n):
        make_member(world.tree.group_a if i % 2 else world.tree.group_b, name=f"抽查{i}")
    services.add_missing_records(world.period)
    db.session.execute(
        update(Appraisal)
        .where(Appraisal.period_id == world.period.id)
        .values(status="assessed", grade="qualified", is_sampled=True)
    )
    db.session.commit()


def test_committee_inbox_query_count_does_not_grow_with_the_data(world, login_as, count_queries):
    c = login_as(world.committee)
    with count_queries() as few:
        assert c.get("/appraisal/").status_code == 200
    for i in range(15):
        make_member(world.tree.group_a if i % 2 else world.tree.group_b, name=f"抽查{i}")
    services.add_missing_records(world.period)
    db.session.execute(
        update(Appraisal)
        .where(Appraisal.period_id == world.period.id)
        .values(status="assessed", grade="qualified", is_sampled=True)
    )
    db.session.commit()
    with count_queries() as many:
        assert c.get("/appraisal/").status_code == 200
    assert many.count == few.count
    assert {f"抽查{i}" for i in range(15)} <= _spot_names(world.committee)


def test_each_kind_counts_every_record_waiting_beyond_those_shown(world, login_as):
    _sample_everything(world, 25)
    waiting = db.session.scalar(select(func.count()).where(Appraisal.period_id == world.period.id))
    box = inbox(world.committee, limit=3)
    (spot,) = [g for g in box.groups if g.task == "spot"]
    assert len(spot.items) == 3 and spot.total == waiting > 25 and box.total == waiting
    assert [i.due for i in spot.items] == sorted(i.due for i in spot.items)
    html = login_as(world.committee).get("/appraisal/").get_data(as_text=True)
    assert f"{waiting}" in html and html.count('href="/appraisal/') >= 20
    # "See all" leads to the overview of the committee's org, filtered by the state.
    assert f"/orgs/{world.tree.committee.id}?status=assessed" in html


def test_nobody_counts_or_sees_their_own_record_but_as_their_self_record(world):
    _sample_everything(world, 2)
    me = make_member(world.tree.group_a, name="委员本人")
    me.user_id = world.committee.id
    services.add_missing_records(world.period)
    db.session.execute(
        update(Appraisal)
        .where(Appraisal.member_id == me.id)
        .values(status="assessed", grade="qualified", is_sampled=True)
    )
    db.session.commit()
    sampled = db.session.scalar(
        select(func.count()).where(Appraisal.period_id == world.period.id, Appraisal.is_sampled)
    )
    (spot,) = [g for g in inbox(world.committee, limit=100).groups if g.task == "spot"]
    assert spot.total == sampled - 1 == len(spot.items)
    assert "委员本人" not in {i.member_name for i in spot.items}


def test_a_secretary_is_led_to_the_branch_overview_where_she_can_grade_in_a_batch(world, login_as):
    db.session.execute(
        update(Appraisal)
        .where(Appraisal.period_id == world.period.id, Appraisal.member_id == world.alice.id)
        .values(status="signed")
    )
    db.session.commit()
    html = login_as(world.sec_a).get("/appraisal/").get_data(as_text=True)
    assert "在支部总览中逐条或批量处理" in html  # all shown, and still a way to the batch forms
    assert f"/orgs/{world.tree.branch_a.id}?status=signed" in html


def test_records_of_two_open_quarters_come_oldest_deadline_first(world):
    """Whose spot check is due first is shown first, across quarters, then by record."""
    later = services.open_period(
        world.committee,
        world.tree.branch_b,
        2026,
        4,
        services.Deadlines(
            date(2026, 12, 31), date(2027, 1, 7), date(2027, 1, 15), date(2027, 1, 25)
        ),
    )
    world.period.spot_due = date(2027, 2, 1)  # the third quarter's check now due last
    db.session.execute(
        update(Appraisal).values(status="assessed", grade="qualified", is_sampled=True)
    )
    db.session.commit()
    ids = {
        p: db.session.scalars(
            select(Appraisal.id).where(Appraisal.period_id == p).order_by(Appraisal.id)
        ).all()
        for p in (later.id, world.period.id)
    }
    (spot,) = [g for g in inbox(world.committee, limit=4).groups if g.task == "spot"]
    expected = (ids[later.id] + ids[world.period.id])[:4]
    assert [i.appraisal_id for i in spot.items] == expected
    assert spot.items[0].due == date(2027, 1, 25) and spot.items[-1].due == date(2027, 2, 1)


def test_the_inbox_page_follows_each_change_at_once(world, login_as):
    """The page is kept per change of what it reads: a record submitted, signed or a key
    person added shows on the next view, as does the language."""
    from app.appraisal import responsibility
    from app.appraisal.workflow import apply
    from tests.appraisal.conftest import fill

    leader = login_as(world.leader_a)
    secretary = login_as(world.sec_a)
    assert "爱丽丝" not in leader.get("/appraisal/").get_data(as_text=True)
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    assert "爱丽丝" in leader.get("/appraisal/").get_data(as_text=True)
    assert "鲍勃" not in secretary.get("/appraisal/").get_data(as_text=True)
    b = world.record(world.bob)
    responsibility.add_person(world.sec_b, b, "马建军", "", True)
    db.session.commit()
    assert "马建军" not in secretary.get("/appraisal/").get_data(as_text=True)
    c = world.record(world.leader_member)
    responsibility.add_person(world.leader_a, c, "王建国", "", True)
    db.session.commit()
    assert "王建国" in secretary.get("/appraisal/").get_data(as_text=True)
    other = login_as(world.sec_b).get("/appraisal/").get_data(as_text=True)
    assert "马建军" in other and "王建国" not in other
    secretary.post("/lang", data={"lang": "en", "next": "/appraisal/"})
    assert "Talk to" in secretary.get("/appraisal/").get_data(as_text=True)


def test_the_inbox_index_holds_the_records_id_on_postgresql(app):
    # The page's oldest ids are then read from the index alone (SQLite's entries hold the
    # row id anyway).
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's INCLUDE only")
    definition = db.session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_appraisal_inbox'")
    )
    assert definition.endswith("INCLUDE (id)")
