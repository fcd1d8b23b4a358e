"""The letters-and-visits register: entry with the phone encrypted and masked, errors beside
the fields, filters, handling, turning a visit into a case, and scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.cases.models import ServiceCase
from app.extensions import db
from app.network.models import Visit
from tests.network.duty_world import build, on

PHONE = "13912345678"


@pytest.fixture
def w(app):
    return build()


def _enter(client, w, **over):
    data = {
        "received_on": "2026-10-09",
        "channel": "visit",
        "visitor_name": "王秀英",
        "phone": PHONE,
        "subject": "申请低保",
        "content": "家中困难",
        **over,
    }
    return client.post(f"/network/points/{w.room.id}/visits/new", data=data)


def test_an_entry_keeps_the_phone_encrypted_masked_and_out_of_the_log(w, login_as):
    with on(2026, 10, 9):
        c = login_as(w.agent)
        r = _enter(c, w)
        assert r.status_code == 302
        visit = db.session.scalar(select(Visit))
        assert visit.phone_enc and PHONE not in visit.phone_enc and visit.phone_tail == "5678"
        page = c.get(f"/network/visits/{visit.id}").get_data(as_text=True)
        assert "*******5678" in page and PHONE not in page
        listing = c.get(f"/network/points/{w.room.id}/visits").get_data(as_text=True)
        assert "王秀英" in listing and PHONE not in listing
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "visit.register"))
        assert all(PHONE not in str(e.details) for e in events)


def test_bad_input_is_refused_beside_the_field_and_nothing_is_written(w, login_as):
    with on(2026, 10, 9):
        c = login_as(w.agent)
        r = _enter(c, w, received_on="2026-10-20", phone="12ab")
        assert r.status_code == 200
        assert r.get_data(as_text=True).count("invalid-feedback") >= 2
        assert db.session.scalar(select(Visit.id)) is None


def test_filters_by_status_and_month(w, login_as):
    with on(2026, 10, 9):
        c = login_as(w.agent)
        _enter(c, w, subject="九月来信", received_on="2026-09-20")
        _enter(c, w, subject="十月来访")
        sept = c.get(f"/network/points/{w.room.id}/visits?month=2026-09").get_data(as_text=True)
        assert "九月来信" in sept and "十月来访" not in sept
        handled = c.get(f"/network/points/{w.room.id}/visits?status=handled")
        assert "十月来访" not in handled.get_data(as_text=True)


def test_handling_is_recorded(w, login_as):
    with on(2026, 10, 9):
        c = login_as(w.agent)
        _enter(c, w)
        visit = db.session.scalar(select(Visit))
        r = c.post(
            f"/network/visits/{visit.id}/handle",
            data={"handled_on": "2026-10-09", "handling": "当场解答", "version": visit.version},
        )
        assert r.status_code == 302
        db.session.expire_all()
        visit = db.session.get(Visit, visit.id)
        assert (visit.status, visit.handling, visit.handled_by_id) == (
            "handled",
            "当场解答",
            w.agent.id,
        )
        again = c.post(
            f"/network/visits/{visit.id}/handle",
            data={"handled_on": "2026-10-09", "handling": "再次", "version": visit.version},
        )
        assert again.status_code == 409


def test_a_visit_becomes_a_case_with_the_visitor_as_applicant(w, login_as):
    with on(2026, 10, 9):
        c = login_as(w.agent)
        _enter(c, w)
        visit = db.session.scalar(select(Visit))
        form = c.get(f"/network/visits/{visit.id}/case").get_data(as_text=True)
        assert "申请低保" in form and PHONE not in form  # the request pre-filled
        r = c.post(
            f"/network/visits/{visit.id}/case",
            data={"item_id": w.item.id, "request": "申请低保", "version": visit.version},
        )
        assert r.status_code == 302
        db.session.expire_all()
        visit = db.session.get(Visit, visit.id)
        case = db.session.get(ServiceCase, visit.case_id)
        assert visit.status == "case"
        assert case.applicant.name == "王秀英" and case.applicant.phone_tail == "5678"
        assert case.service_point_id == w.room.id
        assert r.headers["Location"].endswith(f"/cases/{case.id}")
        page = c.get(f"/network/visits/{visit.id}").get_data(as_text=True)
        assert case.number in page


def test_a_letter_without_a_phone_asks_for_one_when_it_becomes_a_case(w, login_as):
    with on(2026, 10, 9):
        c = login_as(w.agent)
        _enter(c, w, channel="letter", phone="")
        visit = db.session.scalar(select(Visit))
        data = {"item_id": w.item.id, "request": "申请低保", "version": visit.version}
        r = c.post(f"/network/visits/{visit.id}/case", data=data)
        assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
        assert db.session.scalar(select(ServiceCase.id)) is None
        r = c.post(f"/network/visits/{visit.id}/case", data={**data, "phone": "13800002222"})
        assert r.status_code == 302


def test_another_branch_finds_nothing(w, login_as):
    with on(2026, 10, 9):
        _enter(login_as(w.agent), w)
        visit = db.session.scalar(select(Visit))
        c = login_as(w.secretary_b)
        assert c.get(f"/network/visits/{visit.id}").status_code == 404
        assert c.get(f"/network/points/{w.room.id}/visits").status_code == 404
        assert c.get(f"/network/visits/{visit.id}/case").status_code == 404
        assert c.get(f"/network/points/{w.room_b.id}/visits").status_code == 200
