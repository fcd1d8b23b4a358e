"""A mentor reads only the records of their mentees, never the rest of the branch with its
grades and veto facts (issue 11): the record page, the book, the overview, the quarter's
counts, the summary export and the inbox."""

from __future__ import annotations

import io

import openpyxl
import pytest

from app.appraisal.inbox import branch_overview, inbox
from app.appraisal.rollup import branch_counts
from app.auth.models import Role
from app.extensions import db
from app.roster.mentors import assign_mentor
from tests.appraisal.conftest import walk_to
from tests.crawl import text_of
from tests.factories import make_member, make_user


@pytest.fixture
def mentees(world):
    """mentor_a mentors 预备 (the world's probationary member); another mentor of branch A
    mentors 他人学员. Alice's record is assessed, the others submitted."""
    other_mentor = make_user("mentor_a2", (Role.MENTOR, world.tree.branch_a))
    theirs = make_member(
        world.tree.group_a,
        name="他人学员",
        membership="probationary",
        full_member_on=None,
        joined_on="2026-03-01",
    )
    assign_mentor(world.sec_a, world.probie, world.mentor_a)
    assign_mentor(world.sec_a, theirs, other_mentor)
    db.session.commit()
    from app.appraisal import services

    services.add_missing_records(world.period)
    db.session.commit()
    walk_to(world, world.alice, "assessed")
    walk_to(world, world.probie, "submitted")
    db.session.commit()
    walk_to(world, theirs, "submitted")
    db.session.commit()
    return theirs


def test_mentor_reads_the_mentee_record_and_no_other_of_the_branch(world, mentees, login_as):
    c = login_as(world.mentor_a)
    own = world.record(world.probie)
    assert c.get(f"/appraisal/{own.id}").status_code == 200
    for member in (world.alice, mentees, world.bob):
        a = world.record(member)
        assert c.get(f"/appraisal/{a.id}").status_code == 404, member.name
        assert c.get(f"/appraisal/members/{member.id}/book").status_code == 404
        assert c.get(f"/appraisal/members/{member.id}/probation").status_code == 404
    assert c.get(f"/appraisal/members/{world.probie.id}/probation").status_code == 200


def test_mentor_lists_show_only_mentees(world, mentees, login_as):
    c = login_as(world.mentor_a)
    period, branch = world.period, world.tree.branch_a
    page = text_of(c.get(f"/appraisal/periods/{period.id}/orgs/{branch.id}").get_data(True))
    assert "预备" in page
    for name in ("爱丽丝", "他人学员", "组长本人", "甲组0"):
        assert name not in page, name
    # No branch-wide figure either (the cap counts everyone's grades).
    assert "优秀" not in page.replace("预备", "")
    ov = branch_overview(world.mentor_a, period, branch)
    assert [a.member_id for a in ov.rows] == [world.probie.id]
    assert sum(ov.counts.values()) == 1 and not ov.whole
    # The quarter's counts per branch: one record.
    rows = branch_counts(period, world.mentor_a)
    assert [(r.branch.id, sum(r.counts.values())) for r in rows] == [(branch.id, 1)]
    # The summary export holds the mentee only.
    r = c.get(f"/appraisal/periods/{period.id}/orgs/{branch.id}/summary.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    names = [row[0] for row in ws.iter_rows(min_row=3, values_only=True) if row[0]]
    assert names[0] == "预备" and not any("爱丽丝" in str(n) or "他人" in str(n) for n in names)
    # The inbox: the mentee's sign-off, not the other mentor's.
    box = inbox(world.mentor_a)
    assert [(i.task, i.member_id) for i in box.items] == [("sign", world.probie.id)]
    page = text_of(c.get("/appraisal/").get_data(True))
    assert "预备" in page and "他人学员" not in page


def test_the_secretary_still_sees_the_whole_branch(world, mentees):
    ov = branch_overview(world.sec_a, world.period, world.tree.branch_a)
    assert ov.whole and {world.alice.id, world.probie.id, mentees.id} <= {
        a.member_id for a in ov.rows
    }
