"""The appraisal workflow: one transition table and the one function that applies it.

draft → submitted → signed → assessed → closed, with a return path at each step, the spot
check beside "assessed", and the veto beside everything. No code sets ``Appraisal.status``
anywhere else.
"""

from __future__ import annotations

import math
from datetime import date
from enum import StrEnum
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit, policy
from app.appraisal.models import Appraisal, AppraisalStep, Grade, Status, VetoCategory
from app.auth.models import User
from app.common import timeutil
from app.common.timeutil import utcnow
from app.errors import FieldErrors, PermissionDenied, StaleRecord, ValidationError
from app.extensions import db
from app.orgs.tree import branch_org_ids


class Action(StrEnum):
    SUBMIT = "submit"
    RETURN_TO_MEMBER = "return_to_member"
    SIGN = "sign"
    RETURN_TO_SIGNER = "return_to_signer"
    ASSESS = "assess"
    RETURN_TO_BRANCH = "return_to_branch"
    SPOT_CONFIRM = "spot_confirm"
    SPOT_ADJUST = "spot_adjust"
    VETO = "veto"
    LIFT_VETO = "lift_veto"
    CLOSE = "close"
    REOPEN = "reopen"


S = Status
_OPEN = (S.DRAFT, S.SUBMITTED, S.SIGNED, S.ASSESSED)

# (status, action) -> new status. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Action.RETURN_TO_MEMBER): S.DRAFT,
    (S.SUBMITTED, Action.SIGN): S.SIGNED,
    (S.SIGNED, Action.RETURN_TO_SIGNER): S.SUBMITTED,
    (S.SIGNED, Action.ASSESS): S.ASSESSED,
    (S.ASSESSED, Action.ASSESS): S.ASSESSED,  # the branch revises its opinion before closing
    (S.ASSESSED, Action.RETURN_TO_BRANCH): S.SIGNED,
    (S.ASSESSED, Action.SPOT_CONFIRM): S.ASSESSED,
    (S.ASSESSED, Action.SPOT_ADJUST): S.ASSESSED,
    **{(s, Action.VETO): s for s in _OPEN},
    **{(s, Action.LIFT_VETO): s for s in _OPEN},
    **{(s, Action.CLOSE): S.CLOSED for s in _OPEN},
    (S.CLOSED, Action.REOPEN): S.ASSESSED,
}
# Actions whose comment is required (a reason, an opinion or the facts).
NEEDS_COMMENT = {
    Action.RETURN_TO_MEMBER,
    Action.SIGN,
    Action.RETURN_TO_SIGNER,
    Action.RETURN_TO_BRANCH,
    Action.SPOT_ADJUST,
    Action.VETO,
    Action.LIFT_VETO,
    Action.REOPEN,
}
# Actions the system (closing a period) may take without a user.
SYSTEM_ACTIONS = {Action.CLOSE}


class InvalidTransition(ValidationError):
    status_code = 409


