"""Training sessions and rewards or penalties: who may set them up, the default attendees,
attendance, validation beside the field, stale forms and the audit rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.extensions import db
from app.network.models import AgentAward, Training, TrainingAttendance
from tests.network.assessment_world import World, build


@pytest.fixture
def w(app) -> World:
    return build()


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_new_session_expects_every_agent_of_the_org_by_default(w, login_as):
    c = login_as(w.sec)
    page = c.get("/network/trainings/new").get_data(as_text=True)
    assert "钱代理" in page and "孙代理" in page and "乙代理" not in page
    assert page.count("checked") >= 2


def test_setting_up_a_session_and_recording_attendance(w, login_as):
    c = login_as(w.sec)
    r = c.post(
        "/network/trainings/new",
        data={
            "version": 0,
            "org_id": w.t.branch_a.id,
            "title": "代理业务培训",
            "held_on": "2026-07-15",
            "hours": "2.5",
            "place": "村委会",
            "members": [w.agent_member.id, w.colleague.id],
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    tr = db.session.scalars(select(Training)).one()
    assert (tr.title, tr.hours, tr.org_id) == ("代理业务培训", 2.5, w.t.branch_a.id)
    assert _events("training.create")[0].details["expected"] == 2
    r = c.post(
        f"/network/trainings/{tr.id}/attendance",
        data={"version": tr.version, "attended": [w.agent_member.id]},
    )
    assert r.status_code == 302
    rows = db.session.execute(select(TrainingAttendance.member_id, TrainingAttendance.attended))
    came = dict(rows.all())
    assert came == {w.agent_member.id: True, w.colleague.id: False}
    assert _events("training.attendance")[0].details == {"attended": 1, "expected": 2}
    # The same stale form again: refused, nothing changed.
    r = c.post(
        f"/network/trainings/{tr.id}/attendance",
        data={"version": 1, "attended": [w.colleague.id]},
    )
    assert r.status_code == 409


def test_a_bad_session_is_refused_beside_the_field(w, login_as):
    c = login_as(w.sec)
    r = c.post(
        "/network/trainings/new",
        data={
            "version": 0,
            "org_id": w.t.branch_a.id,
            "title": "培训",
            "held_on": "1999-01-01",
            "hours": "2",
            "members": [w.member_b.id],  # another branch's agent
        },
    )
    assert r.status_code == 200
    assert "invalid-feedback" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Training)) == 0


def test_another_branch_cannot_open_or_change_a_session(w, login_as):
    tr = w.training(date(2026, 7, 15), {w.agent_member: True})
    db.session.commit()
    other = login_as(w.sec_b)
    assert other.get(f"/network/trainings/{tr.id}").status_code == 404
    assert other.post(f"/network/trainings/{tr.id}/attendance", data={}).status_code == 404
    assert tr.title not in other.get("/network/trainings").get_data(as_text=True)
    assert login_as(w.agent).get("/network/trainings").status_code == 403


def test_recording_a_reward_and_a_penalty(w, login_as):
    c = login_as(w.sec)
    base = {"title": "服务之星", "reason": "全年零投诉", "decided_on": "2026-10-10"}
    r = c.post(
        f"/network/agents/{w.agent_member.id}/awards",
        data={**base, "kind": "reward", "org_id": w.t.branch_a.id},
    )
    assert r.status_code == 302
    # A penalty decided by the committee's org: out of the secretary's reach.
    r = c.post(
        f"/network/agents/{w.agent_member.id}/awards",
        data={**base, "kind": "penalty", "org_id": w.t.committee.id},
    )
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
    r = login_as(w.cmte).post(
        f"/network/agents/{w.agent_member.id}/awards",
        data={**base, "title": "通报批评", "kind": "penalty", "org_id": w.t.committee.id},
    )
    assert r.status_code == 302
    kinds = sorted(db.session.scalars(select(AgentAward.kind)))
    assert kinds == ["penalty", "reward"]
    events = _events("award.record")
    assert len(events) == 2 and all("全年零投诉" not in str(e.details) for e in events)
    page = login_as(w.agent).get(f"/network/agents/{w.agent_member.id}").get_data(as_text=True)
    assert "服务之星" in page and "通报批评" in page
    assert "Record a reward" not in page and "记录奖惩" not in page


def test_nobody_records_an_award_for_themself_or_another_branch(w, login_as):
    data = {"kind": "reward", "title": "t", "reason": "r", "decided_on": "2026-10-10"}
    r = login_as(w.agent).post(f"/network/agents/{w.agent_member.id}/awards", data=data)
    assert r.status_code == 403
    r = login_as(w.sec_b).post(f"/network/agents/{w.agent_member.id}/awards", data=data)
    assert r.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AgentAward)) == 0


@pytest.mark.parametrize("hours", ["NaN", "inf", "-1", "abc", "25"])
def test_hours_that_are_not_a_sensible_number_are_refused(w, login_as, hours):
    data = {"version": 0, "org_id": w.t.branch_a.id, "title": "培训", "held_on": "2026-07-15"}
    r = login_as(w.sec).post("/network/trainings/new", data={**data, "hours": hours})
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Training)) == 0
