"""Pooled connections are pinged before use only after a rest (app/common/restping.py), and a
connection found dropped is replaced by a fresh one, as SQLAlchemy's pre-ping does."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import QueuePool

from app.common import restping


class _Server:
    """What the connections sent, and whether the "server" has gone away."""

    def __init__(self) -> None:
        self.pings = 0
        self.connects = 0
        self.gone: set[int] = set()  # ids of connections the server dropped


def _engine(server: _Server, rest: float):
    class Cursor(sqlite3.Cursor):
        def execute(self, sql, *args):
            if sql == "SELECT 1":
                server.pings += 1
            if id(self.connection) in server.gone:
                raise sqlite3.OperationalError("server closed the connection unexpectedly")
            return super().execute(sql, *args)

    class Connection(sqlite3.Connection):
        def cursor(self, factory=Cursor):
            return super().cursor(factory)

    def connect():
        server.connects += 1
        return sqlite3.connect(":memory:", factory=Connection, check_same_thread=False)

    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool, pool_size=1)
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


def test_the_app_pings_rested_connections_instead_of_every_checkout(app):
    from app.extensions import db

    assert "pool_pre_ping" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert db.engine.pool._pre_ping is False
    with app.app_context():
        assert _use(db.engine) == 2


@pytest.mark.parametrize("rest", [0.0, 60.0])
def test_the_ping_leaves_no_transaction_open(rest):
    server = _Server()
    engine = _engine(server, rest=rest)
    _use(engine)
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection.in_transaction is False
