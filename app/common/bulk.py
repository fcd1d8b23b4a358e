"""Rows inserted in bulk: on PostgreSQL through psycopg with COPY, elsewhere with Core's
executemany.

SQLAlchemy sends a bulk insert to PostgreSQL as statements of a thousand VALUES each, every
value a parameter bound and parsed on its own; COPY streams the rows. On the county, the
import's 20,000 members, their history rows and skill links took 3.3 s that way. The rows
go through each column's own conversion (the type's bind processor: UTC for timestamps,
JSON text), in the session's transaction (begun first if it waits for its first write:
app/common/lazytx.py), and the tables' figures are marked written, as for any Core
statement (app/common/versions.py). SQLite's executemany is already a loop in C.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.common import lazytx, versions


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column name -> value, every row with the same keys) into
    ``table`` in the session's transaction. A column a row does not name takes its default,
    as with ``insert``: a Python value or function (called once for the lot), or the
    server's."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    names = list(rows[0])
    defaults = _defaults(table, names)
    if dialect.name != "postgresql" or dialect.driver != "psycopg" or defaults is None:
        session.execute(insert(table), rows)
        return
    columns = [table.c[name] for name in [*names, *defaults]]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    given, added = processors[: len(names)], processors[len(names) :]
    tail = [p(v) if p else v for p, v in zip(added, defaults.values(), strict=True)]
    pairs = list(zip(names, given, strict=True))
    quote = dialect.identifier_preparer
    sql = "COPY {} ({}) FROM STDIN".format(
        quote.format_table(table), ", ".join(quote.quote(c.name) for c in columns)
    )
    session.flush()  # the session's pending rows first (a batch the rows refer to)
    versions.note_written(session, table.name)
    lazytx.begin_now(conn)
    dbapi_conn = conn.connection.dbapi_connection
    error = dialect.loaded_dbapi.Error
    with dbapi_conn.cursor() as cursor:
        try:
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([*(p(row[n]) if p else row[n] for n, p in pairs), *tail])
        except error as err:
            # As SQLAlchemy raises it for any statement (a taken ID number: IntegrityError),
            # so the app's handlers and the pool's check for a lost connection see it.
            lost = dialect.is_disconnect(err, dbapi_conn, cursor)
            raise DBAPIError.instance(
                sql, None, err, error, connection_invalidated=lost, dialect=dialect
            ) from err


def _defaults(table: Table, names: list[str]) -> dict[str, Any] | None:
    """The values of the Python defaults of the columns ``names`` leaves out (computed once),
    or None when one of them is a SQL expression only ``insert`` can render."""
    out: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in names or default is None or default.is_sequence:
            continue
        if default.is_scalar:
            out[column.name] = default.arg
        elif default.is_callable:
            out[column.name] = default.arg(None)
        else:
            return None
    return out
