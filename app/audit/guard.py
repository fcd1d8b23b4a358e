"""The audit table's guard below the ORM: triggers refusing UPDATE and DELETE.

The migration (e11e0f1a2b3c) creates the same triggers for a migrated database; here they are
attached to the table, so ``metadata.create_all`` (the tests) builds them too. ``drop`` and
``install`` exist for the tests that empty tables or prove that ``audit verify`` finds an edit.
"""

from __future__ import annotations

from sqlalchemy import DDL, Table, event, text
from sqlalchemy.engine import Connection

MESSAGE = "audit_event is append-only"

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_event_no_{what.lower()} BEFORE {what} ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for what in ("UPDATE", "DELETE")
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]

POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; "
    "END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]


def _statements(dialect: str, *, dropping: bool) -> list[str]:
    if dialect == "postgresql":
        return POSTGRES_DROP if dropping else POSTGRES_TRIGGERS
    if dialect == "sqlite":
        return SQLITE_DROP if dropping else SQLITE_TRIGGERS
    return []


def install(conn: Connection) -> None:
    """Create the triggers on ``conn``'s database."""
    for sql in _statements(conn.dialect.name, dropping=False):
        conn.execute(text(sql))


def drop(conn: Connection) -> None:
    """Remove the triggers (tests only: emptying tables, proving ``audit verify``)."""
    for sql in _statements(conn.dialect.name, dropping=True):
        conn.execute(text(sql))


def attach(events: Table, head: Table) -> None:
    """Have ``create_all`` create the triggers on the events table and start the chain's head
    (the models call it with their tables, so this module needs none of them)."""
    for dialect in ("sqlite", "postgresql"):
        for sql in _statements(dialect, dropping=False):
            event.listen(events, "after_create", DDL(sql).execute_if(dialect=dialect))
    # The chain starts from an empty head (appending recreates it when missing).
    event.listen(
        head, "after_create", DDL("INSERT INTO audit_chain_head (id, last_hash) VALUES (1, '')")
    )
