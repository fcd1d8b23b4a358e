"""The audit log is append-only below the ORM (triggers) and hash-chained: ``flask audit
verify`` passes on a clean log and names the first row that was edited, removed or inserted."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app import audit
from app.audit import AuditEvent, guard
from app.extensions import db
from tests.conftest import is_postgres
from tests.factories import make_tree


def _log(n: int = 4) -> list[int]:
    """``n`` events over two transactions (one chain across commits)."""
    tree = make_tree()
    ids = []
    for i in range(n):
        ids.append(
            audit.record(None, "org.rename", tree.branch_a, old=f"名{i}", new=f"名{i + 1}").id
        )
        if i % 2:
            db.session.commit()
    db.session.commit()
    return [e for e in db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id))]


def _verify(runner):
    return runner.invoke(args=["audit", "verify"])


@pytest.fixture
def unguarded(app):
    """The triggers dropped for this test, as an attacker with the database's password could."""
    with db.engine.begin() as conn:
        guard.drop(conn)
    yield
    with db.engine.begin() as conn:
        guard.drop(conn)
        guard.install(conn)


def test_a_clean_log_verifies(app, runner):
    ids = _log()
    r = _verify(runner)
    assert r.exit_code == 0, r.output
    assert f"{len(ids)} events" in r.output
    first, second = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id).limit(2))
    assert first.prev_hash == "" and len(first.row_hash) == 64
    assert second.prev_hash == first.row_hash


def test_the_orm_refuses_to_change_or_delete_an_event(app):
    ev = db.session.get(AuditEvent, _log(1)[0])
    ev.action = "forged"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, ev.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_raw_updates_and_deletes(app, sql):
    ids = _log(2)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(sql))
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == len(ids)


def test_verify_names_an_edited_row(app, runner, unguarded):
    ids = _log()
    db.session.execute(
        text("UPDATE audit_event SET actor_name = '替身' WHERE id = :id"), {"id": ids[2]}
    )
    db.session.commit()
    r = _verify(runner)
    assert r.exit_code != 0
    assert f"event {ids[2]}:" in r.output and "edited" in r.output


def test_verify_names_the_row_after_a_removed_one(app, runner, unguarded):
    ids = _log()
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
    db.session.commit()
    r = _verify(runner)
    assert r.exit_code != 0
    assert f"event {ids[2]}:" in r.output and "removed" in r.output


def test_verify_finds_rows_removed_from_the_end(app, runner, unguarded):
    ids = _log()
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[-1]})
    db.session.commit()
    r = _verify(runner)
    assert r.exit_code != 0
    assert f"event {ids[-2]}:" in r.output and "missing" in r.output


@pytest.mark.skipif(not is_postgres(), reason="needs two database connections")
def test_two_writers_at_once_do_not_fork_the_chain(app, runner):
    tree = make_tree()
    org_id = tree.branch_a.id
    db.session.commit()
    before = db.session.scalar(select(func.count(AuditEvent.id)))

    def write(n: int) -> None:
        with app.app_context():
            org = db.session.get(type(tree.branch_a), org_id)
            audit.record(None, "org.rename", org, old="甲", new=f"乙{n}")
            db.session.flush()  # the chain's head is taken here...
            time.sleep(0.3)  # ...and the other writer is appending meanwhile
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before + 3
    r = _verify(runner)
    assert r.exit_code == 0, r.output
