"""On PostgreSQL a transaction begins at its first write: reads pay no BEGIN or ROLLBACK,
and writes still commit or roll back together."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text

from app.common.lazytx import needs_transaction
from app.common.locks import hold_row
from app.extensions import db
from app.orgs.models import Org
from tests.conftest import is_postgres
from tests.factories import make_org

postgres_only = pytest.mark.skipif(not is_postgres(), reason="psycopg's transactions only")


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT org.id FROM org WHERE org.id = %(id)s",
        "  select 1",
        "SELECT count(*) FROM member WHERE member.name LIKE %(name)s",
    ],
)
def test_a_plain_select_needs_no_transaction(statement):
    assert not needs_transaction(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO org (name) VALUES (%(name)s)",
        "UPDATE org SET name=%(name)s",
        "DELETE FROM org",
        "SET LOCAL lock_timeout = 100",
        "SAVEPOINT sa_savepoint_1",
        "WITH x AS (DELETE FROM org RETURNING id) SELECT * FROM x",
        "SELECT org.id FROM org WHERE org.id = 1 FOR UPDATE",
        "SELECT org.id FROM org WHERE org.id = 1 FOR NO KEY UPDATE",
        "SELECT org.id FROM org WHERE org.id = 1 FOR KEY SHARE",
        "SELECT org.id FROM org WHERE org.id = 1 FOR SHARE",
        "select id from org\nfor   update skip locked",
    ],
)
def test_writes_locks_and_everything_else_begin_a_transaction(statement):
    assert needs_transaction(statement)


def _in_transaction() -> bool:
    from psycopg.pq import TransactionStatus

    status = db.session.connection().connection.dbapi_connection.info.transaction_status
    return status != TransactionStatus.IDLE


@postgres_only
def test_reads_run_outside_a_transaction(app):
    make_org("甲")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Org)) == 1
    assert not _in_transaction()
    # Outside a transaction each statement has its own start time.
    first = db.session.scalar(text("SELECT now()"))
    second = db.session.scalar(text("SELECT now()"))
    assert first < second


@postgres_only
def test_writes_roll_back_together(app):
    db.session.add(Org(name="第一", kind="committee"))
    db.session.flush()
    assert _in_transaction()
    db.session.add(Org(name="第二", kind="committee"))
    db.session.flush()
    # The transaction's reads see its own writes.
    assert db.session.scalar(select(func.count()).select_from(Org)) == 2
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Org)) == 0


@postgres_only
def test_writes_commit_together_and_the_next_reads_are_outside_again(app):
    db.session.add_all([Org(name="第一", kind="committee"), Org(name="第二", kind="committee")])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Org)) == 2
    assert not _in_transaction()


@postgres_only
def test_a_row_lock_begins_the_transaction_it_must_last_for(app):
    org = make_org("甲")
    db.session.commit()
    hold_row(Org, org.id)
    assert _in_transaction()


@postgres_only
def test_an_explicit_isolation_level_is_left_to_sqlalchemy(app):
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        first = conn.scalar(text("SELECT now()"))
        second = conn.scalar(text("SELECT now()"))
        assert first == second  # one transaction from the first statement
        assert conn.scalar(text("SHOW transaction_isolation")) == "repeatable read"
    with db.engine.connect() as conn:  # the pool's next user is back to the default
        assert conn.scalar(text("SHOW transaction_isolation")) == "read committed"


@postgres_only
def test_a_read_only_page_sends_no_begin(app, login_as, cmte):
    sent: list[bytes] = []
    engine = db.engine

    def _spy(conn, cursor, statement, *_args):
        sent.append(cursor.connection.info.transaction_status)

    event.listen(engine, "after_cursor_execute", _spy)
    try:
        client = login_as(cmte)
        sent.clear()
        assert client.get("/roster/").status_code == 200
    finally:
        event.remove(engine, "after_cursor_execute", _spy)
    from psycopg.pq import TransactionStatus

    assert sent and set(sent) == {TransactionStatus.IDLE}


@postgres_only
def test_a_streamed_read_runs_in_a_transaction(app):
    for n in range(3):
        make_org(f"组织{n}")
    streamed = db.session.execute(select(Org.name).execution_options(yield_per=2))
    assert sorted(streamed.scalars()) == ["组织0", "组织1", "组织2"]
    assert _in_transaction()  # PostgreSQL keeps a server-side cursor only inside one
