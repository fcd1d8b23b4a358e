"""A column among a list of values: the same rows on every database, one parameter on
PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event, select

from app.common.idlists import among
from app.extensions import db
from app.roster.models import Skill


def _skills(*names: str) -> list[int]:
    skills = [Skill(name=n) for n in names]
    db.session.add_all(skills)
    db.session.flush()
    return [s.id for s in skills]


def test_among_finds_the_rows_of_the_values(app):
    ids = _skills("驾驶", "法律咨询", "农机维修")
    found = db.session.scalars(select(Skill.name).where(among(db.session, Skill.id, ids[:2])))
    assert sorted(found) == sorted(["驾驶", "法律咨询"])
    by_name = select(Skill.id).where(among(db.session, Skill.name, ["农机维修", "无此专长"]))
    assert list(db.session.scalars(by_name)) == [ids[2]]


def test_among_nothing_matches_nothing(app):
    _skills("驾驶")
    assert list(db.session.scalars(select(Skill.id).where(among(db.session, Skill.id, [])))) == []


def test_a_long_list_is_one_parameter_on_postgresql(app):
    ids = _skills(*(f"专长{i}" for i in range(3)))
    sent: list[tuple[str, object]] = []

    def _capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", _capture)
    try:
        values = [*ids, *range(10**6, 10**6 + 997)]  # a thousand, as the export's batches
        found = db.session.scalars(select(Skill.id).where(among(db.session, Skill.id, values)))
        assert sorted(found) == sorted(ids)
    finally:
        event.remove(engine, "before_cursor_execute", _capture)
    statement, parameters = sent[-1]
    if engine.dialect.name == "postgresql":
        assert "ANY" in statement.upper()
        assert len(parameters) == 1
    else:
        assert statement.count("?") >= 1000


def test_a_longer_value_does_not_match_its_first_characters(app):
    """A cast to the column's VARCHAR(n)[] would cut the value to n characters."""
    (skill_id,) = _skills("甲" * 40)
    longer = among(db.session, Skill.name, ["甲" * 41])
    assert list(db.session.scalars(select(Skill.id).where(longer))) == []
    exact = among(db.session, Skill.name, ["甲" * 40])
    assert list(db.session.scalars(select(Skill.id).where(exact))) == [skill_id]
