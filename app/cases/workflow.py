"""The case workflow of plan 三.4 — 受理 → 承办 → 反馈 → 评价 — as one transition table and one
short handler per action, run by the shared core in app/workflow.py.

Acceptance chooses the case type: 即办件 is done and handed over on the spot, 承诺件 gets a due
date from the item's promised working days, 补办件 waits (clock stopped) for the papers and then
goes on as a 承诺件, 上报件 moves to the point one level up. A bad rating opens a follow-up
(return visit, fix, one more rating). No code sets ``ServiceCase.status`` anywhere else.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, policy
from app.cases.facts import UP, days_left, item_materials, latest_evaluation, upper_point
from app.cases.models import OPEN_STATUSES, CasePart, CaseStep, Evaluation, Kind, ServiceCase
from app.cases.models import Status as S
from app.common import timeutil, workdays
from app.extensions import db
from app.roster.models import Member
from app.workflow import InvalidTransition, Step, Workflow

__all__ = [
    "TRANSITIONS",
    "Action",
    "InvalidTransition",
    "allowed_actions",
    "apply",
    "check",
    "days_left",
    "item_materials",
    "latest_evaluation",
    "upper_point",
]

# A bad rating is answered within these working days (our default; the committee may change
# them in the configuration: CASE_VISIT_DAYS, CASE_FIX_DAYS).
VISIT_DAYS = 1
FIX_DAYS = 15


class Action(StrEnum):
    REGISTER = "register"
    ACCEPT = "accept"
    ACCEPT_IMMEDIATE = "accept_immediate"
    ACCEPT_SUPPLEMENT = "accept_supplement"
    PAPERS_ARRIVED = "papers_arrived"
    ESCALATE = "escalate"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    ASSIGN = "assign"
    NOTE = "note"
    PART_DONE = "part_done"
    COMPLETE = "complete"
    DELIVER = "deliver"
    EVALUATE = "evaluate"
    OPEN_FOLLOW_UP = "open_follow_up"
    RETURN_VISIT = "return_visit"
    FIX = "fix"
    URGE = "urge"


A = Action
# (status, action) -> new status. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.NEW, A.REGISTER): S.APPLIED,
    (S.APPLIED, A.ACCEPT): S.HANDLING,
    (S.APPLIED, A.ACCEPT_IMMEDIATE): S.DELIVERED,  # done and handed over on the spot
    (S.APPLIED, A.ACCEPT_SUPPLEMENT): S.SUPPLEMENT,
    (S.APPLIED, A.ESCALATE): S.HANDLING,
    (S.APPLIED, A.REFUSE): S.REFUSED,
    (S.SUPPLEMENT, A.PAPERS_ARRIVED): S.HANDLING,
    (S.HANDLING, A.ESCALATE): S.HANDLING,
    (S.HANDLING, A.ASSIGN): S.HANDLING,
    (S.HANDLING, A.PART_DONE): S.HANDLING,
    (S.HANDLING, A.COMPLETE): S.DONE,
    (S.DONE, A.DELIVER): S.DELIVERED,
    (S.DELIVERED, A.EVALUATE): S.EVALUATED,
    (S.EVALUATED, A.OPEN_FOLLOW_UP): S.FOLLOW_UP,
    (S.FOLLOW_UP, A.RETURN_VISIT): S.FOLLOW_UP,
    (S.FOLLOW_UP, A.FIX): S.DELIVERED,  # then one more rating
    **{(s, A.WITHDRAW): S.WITHDRAWN for s in (S.APPLIED, S.SUPPLEMENT, S.HANDLING)},
    **{(s, A.NOTE): s for s in (S.SUPPLEMENT, S.HANDLING, S.FOLLOW_UP)},
    # Urging is for those who hold it, not for the applicant's rating.
    **{(s, A.URGE): s for s in OPEN_STATUSES if s != S.DELIVERED},
}
NEEDS_COMMENT = {A.ESCALATE, A.REFUSE, A.WITHDRAW, A.NOTE, A.RETURN_VISIT, A.FIX}
# The online applicant (no login) registers and rates; the system opens a follow-up.
SYSTEM_ACTIONS = {A.REGISTER, A.EVALUATE, A.OPEN_FOLLOW_UP}


def _parts_done(c: ServiceCase, _actor: Any) -> bool:
    # A joint item completes when its departments are named and every part is done.
    if c.item.handling == "joint" and not c.parts:
        return False
    return all(p.done_on is not None for p in c.parts)


def _can_escalate(c: ServiceCase, _actor: Any) -> bool:
    return c.service_point.level in UP


def _bad_first_rating(c: ServiceCase, _actor: Any) -> bool:
    last = latest_evaluation(c)
    return last is not None and last.level <= 2 and last.round == 1


def _open_parts(c: ServiceCase, _actor: Any) -> bool:
    return any(p.done_on is None for p in c.parts)


GUARDS = {
    A.COMPLETE: (_parts_done, _l("Every department's part must be done first.")),
    A.PART_DONE: (_open_parts, _l("No department's part is waiting.")),
    A.RETURN_VISIT: (lambda c, _a: c.visit_due_on is not None, _l("The return visit is done.")),
    A.ESCALATE: (_can_escalate, _l("The district centre is the top of the network.")),
    A.OPEN_FOLLOW_UP: (_bad_first_rating, _l("Only a first bad rating opens a follow-up.")),
}

WORKFLOW = Workflow(
    "case",
    TRANSITIONS,
    step_model=CaseStep,
    owner_key="case_id",
    can=policy.can,
    record=audit.record,
    needs_comment=NEEDS_COMMENT,
    system_actions=SYSTEM_ACTIONS,
    guards=GUARDS,
    audit_details=lambda c: {"org_path": c.service_point.org.path, "case_number": c.number},
)


def apply(
    case: ServiceCase,
    action: str,
    actor: Any,
    *,
    expected_version: int | None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> CaseStep:
    """Take ``action`` on ``case`` for ``actor`` (None: the online applicant or the system).
    Raises StaleRecord, InvalidTransition (409), PermissionDenied or FieldErrors naming each
    field at fault; a refused step changes nothing. The caller commits."""
    return WORKFLOW.apply(
        case, action, actor, expected_version=expected_version, comment=comment, data=data
    )


def check(case: ServiceCase, action: str, user: Any) -> None:
    """Refuse ``action`` now as ``apply`` would, changing nothing."""
    WORKFLOW.check(case, action, user)


def allowed_actions(case: ServiceCase, user: Any) -> list[str]:
    """The steps ``user`` may take on ``case`` now (to show the right forms)."""
    return WORKFLOW.allowed_actions(case, user)


# --- one handler per action --------------------------------------------------------------------


def _start_clock(c: ServiceCase, start: date) -> None:
    c.clock_started_on = start
    c.due_on = workdays.add_workdays(start, c.item.promised_days)


def _materials(c: ServiceCase, step: Step) -> None:
    listed = item_materials(c)
    got = [m for m in step.data.get("materials") or [] if m in listed]
    c.materials_received = got
    if c.accepted_at is None:  # the first acceptance stays on record
        c.accepted_at = timeutil.utcnow()
        c.accepted_by_id = getattr(step.actor, "id", None)


def _require_all_materials(c: ServiceCase, step: Step) -> None:
    missing = [m for m in item_materials(c) if m not in c.materials_received]
    if missing:
        step.errors["materials"] = str(
            _l(
                "Not all materials are here (%(m)s): accept it as a supplement case.",
                m="、".join(missing),
            )
        )


def _departments(c: ServiceCase, step: Step) -> list[str]:
    """The departments a joint case is to record (none for other items or once recorded)."""
    if c.item.handling != "joint" or c.parts:
        return []
    names = [d.strip()[:100] for d in step.data.get("departments") or [] if d and d.strip()]
    if not names:
        step.errors["departments"] = str(_l("Name the departments of this joint item."))
    return list(dict.fromkeys(names))


@WORKFLOW.handler(A.ACCEPT)
def _accept(c: ServiceCase, step: Step) -> None:
    _materials(c, step)
    _require_all_materials(c, step)
    departments = _departments(c, step)
    if step.errors:
        return
    if departments:  # only now: parts added in a refused step would stay in the session
        c.parts = [CasePart(department=n) for n in departments]
    c.kind = Kind.PROMISED
    c.receipt_issued_at = timeutil.utcnow()  # the materials receipt: everything is here
    _start_clock(c, timeutil.today())
    step.snapshot = {"materials": c.materials_received, "due_on": str(c.due_on)}


@WORKFLOW.handler(A.ACCEPT_IMMEDIATE)
def _accept_immediate(c: ServiceCase, step: Step) -> None:
    _materials(c, step)
    result = " ".join(str(step.data.get("result") or "").split())[:2000]
    if len(result) < 2:
        step.errors["result"] = str(_l("Write the result handed to the applicant."))
        return
    today = timeutil.today()
    c.kind = Kind.IMMEDIATE
    c.receipt_issued_at = timeutil.utcnow()
    c.clock_started_on = c.due_on = c.done_on = c.delivered_on = today
    c.result = result
    c.delivered_via = str(_l("On the spot"))
    _hold(c, step)
    step.snapshot = {"result": result}


@WORKFLOW.handler(A.ACCEPT_SUPPLEMENT)
def _accept_supplement(c: ServiceCase, step: Step) -> None:
    _materials(c, step)
    missing = " ".join(str(step.data.get("missing") or "").split())[:1000]
    if len(missing) < 2:
        step.errors["missing"] = str(_l("Write what is missing; the applicant is told."))
        return
    c.kind = Kind.SUPPLEMENT
    c.missing_materials = missing
    c.due_on = None  # the clock stops until the papers arrive
    step.snapshot = {"missing": missing}


@WORKFLOW.handler(A.PAPERS_ARRIVED)
def _papers_arrived(c: ServiceCase, step: Step) -> None:
    _materials(c, step)
    _require_all_materials(c, step)
    departments = _departments(c, step)  # a joint item taken as a supplement names them now
    if step.errors:
        return
    if departments:
        c.parts = [CasePart(department=n) for n in departments]
    c.kind = Kind.PROMISED
    c.receipt_issued_at = timeutil.utcnow()
    _start_clock(c, timeutil.today())
    step.snapshot = {"missing_was": c.missing_materials, "due_on": str(c.due_on)}
    c.missing_materials = ""


@WORKFLOW.handler(A.ESCALATE)
def _escalate(c: ServiceCase, step: Step) -> None:
    up = upper_point(c.service_point)
    if up is None:
        step.errors["comment"] = str(_l("No active service point one level up."))
        return
    departments = _departments(c, step)  # a joint item names them on its way up
    if step.errors:
        return
    step.snapshot = {"from_point": c.service_point.name, "to_point": up.name}
    if c.accepted_at is None:
        _materials(c, step)
    if departments:
        c.parts = [CasePart(department=n) for n in departments]
    c.kind = Kind.ESCALATED
    c.service_point_id = up.id
    c.service_point = up
    if c.first_agent_member_id is None:
        c.first_agent_member_id = c.agent_member_id
    c.agent_member_id = None  # the upper point assigns its own agent
    _start_clock(c, timeutil.today())


@WORKFLOW.handler(A.REFUSE)
def _refuse(c: ServiceCase, step: Step) -> None:
    c.refused_reason = step.comment


@WORKFLOW.handler(A.ASSIGN)
def _assign(c: ServiceCase, step: Step) -> None:
    member = step.data.get("member")
    if not isinstance(member, Member):
        step.errors["member_id"] = str(_l("Choose an agent."))
        return
    if c.agent_member_id is not None and c.agent_member_id != member.id and len(step.comment) < 2:
        step.errors["comment"] = str(_l("Give the reason for handing the case to someone else."))
        return
    step.snapshot = {"from": c.agent_member_id, "to": member.id, "name": member.name}
    _hold(c, step, member)


def _hold(c: ServiceCase, step: Step, member: Member | None = None) -> None:
    """The agent who holds the case: the one assigned, or the acting user's own member."""
    if member is None and step.actor is not None:
        member = db.session.scalar(select(Member).where(Member.user_id == step.actor.id))
    if member is None:
        return
    c.agent_member_id = member.id
    if c.first_agent_member_id is None:
        c.first_agent_member_id = member.id


