"""Duty rotas through the pages: planning a month, one rota per month, hand edits with their
errors, publishing, kept/missed, who is on duty today, printing, Excel, and scope."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.extensions import db
from app.network import duty
from app.network.duty_pages import on_duty_today
from app.network.duty_plan import Settings
from app.network.models import DutyRota, DutyShift
from tests.network.duty_world import build, on


@pytest.fixture
def w(app):
    return build()


def _plan(client, w, month="2026-10", **extra):
    # A village room's form has no reception weekday field.
    data = {"kind": "rotation", "month": month, "per_day": 1, **extra}
    return client.post(f"/network/points/{w.room.id}/duty", data=data)


def _rota(w) -> DutyRota:
    return db.session.scalar(select(DutyRota).where(DutyRota.service_point_id == w.room.id))


def _shifts(rota) -> list[DutyShift]:
    return list(db.session.scalars(select(DutyShift).where(DutyShift.rota_id == rota.id)))


def test_the_secretary_plans_a_fair_draft_month_of_working_days(w, login_as):
    c = login_as(w.secretary)
    r = _plan(c, w)
    assert r.status_code == 302
    rota = _rota(w)
    assert (rota.kind, rota.status, rota.year, rota.month) == ("rotation", "draft", 2026, 10)
    shifts = _shifts(rota)
    days = {s.day for s in shifts}
    assert len(shifts) == 18 and len(days) == 18  # one a day, every working day
    assert date(2026, 10, 10) in days and date(2026, 10, 5) not in days
    names = {s.member_id for s in shifts}
    assert w.plain.id not in names  # not a cadre: not in the rotation's pool
    assert all(s.day.weekday() == 0 for s in shifts if s.member_id == w.monday_only.id)
    counts = [sum(1 for s in shifts if s.member_id == m.id) for m in w.cadres]
    assert max(counts) - min(counts) <= 1
    assert db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "duty_rota.generate")
    )
    page = c.get(f"/network/rotas/{rota.id}").get_data(as_text=True)
    assert "值班干部1" in page and "duty-calendar" in page


def test_a_second_rota_for_the_same_month_is_refused_beside_the_month(w, login_as):
    c = login_as(w.secretary)
    _plan(c, w)
    r = _plan(c, w)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "invalid-feedback" in page
    assert db.session.scalar(select(func.count(DutyRota.id))) == 1


def test_a_reception_rota_is_not_kept_by_a_village_room(w, login_as):
    r = _plan(login_as(w.secretary), w, kind="reception")
    assert r.status_code == 200
    assert db.session.scalar(select(func.count(DutyRota.id))) == 0


def test_the_agent_may_read_but_not_plan(w, login_as):
    c = login_as(w.agent)
    assert c.get(f"/network/points/{w.room.id}/duty").status_code == 200
    assert _plan(c, w).status_code == 403


def _made(w) -> DutyRota:
    rota, _plan = duty.generate_rota(w.secretary, w.room, "rotation", 2026, 10, Settings())
    db.session.commit()
    return db.session.get(DutyRota, rota.id)


def test_hand_edits_are_checked_with_the_error_beside_the_field(w, login_as):
    rota = _made(w)
    c = login_as(w.secretary)
    url = f"/network/rotas/{rota.id}/shifts"

    def add(day, member, slot="day"):
        v = db.session.get(DutyRota, rota.id).version
        data = {"add-day": day, "add-slot": slot, "add-member_id": member, "add-version": v}
        return c.post(url, data=data)

    holiday = add("2026-10-02", w.cadres[0].id)
    assert holiday.status_code == 400
    page = holiday.get_data(as_text=True)
    assert 'class="invalid-feedback">2026-10-02' in page  # beside the day, naming it
    assert add("2026-10-08", w.plain.id).status_code == 400  # not in the pool
    assert add("2026-10-09", w.monday_only.id).status_code == 400  # a Friday: not available
    taken = next(s for s in _shifts(rota) if s.day == date(2026, 10, 8))
    assert add("2026-10-08", taken.member_id).status_code == 400  # already on that day
    other = next(m for m in w.cadres if m.id != taken.member_id)
    assert add("2026-10-08", other.id).status_code == 302
    assert len(_shifts(rota)) == 19


def test_replace_remove_and_a_stale_form(w, login_as):
    rota = _made(w)
    c = login_as(w.secretary)
    shift = next(s for s in _shifts(rota) if s.day == date(2026, 10, 12))  # a Monday
    newcomer = next(m for m in [*w.cadres, w.monday_only] if m.id != shift.member_id)
    v = rota.version
    r = c.post(
        f"/network/rotas/{rota.id}/shifts/{shift.id}/replace",
        data={f"r{shift.id}-member_id": newcomer.id, f"r{shift.id}-version": v},
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(DutyShift, shift.id).member_id == newcomer.id
    stale = c.post(f"/network/rotas/{rota.id}/shifts/{shift.id}/remove", data={"version": v})
    assert stale.status_code == 409
    fresh = db.session.get(DutyRota, rota.id).version
    r = c.post(f"/network/rotas/{rota.id}/shifts/{shift.id}/remove", data={"version": fresh})
    assert r.status_code == 302
    assert db.session.scalar(select(DutyShift.id).where(DutyShift.id == shift.id)) is None


def test_a_draft_is_not_on_duty_and_a_published_rota_is(w, login_as):
    rota = _made(w)
    with on(2026, 10, 9):
        assert on_duty_today(w.agent, date(2026, 10, 9)) == []
        c = login_as(w.secretary)
        assert (
            c.post(f"/network/rotas/{rota.id}/publish", data={"version": rota.version}).status_code
            == 302
        )
        db.session.expire_all()
        assert db.session.get(DutyRota, rota.id).status == "published"
        today = on_duty_today(w.agent, date(2026, 10, 9))
        assert [d.point.id for d in today] == [w.room.id]
        name = today[0].shifts[0].member.name
        assert name in login_as(w.agent).get("/").get_data(as_text=True)
        assert name in c.get("/network/").get_data(as_text=True)
        assert on_duty_today(w.secretary_b, date(2026, 10, 9)) == []


def test_kept_or_missed_is_recorded_on_published_rotas_for_days_that_have_come(w, login_as):
    rota = _made(w)
    past = next(s for s in _shifts(rota) if s.day == date(2026, 10, 8))
    future = next(s for s in _shifts(rota) if s.day == date(2026, 10, 30))
    with on(2026, 10, 9):
        c = login_as(w.agent)
        url = f"/network/rotas/{rota.id}/shifts/{past.id}/kept"
        assert c.post(url, data={"version": rota.version, "kept": "missed"}).status_code == 409
        duty.publish_rota(w.secretary, rota, expected_version=rota.version)
        db.session.commit()
        v = db.session.get(DutyRota, rota.id).version
        assert c.post(url, data={"version": v, "kept": "missed"}).status_code == 302
        db.session.expire_all()
        assert db.session.get(DutyShift, past.id).kept is False
        v = db.session.get(DutyRota, rota.id).version
        later = f"/network/rotas/{rota.id}/shifts/{future.id}/kept"
        assert c.post(later, data={"version": v, "kept": "kept"}).status_code == 409
        assert db.session.get(DutyShift, future.id).kept is None


def test_the_printable_page_and_the_excel_hold_the_rota(w, login_as):
    rota = _made(w)
    c = login_as(w.agent)
    page = c.get(f"/network/rotas/{rota.id}/print").get_data(as_text=True)
    assert "print-sheet" in page and "甲村为民服务室2026年10月村干部轮流坐班表" in page
    r = c.get(f"/network/rotas/{rota.id}/rota.xlsx")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    rows = [row for row in ws.iter_rows(min_row=3, values_only=True) if row[0]]
    shifts = sorted(_shifts(rota), key=lambda s: (s.day, s.id))
    assert len(rows) == len(shifts) == 18
    assert rows[0][0] == "2026-10-08" and rows[0][3] == shifts[0].member.name
    assert ws["A1"].value.startswith("甲村为民服务室")


def test_another_branch_finds_nothing(w, login_as):
    rota = _made(w)
    c = login_as(w.secretary_b)
    assert c.get(f"/network/rotas/{rota.id}").status_code == 404
    assert c.get(f"/network/rotas/{rota.id}/rota.xlsx").status_code == 404
    assert c.get(f"/network/points/{w.room.id}/duty").status_code == 404
    page = c.get("/network/").get_data(as_text=True)
    assert w.room.name not in page and w.room_b.name in page


def test_a_draft_may_be_planned_again_and_deleted_but_not_a_published_one(w, login_as):
    rota = _made(w)
    c = login_as(w.secretary)
    r = c.post(
        f"/network/rotas/{rota.id}/regenerate",
        data={"regen-per_day": 2, "regen-weekday": 2, "regen-version": rota.version},
    )
    assert r.status_code == 302
    assert len(_shifts(rota)) == 36
    db.session.expire_all()
    v = db.session.get(DutyRota, rota.id).version
    duty.publish_rota(w.secretary, db.session.get(DutyRota, rota.id), expected_version=v)
    db.session.commit()
    db.session.expire_all()
    v = db.session.get(DutyRota, rota.id).version
    assert c.post(f"/network/rotas/{rota.id}/delete", data={"version": v}).status_code == 409
    assert c.post(f"/network/rotas/{rota.id}/withdraw", data={"version": v}).status_code == 302
    db.session.expire_all()
    v = db.session.get(DutyRota, rota.id).version
    assert c.post(f"/network/rotas/{rota.id}/delete", data={"version": v}).status_code == 302
    assert db.session.scalar(select(func.count(DutyShift.id))) == 0


def test_a_district_centre_keeps_cadres_duty_and_a_reception_day(w, login_as):
    from app.orgs.models import ServiceLevel
    from app.volunteers.models import VolunteerProfile
    from tests.factories import make_member, make_service_point, make_user

    centre = make_service_point(w.t.committee, "新区为民服务中心", level=ServiceLevel.DISTRICT)
    # The centre's staff: volunteer profiles naming the centre (members sit in branches).
    for i, kind in enumerate(["cadre", "cadre", "cadre", "no_post"]):
        m = make_member(w.t.branch_b, name=f"中心人员{i}", post_kind=kind)
        db.session.add(VolunteerProfile(member_id=m.id, service_point_id=centre.id))
    db.session.commit()
    cmte = make_user("d_cmte", ("committee", w.t.committee))
    c = login_as(cmte)
    page = c.get(f"/network/points/{centre.id}/duty").get_data(as_text=True)
    assert "reception" in page and "rotation" not in page
    r = c.post(
        f"/network/points/{centre.id}/duty",
        data={"kind": "reception", "month": "2026-10", "per_day": 1, "weekday": 2},
    )
    assert r.status_code == 302
    rota = db.session.scalar(select(DutyRota).where(DutyRota.service_point_id == centre.id))
    shifts = _shifts(rota)
    assert sorted(s.day for s in shifts) == [
        date(2026, 10, 14),
        date(2026, 10, 21),
        date(2026, 10, 28),
    ]
    assert "中心人员3" not in {s.member.name for s in shifts}  # no post: no reception day
    duty.generate_rota(cmte, centre, "duty", 2026, 10, duty.DEFAULTS["duty"])
    pool = {m.name for m, _a in duty.pool(centre, "duty")}
    assert pool == {"中心人员0", "中心人员1", "中心人员2", "中心人员3"}
    assert c.get(f"/network/points/{w.room.id}/duty").status_code == 200  # the committee's too
