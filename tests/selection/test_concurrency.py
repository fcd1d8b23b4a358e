"""Two secretaries' nominations for the last place of a branch at the same moment: the round's
row lock counts them one after the other, so the quota holds (PostgreSQL: two connections)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from app.auth.models import User
from app.errors import FieldErrors
from app.extensions import db
from app.selection import nomination_workflow, services
from app.selection.models import Nomination, SelectionRound
from tests.conftest import is_postgres
from tests.selection.conftest import E, Q

REASON = "该同志爱岗敬业，四个季度考核均为优秀，群众评价好。"


@pytest.mark.skipif(not is_postgres(), reason="needs two database connections")
def test_two_nominations_for_the_last_place_at_once(season, app, monkeypatch):
    s = season
    a = s.member(grades=(E, E, Q, Q), name="甲")
    b = s.member(grades=(E, E, Q, Q), name="乙")
    r = s.open_round(quota_value=1)
    rid, uid = r.id, s.sec_a.id
    slow_quota = nomination_workflow.branch_quota

    def slow(*args, **kwargs):
        time.sleep(0.5)  # both requests are inside the count at the same time
        return slow_quota(*args, **kwargs)

    monkeypatch.setattr(nomination_workflow, "branch_quota", slow)
    results: list[str] = []

    def nominate(member_id: int) -> None:
        with app.app_context(), time_machine.travel(date(2026, 6, 1), tick=False):
            try:
                user = db.session.get(User, uid)
                rnd = db.session.get(SelectionRound, rid)
                member, branch = services.candidate_member(user, rnd, member_id)
                data = {"reason": REASON, "deeds": "带头抢修线路"}
                services.nominate(user, rnd, member, branch, data)
                db.session.commit()
                results.append("ok")
            except FieldErrors as err:
                db.session.rollback()
                results.append(next(iter(err.errors)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=nominate, args=(m.id,)) for m in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["ok", "quota"]
    db.session.expire_all()
    held = db.session.scalar(
        select(func.count(Nomination.id)).where(Nomination.status == "nominated")
    )
    assert held == 1