@WORKFLOW.handler(A.PART_DONE)
def _part_done(c: ServiceCase, step: Step) -> None:
    part = next((p for p in c.parts if p.id == step.data.get("part_id")), None)
    if part is None or part.done_on is not None:
        step.errors["part_id"] = str(_l("Choose a department whose part is still open."))
        return
    part.done_on = timeutil.today()
    part.note = step.comment
    step.snapshot = {"department": part.department}


@WORKFLOW.handler(A.COMPLETE)
def _complete(c: ServiceCase, step: Step) -> None:
    result = " ".join(str(step.data.get("result") or "").split())[:2000]
    if len(result) < 2:
        step.errors["result"] = str(_l("Write the result."))
        return
    c.result = result
    c.done_on = timeutil.today()
    if c.agent_member_id is None:
        _hold(c, step)  # whoever completes an unassigned case is its agent
    step.snapshot = {"result": result, "on_time": c.due_on is None or c.done_on <= c.due_on}


@WORKFLOW.handler(A.DELIVER)
def _deliver(c: ServiceCase, step: Step) -> None:
    via = " ".join(str(step.data.get("via") or "").split())[:100]
    on = step.data.get("on") or timeutil.today()
    if len(via) < 2:
        step.errors["via"] = str(_l("Say how the result reached the applicant."))
    elif isinstance(on, datetime) or not isinstance(on, date) or on > timeutil.today():
        step.errors["on"] = str(_l("This date is in the future."))
    if step.errors:
        return
    c.delivered_via = via
    c.delivered_on = on


