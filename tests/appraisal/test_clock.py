"""Deadlines and "not in the future" follow the configured zone (Asia/Shanghai), not the
server's: at 23:30 UTC it is already the next morning in Beijing."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import time_machine

from app.appraisal.inbox import inbox
from app.appraisal.workflow import apply
from app.extensions import db
from tests.appraisal.conftest import fill

# The self-record deadline of the world's quarter is 30 September; 23:30 UTC on that day is
# 07:30 on 1 October in Beijing.
LATE_UTC = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)


def test_a_deadline_passes_at_midnight_beijing_time(world, server_in_utc):
    with time_machine.travel(LATE_UTC, tick=False):
        box = inbox(world.alice_user)
    own = [i for i in box.items if i.member_id == world.alice.id]
    assert [(i.due, i.overdue) for i in own] == [(date(2026, 9, 30), True)]


def test_a_meeting_held_this_beijing_morning_is_not_in_the_future(world, server_in_utc):
    a = world.record(world.bob)
    fill(a)
    apply(a, "submit", world.sec_b, expected_version=None)
    apply(a, "sign", world.leader_b, expected_version=None, comment="属实")
    data = {
        "meeting_on": date(2026, 10, 1),
        "attendees": "支委会全体委员",
        "grade": "qualified",
        "comment": "同意",
    }
    with time_machine.travel(LATE_UTC, tick=False):
        apply(a, "assess", world.sec_b, expected_version=None, data=data)
    db.session.flush()
    assert a.status == "assessed" and a.branch_meeting_on == date(2026, 10, 1)


def test_the_books_timeline_dates_a_late_step_by_beijings_calendar(world, login_as):
    a = world.record(world.alice)
    fill(a)
    with time_machine.travel(LATE_UTC, tick=False):
        apply(a, "submit", world.alice_user, expected_version=None)
        db.session.commit()
    r = login_as(world.sec_a).get(f"/appraisal/members/{world.alice.id}/book.xlsx")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(r.data)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[2][-1].startswith("2026-10-01 ")
