"""The audit row and its guards: events are appended, never changed or deleted (the ORM
refuses here, the database's triggers below it: app/audit/guard.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.guard import attach
from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db


class AuditEvent(db.Model):
    """Who did what to which record, when, from where. ``details`` never holds unmasked
    personal data (ID numbers, phones, search text that may be either)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    result: Mapped[str] = mapped_column(String(16), default="ok")
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None] = mapped_column()
    target_label: Mapped[str] = mapped_column(String(200), default="")
    # The org the event belongs to, so the log can be scoped like everything else.
    org_path: Mapped[str] = mapped_column(String(255), default="", index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    request_id: Mapped[str] = mapped_column(String(36), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The hash chain (app/audit/chain.py): the previous row's hash, and the keyed hash of that
    # and this row's content. An edited, removed or inserted row breaks the chain after it.
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    row_hash: Mapped[str] = mapped_column(String(64), default="")


class AuditChainHead(db.Model):
    """The one row that holds the chain's last hash. Appending takes it first (an UPDATE: a
    row lock on PostgreSQL, the write lock on SQLite), so concurrent writers never fork the
    chain, and ``audit verify`` finds rows missing from the end."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64), default="")


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise RuntimeError("audit events are append-only")


# The tables refuse UPDATE and DELETE however they are created (migration or create_all).
attach(AuditEvent.__table__, AuditChainHead.__table__)
