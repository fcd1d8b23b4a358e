"""Two assessors grading the branch's last free 优秀 place at the same moment: the cap's lock
counts them one after the other, so the cap holds (PostgreSQL: two connections)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.appraisal import workflow
from app.appraisal.models import Appraisal, Grade
from app.auth.models import User
from app.errors import FieldErrors
from app.extensions import db
from app.roster.models import Member
from tests.appraisal.conftest import ASSESS, MASSES
from tests.appraisal.test_workflow import _to
from tests.conftest import is_postgres

EXCELLENT = {**ASSESS, **MASSES, "grade": "excellent"}


@pytest.mark.skipif(not is_postgres(), reason="needs two database connections")
def test_two_grades_for_the_last_excellent_place_at_once(world, app, monkeypatch):
    # Branch A grades 6 members: at most 2 excellent. One is given; one place is left.
    others = db.session.scalars(
        select(Member).where(
            Member.org_id == world.tree.group_a.id,
            Member.membership == "full",
            Member.id.not_in([world.alice.id, world.leader_member.id]),
        )
    )
    rest = list(others)[:2]
    apply_excellent(_to(world, world.alice, "signed"), world.sec_a)
    ids = [_to(world, m, "signed").id for m in rest]
    db.session.commit()
    slow_cap = workflow.excellent_cap

    def slow(*args, **kwargs):
        time.sleep(0.5)  # both assessors are inside the count at the same time
        return slow_cap(*args, **kwargs)

    monkeypatch.setattr(workflow, "excellent_cap", slow)
    results: list[str] = []
    uid = world.sec_a.id

    def grade(appraisal_id: int) -> None:
        with app.app_context():
            try:
                a = db.session.get(
                    Appraisal,
                    appraisal_id,
                    options=[
                        joinedload(Appraisal.member),
                        joinedload(Appraisal.org),
                        joinedload(Appraisal.period),
                    ],
                )
                apply_excellent(a, db.session.get(User, uid))
                db.session.commit()
                results.append("ok")
            except FieldErrors as err:
                db.session.rollback()
                results.append(next(iter(err.errors)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=grade, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["grade", "ok"]
    db.session.expire_all()
    excellent = db.session.scalar(
        select(func.count(Appraisal.id)).where(Appraisal.grade == Grade.EXCELLENT)
    )
    assert excellent == 2


def apply_excellent(a: Appraisal, actor) -> None:
    workflow.apply(a, "assess", actor, expected_version=None, data=EXCELLENT)
