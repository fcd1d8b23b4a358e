"""On PostgreSQL a transaction begins at its first write, not at its first statement.

Most requests only read: the session's row, a few kept figures, a page of rows. Under
psycopg each of them paid two round trips to the server for nothing but the transaction
around those reads (BEGIN before the first statement, ROLLBACK when the connection went back
to the pool): on the county's roster list, 2.1 of the page's 11 ms went to SQL, 0.6 ms
without them.

Connections rest in the pool in psycopg's autocommit mode. A transaction the app begins
(SQLAlchemy's ``begin`` or a session's autobegin) stays in it while it reads; just before
its first statement that is not a plain SELECT (an INSERT, UPDATE, DELETE, ``SET LOCAL``,
SAVEPOINT, a SELECT that locks rows with FOR UPDATE or FOR SHARE, or anything else) and
before a streamed read (a server-side cursor, which PostgreSQL keeps only inside one) BEGIN is
sent, and from there on the transaction is an ordinary one: its writes commit or roll back
together, and the reads after them see them. Under READ COMMITTED, PostgreSQL's default and
ours, every statement takes its own snapshot even inside a transaction, so the reads before
the first write see exactly what they saw before.

A connection given an explicit isolation level (the backup's REPEATABLE READ snapshot) is
left to SQLAlchemy: it begins as usual. Nothing in the app writes through a SELECT (no
``nextval()``, advisory locks or writing functions); such a statement would need the rule
below to name it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

_PLAIN_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_LOCKS_ROWS = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.I)
_LAZY = "lazy_transaction"


@lru_cache(maxsize=4096)
def needs_transaction(statement: str) -> bool:
    """True unless ``statement`` is a SELECT that takes no row locks."""
    return not _PLAIN_SELECT.match(statement) or bool(_LOCKS_ROWS.search(statement))


def install(engine: Engine) -> None:
    """Let ``engine``'s transactions begin at their first write (PostgreSQL with psycopg)."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    from psycopg import ServerCursor
    from psycopg.pq import TransactionStatus

    idle = TransactionStatus.IDLE

    def rest(dbapi_conn: Any) -> None:
        if dbapi_conn is not None and dbapi_conn.info.transaction_status == idle:
            dbapi_conn.autocommit = True

    @event.listens_for(engine, "connect")
    def _connected(dbapi_conn, _record) -> None:
        rest(dbapi_conn)

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_conn, _record) -> None:
        rest(dbapi_conn)  # after the pool's rollback and SQLAlchemy's isolation reset

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        if "isolation_level" in conn.get_execution_options():
            conn.info[_LAZY] = False  # SQLAlchemy has set the level; psycopg begins as usual
            return
        dbapi_conn = conn.connection.dbapi_connection
        if dbapi_conn.info.transaction_status == idle:
            dbapi_conn.autocommit = True
            conn.info[_LAZY] = True
        else:  # already inside a transaction (the pool's ping outside autocommit): keep it
            conn.info[_LAZY] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_before_writing(conn, cursor, statement, _params, _context, _many) -> None:
        if not conn.info.get(_LAZY):
            return
        # A streamed read (a server-side cursor) lives inside a transaction too.
        if not needs_transaction(statement) and not isinstance(cursor, ServerCursor):
            return
        if cursor.connection.info.transaction_status == idle:
            cursor.connection.execute("BEGIN")  # not on a server-side cursor: DECLARE … BEGIN


def begin_now(conn: Connection) -> None:
    """Send BEGIN now if ``conn``'s transaction still waits for its first write: for a write
    the statement hook above does not see, sent to the driver directly (a COPY,
    app/common/bulk.py), which would otherwise commit on its own."""
    if not conn.info.get(_LAZY):
        return
    from psycopg.pq import TransactionStatus

    dbapi_conn = conn.connection.dbapi_connection
    if dbapi_conn.info.transaction_status == TransactionStatus.IDLE:
        dbapi_conn.execute("BEGIN")
