"""Writing the audit log: ``record()`` adds one event to the caller's transaction.

Services call it inside the same transaction as the change it describes, so a change and its
audit row commit or roll back together.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from app.audit.models import AuditEvent
from app.common.requestid import request_id
from app.extensions import db


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
    given. Details must never hold unmasked personal data. Every ``action`` and detail key
    needs a label in ``app/audit/labels.py`` (a test checks).
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
