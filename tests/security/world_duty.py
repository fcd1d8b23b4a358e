"""Branch A's duty rota, shift and letter-or-visit for the security proofs (see world.py)."""

from __future__ import annotations

from datetime import date

from app.auth.models import User
from app.cases.models import ServiceCase
from app.common.crypto import encrypt
from app.extensions import db
from app.network.models import DutyRota, DutyShift, Visit
from tests.factories import Tree, make_member


def build_duty(
    t: Tree, users: dict[str, User], case: ServiceCase
) -> tuple[dict[str, int], list[str]]:
    """A published rotation at branch A's village room with one shift of a cadre of branch A,
    and an open visit in the room's register."""
    cadre = make_member(t.branch_a, name="甲村值班干部", post_kind="cadre")
    rota = DutyRota(
        service_point_id=t.room_a.id, kind="rotation", year=2026, month=10, status="published"
    )
    db.session.add(rota)
    db.session.flush()
    shift = DutyShift(rota_id=rota.id, day=date(2026, 10, 9), slot="day", member_id=cadre.id)
    visit = Visit(
        service_point_id=t.room_a.id,
        received_on=date(2026, 10, 9),
        channel="visit",
        visitor_name="甲村来访人",
        phone_enc=encrypt("13900001234"),
        phone_tail="1234",
        subject="咨询低保政策",
        received_by_id=users["agent"].id,
    )
    db.session.add_all([shift, visit])
    db.session.commit()
    ids = {"rota_id": rota.id, "shift_id": shift.id, "visit_id": visit.id}
    return ids, ["甲村值班干部", "甲村来访人"]
