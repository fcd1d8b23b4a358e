"""The committee's inbox asks the same number of queries however many records wait."""

from __future__ import annotations

from sqlalchemy import update

from app.appraisal import services
from app.appraisal.inbox import inbox
from app.appraisal.models import Appraisal
from app.extensions import db
from tests.factories import make_member


def _spot_names(user) -> set[str]:
    return {i.appraisal.member.name for i in inbox(user).items if i.task == "spot"}


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
