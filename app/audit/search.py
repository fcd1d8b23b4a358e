"""Reading the audit log: the user's scoped, filtered page of events, ready to show."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import policy
from app.audit.labels import action_label, describe
from app.audit.models import AuditEvent
from app.auth.models import User
from app.common.pagination import Page, paginate

RESULTS = ("ok", "fail")


@dataclass
class EventFilters:
    action: str = ""
    actor: str = ""
    result: str = ""


@dataclass
class LogEntry:
    """One event as the log page shows it: the action and every detail in words."""

    event: AuditEvent
    action: str
    details: list[tuple[str, str]]


def event_page(user: User, filters: EventFilters, page: int, per_page: int) -> Page:
    """The events ``user`` may read (``policy.scope``), newest first, one page of LogEntry.

    The caller checks ``audit.view`` first.
    """
    stmt = policy.scope(select(AuditEvent), user, AuditEvent)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.actor:
        stmt = stmt.where(AuditEvent.actor_name == filters.actor)
    if filters.result in RESULTS:
        stmt = stmt.where(AuditEvent.result == filters.result)
    result = paginate(stmt.order_by(AuditEvent.id.desc()), page, per_page)
    result.items = [
        LogEntry(event=e, action=action_label(e.action), details=describe(e.action, e.details))
        for e in result.items
    ]
    return result
