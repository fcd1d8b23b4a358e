"""Opening a quarter and adding the missing records: one INSERT … SELECT and one UPDATE, with
the rows and values the per-row version wrote."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.appraisal import periods
from app.appraisal.models import Appraisal
from app.audit import AuditEvent
from app.extensions import db
from app.orgs.models import OrgKind
from app.roster.models import Member
from tests.factories import make_member, make_org

DUE = periods.Deadlines(*[date(2026, 9, 30)] * 4)


def _records(member) -> list[Appraisal]:
    db.session.expire_all()
    return list(db.session.scalars(select(Appraisal).where(Appraisal.member_id == member.id)))


def _count() -> int:
    return db.session.scalar(select(func.count(Appraisal.id)))


def test_a_new_record_carries_the_members_values(world):
    m = make_member(
        world.tree.group_b,
        name="预备干部",
        membership="probationary",
        full_member_on=None,
        joined_on="2026-03-01",
        post_kind="cadre",
    )
    assert periods.add_missing_records(world.period) == 1
    db.session.commit()
    (a,) = _records(m)
    assert (a.period_id, a.org_id, a.year, a.quarter) == (
        world.period.id,
        world.tree.group_b.id,
        2026,
        3,
    )
    assert a.status == "draft" and a.is_probationary is True and a.post_kind == "cadre"
    assert a.self_record == {} and a.record_revision == 0 and a.version == 1
    assert a.grade is None and not a.is_vetoed and not a.is_sampled and not a.is_exemplary
    assert a.created_at is not None and a.updated_at is not None
    full = world.record(world.alice)
    assert full.is_probationary is False and full.post_kind == "no_post"


@pytest.mark.parametrize(
    "status, appraised",
    [
        ("normal", True),
        ("restored", True),
        ("retained", False),
        ("suspended", False),
        ("expelled", False),
        ("transferred_out", False),
        ("deceased", False),
    ],
)
def test_only_members_in_good_standing_get_a_record(world, status, appraised):
    m = make_member(world.tree.group_a, name="状态党员")
    db.session.get(Member, m.id).party_status = status
    db.session.commit()
    assert periods.add_missing_records(world.period) == int(appraised)
    db.session.commit()
    assert len(_records(m)) == int(appraised)


def test_rerunning_adds_only_the_members_who_joined_since(world):
    before = {
        a.id: a.version
        for a in db.session.scalars(select(Appraisal).where(Appraisal.period_id == world.period.id))
    }
    assert periods.add_missing_records(world.period) == 0
    new = [make_member(world.tree.group_a, name=f"新党员{i}") for i in range(3)]
    assert periods.add_missing_records(world.period) == 3
    assert periods.add_missing_records(world.period) == 0
    db.session.commit()
    after = {
        a.id: a.version
        for a in db.session.scalars(select(Appraisal).where(Appraisal.period_id == world.period.id))
    }
    assert {k: v for k, v in after.items() if k in before} == before  # untouched
    assert len(after) == len(before) + 3
    assert all(len(_records(m)) == 1 for m in new)


def test_a_member_holding_a_record_elsewhere_keeps_it(world):
    # Alice already has the quarter's record from the committee's period: a general branch
    # opening the same quarter below leaves it where it is and gives her no second one.
    total = _count()
    sub = periods.open_period(None, world.tree.general, 2026, 3, DUE)
    db.session.commit()
    assert _count() == total
    (a,) = _records(world.alice)
    assert a.period_id == world.period.id
    ev = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "appraisal.open_period")
        .order_by(AuditEvent.id.desc())
    )
    assert ev.details["records"] == 0
    # A member who joins branch A now gets the record of the first period to add them.
    m = make_member(world.tree.group_a, name="后来者")
    assert periods.add_missing_records(sub) == 1
    assert periods.add_missing_records(world.period) == 0
    db.session.commit()
    (b,) = _records(m)
    assert b.period_id == sub.id


def test_a_member_moved_in_from_another_committee_keeps_the_record_opened_there(world):
    other = make_org("另一党委")
    branch = make_org("另一支部", OrgKind.BRANCH, other)
    m = make_member(branch, name="调入党员")
    there = periods.open_period(None, other, 2026, 3, DUE)
    db.session.commit()
    db.session.get(Member, m.id).org_id = world.tree.group_a.id
    db.session.commit()
    assert periods.add_missing_records(world.period) == 0
    db.session.commit()
    (a,) = _records(m)
    assert (a.period_id, a.org_id) == (there.id, branch.id)


def test_drafts_follow_a_transfer_inside_the_subtree_only(world):
    inside, outside = world.record(world.alice), world.record(world.bob)
    versions = (inside.version, outside.version)
    other = make_org("外支部", OrgKind.BRANCH, make_org("外委"))
    db.session.get(Member, world.alice.id).org_id = world.tree.group_b.id
    bob = db.session.get(Member, world.bob.id)
    bob.org_id = other.id
    bob.post_kind = "cadre"
    db.session.commit()
    periods.add_missing_records(world.period)
    db.session.commit()
    inside, outside = world.record(world.alice), world.record(world.bob)
    assert inside.org_id == world.tree.group_b.id and inside.version == versions[0] + 1
    # Out of the subtree: the record stays with the org, but still follows the post kind.
    assert outside.org_id == world.tree.group_b.id and outside.post_kind == "cadre"
    assert outside.version == versions[1] + 1
    untouched = world.record(world.probie)
    assert untouched.version == 1


def test_a_submitted_record_does_not_follow_its_member(world):
    from app.appraisal.workflow import apply
    from tests.appraisal.conftest import fill

    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    version = world.record(world.alice).version
    db.session.get(Member, world.alice.id).post_kind = "cadre"
    db.session.commit()
    periods.add_missing_records(world.period)
    db.session.commit()
    a = world.record(world.alice)
    assert a.post_kind == "no_post" and a.version == version


def test_adding_records_runs_a_fixed_number_of_queries(world, count_queries):
    periods.add_missing_records(world.period)
    with count_queries() as few:
        periods.add_missing_records(world.period)
    for i in range(12):
        make_member(world.tree.group_b, name=f"批量{i}")
    db.session.expire_all()
    period = world.record(world.alice).period
    with count_queries() as many:
        assert periods.add_missing_records(period) == 12
    assert many.count == few.count