@WORKFLOW.handler(A.EVALUATE)
def _evaluate(c: ServiceCase, step: Step) -> None:
    level = step.data.get("level")
    if level not in (1, 2, 3, 4, 5):
        step.errors["level"] = str(_l("Choose how satisfied the applicant is."))
        return
    last = latest_evaluation(c)
    ev = Evaluation(
        case_id=c.id,
        level=level,
        comment=step.comment,
        source="online" if step.actor is None else "return_visit",
        round=1 if last is None else last.round + 1,
    )
    db.session.add(ev)
    step.snapshot = {"level": level, "round": ev.round}


@WORKFLOW.handler(A.OPEN_FOLLOW_UP)
def _open_follow_up(c: ServiceCase, step: Step) -> None:
    today = timeutil.today()
    c.visit_due_on = workdays.add_workdays(today, VISIT_DAYS)
    c.fix_due_on = workdays.add_workdays(today, FIX_DAYS)
    step.snapshot = {"visit_due_on": str(c.visit_due_on), "fix_due_on": str(c.fix_due_on)}


@WORKFLOW.handler(A.RETURN_VISIT)
def _return_visit(c: ServiceCase, step: Step) -> None:
    c.visit_due_on = None  # visited: only the fix's due date still runs


@WORKFLOW.handler(A.FIX)
def _fix(c: ServiceCase, step: Step) -> None:
    c.delivered_on = timeutil.today()
    c.fix_due_on = None
    c.visit_due_on = None
