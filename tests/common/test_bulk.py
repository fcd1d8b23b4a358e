"""Rows inserted in bulk (COPY on PostgreSQL, executemany elsewhere): the values as an insert
would store them, the defaults of the columns left out, inside the session's transaction,
and the tables' figures marked written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from app.common import versions
from app.common.bulk import insert_rows
from app.extensions import db
from app.roster.models import Member, MemberHistory, Skill, member_skill
from tests.factories import make_member


def test_values_are_stored_as_an_insert_stores_them(tree):
    member = make_member(tree.group_a)
    beijing = timezone(timedelta(hours=8))
    at = datetime(2026, 7, 1, 9, 30, tzinfo=beijing)
    rows = [
        {
            "member_id": member.id,
            "occurred_at": at,
            "effective_on": date(2026, 7, 1),
            "kind": "import",
            "changes": {"name": [None, "王小明"], "note": "含\t制表符与\\反斜杠"},
            "before": None,
            "actor_name": "",
        },
        {
            "member_id": member.id,
            "occurred_at": at + timedelta(days=1),
            "effective_on": None,
            "kind": "import",
            "changes": {},
            "before": {"is_hardship": False},
            "actor_name": "张三\n李四",
        },
    ]
    insert_rows(db.session, MemberHistory.__table__, rows)
    stored = db.session.execute(
        select(MemberHistory)
        .where(MemberHistory.member_id == member.id, MemberHistory.kind == "import")
        .order_by(MemberHistory.occurred_at)
    ).scalars()
    first, second = list(stored)
    assert first.occurred_at == at.astimezone(UTC) and first.occurred_at.tzinfo is not None
    assert first.effective_on == date(2026, 7, 1)
    assert first.changes == {"name": [None, "王小明"], "note": "含\t制表符与\\反斜杠"}
    assert first.before is None
    # Stored as an insert stores it (JSON's null, not SQL's NULL, for a None).
    reference = {**rows[0], "kind": "reference"}
    db.session.execute(insert(MemberHistory.__table__), [reference])
    nulls = select(MemberHistory.kind, MemberHistory.before.is_(None)).where(
        MemberHistory.member_id == member.id, MemberHistory.effective_on.is_not(None)
    )
    (_, copied), (_, inserted) = sorted(db.session.execute(nulls).all())
    assert copied == inserted
    assert second.effective_on is None and second.before == {"is_hardship": False}
    assert second.actor_name == "张三\n李四"
    # Left out: the note takes its default, as an insert gives it.
    assert first.note == "" and second.note == ""


def test_columns_left_out_take_their_defaults(tree):
    member = make_member(tree.group_a)
    row = {c: getattr(member, c) for c in ("name", "gender", "birth_date", "org_id", "membership")}
    row |= {
        "id_number_enc": "x",
        "id_number_hash": "h" * 64,
        "id_tail": "0012",
        "name_pinyin": "wxm",
    }
    insert_rows(db.session, Member.__table__, [row])
    added = db.session.scalar(select(Member).where(Member.id_number_hash == "h" * 64))
    assert added.version == 1  # a Python default, not the server's
    assert added.created_at is not None and added.is_hardship is False


def test_a_rollback_takes_the_rows_back(app):
    """The first write of a transaction (on PostgreSQL one that has not begun yet)."""
    db.session.commit()
    insert_rows(db.session, Skill.__table__, [{"name": "驾驶"}, {"name": "农机维修"}])
    assert db.session.scalar(select(func.count(Skill.id))) == 2
    db.session.rollback()
    assert db.session.scalar(select(func.count(Skill.id))) == 0


def test_the_tables_figures_get_new_tokens_at_commit(tree):
    member = make_member(tree.group_a)
    db.session.commit()
    before = versions.tokens(("roster",))
    skill = Skill(name="驾驶")
    db.session.add(skill)
    db.session.commit()
    middle = versions.tokens(("roster",))
    insert_rows(db.session, member_skill, [{"member_id": member.id, "skill_id": skill.id}])
    db.session.commit()
    assert before != middle != versions.tokens(("roster",))
    assert db.session.scalar(select(func.count()).select_from(member_skill)) == 1


def test_no_rows_is_nothing(app):
    insert_rows(db.session, Skill.__table__, [])
    assert db.session.scalar(select(func.count(Skill.id))) == 0


def test_a_taken_value_is_an_integrity_error_and_the_session_recovers(tree):
    make_member(tree.group_a)
    db.session.commit()
    insert_rows(db.session, Skill.__table__, [{"name": "驾驶"}])
    db.session.commit()
    with pytest.raises(IntegrityError):
        insert_rows(db.session, Skill.__table__, [{"name": "法律咨询"}, {"name": "驾驶"}])
    db.session.rollback()
    insert_rows(db.session, Skill.__table__, [{"name": "法律咨询"}])
    db.session.commit()
    assert sorted(db.session.scalars(select(Skill.name))) == ["法律咨询", "驾驶"]


def test_a_savepoint_rolled_back_takes_its_rows_back(app):
    insert_rows(db.session, Skill.__table__, [{"name": "驾驶"}])
    nested = db.session.begin_nested()
    insert_rows(db.session, Skill.__table__, [{"name": "农机维修"}])
    nested.rollback()
    db.session.commit()
    assert list(db.session.scalars(select(Skill.name))) == ["驾驶"]
