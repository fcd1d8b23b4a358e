"""A pooled connection is pinged before use only when it has rested long enough for the server
to have dropped it (a restart, an idle timeout, a failover).

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` at every checkout: on PostgreSQL a round
trip per request, 0.2 ms of a warm page's 3.3 ms on the county. A connection given back a
moment ago is as alive as one pinged a moment ago, so the ping is sent only when it has been
unused for ``REST`` seconds or more. The ping is the dialect's own (``do_ping``: psycopg's
runs in autocommit, leaving no transaction behind), and a ping failing because the server
went away is handled as ``pool_pre_ping`` handles it: every connection pooled before it is
dropped and a fresh one handed out; any other error is raised. A statement in flight when
the server goes away fails with or without a ping; what the rest adds is a connection given
back less than ``REST`` seconds before the server went away (and before any ping noticed it)
failing at its next use instead of at its ping.

Installed in place of ``pool_pre_ping`` when the configuration asks for it (config.py).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event, exc

REST = 2.0  # seconds unused after which a connection is pinged before use
_AT = "restping_at"


def install(engine: Engine, rest: float = REST) -> None:
    """Ping ``engine``'s pooled connections at checkout once they have rested ``rest``
    seconds (a new connection counts as used when it connects)."""
    dialect = engine.dialect
    errors = dialect.loaded_dbapi.Error

    def used(_dbapi_conn: Any, record: Any) -> None:
        record.info[_AT] = time.monotonic()

    event.listen(engine, "connect", used)
    event.listen(engine, "checkin", used)

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        at = record.info.get(_AT)
        if at is not None and time.monotonic() - at < rest:
            return
        try:
            dialect.do_ping(dbapi_conn)
        except errors as err:
            if not dialect.is_disconnect(err, dbapi_conn, None):
                raise
            # The pool drops every connection made before now and checks out a new one.
            raise exc.InvalidatePoolError("the server dropped the connection") from err
