"""A published rota is changed only through its workflow: no hand edit until it is withdrawn
to a draft (a missed shift cannot quietly disappear from the agents' figures)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.network import duty
from app.network.duty_plan import Settings
from app.network.models import DutyRota, DutyShift
from tests.network.duty_world import build, on


@pytest.fixture
def w(app):
    return build()


def _published(w) -> DutyRota:
    rota, _plan = duty.generate_rota(w.secretary, w.room, "rotation", 2026, 10, Settings())
    db.session.flush()
    duty.publish_rota(w.secretary, rota, expected_version=rota.version)
    db.session.commit()
    return db.session.get(DutyRota, rota.id)


def _shifts(rota) -> list[tuple[int, date, int]]:
    stmt = select(DutyShift.id, DutyShift.day, DutyShift.member_id).where(
        DutyShift.rota_id == rota.id
    )
    return sorted(tuple(r) for r in db.session.execute(stmt))


def test_no_hand_edit_of_a_published_rota(w, login_as):
    rota = _published(w)
    before = _shifts(rota)
    shift = db.session.get(DutyShift, before[0][0])
    other = next(m for m in w.cadres if m.id != shift.member_id)
    c = login_as(w.secretary)
    base = f"/network/rotas/{rota.id}/shifts"
    v = rota.version
    posts = [
        (
            base,
            {
                "add-day": "2026-10-08",
                "add-slot": "day",
                "add-member_id": other.id,
                "add-version": v,
            },
        ),
        (
            f"{base}/{shift.id}/replace",
            {f"r{shift.id}-member_id": other.id, f"r{shift.id}-version": v},
        ),
        (f"{base}/{shift.id}/remove", {"version": v}),
    ]
    for url, data in posts:
        assert c.post(url, data=data).status_code == 409, url
    db.session.expire_all()
    assert _shifts(rota) == before
    page = c.get(f"/network/rotas/{rota.id}").get_data(as_text=True)
    assert f"{base}/{shift.id}/remove" not in page and f'action="{base}"' not in page
    # Withdrawn to a draft, it may be edited again.
    duty.withdraw_rota(w.secretary, rota, expected_version=rota.version)
    db.session.commit()
    v = db.session.get(DutyRota, rota.id).version
    assert c.post(f"{base}/{shift.id}/remove", data={"version": v}).status_code == 302


def test_nobody_records_their_own_shift_as_kept(w, login_as):
    mine = w.cadres[0]
    mine.user_id = w.agent.id  # the room's agent is also one of the village's cadres
    db.session.commit()
    with on(2026, 10, 31):
        rota = _published(w)
        shifts = [db.session.get(DutyShift, i) for i, _day, _m in _shifts(rota)]
        own = next(s for s in shifts if s.member_id == mine.id)
        other = next(s for s in shifts if s.member_id != mine.id)
        c = login_as(w.agent)
        base = f"/network/rotas/{rota.id}/shifts"
        v = rota.version
        assert (
            c.post(f"{base}/{own.id}/kept", data={"version": v, "kept": "kept"}).status_code == 403
        )
        assert f"{base}/{own.id}/kept" not in c.get(f"/network/rotas/{rota.id}").get_data(
            as_text=True
        )
        assert (
            c.post(f"{base}/{other.id}/kept", data={"version": v, "kept": "kept"}).status_code
            == 302
        )
        db.session.expire_all()
        assert db.session.get(DutyShift, own.id).kept is None
        assert db.session.get(DutyShift, other.id).kept is True
