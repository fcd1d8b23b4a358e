"""A complaint's workflow (监督投诉, plan 三.2), run by the shared core in app/workflow.py:
received → handling (a handler and a deadline) → rectifying (found upheld or partly upheld,
with the rectification required and its deadline) → closed (the rectification's result); or
handling → closed when it is found not upheld, with the reply. No code sets
``Complaint.status`` anywhere else.

The complainant's name and phone never reach a step's comment or the audit log: steps carry
no free comment, and their texts live in the snapshot, which the policy guards."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit, policy
from app.auth.models import RoleGrant, User
from app.common import timeutil, workdays
from app.extensions import db
from app.network.models import Complaint, ComplaintFinding, ComplaintStep
from app.network.models import ComplaintStatus as S
from app.workflow import InvalidTransition, Step, Workflow

__all__ = ["TRANSITIONS", "Action", "InvalidTransition", "allowed_actions", "apply", "check"]

# A complaint is looked into and answered within this many working days of its receipt
# (our default; the committee may change it in the configuration: COMPLAINT_DAYS).
DEFAULT_DAYS = 15


def complaint_days() -> int:
    if has_app_context():
        return int(current_app.config.get("COMPLAINT_DAYS", DEFAULT_DAYS))
    return DEFAULT_DAYS


class Action(StrEnum):
    REGISTER = "register"
    ASSIGN = "assign"
    UPHOLD = "uphold"
    DISMISS = "dismiss"
    CLOSE = "close"


A = Action
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.RECEIVED, A.REGISTER): S.RECEIVED,  # the first row of the timeline
    (S.RECEIVED, A.ASSIGN): S.HANDLING,
    (S.HANDLING, A.ASSIGN): S.HANDLING,  # another handler, or a new deadline
    (S.HANDLING, A.UPHOLD): S.RECTIFYING,
    (S.HANDLING, A.DISMISS): S.CLOSED,
    (S.RECTIFYING, A.CLOSE): S.CLOSED,
}
# The online complainant (no login) registers through the public form.
SYSTEM_ACTIONS = {A.REGISTER}


def _unregistered(c: Complaint, _actor: Any) -> bool:
    steps = db.session.scalar(
        select(func.count(ComplaintStep.id)).where(ComplaintStep.complaint_id == c.id)
    )
    return not steps


GUARDS = {A.REGISTER: (_unregistered, _l("This complaint is already registered."))}

WORKFLOW = Workflow(
    "complaint",
    TRANSITIONS,
    step_model=ComplaintStep,
    owner_key="complaint_id",
    can=policy.can,
    record=audit.record,
    system_actions=SYSTEM_ACTIONS,
    guards=GUARDS,
    quiet_comments=set(Action),
    audit_details=lambda c: {
        "org_path": c.service_point.org.path,
        "complaint_number": c.number,
    },
)


def apply(
    c: Complaint,
    action: str,
    actor: User | None,
    *,
    expected_version: int | None,
    data: dict[str, Any] | None = None,
) -> ComplaintStep:
    """Take ``action`` on ``c`` for ``actor`` (None: the online complainant registering).
    Raises StaleRecord, InvalidTransition (409), PermissionDenied, or FieldErrors naming each
    field at fault; a refused step changes nothing. The caller commits."""
    return WORKFLOW.apply(c, action, actor, expected_version=expected_version, data=data)


def check(c: Complaint, action: str, user: User) -> None:
    """Refuse ``action`` now as ``apply`` would, changing nothing."""
    WORKFLOW.check(c, action, user)


def allowed_actions(c: Complaint, user: User) -> list[str]:
    """The steps ``user`` may take on ``c`` now (the register step is never a form)."""
    return [a for a in WORKFLOW.allowed_actions(c, user) if a != A.REGISTER]


# --- one handler per action --------------------------------------------------------------------


def _text(step: Step, name: str, limit: int = 2000) -> str:
    return " ".join(str(step.data.get(name) or "").split())[:limit]


def _need_text(step: Step, name: str, message: Any) -> str:
    text = _text(step, name)
    if len(text) < 2:
        step.errors[name] = str(message)
    return text


def _date(step: Step, name: str) -> date | None:
    value = step.data.get(name)
    return value if isinstance(value, date) else None


@WORKFLOW.handler(A.REGISTER)
def _register(c: Complaint, step: Step) -> None:
    if c.due_on is None:
        c.due_on = workdays.add_workdays(c.received_on, complaint_days())
    step.snapshot = {"due_on": str(c.due_on), "channel": c.channel}


@WORKFLOW.handler(A.ASSIGN)
def _assign(c: Complaint, step: Step) -> None:
    # Late import: the handlers' list is a query of the services, which import this module.
    handler_id = step.data.get("handler_id")
    handler = next((u for u in eligible_handlers(c) if u.id == handler_id), None)
    if handler is None:
        step.errors["handler_id"] = str(
            _l("Choose a handler from the list (never the agent complained about).")
        )
    due = _date(step, "due_on") or c.due_on
    if due is None or due < c.received_on:
        step.errors["due_on"] = str(_l("The deadline cannot be before the complaint came in."))
    if step.errors:
        return
    c.handler_id = handler.id
    c.due_on = due
    step.snapshot = {"handler": handler.display_name, "due_on": str(due)}


@WORKFLOW.handler(A.UPHOLD)
def _uphold(c: Complaint, step: Step) -> None:
    finding = step.data.get("finding")
    if finding not in (ComplaintFinding.UPHELD, ComplaintFinding.PARTLY):
        step.errors["finding"] = str(_l("Choose whether it is upheld in full or in part."))
    note = _need_text(step, "finding_note", _l("Write what was found."))
    fix = _need_text(step, "rectification", _l("Write what must be rectified."))
    due = _date(step, "rectify_due_on")
    if due is None or due < timeutil.today():
        step.errors["rectify_due_on"] = str(_l("Give the rectification deadline, today or later."))
    if step.errors:
        return
    c.finding, c.finding_note, c.rectification, c.rectify_due_on = finding, note, fix, due
    step.snapshot = {
        "finding": finding,
        "finding_note": note,
        "rectification": fix,
        "rectify_due_on": str(due),
    }


@WORKFLOW.handler(A.DISMISS)
def _dismiss(c: Complaint, step: Step) -> None:
    reply = _need_text(step, "reply", _l("Write the reply to the complainant: why not upheld."))
    if step.errors:
        return
    c.finding = ComplaintFinding.NOT_UPHELD
    c.finding_note = reply
    c.result = reply
    c.closed_on = timeutil.today()
    step.snapshot = {"finding": c.finding, "reply": reply}


@WORKFLOW.handler(A.CLOSE)
def _close(c: Complaint, step: Step) -> None:
    result = _need_text(step, "result", _l("Write what was rectified, and the reply."))
    if step.errors:
        return
    c.result = result
    c.closed_on = timeutil.today()
    step.snapshot = {"result": result, "on_time": c.closed_on <= (c.rectify_due_on or c.closed_on)}


def eligible_handlers(c: Complaint) -> list[User]:
    """Who may be named handler: active secretaries and committee members over the point,
    never the agent the complaint names."""
    org = c.service_point.org
    users = db.session.scalars(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.org_id.in_(org.ancestor_ids), User.is_active)
        .distinct()
        .order_by(User.display_name)
    )
    return [u for u in users if policy.can(u, "complaint.assign", c)]
