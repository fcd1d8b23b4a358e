"""The append-only audit log: who did what to which record, when, from where.

Services call ``record()`` inside the same transaction as the change it describes, so a change
and its audit row commit or roll back together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.common.requestid import request_id
from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db


class AuditEvent(db.Model):
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


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:  # pragma: no cover - guard
    raise RuntimeError("audit events are append-only")


def record(
    actor: Any,
    action: str,
    target: Any = None,
    *,
    result: str = "ok",
    org_path: str | None = None,
    actor_name: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add one audit row to the current transaction (the caller commits).

    ``actor`` is a User or None (e.g. a failed login for an unknown name). ``target`` is any
    mapped object with an ``id``; its org path is taken from ``path`` or ``org.path`` when not
    given. Details must never hold unmasked personal data.
    """
    if org_path is None:
        org_path = _org_path_of(target)
    ev = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_name=actor_name if actor_name is not None else getattr(actor, "username", ""),
        action=action,
        result=result,
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        target_label=_label_of(target),
        org_path=org_path or "",
        details=details,
    )
    if has_request_context():
        ev.ip = (request.remote_addr or "")[:64]
        ev.request_id = request_id()
    db.session.add(ev)
    return ev


def _org_path_of(target: Any) -> str:
    if target is None:
        return ""
    path = getattr(target, "path", None)
    if isinstance(path, str):
        return path
    org = getattr(target, "org", None)
    return getattr(org, "path", "") or ""


def _label_of(target: Any) -> str:
    if target is None:
        return ""
    for attr in ("name", "username"):
        value = getattr(target, attr, None)
        if isinstance(value, str):
            return value[:200]
    return ""