def apply(
    appraisal: Appraisal,
    action: str,
    actor: User | None,
    *,
    expected_version: int | None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> AppraisalStep:
    """Apply ``action`` to ``appraisal``: check the table, the policy and the rules, change the
    record, append a timeline step, audit it. The version counter moves with the UPDATE.

    Raises StaleRecord when ``expected_version`` is behind, InvalidTransition for a step the
    table does not allow, PermissionDenied, or FieldErrors naming each field at fault.
    The caller commits.
    """
    action = Action(action)
    data = data or {}
    if expected_version is not None and appraisal.version != expected_version:
        raise StaleRecord()
    new_status = TRANSITIONS.get((appraisal.status, action))
    if new_status is None:
        raise InvalidTransition(_l("This step is not possible in the record's current state."))
    if actor is None:
        if action not in SYSTEM_ACTIONS:
            raise PermissionDenied(_l("A person must take this step."))
    elif action == Action.CLOSE:
        if not policy.can(actor, "appraisal.close", appraisal):
            raise PermissionDenied(_l("You may not take this step on this record."))
    elif action != Action.CLOSE and not policy.can(actor, f"appraisal.{action.value}", appraisal):
        raise PermissionDenied(_l("You may not take this step on this record."))
    if appraisal.status == S.CLOSED and action != Action.REOPEN:
        raise InvalidTransition(_l("The period is closed; the record is read-only."))
    if action == Action.CLOSE and actor is not None and not appraisal.period.is_closed:
        # Records close with their quarter; one by one only after a reopen.
        raise InvalidTransition(_l("Records close with their quarter."))

    comment = " ".join((comment or "").split()) if action != Action.VETO else (comment or "")
    comment = comment.strip()[:2000]
    errors: dict[str, str] = {}
    if action in NEEDS_COMMENT and len(comment) < 2:
        errors["comment"] = str(_l("Write the reason or opinion."))
    snapshot = None

    if action == Action.SUBMIT:
        record = appraisal.self_record or {}
        missing = [
            d["label"]
            for d in dimensions_for(appraisal)
            if not str((record.get(d["key"]) or {}).get("text", "")).strip()
        ]
        if missing:
            errors["self_record"] = str(
                _l(
                    "Fill in every dimension before submitting: %(items)s.",
                    items="、".join(missing),
                )
            )
        appraisal.record_revision += 1
        snapshot = {"revision": appraisal.record_revision, "self_record": appraisal.self_record}
    elif action == Action.SIGN:
        if appraisal.member.user_id is not None and actor.id == appraisal.member.user_id:
            raise PermissionDenied(_l("Nobody signs their own record."))
        appraisal.sign_opinion = comment
        appraisal.signed_by_id = actor.id
        appraisal.signed_at = utcnow()
        snapshot = {"revision": appraisal.record_revision, "opinion": comment}
    elif action == Action.ASSESS:
        _assess(appraisal, data, errors)
        if appraisal.spot_result == "returned":
            appraisal.spot_result = None  # back in the committee's spot-check list
        snapshot = {
            "grade": appraisal.grade,
            "meeting_on": str(appraisal.branch_meeting_on or ""),
            "comment": appraisal.branch_comment,
        }
    elif action == Action.SPOT_CONFIRM:
        _require_sampled(appraisal)
        appraisal.spot_result = "confirmed"
    elif action == Action.SPOT_ADJUST:
        _require_sampled(appraisal)
        grade = data.get("grade")
        if grade not in set(Grade):
            errors["grade"] = str(_l("Choose a grade."))
        elif appraisal.is_vetoed and grade != Grade.UNQUALIFIED:
            errors["grade"] = str(_l("A vetoed record stays unqualified."))
        else:
            if grade == Grade.EXCELLENT and appraisal.grade != Grade.EXCELLENT:
                _check_excellent_cap(appraisal, errors)
            snapshot = {"from": appraisal.grade, "to": grade}
            appraisal.grade = grade
            appraisal.spot_result = "adjusted"
    elif action == Action.RETURN_TO_BRANCH:
        appraisal.spot_result = "returned" if appraisal.is_sampled else appraisal.spot_result
    elif action == Action.VETO:
        category = data.get("category")
        if appraisal.is_vetoed:
            raise InvalidTransition(_l("This record is already vetoed."))
        if category not in set(VetoCategory):
            errors["category"] = str(_l("Choose the category."))
        else:
            snapshot = {"category": category, "grade_before": appraisal.grade}
            appraisal.is_vetoed = True
            appraisal.veto_category = category
            appraisal.veto_facts = comment
            appraisal.grade = Grade.UNQUALIFIED
    elif action == Action.LIFT_VETO:
        if not appraisal.is_vetoed:
            raise InvalidTransition(_l("This record is not vetoed."))
        appraisal.is_vetoed = False
        appraisal.veto_category = None
        # The grade the branch had given before the veto comes back.
        veto = db.session.scalar(
            select(AppraisalStep)
            .where(AppraisalStep.appraisal_id == appraisal.id, AppraisalStep.action == "veto")
            .order_by(AppraisalStep.id.desc())
            .limit(1)
        )
        appraisal.grade = (veto.snapshot or {}).get("grade_before") if veto else None
    if errors:
        raise FieldErrors(errors)

    if action == Action.CLOSE:
        snapshot = {"status_before": appraisal.status}
    elif action == Action.REOPEN:
        closed = db.session.scalar(
            select(AppraisalStep)
            .where(AppraisalStep.appraisal_id == appraisal.id, AppraisalStep.action == "close")
            .order_by(AppraisalStep.id.desc())
            .limit(1)
        )
        new_status = (
            (closed.snapshot or {}).get("status_before") if closed else None
        ) or new_status
    old_status = appraisal.status
    appraisal.status = new_status
    step = AppraisalStep(
        appraisal_id=appraisal.id,
        action=action.value,
        from_status=old_status,
        to_status=new_status,
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", ""),
        comment=comment,
        snapshot=snapshot,
    )
    db.session.add(step)
    audit.record(
        actor,
        f"appraisal.{action.value}",
        appraisal,
        org_path=appraisal.org.path,
        actor_name=getattr(actor, "username", "") if actor else "",
        from_status=old_status,
        to_status=new_status,
        member_id=appraisal.member_id,
        comment=comment,
    )
    db.session.flush()
    return step


def _require_sampled(appraisal: Appraisal) -> None:
    if not appraisal.is_sampled:
        raise InvalidTransition(_l("This record was not drawn for the spot check."))


def _assess(appraisal: Appraisal, data: dict[str, Any], errors: dict[str, str]) -> None:
    meeting = data.get("meeting_on")
    if not isinstance(meeting, date):
        errors["meeting_on"] = str(_l("Give the date of the branch committee meeting."))
    elif meeting > timeutil.today():
        errors["meeting_on"] = str(_l("This date is in the future."))
    grade = data.get("grade") or None
    if appraisal.is_probationary:
        # Probationary members are reviewed, not graded, unless a grade is given on purpose.
        if grade is not None and grade not in set(Grade):
            errors["grade"] = str(_l("Choose a grade."))
    elif grade not in set(Grade):
        errors["grade"] = str(_l("Choose a grade."))
    if appraisal.is_vetoed and grade not in (None, Grade.UNQUALIFIED):
        errors["grade"] = str(_l("A vetoed record stays unqualified."))
    comment = " ".join(str(data.get("comment") or "").split())[:2000]
    if len(comment) < 2:
        errors["comment"] = str(_l("Write the branch's opinion."))
    if grade == Grade.EXCELLENT and "grade" not in errors:
        _check_excellent_cap(appraisal, errors)
    if errors:
        return
    appraisal.branch_meeting_on = meeting
    appraisal.grade = Grade.UNQUALIFIED if appraisal.is_vetoed else grade
    appraisal.branch_comment = comment
    appraisal.masses_opinion = " ".join(str(data.get("masses") or "").split())[:2000]


def _check_excellent_cap(appraisal: Appraisal, errors: dict[str, str]) -> None:
    """优秀 is capped per branch and quarter (a share of the graded members, default 1/3)."""
    branch_ids = branch_org_ids(appraisal.org)
    base = select(func.count(Appraisal.id)).where(
        Appraisal.period_id == appraisal.period_id,
        Appraisal.org_id.in_(branch_ids),
        Appraisal.is_probationary.is_(False),
    )
    total = db.session.scalar(base) or 0
    excellent = (
        db.session.scalar(
            base.where(Appraisal.grade == Grade.EXCELLENT, Appraisal.id != appraisal.id)
        )
        or 0
    )
    cap = appraisal.period.excellent_cap
    if cap is None:
        cap = current_app.config.get("EXCELLENT_CAP", 1 / 3)
    allowed = math.floor(total * cap + 1e-9)  # 0.29 × 100 is 28.999… in floating point
    if excellent + 1 > allowed:
        errors["grade"] = str(
            _l(
                "The branch may grade at most %(allowed)d of %(total)d members excellent; "
                "%(used)d already are.",
                allowed=allowed,
                total=total,
                used=excellent,
            )
        )


def dimensions_for(appraisal: Appraisal) -> list[dict[str, str]]:
    """The dimensions this record uses: the period's frozen template for the post kind."""
    templates = appraisal.period.templates or {}
    return templates.get(appraisal.post_kind) or templates.get("no_post") or []


def allowed_actions(appraisal: Appraisal, user: User) -> list[str]:
    """The actions ``user`` may take on the record now (to show the right forms)."""
    out = []
    for (status, action), _new in TRANSITIONS.items():
        if status != appraisal.status:
            continue
        if action == Action.CLOSE and not appraisal.period.is_closed:
            continue
        if appraisal.status == S.CLOSED and action != Action.REOPEN:
            continue
        if action == Action.VETO and appraisal.is_vetoed:
            continue
        if action == Action.LIFT_VETO and not appraisal.is_vetoed:
            continue
        if action in (Action.SPOT_CONFIRM, Action.SPOT_ADJUST) and not appraisal.is_sampled:
            continue
        if policy.can(user, f"appraisal.{action.value}", appraisal):
            out.append(action.value)
    return out
