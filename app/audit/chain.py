"""The audit log's hash chain: every row carries the previous row's hash and a keyed hash
(HMAC-SHA256 under the blind-index key, kept outside the database) of that and its own
content. Appends are chained at flush; ``verify`` walks the log and names the first broken row.

Editing a row changes its hash; removing or inserting one breaks the next row's link; removing
rows from the end leaves the chain's head pointing past them. Without the key nobody can
rebuild a chain that verifies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, select, text, update
from sqlalchemy.orm import Session

from app.audit.models import AuditChainHead, AuditEvent
from app.common.crypto import blind_index
from app.common.timeutil import utcnow

_PURPOSE = "audit-chain"
_HEAD_ID = 1
_FIELDS = (
    "actor_id",
    "actor_name",
    "action",
    "result",
    "target_type",
    "target_id",
    "target_label",
    "org_path",
    "ip",
    "request_id",
)
_STRING_DEFAULTS = {
    "actor_name": "",
    "result": "ok",
    "target_type": "",
    "target_label": "",
    "org_path": "",
    "ip": "",
    "request_id": "",
}


def _when(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def canonical(ev: Any) -> str:
    """The row's content as one stable text, the same before the INSERT and after a read."""
    content: dict[str, Any] = {name: getattr(ev, name) for name in _FIELDS}
    content["occurred_at"] = _when(ev.occurred_at)
    content["details"] = ev.details or {}
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def row_hash(prev_hash: str, ev: Any) -> str:
    return blind_index(f"{prev_hash}\n{canonical(ev)}", _PURPOSE)


def _take_head(session: Session) -> str:
    """Lock the chain's head for this transaction and return its last hash. On PostgreSQL the
    wait is bounded (a transaction left open holding the head must not stall every writer):
    past it the write fails as a clash, 409, and is tried again by the user."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        ms = int(_config("AUDIT_CHAIN_LOCK_TIMEOUT_MS", 15000))
        session.execute(text(f"SET LOCAL lock_timeout = {ms}"))
    done = session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == _HEAD_ID)
        .values(last_hash=AuditChainHead.last_hash),
        execution_options={"synchronize_session": False},
    )
    if postgres:
        session.execute(text("SET LOCAL lock_timeout = DEFAULT"))
    if done.rowcount == 0:  # an emptied database: the chain starts again
        session.execute(AuditChainHead.__table__.insert().values(id=_HEAD_ID, last_hash=""))
        return ""
    return session.scalar(select(AuditChainHead.last_hash).where(AuditChainHead.id == _HEAD_ID))


def _config(name: str, default: object) -> object:
    return current_app.config.get(name, default) if has_app_context() else default


@event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, _context, _instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    new.sort(key=lambda ev: inspect(ev).insert_order)
    with session.no_autoflush:
        prev = _take_head(session)
        for ev in new:
            _fill_defaults(ev)
            ev.prev_hash = prev
            ev.row_hash = prev = row_hash(prev, ev)
        session.execute(
            update(AuditChainHead).where(AuditChainHead.id == _HEAD_ID).values(last_hash=prev),
            execution_options={"synchronize_session": False},
        )


def _fill_defaults(ev: AuditEvent) -> None:
    """Set now what the INSERT's defaults would, so the hash covers the stored values."""
    if ev.occurred_at is None:
        ev.occurred_at = utcnow()
    for name, default in _STRING_DEFAULTS.items():
        if getattr(ev, name) is None:
            setattr(ev, name, default)
    if ev.details is None:
        ev.details = {}


@dataclass(frozen=True)
class Break:
    """The first row where the chain does not hold, and why."""

    event_id: int | None
    reason: str


def verify(session: Session, batch: int = 1000) -> tuple[int, Break | None]:
    """Walk the log in order: (rows checked, the first break or None)."""
    prev = ""
    count = 0
    last_id = None
    rows: Iterable[AuditEvent] = session.scalars(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch)
    )
    for ev in rows:
        count += 1
        if ev.prev_hash != prev:
            return count, Break(
                ev.id, "does not follow the row before it (a row removed or inserted)"
            )
        if row_hash(prev, ev) != ev.row_hash:
            return count, Break(ev.id, "its content does not match its hash (the row was edited)")
        prev = ev.row_hash
        last_id = ev.id
    head = session.scalar(select(AuditChainHead.last_hash).where(AuditChainHead.id == _HEAD_ID))
    if (head or "") != prev:
        return count, Break(last_id, "rows after this one are missing")
    return count, None


def rebuild(session: Session) -> str:
    """Chain the rows written before the chain existed (the migration calls it once, before the
    triggers exist); returns the last hash."""
    prev = ""
    table = AuditEvent.__table__
    columns = [table.c[name] for name in ("id", "occurred_at", "details", *_FIELDS)]
    for ev in session.execute(select(*columns).order_by(table.c.id)):
        digest = row_hash(prev, ev)
        session.execute(
            update(table).where(table.c.id == ev.id).values(prev_hash=prev, row_hash=digest)
        )
        prev = digest
    return prev
