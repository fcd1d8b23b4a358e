"""Pooled connections are pinged before use only after a rest (app/common/restping.py), and a
connection found dropped makes the pool start afresh, as SQLAlchemy's pre-ping does."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from app.common import restping

# What SQLite's dialect recognises as a connection gone (``is_disconnect``).
GONE = "Cannot operate on a closed database."


class _Server:
    """What the connections sent, and whether the "server" has gone away."""

    def __init__(self) -> None:
        self.pings = 0
        self.connects = 0
        self.gone: set[int] = set()  # ids of connections the server dropped
        self.broken: set[int] = set()  # ids of connections failing for another reason


def _engine(server: _Server, rest: float):
    class Cursor(sqlite3.Cursor):
        def execute(self, sql, *args):
            if sql == "SELECT 1":
                server.pings += 1
            if id(self.connection) in server.gone:
                raise sqlite3.ProgrammingError(GONE)
            if id(self.connection) in server.broken:
                raise sqlite3.OperationalError("disk I/O error")
            return super().execute(sql, *args)

    class Connection(sqlite3.Connection):
        def cursor(self, factory=Cursor):
            return super().cursor(factory)

    def connect():
        server.connects += 1
        return sqlite3.connect(":memory:", factory=Connection, check_same_thread=False)

    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool, pool_size=2)
    restping.install(engine, rest=rest)
    return engine


def _use(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT 2")).scalar_one()


def test_a_connection_given_back_a_moment_ago_is_used_without_a_ping():
    server = _Server()
    engine = _engine(server, rest=60.0)
    for _ in range(5):
        assert _use(engine) == 2
    assert (server.connects, server.pings) == (1, 0)


def test_a_connection_that_rested_is_pinged_first():
    server = _Server()
    engine = _engine(server, rest=0.0)
    for _ in range(3):
        _use(engine)
    assert server.connects == 1
    assert server.pings == 3  # at each checkout (the first included: rested 0 s or more)


def test_a_rested_connection_the_server_dropped_is_replaced():
    server = _Server()
    engine = _engine(server, rest=0.0)
    with engine.connect() as conn:
        first = conn.connection.dbapi_connection
    server.gone.add(id(first))
    assert _use(engine) == 2  # no error: the ping failed, the pool connected again
    assert server.connects == 2
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection is not first


def test_a_dropped_connection_found_by_its_ping_drops_the_pool_with_it():
    # Two pooled connections: the first rested and is pinged, the second was given back a
    # moment ago and would be used unpinged; the server has dropped both.
    server = _Server()
    engine = _engine(server, rest=0.2)
    one, two = engine.connect(), engine.connect()
    first, second = (c.connection.dbapi_connection for c in (one, two))
    one.close()
    time.sleep(0.25)
    two.close()
    server.gone.update({id(first), id(second)})
    with engine.connect() as a, engine.connect() as b:
        assert a.execute(text("SELECT 2")).scalar_one() == 2
        assert b.execute(text("SELECT 3")).scalar_one() == 3  # the second was replaced too
        assert {a.connection.dbapi_connection, b.connection.dbapi_connection}.isdisjoint(
            {first, second}
        )
    assert server.connects == 4


def test_a_ping_failing_for_another_reason_is_not_taken_for_a_dropped_connection():
    server = _Server()
    engine = _engine(server, rest=0.0)
    with engine.connect() as conn:
        server.broken.add(id(conn.connection.dbapi_connection))
    with pytest.raises(OperationalError, match="disk I/O error"):
        _use(engine)


def test_the_app_pings_rested_connections_instead_of_every_checkout(app, monkeypatch):
    from app.extensions import db

    assert "pool_pre_ping" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    pings: list[object] = []
    real = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda c: pings.append(c) or real(c))
    with app.app_context():
        for _ in range(3):
            assert _use(db.engine) == 2
        assert pings == []  # given back a moment ago each time: no ping
        clock = time.monotonic() + restping.REST + 1
        monkeypatch.setattr(restping.time, "monotonic", lambda: clock)
        assert _use(db.engine) == 2
        assert len(pings) == 1  # rested: pinged


def test_the_ping_leaves_no_transaction_open_on_postgresql(app):
    from app.extensions import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's transactions only")
    from psycopg.pq import TransactionStatus

    engine = create_engine(db.engine.url, poolclass=QueuePool, pool_size=1)
    restping.install(engine, rest=0.0)
    try:
        for autocommit in (True, False):  # at rest as lazytx leaves it, or not
            with engine.connect() as conn:
                conn.connection.dbapi_connection.autocommit = autocommit
                conn.rollback()
            with engine.connect() as conn:  # pinged at checkout
                status = conn.connection.dbapi_connection.info.transaction_status
                assert status == TransactionStatus.IDLE
    finally:
        engine.dispose()
